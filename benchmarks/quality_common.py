"""What the sections of benchmarks/quality.py share: where the data is, the date screened on, the engines
(built as `clearance screen` builds its own: built-in data plus list files, no CLEARANCE_HOME snapshots),
progress on standard error, and each section's heading."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from clearance import Engine, load_dataset

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared" / "data"
ALL_LISTS = [SHARED / "ofac-sdn-2021", SHARED / "ofac-consolidated-2025", SHARED / "other"]
UN_FILE = SHARED / "other" / "un-consolidated-2026.xml"
# a fixed date, after the newest list file (the UN list of 2026-02-27), so that the figures reproduce
AS_OF = "2026-03-01"


def shown(path: Path) -> str:
    """A path as the figures print it: relative to the repository (../shared/... for the shared data)."""
    path = path.resolve()
    for base, prefix in ((ROOT, ""), (ROOT.parent, "../")):
        if path.is_relative_to(base):
            return prefix + str(path.relative_to(base))
    return str(path)


def engine_for(lists: Sequence[Path]) -> Engine:
    """The engine a section screens with: the built-in data and `lists`, prepared, gaps said on stderr."""
    start = time.perf_counter()
    engine = Engine(load_dataset(lists=lists, home=SHARED / "no-home"))
    engine.prepare()
    took = time.perf_counter() - start
    say(f"loaded {', '.join(shown(p) for p in lists)}: {len(engine.matcher.index):,} names in {took:.1f} s")
    for gap in engine.dataset.warnings:
        say(f"data warning (decisions may turn review): {gap}")
    return engine


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def progress(label: str, total: int) -> Callable[[int], None]:
    """A callback that prints "label: n/total" on standard error."""
    return lambda n: say(f"  {label}: {n:,}/{total:,}")


def heading(title: str, command: str, lists: Sequence[Path] | str, as_of: str = AS_OF) -> str:
    where = lists if isinstance(lists, str) else ", ".join(shown(p) for p in lists)
    return f"\n== {title}\nreproduce: {command}\nlists: {where}\nas of: {as_of}"

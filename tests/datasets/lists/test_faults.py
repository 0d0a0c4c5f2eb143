"""Fault injection on the lists (issue 16): files cut at random points, imports killed at every step and
at random moments, homes damaged at random bytes.

- A list file cut anywhere never imports as a smaller list without failing (here with no loss limit, so
  that only the file's end and the shrink check stand in the way): a format that knows its end
  (OFAC's legacy CSV and its end mark, XML, the CSL JSON) refuses every cut that loses anything; a
  format without an end mark (the DPL text, the CSL and UK CSV, JSON lines) refuses every cut inside a
  row, and a cut at a row boundary is caught by the shrink check once it loses more than 10% against
  the active snapshot; no entry is ever kept with a name cut short.
- An import of several sources killed (SIGKILL, in a process of its own) at any step or any moment
  leaves the home as it was or fully updated, never between; the next import works and leaves nothing
  of the killed one behind.
- A home with any byte changed or any file cut reads the same lists or fails with a DataError, never
  another exception; on the command line that is one line, exit 2, no traceback.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from clearance.datasets.lists.base import ListData
from clearance.datasets.lists.reading import ImportFailed, read
from clearance.datasets.lists.snapshots import active, read_index, root
from clearance.datasets.lists.updates import import_files, load_active
from clearance.errors import DataError
from datasets.lists.list_files import (
    CSL_CSV,
    CSL_JSON,
    DPL,
    EU_XML,
    FTM,
    OFAC_XML,
    SDN,
    UK_CSV,
    UN,
    copy,
    delist,
    one_line,
)

CHILD = Path(__file__).with_name("import_child.py")
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _entries(datas: list[ListData]) -> dict[str, frozenset[str]]:
    return {e.id: frozenset(n.value for n in e.all_names()) for d in datas for e in d.entities}


# --------------------------------------------------------------------------------- cut at random points

MARKED = [SDN / "sdn.csv", SDN / "add.csv", SDN / "alt.csv", UN, OFAC_XML, EU_XML, CSL_JSON]
UNMARKED = [DPL, CSL_CSV, UK_CSV, FTM]


def _cut_point(data: st.DataObject, source: Path) -> int:
    """Any byte, or just after a line end (where a cut leaves whole rows: the hard case)."""
    raw = source.read_bytes()
    ends = [i + 1 for i, byte in enumerate(raw[:-1]) if byte == 0x0A]
    anywhere = st.integers(0, len(raw) - 1)
    return data.draw(st.one_of(anywhere, st.sampled_from(ends)) if ends else anywhere, label="cut at")


def _with_cut(tmp: Path, source: Path, at: int) -> Path:
    """The list `source` belongs to, with `source` cut at byte `at` (an OFAC file within its folder)."""
    if source.parent == SDN:
        folder = copy(SDN, tmp / "sdn")
        (folder / source.name).write_bytes(source.read_bytes()[:at])
        return folder
    dest = tmp / source.name
    dest.write_bytes(source.read_bytes()[:at])
    return dest


@settings(FAST, max_examples=150)
@given(data=st.data())
def test_a_file_that_knows_its_end_refuses_every_cut(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    source = data.draw(st.sampled_from(MARKED), label="file")
    at = _cut_point(data, source)
    whole = _entries(read([SDN if source.parent == SDN else source], max_loss=1.0))
    tmp = tmp_path_factory.mktemp("cut")
    try:  # with no loss limit: only what the reader knows of the file's end can refuse a cut
        cut = read([_with_cut(tmp, source, at)], max_loss=1.0)
    except ImportFailed:
        event("refused")
        return
    event("read: nothing lost")
    assert _entries(cut) == whole  # only a cut that loses nothing (a final line end) may pass


@settings(FAST, max_examples=100)
@given(data=st.data())
def test_a_file_without_an_end_mark_never_keeps_a_row_cut_short(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    source = data.draw(st.sampled_from(UNMARKED), label="file")
    at = _cut_point(data, source)
    home = tmp_path_factory.mktemp("home")
    import_files([source], home, max_loss=1.0)
    whole = _entries(read([source], max_loss=1.0))
    try:  # with no loss limit: the reader's knowledge of a row cut short and the shrink check
        (imported,) = import_files(
            [_with_cut(tmp_path_factory.mktemp("cut"), source, at)], home, max_loss=1.0
        )
    except ImportFailed as exc:
        event("refused: shrink" if "active snapshot has" in str(exc) else "refused: cut short")
        assert _entries(load_active(home)[0]) == whole  # refused: the whole list stays active
        return
    event("imported")
    kept = _entries([imported.data])
    assert len(kept) >= 0.9 * len(whole)  # the shrink check
    # whole rows only: every name kept is a name of the whole file (an entry may stand alone that the
    # whole file joined to another by its alias, as the DPL reader does, but no name is cut short)
    assert set().union(*kept.values()) <= set().union(*whole.values())


# ---------------------------------------------------------------------------------- killed imports


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, str], dict[str, str]]:
    """A home with the SDN and UN excerpts active (`before`), and the files of an import that replaces
    both and adds the DPL (`after`): the content hashes of the active snapshots, by source."""
    tmp = tmp_path_factory.mktemp("scene")
    before_home = tmp / "before"
    import_files([SDN, UN], before_home)
    sdn = copy(SDN, tmp / "new" / "sdn")
    delist(sdn, "306")
    text = UN.read_text(encoding="utf-8")
    start, end = text.index("<INDIVIDUAL>"), text.index("</INDIVIDUAL>") + len("</INDIVIDUAL>")
    un = tmp / "new" / "un.xml"
    un.write_text(text[:start] + text[end:], encoding="utf-8")
    paths = [str(sdn), str(un), str(DPL)]
    after_home = tmp / "after"
    shutil.copytree(before_home, after_home)
    import_files(paths, after_home)
    return before_home, paths, _shas(before_home), _shas(after_home)


def _shas(home: Path) -> dict[str, str]:
    return {s.source: s.sha256 for s in active(home)}


def _check_after_kill(home: Path, paths: list[str], before: dict[str, str], after: dict[str, str]) -> bool:
    """Check the home an import was killed in, then the next import; whether the killed one had gone
    through."""
    state = _shas(home)
    assert state in (before, after), state  # never some sources new and others old
    load_active(home)  # readable: no damage, whichever state it is in
    import_files(paths, home)  # the next run works ...
    assert _shas(home) == after
    base = root(home)
    assert not [p for p in base.rglob("*") if p.name.startswith((".incoming-", ".active-"))]
    index = read_index(home)
    for folder in (d for d in base.iterdir() if d.is_dir()):  # ... and leaves only activated snapshots
        assert {s.name for s in folder.iterdir()} <= index.activated(folder.name)
    return state == after


def _child(kill_at: int, home: Path, paths: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(kill_at), str(home), *paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_an_import_killed_at_every_step_leaves_the_home_before_or_after(
    tmp_path: Path, scene: tuple[Path, list[str], dict[str, str], dict[str, str]]
) -> None:
    before_home, paths, before, after = scene
    probe = tmp_path / "probe"
    shutil.copytree(before_home, probe)
    out, _ = _child(0, probe, paths).communicate()
    steps = int(out.split()[-1])
    assert steps > 10 and _shas(probe) == after
    through = []
    for kill_at in range(1, steps + 1):
        home = tmp_path / f"home-{kill_at}"
        shutil.copytree(before_home, home)
        proc = _child(kill_at, home, paths)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL, kill_at
        through.append(_check_after_kill(home, paths, before, after))
    # killed before the replace of ACTIVE: as before; after it: updated; nothing else in between
    assert through == sorted(through) and through[0] is False and through[-1] is True


@pytest.mark.slow
@settings(FAST, max_examples=12)
@given(moment=st.floats(0.0, 1.2))
def test_an_import_killed_at_a_random_moment_leaves_the_home_before_or_after(
    tmp_path_factory: pytest.TempPathFactory,
    scene: tuple[Path, list[str], dict[str, str], dict[str, str]],
    moment: float,
) -> None:
    """`moment` is a share of the time an import takes once the child is ready (measured, not asserted)."""
    before_home, paths, before, after = scene
    home = tmp_path_factory.mktemp("killed") / "home"
    shutil.copytree(before_home, home)
    proc = _child(0, home, paths)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(moment * _import_time(scene))  # a moment of the import: chosen by time, never asserted
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    _check_after_kill(home, paths, before, after)


_TIMES: list[float] = []


def _import_time(scene: tuple[Path, list[str], dict[str, str], dict[str, str]]) -> float:
    """How long the child takes from "ready" to its end, once, on this machine."""
    if not _TIMES:
        before_home, paths, _, _ = scene
        home = before_home.parent / "timed"
        shutil.copytree(before_home, home)
        proc = _child(0, home, paths)
        assert proc.stdout is not None
        proc.stdout.readline()
        started = time.monotonic()
        proc.communicate()
        _TIMES.append(time.monotonic() - started)
    return _TIMES[0]


# ---------------------------------------------------------------------------------------- damaged home


@pytest.fixture(scope="module")
def intact(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, frozenset[str]]]:
    home = tmp_path_factory.mktemp("intact") / "home"
    import_files([SDN, UN], home)
    return home, _entries(load_active(home)[0])


def _home_files(home: Path) -> list[Path]:
    return sorted(p for p in root(home).rglob("*") if p.is_file() and p.name != ".lock")


@settings(FAST, max_examples=120)
@given(data=st.data())
def test_a_home_damaged_at_any_byte_reads_the_same_lists_or_fails_with_a_data_error(
    tmp_path_factory: pytest.TempPathFactory,
    intact: tuple[Path, dict[str, frozenset[str]]],
    data: st.DataObject,
) -> None:
    original, whole = intact
    home = tmp_path_factory.mktemp("damaged") / "home"
    shutil.copytree(original, home)
    files = _home_files(home)
    path = data.draw(st.sampled_from(files), label="file")
    raw = path.read_bytes()
    at = data.draw(st.integers(0, max(len(raw) - 1, 0)), label="at")
    if data.draw(st.booleans(), label="cut"):
        path.write_bytes(raw[:at])
    else:
        path.write_bytes(raw[:at] + bytes([data.draw(st.integers(0, 255), label="byte")]) + raw[at + 1 :])
    try:
        datas, _ = load_active(home)
    except DataError as exc:
        event(f"DataError on {path.name if path.name in ('ACTIVE', 'manifest.json') else 'a list file'}")
        assert str(exc) and "\n" not in str(exc)
        return
    event(f"same lists ({path.name if path.name in ('ACTIVE', 'manifest.json') else 'a list file'})")
    assert _entries(datas) == whole


@pytest.mark.parametrize(
    "damage",
    [
        lambda home: (root(home) / "ACTIVE").write_text("{"),
        lambda home: next(root(home).glob("ofac-sdn/*/manifest.json")).write_text("[]"),
        lambda home: next(root(home).glob("ofac-sdn/*/alt.csv")).unlink(),
        lambda home: next(root(home).glob("un-sc/*/*.xml")).write_bytes(b""),
    ],
    ids=["ACTIVE", "manifest", "deleted file", "emptied file"],
)
def test_a_damaged_home_on_the_command_line_is_one_line_exit_2(
    tmp_path: Path, intact: tuple[Path, dict[str, frozenset[str]]], damage: object
) -> None:
    home = tmp_path / "home"
    shutil.copytree(intact[0], home)
    damage(home)  # type: ignore[operator]
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from clearance.faces.cli.app import main; main()",
            "screen",
            "BANCO NACIONAL DE CUBA",
            "--as-of",
            "2021-07-01",
        ],
        env={**os.environ, "CLEARANCE_HOME": str(home), "CLEARANCE_ON_STALE": "warn"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert one_line(proc.stderr).startswith("error: ")
    assert proc.stdout == ""

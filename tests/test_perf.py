from __future__ import annotations

import contextlib
import gc
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from clearance import Engine
from clearance.errors import ClearanceError
from clearance.faces.batch import BatchJob
from clearance.faces.batch.rows import Source
from clearance.faces.batch.screen import WorkerState
from clearance.perf import Recent, quiet_heap


@given(st.integers(min_value=1, max_value=20), st.lists(st.integers(min_value=0, max_value=50), max_size=200))
def test_a_recent_cache_stays_within_its_size_and_keeps_the_latest_entries(
    size: int, keys: list[int]
) -> None:
    cache: Recent[int, int] = Recent(size)
    for n, key in enumerate(keys):
        cache.remember(key, n)
        assert len(cache) <= size
        assert cache[key] == n  # what was just remembered is there, with its latest value
    latest = list(dict.fromkeys(reversed(keys)))[: (size + 1) // 2]
    assert all(key in cache for key in latest)  # at least the newer half survives a sweep


def test_a_full_cache_forgets_its_older_half_not_everything() -> None:
    cache: Recent[str, int] = Recent(4)
    for n, key in enumerate("abcd"):
        cache.remember(key, n)
    cache.remember("e", 4)
    assert list(cache) == ["c", "d", "e"]


def test_screening_leaves_no_cyclic_garbage(engine: Engine, tmp_path: Path) -> None:
    """`quiet_heap` moves what a chunk left alive out of the collector's sight instead of collecting: that
    is only sound while screening (matches, decisions, rejects, errors) makes no reference cycles."""
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"id,name,date\n1,Tencent Holdings,2021-03-01\n2,,2021-03-01\n3,Acme,2021-13-01\n"
        b"4,\xe9\xe9,2021-03-01\n5,Olufemi Nwosu,2021-03-01\nshort\n6,\xe8\x85\xbe\xe8\xae\xaf,2021-03-01\n"
    )
    job = BatchJob(input=src, output=tmp_path / "out.csv", id_col="id", date_col="date")
    header = ("id", "name", "date")
    raws = list(Source(src, "csv").raws)
    gc.unfreeze()  # garbage left by earlier tests, frozen or not, is collected first
    gc.collect()
    with quiet_heap():
        state = WorkerState(engine)
        for text in ["Tencent", "Mao Tse-tung", "SMIC", "", "x" * 300, "Alipay to QQ Wallet"]:
            for kind in ("party", "person", "text"):
                with contextlib.suppress(ClearanceError):
                    engine.screen(text, kind=kind, as_of="2021-03-01")
        chunk = state.screen(job, header, raws)
        assert chunk.rows == 3 and len(chunk.rejects) == 4
        del chunk, state
    gc.unfreeze()  # let the collector see everything made above again
    assert gc.collect() == 0

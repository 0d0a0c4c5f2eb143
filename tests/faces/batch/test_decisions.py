"""A row's decision: remembered by name, kind, date and activity for one engine only, and encoded as
the CSV or JSON the batch writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance import Engine, load_dataset
from clearance.faces.batch import BatchJob, DecisionCache, run, screen_row
from clearance.faces.batch.decisions import Outcome
from faces.batch.batch_files import job, write_csv

JOB = BatchJob(input=Path("in.csv"), output=Path("out.csv"), id_col="id")


@pytest.mark.integration
def test_decisions_remembered_for_one_engine_are_not_reused_by_another(
    tmp_path: Path, shared_data: Path
) -> None:
    """Two runs in one process, the second with the SDN list: its listed name is decided afresh."""
    src = write_csv(tmp_path / "in.csv", [("c1", "BANCO NACIONAL DE CUBA", "2021-03-01")])
    run(job(tmp_path, src, "builtin.csv"))
    run(job(tmp_path, src, "sdn.csv", lists=[shared_data / "ofac-sdn-2021"]))
    decisions = [
        next(csv.DictReader((tmp_path / name).open(encoding="utf-8")))["decision"]
        for name in ("builtin.csv", "sdn.csv")
    ]
    assert decisions == ["clear", "block"]


def test_a_cache_remembers_by_name_kind_date_and_activity(engine: Engine) -> None:
    cache = DecisionCache(engine)
    first = cache.decide(JOB, {"id": "a", "name": "Tencent Holdings Ltd"}, "2021-03-01")
    assert cache.decide(JOB, {"id": "b", "name": "Tencent Holdings Ltd"}, "2021-03-01") is first
    later = cache.decide(JOB, {"id": "c", "name": "Tencent Holdings Ltd"}, "2021-07-01")
    assert later is not first and later.values[4] != first.values[4]  # in force, then revoked
    person = cache.decide(JOB, {"id": "d", "name": "Tencent Holdings Ltd", "kind": "person"}, "2021-03-01")
    assert person is first  # without a kind column, every row is of the job's kind
    assert len(cache.recent) == 2


def test_a_cache_holds_for_the_engine_it_was_made_for(engine: Engine) -> None:
    """A row screened with the decisions of another engine would get that engine's data: refused."""
    cache = DecisionCache(engine)
    other = Engine(load_dataset())
    fields = {"id": "a", "name": "Tencent Holdings Ltd"}
    with pytest.raises(ValueError, match="another engine"):
        screen_row(JOB, other, 2, fields, decisions=cache)
    assert DecisionCache(other).recent == {}


def test_a_full_cache_forgets_its_older_half(engine: Engine) -> None:
    cache = DecisionCache(engine, size=2)
    for name in ("Acme Corp", "Alipay", "SMIC"):
        cache.decide(JOB, {"name": name}, "2021-03-01")
    assert [key[0] for key in cache.recent] == ["Alipay", "SMIC"]


def test_screen_row_gives_the_same_record_with_or_without_remembered_decisions(engine: Engine) -> None:
    cache = DecisionCache(engine)
    job = BatchJob(input=Path("in.csv"), output=Path("out.csv"), id_col="id", as_of="2021-03-01")
    fields = {"id": "a", "name": "Tencent Holdings Ltd"}
    afresh, no_reject = screen_row(job, engine, 2, fields)
    remembered, _ = screen_row(job, engine, 2, fields, decisions=cache)
    again, _ = screen_row(job, engine, 2, fields, decisions=cache)
    assert afresh == remembered == again and no_reject is None
    assert afresh is not None and afresh["row_id"] == "a" and afresh["decision"] == "review"
    record, reject = screen_row(job, engine, 3, {"id": "b", "name": ""}, decisions=cache)
    assert record is None and reject is not None and "empty" in reject["reason"]
    assert (reject["line"], reject["row_id"], reject["row"]) == (3, "b", '{"id": "b", "name": ""}')
    assert screen_row(job, engine, 4, None, problem="broken") == (
        None,
        {"line": 4, "row_id": "4", "reason": "broken", "row": ""},
    )


@given(st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False)), min_size=2, max_size=14))
def test_decided_rows_read_back_as_their_values(values: list[object]) -> None:
    """A decision's CSV columns, encoded once by the csv module's writer, read back with its reader."""
    line = Outcome(tuple(values)).csv
    assert line.endswith("\n")
    assert next(csv.reader(io.StringIO(line, newline=""))) == [str(v) for v in values]


def test_clear_rows_share_one_outcome_and_keep_their_own_names(engine: Engine) -> None:
    """Remembering a clear decision costs a key and a name: the rest of its row is shared; a hit has its
    own, and every record still carries the name it was decided for."""
    cache = DecisionCache(engine)
    one = cache.decide(JOB, {"name": "Emily Harrow"}, "2021-03-01")
    two = cache.decide(JOB, {"name": "Jonas Pettersen"}, "2021-03-01")
    hit = cache.decide(JOB, {"name": "Tencent Holdings Ltd"}, "2021-03-01")
    assert one.decision == two.decision == "clear" and hit.decision != "clear"
    assert one.outcome is two.outcome and hit.outcome is not one.outcome
    assert one.record("a", 2)["name"] == "Emily Harrow" and two.record("b", 3)["name"] == "Jonas Pettersen"
    assert one.values[:2] == ("Emily Harrow", "party") and two.values[0] == "Jonas Pettersen"
    later = cache.decide(JOB, {"name": "Emily Harrow"}, "2021-07-01")
    assert later.outcome is not one.outcome  # another date: another outcome

"""Batch rows with secondary evidence: the columns birth_date, country and identifier (or those named with
--birth-date-col, --country-col, --identifier-col) are weighed against each row's hits, rows that differ
only in their evidence are decided apart, and evidence that cannot be read is the row's reject."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.faces.batch import BatchJob, run
from clearance.faces.batch.run import check_columns
from fixtures import DATA

SDN = DATA / "lists" / "ofac-sdn-2021"
HEADER = ["ref", "name", "dob", "birth_date", "country", "identifier"]
ROWS = [
    ["r1", "Ayman al Zawahiri", "", "", "", ""],
    ["r2", "Ayman al Zawahiri", "", "1970", "", ""],  # a different year of birth: review
    ["r3", "Ayman al Zawahiri", "", "1951", "Egypt", ""],
    ["r4", "Mousa Marzook", "", "", "", "passport no. 92/664"],  # the id blocks on its own
    ["r5", "Mousa Marzook", "", "", "", ""],  # ABU MARZOOK, Mousa Mohammed: middle name left out, review
    ["r6", "Ayman al Zawahiri", "", "19 June 1951", "", ""],  # not a date we read: a reject
    ["r7", "Kamchybek Kolbayev", "", "", "Atlantis", ""],  # no such country: a reject
    ["r8", "Ayman al Zawahiri", "", "1970", "", ""],  # as r2, from the remembered decision
    ["r9", "Kamchybek Kolbayev", "", "1974", "KG;RU", ""],
]


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def batch(tmp_path: Path, src: Path, **kw: object) -> list[dict[str, str]]:
    job = BatchJob(
        src, tmp_path / "out.csv", id_col="ref", as_of="2021-03-01", lists=[SDN], home=tmp_path / "h", **kw
    )  # type: ignore[arg-type]
    run(job)
    return list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))


def test_evidence_columns_change_the_decisions(tmp_path: Path) -> None:
    out = {r["row_id"]: r for r in batch(tmp_path, write(tmp_path / "in.csv", ROWS))}
    assert {k: r["decision"] for k, r in out.items()} == {
        "r1": "block",
        "r2": "review",
        "r3": "block",
        "r4": "block",
        "r5": "review",
        "r8": "review",
        "r9": "block",
    }
    assert out["r2"]["evidence"] == "birth_date:differs" and float(out["r2"]["score"]) == 0.89
    assert out["r3"]["evidence"] == "birth_date:agrees;country:agrees"
    assert out["r4"]["best_entity_id"] == "ofac-3754" and out["r4"]["evidence"] == "identifier:agrees"
    assert out["r1"]["evidence"] == "" and out["r9"]["evidence"] == "birth_date:agrees;country:agrees"
    rejects = list(csv.DictReader((tmp_path / "out.csv.rejects.csv").open(encoding="utf-8")))
    assert [(r["row_id"], r["reason"].split(":")[0]) for r in rejects] == [
        ("r6", "invalid date of birth '19 June 1951'"),
        ("r7", "unknown country 'Atlantis'"),
    ]


def test_columns_named_on_the_command_line(tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", [["r1", "Ayman al Zawahiri", "1970", "", "", ""]])
    out = batch(tmp_path, src, birth_date_col="dob")
    assert out[0]["decision"] == "review" and out[0]["evidence"] == "birth_date:differs"


def test_a_named_evidence_column_the_input_lacks_is_an_error(tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", [["r1", "Ayman al Zawahiri"]], header=["ref", "name"])
    check_columns(BatchJob(src, tmp_path / "o.csv"))  # the default columns are optional
    with pytest.raises(InputError, match="--country-col"):
        check_columns(BatchJob(src, tmp_path / "o.csv", country_col="nationality"))


def test_an_app_row_ignores_a_country_column_it_was_not_told_to_read(tmp_path: Path) -> None:
    src = write(tmp_path / "in.csv", [["r1", "WeChat", "", "", "China", ""]])
    out = batch(tmp_path, src, kind="app")
    assert out[0]["decision"] == "review" and out[0]["evidence"] == ""


def test_json_lines_with_a_year_as_a_number_and_a_list_of_countries(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [
        {"ref": "j1", "name": "Ayman al Zawahiri", "birth_date": 1970},
        {"ref": "j2", "name": "Ayman al Zawahiri", "birth_date": "1951-06-19", "country": ["FR", "EG"]},
        {"ref": "j3", "name": "Mousa Marzook", "identifier": ["92/664"]},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = batch(tmp_path, src)
    assert [(r["row_id"], r["decision"], r["evidence"]) for r in out] == [
        ("j1", "review", "birth_date:differs"),
        ("j2", "block", "birth_date:agrees;country:agrees"),
        ("j3", "block", "identifier:agrees"),
    ]

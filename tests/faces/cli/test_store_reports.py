"""`clearance report blocked|rejected` and `clearance purge`, end to end on a SQLite store in a home of
the test's own: exit 0 on success, 2 with one line on an error; the acting user in the audit log."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance import Engine
from clearance.faces.cli.app import app
from clearance.store import Store
from clearance.store.cases import approve, dispose, queue
from clearance.store.enums import Disposition
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Screened, record

SMIC = "Semiconductor Manufacturing International Corporation"


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    where = tmp_path / "home"
    return {
        "CLEARANCE_HOME": str(where),
        "CLEARANCE_DATABASE_URL": f"sqlite:///{where}/store.db",
        "CLEARANCE_ON_STALE": "warn",
        "CLEARANCE_USER": "",
        "CLEARANCE_RETENTION_YEARS": "",
    }


def store_of(env: dict[str, str]) -> Store:
    return Store.open(home=Path(env["CLEARANCE_HOME"]), url=env["CLEARANCE_DATABASE_URL"])


def a_case(env: dict[str, str], engine: Engine, *, close: bool) -> int:
    store = store_of(env)
    doc = engine.screen(SMIC, as_of="2022-03-01", activity="securities").to_dict()
    record(store, [Screened(result=doc, reference="E2E-1")], source="cli", actor="ana",
           fingerprint=Fingerprints(engine.entities))  # fmt: skip
    case = int(queue(store)[0]["id"])
    if close:
        dispose(store, case, user="ana", disposition=Disposition.TRUE_MATCH, reason="it is SMIC")
        approve(store, case, user="bob")
    store.close()
    return case


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_a_report_of_an_open_case_is_refused_with_one_line(home: dict[str, str], engine: Engine) -> None:
    case = a_case(home, engine, close=False)
    for kind in ("blocked", "rejected"):
        code, out, err = run(home, "report", kind, str(case))
        assert code == 2 and out == ""
        assert err.startswith("error: ") and "is open" in err and err.count("\n") == 1
    code, _, err = run(home, "report", "blocked", "42")
    assert code == 2 and "no case 42" in err


def test_the_blocked_report_as_csv_in_a_file(home: dict[str, str], engine: Engine, tmp_path: Path) -> None:
    case = a_case(home, engine, close=True)
    target = tmp_path / "report.csv"
    code, out, err = run(
        home, "report", "blocked", str(case), "--format", "csv", "--output", str(target),
        "--filer-name", "Example Bank N.A.", "--filer-address", "1 Main St", "--user", "carol",
    )  # fmt: skip
    assert code == 0, err
    assert out == "" and "fields filled from the store" in err and str(target) in err
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["citation"] for r in rows] == [f"31 CFR 501.603(b)(1)(ii)({p})" for p in "ABCDEFGHI"]
    filer = rows[0]
    assert filer["filled"] == "no" and "contact, phone, email" in filer["reason"]
    assert rows[2]["filled"] == "yes" and "org-smic" in rows[2]["value"]
    assert rows[1]["filled"] == "no" and "not a payment" in rows[1]["reason"]
    records = store_of(home).audit_records()
    assert records[-1].action == "report_generated" and records[-1].actor == "carol"


def test_the_rejected_report_as_json_and_text(home: dict[str, str], engine: Engine) -> None:
    case = a_case(home, engine, close=True)
    code, out, err = run(home, "report", "rejected", str(case), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["report"] == "rejected_transaction" and len(doc["fields"]) == 7 and doc["due_by"]
    code, out, _ = run(home, "report", "rejected", str(case))
    assert code == 0 and "31 CFR 501.604(b)(7)" in out and "NOT FILLED" in out
    code, _, err = run(home, "report", "rejected", str(case), "--format", "xml")
    assert code == 2 and "--format" in err


def test_purge_refuses_a_date_inside_the_retention_period(home: dict[str, str], engine: Engine) -> None:
    a_case(home, engine, close=True)
    before = len(store_of(home).audit_records())
    code, out, err = run(home, "purge", "--before", "2024-01-01")
    assert code == 2 and out == "" and "inside the retention period" in err and err.count("\n") == 1
    code, _, err = run(home, "purge", "--before", "01/01/2000")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run({**home, "CLEARANCE_RETENTION_YEARS": "7"}, "purge", "--before", "2000-01-01")
    assert code == 2 and "legal minimum" in err
    assert len(store_of(home).audit_records()) == before


def test_purge_far_back_and_dry_run(home: dict[str, str], engine: Engine) -> None:
    a_case(home, engine, close=True)
    code, out, err = run(home, "purge", "--before", "2000-01-01", "--dry-run")
    assert code == 0, err
    assert out.startswith("would delete: 0 decisions, 0 alerts, 0 cases, 0 parties")
    code, out, err = run(home, "purge", "--before", "2000-01-01", "--json", "--user", "dana")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["deleted"] == {"decisions": 0, "alerts": 0, "cases": 0, "parties": 0} and not doc["dry_run"]
    assert doc["retention"]["years"] == 10 and "501.601" in doc["retention"]["citation"]
    store = store_of(home)
    assert store.audit_records()[-1].action == "purge" and store.audit_records()[-1].actor == "dana"
    assert store.verify().ok

"""The case work of the issue, end to end through the command line: a batch recorded, alerts in
cases, a disposition with a colleague (four eyes), an allowlisted false positive, a list update that
brings only its new hits, the audit chain verified, then caught after an edit and after a deletion."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.faces.cli.app import app
from fixtures import DATA

SDN = DATA / "lists" / "ofac-sdn-2021"
ROWS = """id,name
C-1,Tencent Holdings
C-2,Semiconductor Manufacturing International Corporation
C-3,Mary Johnson Bakery
C-4,Banco Nacional de Cuba
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"CLEARANCE_HOME": str(tmp_path / "home"), "CLEARANCE_ON_STALE": "warn", "CLEARANCE_RECORD": "0"}


def run(env: dict[str, str], *args: str, user: str | None = "ana") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={**env, "CLEARANCE_USER": user})
    return result.exit_code, result.stdout, result.stderr


def cases(env: dict[str, str], *args: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = run(env, "cases", "list", "--json", *args)
    assert code == 0, err
    return json.loads(out)["cases"]  # type: ignore[no-any-return]


def by_party(env: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["party"]: c for c in cases(env)}


def test_the_case_work_of_the_issue(env: dict[str, str], tmp_path: Path) -> None:
    rows = tmp_path / "customers.csv"
    rows.write_text(ROWS, encoding="utf-8")
    written = tmp_path / "decisions.jsonl"
    code, _, err = run(
        env,
        "batch",
        str(rows),
        "-o",
        str(written),
        "--id-col",
        "id",
        "--as-of",
        "2021-03-01",
        "--activity",
        "securities",
        "--record",
    )
    assert code == 1, err
    assert "recorded: 4 decisions, 2 alerts opened" in err
    queue = by_party(env)
    assert set(queue) == {"Tencent Holdings", "Semiconductor Manufacturing International Corporation"}

    # SMIC blocks for securities: a true match needs a colleague
    smic = queue["Semiconductor Manufacturing International Corporation"]["id"]
    code, out, _ = run(env, "cases", "dispose", str(smic), "--as", "true_match", "--reason", "CMIC entry")
    assert code == 0 and "awaiting_approval" in out
    code, _, err = run(env, "cases", "approve", str(smic))
    assert code == 2 and "another analyst must approve" in err
    code, out, _ = run(env, "cases", "approve", str(smic), user="bob")
    assert code == 0 and "closed" in out
    code, out, _ = run(env, "cases", "show", str(smic), "--json")
    detail = json.loads(out)
    assert detail["proposed_by"] == "ana" and detail["approved_by"] == "bob"
    report_file = tmp_path / "smic-blocked.csv"
    code, _, err = run(
        env,
        "report",
        "blocked",
        str(smic),
        "--format",
        "csv",
        "--output",
        str(report_file),
        "--filer-name",
        "Example Bank",
        "--filer-address",
        "1 Main St",
        "--filer-contact",
        "J. Doe",
        "--filer-phone",
        "+1 555 0100",
        "--filer-email",
        "sanctions@example.com",
    )
    assert code == 0, err
    fields = {row["field"]: row for row in csv.DictReader(report_file.open(encoding="utf-8"))}
    assert fields["Legal authority"]["filled"] == "yes" and "EO 13959" in fields["Legal authority"]["value"]
    assert fields["Filer"]["filled"] == "yes" and "Example Bank" in fields["Filer"]["value"]
    assert fields["Value in US dollars"]["filled"] == "no" and fields["Value in US dollars"]["reason"]

    # Tencent is our customer's namesake: allowlisted, then no alert on the next run
    tencent = queue["Tencent Holdings"]["id"]
    alert = json.loads(run(env, "cases", "show", str(tencent), "--json")[1])["alerts"][0]["id"]
    code, out, _ = run(env, "allowlist", "add", "--alert", str(alert), "--reason", "a tea shop in Leeds")
    assert code == 0 and "allowlist entry 1" in out
    assert (
        run(env, "cases", "dispose", str(tencent), "--as", "false_positive", "--reason", "tea shop")[0] == 0
    )
    code, _, err = run(
        env,
        "batch",
        str(rows),
        "-o",
        str(written.with_name("again.jsonl")),
        "--id-col",
        "id",
        "--as-of",
        "2021-03-01",
        "--activity",
        "securities",
        "--record",
    )
    assert "1 suppressed by the allowlist" in err and "1 alerts opened" in err  # SMIC again: closed case

    # a list arrives: only its new hit (the Cuban bank) opens an alert
    assert run(env, "lists", "import", str(SDN))[0] == 0
    code, out, err = run(env, "rescreen", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["parties"] == 4 and summary["entities"]["added"] > 0
    assert summary["alerts_opened"] == 1
    assert "Banco Nacional de Cuba" in by_party(env)

    # the audit log: intact, then an edit and a deletion are caught
    code, out, _ = run(env, "audit", "verify")
    assert code == 0 and out.startswith("intact")
    code, out, _ = run(env, "audit", "export", "--format", "json")
    actions = [json.loads(line)["action"] for line in out.splitlines()]
    for action in (
        "decision",
        "alert_opened",
        "case_disposed",
        "case_approved",
        "allowlist_added",
        "alert_suppressed",
        "list_imported",
        "rescreen",
    ):
        assert action in actions, action
    db = sqlite3.connect(Path(env["CLEARANCE_HOME"]) / "store.db")
    db.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    db.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 7")
    db.commit()
    code, out, _ = run(env, "audit", "verify")
    assert code == 1 and "record 7 was changed" in out
    db.execute("UPDATE audit SET actor = 'ana' WHERE seq = 7")
    db.commit()
    assert run(env, "audit", "verify")[0] == 0
    last = db.execute("SELECT max(seq) FROM audit").fetchone()[0]
    db.execute("DELETE FROM audit WHERE seq = ?", (last,))
    db.commit()
    code, out, _ = run(env, "audit", "verify", "--json")
    assert code == 1 and json.loads(out)["failed_at"] == last


def test_case_commands_refuse_what_cannot_be(env: dict[str, str]) -> None:
    code, _, err = run(env, "cases", "dispose", "9", "--as", "true_match", "--reason", "x")
    assert code == 2 and err.strip() == "error: no case 9"
    code, _, err = run(env, "cases", "list", "--status", "nope")
    assert code == 2 and "unknown status" in err
    code, _, err = run(env, "allowlist", "add", "--alert", "1", "--reason", "r", "--expires", "tomorrow")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run(env, "audit", "export", "--format", "xml")
    assert code == 2
    assert run(env, "audit", "verify")[0] == 0  # an empty log is intact


def test_a_database_url_that_cannot_be_used_is_one_line(env: dict[str, str]) -> None:
    code, _, err = run({**env, "CLEARANCE_DATABASE_URL": "nonsense://"}, "cases", "list")
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_once_the_home_has_keys_the_key_says_who_acts(env: dict[str, str], tmp_path: Path) -> None:
    rows = tmp_path / "c.csv"
    rows.write_text(ROWS, encoding="utf-8")
    run(
        env,
        "batch",
        str(rows),
        "-o",
        str(tmp_path / "d.jsonl"),
        "--id-col",
        "id",
        "--as-of",
        "2021-03-01",
        "--activity",
        "securities",
        "--record",
    )
    smic = by_party(env)["Semiconductor Manufacturing International Corporation"]["id"]
    ana = run(env, "keys", "create", "--role", "analyst", "--user", "ana")[1].strip().splitlines()[-1]
    bob = run(env, "keys", "create", "--role", "analyst", "--user", "Bob")[1].strip().splitlines()[-1]
    code, _, err = run(env, "cases", "dispose", str(smic), "--as", "true_match", "--reason", "r")
    assert code == 2 and "needs yours" in err  # a typed name no longer says who you are
    assert (
        run(env, "cases", "dispose", str(smic), "--as", "true_match", "--reason", "r", "--key", ana)[0] == 0
    )
    code, _, err = run(env, "cases", "approve", str(smic), "--key", ana, user="ANA")
    assert code == 2 and "another analyst must approve" in err
    code, _, err = run(env, "cases", "approve", str(smic), "--key", ana, "--user", "bob", user=None)
    assert code == 2 and "is not the user of this key" in err
    code, _, err = run(env, "cases", "approve", str(smic), "--key", bob, user=None)
    assert code == 0, err
    detail = json.loads(run(env, "cases", "show", str(smic), "--json")[1])
    assert (detail["proposed_by"], detail["approved_by"]) == ("ana", "bob")


def test_a_key_planted_in_keys_json_is_caught_by_audit_verify(env: dict[str, str]) -> None:
    assert run(env, "keys", "create", "--role", "analyst", "--user", "ana")[0] == 0
    assert run(env, "audit", "verify")[0] == 0
    keys = Path(env["CLEARANCE_HOME"]) / "keys.json"
    doc = json.loads(keys.read_text())
    planted = {**doc["keys"][0], "id": "feedfacecafe", "user": "carol"}
    keys.write_text(json.dumps({**doc, "keys": [*doc["keys"], planted]}))
    code, out, _ = run(env, "audit", "verify")
    assert code == 1 and "feedfacecafe" in out and "carol" in out

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clearance.faces.cli.app import app

runner = CliRunner()


def test_screen_json_exit_codes_and_shape() -> None:
    r = runner.invoke(app, ["screen", "Tencent Holdings", "--as-of", "2021-03-01", "--json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["decision"] == "review"
    assert any(m["id"] == "us-eo-13971" for h in doc["hits"] for m in h["measures"])
    clear = runner.invoke(app, ["screen", "Mary Johnson Bakery", "--as-of", "2021-03-01"])
    assert clear.exit_code == 0
    assert "CLEAR" in clear.stdout


def test_table_output_names_the_measure_and_reason() -> None:
    r = runner.invoke(
        app, ["screen", "WeChat Pay", "--kind", "app", "--as-of", "2021-03-01", "--activity", "app"]
    )
    assert r.exit_code == 1
    assert "EO 13971" in r.stdout and "never implemented" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["screen", ""],
        ["screen", "Tencent", "--as-of", "2021-02-30"],
        ["screen", "Ten\x01cent"],
        ["screen", "Tencent", "--kind", "nonsense"],
        ["screen", "Tencent", "--activity", "gambling"],
        ["entity", "no-such-id"],
        ["compare", "a", "b", "--kind", "ship"],
    ],
)
def test_input_errors_exit_2_with_one_line_and_no_traceback(args: list[str]) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert r.output.strip().startswith("error:") or "Usage" in r.output


def test_measures_json_lists_every_measure_with_its_timeline() -> None:
    r = runner.invoke(app, ["measures", "--as-of", "2021-03-01", "--json"])
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    states = {m["id"]: m["state"] for m in doc["measures"]}
    assert states["us-eo-13971"] == "in_force" and states["us-eo-14032"] == "not_yet"
    assert all(m["events"] for m in doc["measures"])


def test_entity_and_compare() -> None:
    r = runner.invoke(app, ["entity", "org-smic", "--json"])
    assert r.exit_code == 0
    assert any(i["scheme"] == "isin" for i in json.loads(r.stdout)["identifiers"])
    c = runner.invoke(app, ["compare", "OOO Romashka", "Limited Liability Company Romashka", "--json"])
    assert c.exit_code == 0 and json.loads(c.stdout)["match"] is True


def test_thresholds_come_from_the_environment() -> None:
    r = runner.invoke(
        app,
        ["screen", "Tencnet", "--as-of", "2021-03-01", "--json"],
        env={"CLEARANCE_REVIEW_THRESHOLD": "0.95", "CLEARANCE_STRONG_THRESHOLD": "0.97"},
    )
    assert json.loads(r.stdout)["decision"] == "clear"

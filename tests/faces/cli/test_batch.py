"""`clearance batch` from the command line: thresholds reach the engine, and a bad default option is a
usage error before anything is written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.faces.cli.app import app

ROWS = [("r1", "Tencent Music"), ("r2", "Mary Johnson Bakery"), ("r3", "Tencent Holdings Ltd")]


def _input(tmp_path: Path) -> Path:
    path = tmp_path / "parties.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "name"), *ROWS])
    return path


def _decisions(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {row["row_id"]: row["decision"] for row in csv.DictReader(f)}


def test_the_review_threshold_reaches_the_batch(tmp_path: Path) -> None:
    src = _input(tmp_path)
    args = ["batch", str(src), "--id-col", "id", "--as-of", "2021-03-01", "--workers", "1", "--json"]
    default = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "default.csv")])
    low = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "low.csv"), "--review", "0.6"])
    assert default.exit_code == 1 and low.exit_code == 1, (default.output, low.output)
    assert _decisions(tmp_path / "default.csv") == {"r1": "clear", "r2": "clear", "r3": "review"}
    assert _decisions(tmp_path / "low.csv") == {"r1": "review", "r2": "clear", "r3": "review"}


def test_the_review_threshold_comes_from_the_environment_too(tmp_path: Path) -> None:
    src = _input(tmp_path)
    out = tmp_path / "env.csv"
    args = ["batch", str(src), "-o", str(out), "--id-col", "id", "--as-of", "2021-03-01", "--workers", "1"]
    result = CliRunner().invoke(app, args, env={"CLEARANCE_REVIEW_THRESHOLD": "0.6"})
    assert result.exit_code == 1, result.output
    assert _decisions(out)["r1"] == "review"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--kind", "vessel", "unknown kind 'vessel'"),
        ("--activity", "bogus", "unknown activity 'bogus'"),
        ("--as-of", "2021-02-30", "invalid date '2021-02-30'"),
        ("--review", "0.95", "0 < review <= strong <= 1"),
        ("--format", "xlsx", "unknown format 'xlsx'"),
    ],
)
def test_a_bad_default_option_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    src = _input(tmp_path)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(out), option, value, "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()
    assert len(result.output.strip().splitlines()) == 1  # one line, no progress bar after it

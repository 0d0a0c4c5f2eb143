"""Every error is one line, with an exit code that means what CONVENTIONS say (issue 16, item 9), and user
text is never read as markup. Checked on the typer `app` (as every test invokes it) and, for standard
output that cannot be written, on the installed command in a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner

from clearance import Engine, load_dataset
from clearance.errors import DataError
from clearance.faces.cli import common, render
from clearance.faces.cli.app import app

runner = CliRunner()
INTERNAL = (
    "error: internal error (RuntimeError: boom [/] [bold]); run with --debug or CLEARANCE_DEBUG=1 for "
    "the traceback"
)
MARKUP_NAME = "[/]Evil [bold]Corp[/bold] Trading"


@pytest.fixture(scope="module")
def markup_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The built-in data and one sanctioned company whose listed name holds rich markup."""
    path = tmp_path_factory.mktemp("lists") / "markup.ftm.json"
    entry = {
        "id": "NK-markup",
        "schema": "Company",
        "properties": {"name": [MARKUP_NAME], "topics": ["sanction"]},
        "datasets": ["test"],
        "target": True,
    }
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    return Engine(load_dataset(lists=[path]))


def _boom(*args: object, **kwargs: object) -> Engine:
    raise RuntimeError("boom [/] [bold]")


@pytest.mark.parametrize("query", ["[/]", "Tencent [/] Holdings [bold]", "[red]x[/red] [link=a]b"])
def test_a_query_holding_markup_is_printed_as_written(query: str) -> None:
    r = runner.invoke(app, ["screen", query, "--as-of", "2021-03-01"])
    assert r.exit_code in (0, 1), r.output
    assert repr(query) in r.stdout
    assert "Traceback" not in r.output


def test_a_listed_name_holding_markup_is_printed_as_written(
    markup_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "engine", lambda **kwargs: markup_engine)
    r = runner.invoke(app, ["screen", MARKUP_NAME, "--as-of", "2021-03-01"], env={"COLUMNS": "300"})
    assert r.exit_code == 1, r.output
    assert MARKUP_NAME in r.stdout  # in the table and in the explanation


def test_a_fault_of_ours_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "engine", _boom)
    for args in (["screen", "Tencent"], ["measures"], ["entity", "org-smic"], ["compare", "a", "b"]):
        r = runner.invoke(app, args, env={"CLEARANCE_DEBUG": ""})
        assert r.exit_code == 3, (args, r.output)
        assert r.stderr.splitlines() == [INTERNAL], args
        assert r.stdout == ""


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--debug", "screen", "Tencent"], {}),
        (["screen", "Tencent", "--debug"], {}),
        (["screen", "Tencent"], {"CLEARANCE_DEBUG": "1"}),
    ],
)
def test_debug_adds_the_traceback(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]
) -> None:
    monkeypatch.setattr(common, "engine", _boom)
    r = runner.invoke(app, args, env=env)
    assert r.exit_code == 3
    assert "Traceback (most recent call last)" in r.stderr and "RuntimeError: boom" in r.stderr
    assert r.stderr.splitlines()[-1] == INTERNAL


def test_an_error_we_raised_is_one_line_and_exit_2_wherever_it_comes_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DataError("the snapshot of ofac-sdn\nis damaged")

    monkeypatch.setattr("clearance.faces.cli.screening.print_result", broken)
    r = runner.invoke(app, ["screen", "Tencent", "--as-of", "2021-03-01"])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == "error: the snapshot of ofac-sdn is damaged"
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    "error", [BrokenPipeError(32, "Broken pipe"), OSError(28, "No space left on device")]
)
def test_output_that_cannot_be_written_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    def write_fails(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(render.out, "print", write_fails)
    r = runner.invoke(app, ["screen", "Tencent", "--as-of", "2021-03-01"])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == f"error: cannot write to standard output: {error.strerror}"


def _clearance(args: list[str], stdout: int | IO[bytes]) -> subprocess.CompletedProcess[bytes]:
    """The installed command's entry point in a process of its own (the timeout only guards a hang)."""
    env = {**os.environ, "CLEARANCE_ON_STALE": "warn"}
    command = [sys.executable, "-c", "from clearance.faces.cli.app import main; main()", *args]
    return subprocess.run(command, env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=600, check=False)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args", [["screen", "Tencent Holdings", "--as-of", "2021-03-01"], ["measures", "--json"]]
)
def test_standard_output_to_a_full_device_is_one_line_and_exit_2(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = _clearance(args, stdout=full)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2, lines
    assert [line for line in lines if not line.startswith("warning:")] == [
        "error: cannot write to standard output: No space left on device"
    ]


def test_standard_output_into_a_closed_pipe_is_one_line_and_exit_2() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written, as with `| head -0`
    try:
        done = _clearance(["measures"], stdout=write)
    finally:
        os.close(write)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2, lines
    assert [line for line in lines if not line.startswith("warning:")] == [
        "error: cannot write to standard output: Broken pipe"
    ]

"""`clearance keys ...` and `clearance serve`'s start-up errors (the service itself: test_serve.py)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.faces.cli.app import app
from clearance.faces.service.auth import KeyStore, Role

runner = CliRunner()


def test_keys_create_prints_the_key_alone_on_the_last_line(home: Path) -> None:
    r = runner.invoke(app, ["keys", "create", "--role", "admin", "--user", "alice"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    key = lines[-1]
    assert key.startswith("clr_") and " " not in key
    record = KeyStore.under(home).find(key)
    assert record is not None and record.role is Role.ADMIN and record.user == "alice"
    assert record.id in r.stderr and key not in r.stderr  # the rest on standard error


def test_keys_create_defaults_to_the_login_name(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGNAME", "bob")
    monkeypatch.setenv("USER", "bob")
    r = runner.invoke(app, ["keys", "create", "--role", "analyst"])
    assert r.exit_code == 0
    record = KeyStore.under(home).find(r.stdout.splitlines()[-1])
    assert record is not None and record.user == "bob" and record.role is Role.ANALYST


def test_keys_list_shows_no_secret_and_revoke_revokes(home: Path) -> None:
    key = runner.invoke(app, ["keys", "create", "--role", "analyst", "--user", "ana"]).stdout.splitlines()[-1]
    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert listed.exit_code == 0
    (entry,) = json.loads(listed.stdout)["keys"]
    assert set(entry) == {"id", "user", "role", "created", "revoked"}
    assert key not in listed.stdout and "sha256" not in listed.stdout
    table = runner.invoke(app, ["keys", "list"])
    assert entry["id"] in table.stdout and "active" in table.stdout
    revoked = runner.invoke(app, ["keys", "revoke", entry["id"]])
    assert revoked.exit_code == 0
    found = KeyStore.under(home).find(key)
    assert found is not None and found.revoked is not None
    assert "revoked" in runner.invoke(app, ["keys", "list"]).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["keys", "create", "--role", "boss"],
        ["keys", "create"],
        ["keys", "create", "--role", "analyst", "--user", "two words"],
        ["keys", "revoke", "no-such-id"],
    ],
)
def test_keys_errors_exit_2(home: Path, args: list[str]) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert not r.stdout.strip()


def test_keys_list_with_no_keys_says_how_to_make_one(home: Path) -> None:
    r = runner.invoke(app, ["keys", "list"])
    assert r.exit_code == 0 and "keys create" in r.stdout


def test_serve_with_a_wrong_setting_exits_2(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_MAX_BODY", "lots")
    r = runner.invoke(app, ["serve"])
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: CLEARANCE_MAX_BODY must be a whole number, not 'lots'"


def test_serve_on_an_address_in_use_exits_2(home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = runner.invoke(app, ["serve", "--port", str(port)])
    assert r.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_serve_help_teaches_how_to_call_it() -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    for word in ("--workers", "keys create", "/docs", "Authorization: Bearer", "CLEARANCE_RATE_LIMIT"):
        assert word in r.stdout, word

"""Fixtures of the service's tests: a home of their own (CLEARANCE_HOME), keys in it, settings, and a
test client of an app screening with the built-in data (the session's `engine`, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearance import Engine
from clearance.faces.service.app import create_app
from clearance.faces.service.auth import KeyStore, Role
from clearance.faces.service.settings import ServiceSettings
from faces.service.service_files import Keys


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "home"
    monkeypatch.setenv("CLEARANCE_HOME", str(where))
    return where


@pytest.fixture
def keys(home: Path) -> Keys:
    store = KeyStore.under(home)
    analyst, analyst_key = store.create(Role.ANALYST, "ana")
    _, admin_key = store.create(Role.ADMIN, "root")
    return Keys(store=store, analyst=analyst_key, admin=admin_key, analyst_id=analyst.id)


@pytest.fixture
def settings(home: Path) -> ServiceSettings:
    """The defaults, with no rate limit (tests of the limit set their own)."""
    return ServiceSettings(home=home, rate_limit=0)


@pytest.fixture
def client(engine: Engine, settings: ServiceSettings) -> Iterator[TestClient]:
    with TestClient(create_app(engine=engine, settings=settings)) as c:
        yield c


@pytest.fixture
def analyst(keys: Keys) -> dict[str, str]:
    return keys.bearer(keys.analyst)

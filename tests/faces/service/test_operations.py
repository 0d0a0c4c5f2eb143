"""GET /healthz, GET /readyz (before and after the data is loaded), GET /lists, POST /lists/update (with the
admin log), and the data's gaps found again as lists age."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearance import Engine, load_dataset
from clearance.datasets.lists.updates import import_files
from clearance.faces.service.app import create_app
from clearance.faces.service.settings import ServiceSettings
from clearance.faces.service.state import Ages, EngineState, load_engine
from faces.service.service_files import Keys, error_of
from fixtures import DATA

SDN = DATA / "lists" / "ofac-sdn-2021"  # an excerpt of the real files, as `lists update` downloads them


def _wait_ready(c: TestClient) -> dict[str, object]:
    for _ in range(1200):
        r = c.get("/readyz")
        if r.status_code == 200:
            doc: dict[str, object] = r.json()
            return doc
        time.sleep(0.05)
    raise AssertionError("never ready")


def test_healthz_answers_with_the_worker(client: TestClient) -> None:
    doc = client.get("/healthz").json()
    assert doc["status"] == "ok" and isinstance(doc["pid"], int)


def test_readyz_is_503_until_the_data_is_loaded(
    engine: Engine, settings: ServiceSettings, keys: Keys
) -> None:
    gate = threading.Event()

    def slow() -> Engine:
        gate.wait(30)
        return engine

    with TestClient(create_app(settings=settings, loader=slow)) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and error_of(r)["code"] == "not_ready"
        assert c.get("/healthz").status_code == 200  # alive, not ready
        screen = c.post(
            "/screen", json={"queries": {"1": {"name": "x y"}}}, headers=keys.bearer(keys.analyst)
        )
        assert screen.status_code == 503 and error_of(screen)["code"] == "not_ready"
        gate.set()
        doc = _wait_ready(c)
    assert doc["ready"] is True and doc["refuses"] is False
    assert doc["data_versions"] == dict(engine.dataset.versions)
    assert doc["warnings"] == list(engine.dataset.warnings) and doc["on_stale"] == "warn"


def test_readyz_says_why_the_data_could_not_be_loaded(settings: ServiceSettings) -> None:
    def broken() -> Engine:
        raise OSError("disk on fire")

    app = create_app(settings=settings, loader=broken)
    with TestClient(app) as c:
        for _ in range(600):
            if not app.state.engine_state.loading and app.state.engine_state.error:
                break
            time.sleep(0.05)
        r = c.get("/readyz")
    assert r.status_code == 503
    assert "could not be loaded: disk on fire" in error_of(r)["message"]


def test_the_service_loads_the_active_snapshots(home: Path, keys: Keys) -> None:
    import_files([SDN], home)
    with TestClient(create_app(settings=ServiceSettings.from_env())) as c:
        ready = _wait_ready(c)
        assert "ofac-sdn" in ready["data_versions"]  # type: ignore[operator]
        assert not any("no sanctions list" in w for w in ready["warnings"])  # type: ignore[attr-defined]
        r = c.post(
            "/screen",
            json={"queries": {"1": {"name": "Banco Nacional de Cuba"}}},
            headers=keys.bearer(keys.analyst),
        )
        result = r.json()["results"]["1"]
        assert result["decision"] == "block"
        assert result["data_versions"]["ofac-sdn"] == ready["data_versions"]["ofac-sdn"]  # type: ignore[index]


def test_lists_shows_the_active_snapshots_with_their_age(client: TestClient, home: Path, keys: Keys) -> None:
    assert client.get("/lists", headers=keys.bearer(keys.analyst)).json()["lists"] == []
    import_files([SDN], home)
    doc = client.get("/lists", headers=keys.bearer(keys.analyst)).json()
    (snap,) = doc["lists"]
    assert snap["source"] == "ofac-sdn" and snap["entities"] > 100
    assert 0 <= snap["age_days"] < 1 and snap["stale"] is False
    assert snap["loaded"] is False  # imported after the engine was loaded: not screened on yet
    assert doc["max_age_days"] == 7
    assert doc["data_versions"] and doc["warnings"]


def test_an_admin_updates_the_lists_and_the_service_screens_on_them(
    engine: Engine, home: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", SDN.resolve().as_uri())
    app = create_app(engine=engine, settings=ServiceSettings(home=home, rate_limit=0))
    reloaded: list[bool] = []
    app.state.after_reload = lambda: reloaded.append(True)
    query = {"queries": {"1": {"name": "Banco Nacional de Cuba"}}}
    with TestClient(app) as c:
        before = c.post("/screen", json=query, headers=keys.bearer(keys.analyst)).json()
        assert "ofac-sdn" not in before["data_versions"]
        r = c.post("/lists/update", json={"sources": ["ofac-sdn"]}, headers=keys.bearer(keys.admin))
        assert r.status_code == 200, r.text
        doc = r.json()
        (imported,) = doc["imported"]
        assert imported["source"] == "ofac-sdn" and imported["created"] is True
        assert doc["data_versions"]["ofac-sdn"] == imported["id"]
        after = c.post("/screen", json=query, headers=keys.bearer(keys.analyst)).json()
        assert after["data_versions"]["ofac-sdn"] == imported["id"]
        assert after["results"]["1"]["decision"] == "block"
        lists = c.get("/lists", headers=keys.bearer(keys.analyst)).json()["lists"]
        assert [s["loaded"] for s in lists] == [True]
    assert reloaded == [True]
    log = [json.loads(line) for line in (home / "logs" / "admin.jsonl").read_text().splitlines()]
    assert [(e["action"], e["outcome"]) for e in log] == [("lists.update", "started"), ("lists.update", "ok")]
    assert {e["user"] for e in log} == {"root"} and all(keys.admin not in json.dumps(e) for e in log)
    assert log[1]["imported"][0]["id"] == imported["id"]


def test_a_failed_update_is_502_logged_and_keeps_the_data(
    client: TestClient, home: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", (tmp_path / "missing").as_uri())
    versions = client.get("/readyz").json()["data_versions"]
    r = client.post("/lists/update", json={"sources": ["ofac-sdn"]}, headers=keys.bearer(keys.admin))
    assert r.status_code == 502
    error = error_of(r)
    assert error["code"] == "update_failed" and "ofac-sdn" in error["message"]
    assert client.get("/readyz").json()["data_versions"] == versions
    log = [json.loads(line) for line in (home / "logs" / "admin.jsonl").read_text().splitlines()]
    assert [e["outcome"] for e in log] == ["started", "failed"]
    unknown = client.post("/lists/update", json={"sources": ["nope"]}, headers=keys.bearer(keys.admin))
    assert unknown.status_code == 400 and "unknown source" in error_of(unknown)["message"]


def test_lists_age_while_the_service_runs(home: Path) -> None:
    """A list fresh at start-up is too old days later: its warning appears without a restart."""
    import_files([SDN], home)
    settings = ServiceSettings.from_env()
    engine = load_engine(settings)
    assert engine.dataset.warnings == ()
    state = EngineState(home, settings.policy, engine)
    source = next(iter(state._ages.retrieved))
    assert source == "ofac-sdn"
    state._ages = Ages({source: datetime(2000, 1, 1, tzinfo=UTC)}, state._ages.loaded)  # as if years old
    state._next_check = 0.0
    assert state.current() is engine
    assert any("ofac-sdn" in w and "CLEARANCE_MAX_LIST_AGE" in w for w in engine.dataset.warnings)


def test_an_engine_given_is_not_loaded_again(engine: Engine, settings: ServiceSettings) -> None:
    def never() -> Engine:
        raise AssertionError("loaded again")

    with TestClient(create_app(engine=engine, settings=settings, loader=never)) as c:
        assert c.get("/readyz").status_code == 200


def test_load_dataset_and_service_agree_on_the_builtin_version(home: Path) -> None:
    with TestClient(create_app(settings=ServiceSettings.from_env())) as c:
        assert _wait_ready(c)["data_versions"] == dict(load_dataset().versions)


def test_refused_requests_are_logged_and_an_attempt_at_an_admin_route_is_kept(
    client: TestClient, home: Path, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    """Key probing and an analyst trying an admin route leave a trace; the keys themselves never do."""
    assert client.post("/lists/update", json={}, headers=keys.bearer(keys.analyst)).status_code == 403
    assert client.get("/lists", headers=keys.bearer("clr_guess")).status_code == 401
    said = [json.loads(r.getMessage()) for r in caplog.records if '"denied"' in r.getMessage()]
    assert [(e["status"], e["path"]) for e in said] == [(403, "/lists/update"), (401, "/lists")]
    assert said[0]["key_id"] == keys.analyst_id and said[1]["reason"] == "unknown key"
    kept = [json.loads(line) for line in (home / "logs" / "admin.jsonl").read_text().splitlines()]
    assert [(e["action"], e["status"], e["key_id"]) for e in kept] == [("denied", 403, keys.analyst_id)]
    assert keys.analyst not in json.dumps(said) + json.dumps(kept)


def test_a_list_update_rescreens_the_recorded_parties_and_opens_only_new_alerts(
    engine: Engine, home: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.store import Store
    from clearance.store.cases import queue

    monkeypatch.setenv("CLEARANCE_SOURCE_OFAC_SDN_URL", SDN.resolve().as_uri())
    app = create_app(engine=engine, settings=ServiceSettings(home=home, rate_limit=0))
    queries = {
        "c1": {"name": "Banco Nacional de Cuba"},
        "c2": {"name": "Tencent Holdings", "as_of": "2021-03-01"},
    }
    with TestClient(app) as c:
        before = c.post("/screen", json={"queries": queries}, headers=keys.bearer(keys.analyst)).json()
        assert before["results"]["c1"]["decision"] == "clear"  # no list yet
        assert before["recorded"]["alerts_opened"] >= 1  # Tencent, under EO 13971 in March 2021
        r = c.post("/lists/update", json={"sources": ["ofac-sdn"]}, headers=keys.bearer(keys.admin))
        assert r.json()["rescreen"]["state"] in ("running", "done")
        status: dict[str, Any] = {}
        for _ in range(600):  # wait for the rescreen thread (not a timing assertion: it only has to end)
            status = c.get("/lists", headers=keys.bearer(keys.analyst)).json()["rescreen"]
            if status["state"] != "running":
                break
            time.sleep(0.05)
    assert status["state"] == "done", status
    summary = status["summary"]
    assert summary["entities"]["added"] > 0 and summary["alerts_opened"] >= 1
    store = Store.open(home=home)
    parties = {row["party"] for row in queue(store)}
    assert "Banco Nacional de Cuba" in parties
    actions = [r.action for r in store.audit_records()]
    assert "list_updated" in actions and actions[-1] == "rescreen"
    assert store.verify().ok


def test_not_ready_while_the_case_store_does_not_answer(
    engine: Engine, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    with TestClient(create_app(engine=engine, settings=ServiceSettings(home=home, rate_limit=0))) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and error_of(r)["code"] == "store_unavailable"
    with TestClient(create_app(engine=engine, settings=ServiceSettings(home=home, record=False))) as c:
        assert c.get("/readyz").status_code == 200  # a service that records nothing needs no store

"""POST /screen, GET /search, GET /measures: answers, per-query errors, limits and failing closed."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearance import Engine
from clearance.domain.enums import OnStale
from clearance.faces.service.app import create_app
from clearance.faces.service.settings import ServiceSettings
from faces.service.service_files import Keys, error_of

SMIC = {
    "name": "Semiconductor Manufacturing International Corporation",
    "as_of": "2022-03-01",
    "activity": "securities",
}


def test_screen_answers_each_query_under_its_key(client: TestClient, analyst: dict[str, str]) -> None:
    body = {"queries": {"s": SMIC, "m": {"name": "Mary Johnson Bakery", "as_of": "2021-03-01"}}}
    r = client.post("/screen", json=body, headers=analyst)
    assert r.status_code == 200
    doc = r.json()
    assert list(doc["results"]) == ["s", "m"]
    smic, bakery = doc["results"]["s"], doc["results"]["m"]
    assert smic["decision"] == "block" and smic["activity"] == "securities"
    assert smic["hits"][0]["entity_id"] == "org-smic"
    assert bakery["decision"] == "clear" and bakery["hits"] == []
    # fail closed: the answer says what data it was decided on, and the gaps in it
    assert doc["data_versions"]["builtin"].startswith("builtin-")
    assert any("no sanctions list" in w for w in doc["warnings"])
    assert smic["data_versions"] == doc["data_versions"]


def test_screen_gives_the_same_document_as_the_engine(
    client: TestClient, analyst: dict[str, str], engine: Engine
) -> None:
    r = client.post("/screen", json={"queries": {"1": SMIC}}, headers=analyst)
    expected = engine.screen(SMIC["name"], as_of=SMIC["as_of"], activity=SMIC["activity"]).to_dict()
    assert r.json()["results"]["1"] == expected


def test_evidence_is_weighed(client: TestClient, analyst: dict[str, str]) -> None:
    query = {**SMIC, "country": ["CN"], "identifier": "not an id 123"}
    r = client.post("/screen", json={"queries": {"1": query}}, headers=analyst)
    result = r.json()["results"]["1"]
    assert result["evidence"]["countries"] and result["evidence"]["identifiers"] == ["not an id 123"]


def test_an_invalid_query_is_answered_under_its_key_and_the_rest_screened(
    client: TestClient, analyst: dict[str, str]
) -> None:
    queries = {
        "empty": {"name": ""},
        "kind": {"name": "Tencent", "kind": "nonsense"},
        "date": {"name": "Tencent", "as_of": "2021-02-30"},
        "control": {"name": "Ten\x01cent"},
        "typo": {"name": "Tencent", "birthdate": "1970"},
        "number": {"name": 42},
        "evidence_on_text": {"name": "pay Tencent", "kind": "text", "country": "CN"},
        "good": SMIC,
    }
    r = client.post("/screen", json={"queries": queries}, headers=analyst)
    assert r.status_code == 200
    results = r.json()["results"]
    assert list(results) == list(queries)
    assert results["good"]["decision"] == "block"
    for key in queries.keys() - {"good"}:
        assert set(results[key]) == {"error"}, key
        assert results[key]["error"]["code"] == "invalid_query", key
    assert "2021-02-30" in results["date"]["error"]["message"]
    assert "birthdate" in results["typo"]["error"]["message"]


def test_more_queries_than_the_batch_limit_is_413(engine: Engine, home: Path, keys: Keys) -> None:
    settings = ServiceSettings(home=home, rate_limit=0, max_batch=3)
    with TestClient(create_app(engine=engine, settings=settings)) as c:
        three = {"queries": {str(i): {"name": "Tencent"} for i in range(3)}}
        assert c.post("/screen", json=three, headers=keys.bearer(keys.analyst)).status_code == 200
        four = {"queries": {str(i): {"name": "Tencent"} for i in range(4)}}
        r = c.post("/screen", json=four, headers=keys.bearer(keys.analyst))
    assert r.status_code == 413
    assert error_of(r)["code"] == "batch_too_large"


def test_refusing_policy_answers_503_on_every_screening_route(
    engine: Engine, settings: ServiceSettings, keys: Keys
) -> None:
    refusing = Engine(replace(engine.dataset, on_stale=OnStale.REFUSE), matcher=engine.matcher)
    assert refusing.dataset.warnings  # the built-in data alone: no sanctions list
    with TestClient(create_app(engine=refusing, settings=settings)) as c:
        headers = keys.bearer(keys.analyst)
        r = c.post("/screen", json={"queries": {"1": {"name": "Mary Johnson Bakery"}}}, headers=headers)
        assert r.status_code == 503
        error = error_of(r)
        assert error["code"] == "data_unavailable" and "no sanctions list" in error["message"]
        r = c.get("/search", params={"q": "Tencent"}, headers=headers)
        assert r.status_code == 503 and error_of(r)["code"] == "data_unavailable"
        ready = c.get("/readyz").json()
        assert ready["refuses"] is True and ready["on_stale"] == "refuse"


def test_a_query_past_the_time_limit_is_503(home: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch) -> None:
    """CLEARANCE_TIME_LIMIT reaches the engine the service loads: a long text cannot hold a worker."""
    monkeypatch.setenv("CLEARANCE_TIME_LIMIT", "0.000001")
    monkeypatch.setenv("CLEARANCE_CACHE", "off")
    settings = ServiceSettings.from_env()
    assert settings.time_limit == 0.000001
    text = " ".join(["payment to Tencent Holdings for services rendered"] * 2000)
    with TestClient(create_app(settings=settings)) as c:
        _wait_ready(c)
        r = c.post(
            "/screen",
            json={"queries": {"1": {"name": text, "kind": "text"}}},
            headers=keys.bearer(keys.analyst),
        )
    assert r.status_code == 503
    error = error_of(r)
    assert error["code"] == "time_limit" and "CLEARANCE_TIME_LIMIT" in error["message"]


def test_a_batch_past_the_time_limit_is_503(engine: Engine, home: Path, keys: Keys) -> None:
    """The limit holds for the request: the engine's own limit is per query, the batch checks between."""
    settings = ServiceSettings(home=home, rate_limit=0, time_limit=0.000001)
    with TestClient(create_app(engine=engine, settings=settings)) as c:
        body = {"queries": {"1": SMIC, "2": SMIC}}
        r = c.post("/screen", json=body, headers=keys.bearer(keys.analyst))
        assert r.status_code == 503 and error_of(r)["code"] == "time_limit"
        one = c.post("/screen", json={"queries": {"1": SMIC}}, headers=keys.bearer(keys.analyst))
        assert one.status_code == 200  # a single query is answered once screened


def _wait_ready(c: TestClient) -> None:
    for _ in range(600):
        if c.get("/readyz").status_code == 200:
            return
        time.sleep(0.05)
    raise AssertionError("the engine never loaded")


def test_search_ranks_hits_for_an_analyst(
    client: TestClient, analyst: dict[str, str], engine: Engine
) -> None:
    query = "Semiconductor Manufacturing International"
    r = client.get("/search", params={"q": query, "as_of": "2022-03-01", "limit": 2}, headers=analyst)
    assert r.status_code == 200
    doc = r.json()
    expected = engine.screen(query, as_of="2022-03-01").to_dict()
    assert doc["total"] == len(expected["hits"]) > 2
    assert doc["hits"] == expected["hits"][:2]
    assert doc["hits"][0]["entity_id"] == "org-smic"
    assert doc["decision"] == expected["decision"]
    assert "data_versions" in doc and "warnings" in doc


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": ""}, 422),
        ({"q": "Tencent", "kind": "nonsense"}, 422),
        ({"q": "Tencent", "limit": 0}, 422),
        ({"q": "Tencent", "as_of": "2021-02-30"}, 400),
        ({}, 422),
    ],
)
def test_search_rejects_bad_parameters(
    client: TestClient, analyst: dict[str, str], params: dict[str, object], status: int
) -> None:
    r = client.get("/search", params=params, headers=analyst)
    assert r.status_code == status
    assert error_of(r)["code"] in ("invalid_request", "invalid_input")


def test_measures_with_their_state_on_the_date(client: TestClient, analyst: dict[str, str]) -> None:
    before = client.get("/measures", params={"as_of": "2020-01-01"}, headers=analyst).json()
    after = client.get("/measures", params={"as_of": "2021-03-01"}, headers=analyst).json()
    states = {d["as_of"][:10]: {m["id"]: m["state"] for m in d["measures"]} for d in (before, after)}
    assert states["2021-03-01"]["us-eo-13959"] == "in_force"
    assert states["2020-01-01"]["us-eo-13959"] != "in_force"
    assert after["warnings"] and after["data_versions"]
    bad = client.get("/measures", params={"as_of": "yesterday"}, headers=analyst)
    assert bad.status_code == 400 and error_of(bad)["code"] == "invalid_input"


def test_a_key_given_twice_is_refused_not_the_last_one_screened(
    client: TestClient, analyst: dict[str, str]
) -> None:
    """{"q": Kim Jong Un, "q": Nobody} must not answer "clear" under q: duplicate keys are a 400."""
    body = '{"queries": {"q": {"name": "Kim Jong Un"}, "q": {"name": "Nobody Special"}}}'
    headers = {**analyst, "Content-Type": "application/json"}
    answer = client.post("/screen", content=body, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "malformed_json" and "'q'" in answer.json()["error"]["message"]
    inner = '{"queries": {"q": {"name": "Kim Jong Un", "name": "Nobody Special"}}}'
    assert client.post("/screen", content=inner, headers=headers).status_code == 400
    match = (
        '{"queries": {"a": {"schema": "Person", "properties": {"name": ["X"]}}, "a": {"schema": "Person"}}}'
    )
    assert client.post("/match/default", content=match, headers=headers).status_code == 400


def test_graph_gives_an_entitys_neighbourhood_as_nodes_and_edges(
    client: TestClient, analyst: dict[str, str]
) -> None:
    r = client.get("/graph/org-tencent-holdings", headers=analyst)
    assert r.status_code == 200
    doc = r.json()
    assert doc["root"] == "org-tencent-holdings"
    ids = {n["id"] for n in doc["nodes"]}
    assert {"app-tencent-qq", "app-wechat-pay", "app-qq-wallet"} <= ids
    develops = {(e["from"], e["to"]) for e in doc["edges"] if e["relation"] == "develops"}
    assert ("org-tencent-holdings", "app-tencent-qq") in develops
    assert all(e["from"] in ids and e["to"] in ids for e in doc["edges"])
    assert "builtin" in doc["data_versions"]
    one_step = client.get("/graph/org-tencent-holdings?depth=1", headers=analyst).json()
    assert len(one_step["nodes"]) <= len(doc["nodes"])


def test_graph_of_an_unknown_entity_is_404_and_needs_a_key(
    client: TestClient, analyst: dict[str, str]
) -> None:
    r = client.get("/graph/no-such-entity", headers=analyst)
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    assert client.get("/graph/org-tencent-holdings").status_code == 401
    assert client.get("/graph/org-tencent-holdings?depth=9", headers=analyst).status_code == 422

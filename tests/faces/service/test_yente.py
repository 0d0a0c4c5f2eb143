"""The yente-compatible routes: POST /match/{dataset} and GET /entities/{id}, on the built-in data and on
the OFAC SDN excerpt (tests/data/lists/ofac-sdn-2021)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearance import Engine, load_dataset
from clearance.domain.enums import OnStale
from clearance.faces.service.app import create_app
from clearance.faces.service.settings import ServiceSettings
from faces.service.service_files import Keys, error_of
from fixtures import DATA

KOLBAYEV = {
    "schema": "Person",
    "properties": {"name": ["Kamchybek Kolbayev"], "birthDate": ["1974-08-03"], "nationality": ["kg"]},
}
TENCENT = {"schema": "Company", "properties": {"name": ["Tencent Holdings"]}}


@pytest.fixture(scope="module")
def sdn_engine() -> Engine:
    return Engine(load_dataset(lists=[DATA / "lists" / "ofac-sdn-2021"]))


@pytest.fixture
def sdn(sdn_engine: Engine, settings: ServiceSettings) -> Iterator[TestClient]:
    with TestClient(create_app(engine=sdn_engine, settings=settings)) as c:
        yield c


def api_key(keys: Keys) -> dict[str, str]:
    """The scheme OpenSanctions' hosted API and nomenklatura's YenteEnricher send."""
    return {"Authorization": f"ApiKey {keys.analyst}"}


def yente_error_of(response: Any) -> dict[str, str]:
    """The service's error with yente's `detail` beside it."""
    doc = response.json()
    assert set(doc) == {"error", "detail"} and doc["detail"] == doc["error"]["message"], doc
    error: dict[str, str] = doc["error"]
    return error


def test_match_answers_in_yentes_shape(sdn: TestClient, keys: Keys, sdn_engine: Engine) -> None:
    r = sdn.post("/match/default", json={"queries": {"k": KOLBAYEV, "t": TENCENT}}, headers=api_key(keys))
    assert r.status_code == 200
    doc = r.json()
    assert set(doc) == {"responses", "matcher", "limit", "clearance"} and doc["limit"] == 5
    assert list(doc["responses"]) == ["k", "t"]
    k = doc["responses"]["k"]
    assert k["status"] == 200 and k["total"] == {"value": 1, "relation": "eq"}
    assert k["query"] == {"id": None, **KOLBAYEV}
    (result,) = k["results"]
    assert set(result) >= {"id", "caption", "schema", "properties", "datasets", "score", "match", "features"}
    assert set(result) >= {"explanations", "target", "referents", "first_seen", "last_seen", "last_change"}
    assert result["id"] == "ofac-12625" and result["schema"] == "Person" and result["match"] is True
    assert result["datasets"] == ["ofac-sdn"] and result["properties"]["topics"] == ["sanction"]
    assert result["features"] == {"name_match": 0.9167, "dob_match": 0.05, "country_match": 0.03}
    # the same entities, score and decision as the engine's own screening
    expected = sdn_engine.screen("Kamchybek Kolbayev", kind="person", birth_date="1974-08-03", country="KG")
    assert [h.entity.id for h in expected.hits] == ["ofac-12625"]
    assert result["score"] == expected.hits[0].score
    assert result["clearance"]["decision"] == expected.decision == k["clearance"]["decision"] == "block"
    assert doc["responses"]["t"]["results"][0]["id"] == "org-tencent-holdings"
    assert doc["matcher"]["dob_match"]["coefficient"] == 0.05
    assert doc["clearance"]["data_versions"] == dict(sdn_engine.dataset.versions)


def test_a_different_date_of_birth_lowers_the_score_and_says_so(sdn: TestClient, keys: Keys) -> None:
    query = {"schema": "Person", "properties": {"name": ["Ayman al Zawahiri"], "birthDate": ["1970"]}}
    r = sdn.post("/match/default", json={"queries": {"z": query}}, headers=api_key(keys))
    (result,) = [x for x in r.json()["responses"]["z"]["results"] if x["id"] == "ofac-2676"]
    assert result["score"] == 0.89 and result["features"]["dob_disjoint"] == -0.1
    assert "differs from listed 19 Jun 1951" in result["explanations"]["dob_disjoint"]["detail"]
    assert result["clearance"]["decision"] == "review"


def test_both_key_schemes_and_no_key(sdn: TestClient, keys: Keys) -> None:
    body = {"queries": {"t": TENCENT}}
    assert sdn.post("/match/default", json=body, headers=keys.bearer(keys.analyst)).status_code == 200
    assert sdn.post("/match/default", json=body, headers=keys.bearer(keys.admin)).status_code == 200
    missing = sdn.post("/match/default", json=body)
    assert missing.status_code == 401 and error_of(missing)["code"] == "unauthorized"
    wrong = sdn.get("/entities/ofac-12625", headers={"Authorization": "ApiKey clr_nope"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    ("dataset", "found"),
    [
        ("default", {"ofac-12625"}),
        ("sanctions", {"ofac-12625"}),
        ("ofac-sdn", {"ofac-12625"}),
        ("builtin", set()),
    ],
)
def test_datasets(sdn: TestClient, keys: Keys, dataset: str, found: set[str]) -> None:
    r = sdn.post(f"/match/{dataset}", json={"queries": {"k": KOLBAYEV}}, headers=api_key(keys))
    assert {x["id"] for x in r.json()["responses"]["k"]["results"]} == found


def test_an_unknown_dataset_is_a_404_that_names_the_others(sdn: TestClient, keys: Keys) -> None:
    r = sdn.post("/match/us_ofac_sdn", json={"queries": {"k": KOLBAYEV}}, headers=api_key(keys))
    assert r.status_code == 404
    error = yente_error_of(r)
    assert error["code"] == "not_found" and "no dataset 'us_ofac_sdn'" in error["message"]
    assert "default" in error["message"] and "ofac-sdn" in error["message"]


SMIC = {"schema": "Company", "properties": {"name": ["Semiconductor Manufacturing International"]}}


def test_threshold_and_its_older_name_cutoff(sdn: TestClient, keys: Keys) -> None:
    """SMIC scores 1.0, three of its subsidiaries 0.8867 (the engine reports nothing below 0.80)."""

    def ask(params: str) -> tuple[dict[str, Any], list[tuple[str, float, bool]]]:
        r = sdn.post(f"/match/default?{params}", json={"queries": {"s": SMIC}}, headers=api_key(keys))
        assert r.status_code == 200, r.text
        doc = r.json()
        results = doc["responses"]["s"]["results"]
        return doc, [(x["id"], x["score"], x["match"]) for x in results]

    doc, default = ask("")  # yente's default threshold, 0.70: all four match
    assert [m for _, _, m in default] == [True] * 4 and doc["responses"]["s"]["total"]["value"] == 4
    assert default[0] == ("org-smic", 1.0, True) and doc["clearance"]["threshold"] == 0.7
    doc, strict = ask("threshold=0.95&cutoff=0.5")  # returned from 0.5, matches from 0.95
    assert [m for _, _, m in strict] == [True, False, False, False]
    assert doc["responses"]["s"]["total"]["value"] == 1
    doc, older = ask("cutoff=0.95")  # an older client's cutoff is the threshold, and the floor
    assert older == [("org-smic", 1.0, True)] and doc["clearance"]["threshold"] == 0.95
    doc, newer = ask("threshold=0.95")  # yente's cutoff stays 0.70: the others come as non-matches
    assert [m for _, _, m in newer] == [True, False, False, False] and doc["clearance"]["cutoff"] == 0.7


def test_limit_algorithm_and_fuzzy(sdn: TestClient, keys: Keys) -> None:
    params = "limit=1&algorithm=logic-v2&fuzzy=true"
    r = sdn.post(f"/match/default?{params}", json={"queries": {"t": TENCENT}}, headers=api_key(keys))
    doc = r.json()
    assert r.status_code == 200 and doc["limit"] == 1 and len(doc["responses"]["t"]["results"]) == 1
    assert (
        doc["clearance"]["algorithm"] == "clearance (asked: logic-v2)" and doc["clearance"]["fuzzy"] is True
    )
    too_many = sdn.post("/match/default?limit=501", json={"queries": {"t": TENCENT}}, headers=api_key(keys))
    assert too_many.status_code == 422


def test_result_filters(sdn: TestClient, keys: Keys) -> None:
    def ids(params: str) -> set[str]:
        r = sdn.post(f"/match/default?{params}", json={"queries": {"k": KOLBAYEV}}, headers=api_key(keys))
        return {x["id"] for x in r.json()["responses"]["k"]["results"]}

    assert ids("exclude_entity_ids=ofac-12625") == set()
    assert ids("exclude_schema=Person") == set()
    assert ids("topics=export.control") == set() and ids("topics=sanction") == {"ofac-12625"}
    assert ids("include_dataset=builtin") == set() and ids("exclude_dataset=ofac-sdn") == set()


def test_as_of_and_activity(client: TestClient, keys: Keys) -> None:
    smic = {
        "schema": "Company",
        "properties": {"name": ["Semiconductor Manufacturing International Corporation"]},
    }
    r = client.post(
        "/match/default?as_of=2022-03-01&activity=securities",
        json={"queries": {"s": smic}},
        headers=api_key(keys),
    )
    response = r.json()["responses"]["s"]
    assert response["results"][0]["id"] == "org-smic" and response["clearance"]["decision"] == "block"
    # fail closed: the built-in data alone has no sanctions list, and the answer says so
    assert any("no sanctions list" in w for w in r.json()["clearance"]["warnings"])


def test_no_silent_clear_on_data_with_gaps(engine: Engine, settings: ServiceSettings, keys: Keys) -> None:
    """With CLEARANCE_ON_STALE=review and no sanctions list loaded, a clear answer is review."""
    strict = Engine(replace(engine.dataset, on_stale=OnStale.REVIEW))
    with TestClient(create_app(engine=strict, settings=settings)) as c:
        r = c.post("/match/default?as_of=2024-01-01", json={"queries": {"t": TENCENT}}, headers=api_key(keys))
    response = r.json()["responses"]["t"]
    assert response["results"][0]["clearance"]["decision"] == "clear"  # its measures are revoked
    assert response["clearance"]["decision"] == "review" and r.json()["clearance"]["warnings"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"queries": {"x": {"schema": "Spaceship", "properties": {"name": ["X"]}}}}, "not a followthemoney"),
        ({"queries": {"x": {"schema": "Person", "properties": {}}}}, "needs a name"),
        ({"queries": {}}, "no queries"),
    ],
)
def test_a_query_that_cannot_be_read_is_a_400(sdn: TestClient, keys: Keys, body: Any, message: str) -> None:
    r = sdn.post("/match/default", json=body, headers=api_key(keys))
    assert r.status_code == 400 and message in yente_error_of(r)["message"]


def test_malformed_bodies(sdn: TestClient, keys: Keys) -> None:
    headers = {**api_key(keys), "Content-Type": "application/json"}
    assert sdn.post("/match/default", content=b"{nope", headers=headers).status_code == 400
    assert (
        sdn.post("/match/default", json={"queries": {"x": {"properties": {}}}}, headers=headers).status_code
        == 422
    )


def test_too_many_queries_is_a_413(sdn_engine: Engine, settings: ServiceSettings, keys: Keys) -> None:
    with TestClient(create_app(engine=sdn_engine, settings=replace(settings, max_batch=1))) as c:
        r = c.post("/match/default", json={"queries": {"a": TENCENT, "b": TENCENT}}, headers=api_key(keys))
    assert r.status_code == 413 and yente_error_of(r)["code"] == "batch_too_large"


def test_an_entity_nested_by_default(sdn: TestClient, keys: Keys) -> None:
    r = sdn.get("/entities/ofac-12625", headers=api_key(keys))
    doc = r.json()
    assert r.status_code == 200 and doc["id"] == "ofac-12625" and doc["schema"] == "Person"
    assert doc["properties"]["birthDate"] == ["1974-08-03", "1973-01-01"]
    (sanction,) = doc["properties"]["sanctions"]
    assert sanction["schema"] == "Sanction" and sanction["properties"]["authorityId"] == ["12625"]
    (link,) = doc["properties"]["unknownLinkTo"]
    assert link["properties"]["object"][0]["id"] == "ofac-23223"
    assert doc["clearance"]["dates_of_birth"] == ["03 Aug 1974", "01 Jan 1973"]
    flat = sdn.get("/entities/ofac-12625?nested=false", headers=api_key(keys)).json()
    assert "sanctions" not in flat["properties"] and "unknownLinkTo" not in flat["properties"]


def test_a_company_with_its_apps_and_subsidiaries(client: TestClient, keys: Keys) -> None:
    props = client.get("/entities/org-tencent-holdings", headers=api_key(keys)).json()["properties"]
    apps = {link["properties"]["object"][0]["id"] for link in props["unknownLinkTo"]}
    assert {"app-wechat", "app-tencent-qq"} <= apps
    assert props["ownershipOwner"][0]["properties"]["asset"][0]["id"] == "org-tenpay"


def test_an_unknown_entity_is_a_404(sdn: TestClient, keys: Keys) -> None:
    r = sdn.get("/entities/ofac-0", headers=api_key(keys))
    assert r.status_code == 404 and yente_error_of(r) == {
        "code": "not_found",
        "message": "no entity with id 'ofac-0'",
    }


def test_the_routes_are_documented(sdn: TestClient) -> None:
    paths = sdn.get("/openapi.json").json()["paths"]
    assert "/match/{dataset}" in paths and "/entities/{entity_id}" in paths

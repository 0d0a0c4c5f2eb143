"""The application as documented: the OpenAPI document names the routes, the key they need, their
request and answer shapes and their errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

OWN_ROUTES = {
    ("post", "/screen"),
    ("get", "/search"),
    ("get", "/measures"),
    ("get", "/lists"),
    ("post", "/lists/update"),
}
OPEN_ROUTES = {("get", "/healthz"), ("get", "/readyz")}


def test_the_openapi_document_describes_the_routes_and_their_keys(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for method, path in OWN_ROUTES:
        operation = paths[path][method]
        assert operation["security"] == [{"ApiKey": []}], path
        for status in ("401", "403", "429"):
            assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorResponse"
            }, (path, status)
    for method, path in OPEN_ROUTES:
        assert "security" not in paths[path][method], path
    scheme = doc["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}


def test_the_screen_request_is_documented_without_internal_fields(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["ScreenRequest"]["properties"]) == {"queries"}
    query = schemas["ScreenQuery"]
    assert set(query["properties"]) == {
        "name",
        "kind",
        "as_of",
        "activity",
        "birth_date",
        "country",
        "identifier",
    }
    assert query["required"] == ["name"]
    assert set(schemas["QueryKind"]["enum"]) == {"party", "person", "organization", "app", "text"}
    assert "data_versions" in schemas["ScreenResponse"]["properties"]


def test_the_docs_page_is_served(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "openapi.json" in r.text

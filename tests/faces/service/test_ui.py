"""The web UI through FastAPI's test client (no browser: `test_ui_browser.py` drives a real one):
sign-in and its session, CSRF, the queue after `POST /screen`, four eyes on the case page, the
allowlist, search, entities, lists and the audit page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from clearance.faces.service.auth import Role
from clearance.faces.service.storage import store_of
from clearance.faces.service.ui.explain import Word, marked, path_graph
from clearance.faces.service.ui.session import COOKIE
from clearance.store.allowlist import entries
from faces.service.service_files import Keys

TENCENT = {"name": "Tencent Holdings", "as_of": "2021-03-01"}
SMIC = {
    "name": "Semiconductor Manufacturing International Corp",
    "as_of": "2022-03-01",
    "activity": "securities",
}
PAGES = ["/ui/", "/ui/cases/1", "/ui/search?q=SMIC", "/ui/entities/org-smic", "/ui/lists", "/ui/audit"]


def sign_in(client: TestClient, key: str) -> str:
    """Sign in with `key` (posted as JSON, as a script may); returns the session's CSRF token."""
    answer = client.post("/ui/login", json={"key": key, "next": "/ui/"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/ui/"
    return csrf_of(client.get("/ui/").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def screen(client: TestClient, keys: Keys, **queries: dict[str, str]) -> dict[str, Any]:
    answer = client.post("/screen", json={"queries": queries}, headers=keys.bearer(keys.analyst))
    assert answer.status_code == 200, answer.text
    doc: dict[str, Any] = answer.json()
    return doc


def case_ids(client: TestClient) -> dict[str, int]:
    """The queue's cases by party name."""
    html = client.get("/ui/").text
    rows = re.findall(r'<td dir="auto"><a href="/ui/cases/(\d+)">([^<]+)</a></td>', html)
    return {name: int(i) for i, name in rows}


def audit_records(client: TestClient) -> list[dict[str, Any]]:
    return [r.to_dict() for r in store_of(client.app).audit_records()]


@dataclass
class Analyst:
    """A second analyst in a browser of their own, signed in, and the CSRF token of their session."""

    client: TestClient
    csrf: str


@pytest.fixture
def bob(client: TestClient, keys: Keys) -> Analyst:
    _, key = keys.store.create(Role.ANALYST, "bob")
    other = TestClient(client.app)
    return Analyst(other, sign_in(other, key))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_asks_to_sign_in_first(client: TestClient, keys: Keys, path: str) -> None:
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/ui/login?next=%2Fui%2F")


def test_the_sign_in_page_and_the_static_files_are_open(client: TestClient) -> None:
    page = client.get("/ui/login")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert 'name="key"' in page.text
    assert client.get("/ui/static/ui.css").status_code == 200
    assert "<script" not in page.text  # plain forms: no script at all
    assert not any(p.startswith("/ui") for p in client.get("/openapi.json").json()["paths"])


def test_signing_in_sets_a_strict_session_cookie_and_is_audited(client: TestClient, keys: Keys) -> None:
    answer = client.post("/ui/login", json={"key": keys.analyst}, follow_redirects=False)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/ui", "Max-Age="):
        assert attribute in cookie
    assert keys.analyst not in cookie
    page = client.get("/ui/")
    assert page.status_code == 200
    assert "ana" in page.text and "No case is open" in page.text
    (login,) = [r for r in audit_records(client) if r["action"] == "login"]
    assert login["actor"] == "ana" and login["subject"] == "user ana"
    assert login["detail"]["ok"] is True and login["detail"]["key_id"] == keys.analyst_id
    assert keys.analyst not in str(login)


@pytest.mark.parametrize("given", ["clr_not-a-key", "", "Bearer clr_wrong"])
def test_a_wrong_key_is_refused_and_audited(client: TestClient, keys: Keys, given: str) -> None:
    answer = client.post("/ui/login", json={"key": given}, follow_redirects=False)
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers
    assert 'role="alert"' in answer.text
    (login,) = [r for r in audit_records(client) if r["action"] == "login"]
    assert login["actor"] == "unknown" and login["detail"]["ok"] is False
    assert set(login["detail"]) == {"ok", "key_id", "client", "why"}
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_a_revoked_key_ends_its_session_and_cannot_sign_in(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.analyst)
    keys.store.revoke(keys.analyst_id)
    answer = client.get("/ui/", follow_redirects=False)
    assert answer.status_code == 303
    assert "done=expired" in answer.headers["location"]
    assert client.post("/ui/login", json={"key": keys.analyst}, follow_redirects=False).status_code == 401
    refused = [r for r in audit_records(client) if r["action"] == "login" and not r["detail"]["ok"]]
    assert refused[-1]["actor"] == "ana" and "revoked" in refused[-1]["detail"]["why"]


def test_a_forged_cookie_is_no_session(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.analyst)
    value = client.cookies[COOKIE]
    client.cookies.set(COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/ui")
    assert client.get("/ui/", follow_redirects=False).status_code == 303


def test_sign_in_goes_on_only_to_a_page_of_the_ui(client: TestClient, keys: Keys) -> None:
    for target, expected in [
        ("/ui/audit", "/ui/audit"),
        ("https://evil.example/", "/ui/"),
        ("//evil", "/ui/"),
    ]:
        client.cookies.clear()
        answer = client.post("/ui/login", json={"key": keys.analyst, "next": target}, follow_redirects=False)
        assert answer.headers["location"] == expected


def test_signing_out(client: TestClient, keys: Keys) -> None:
    token = sign_in(client, keys.analyst)
    answer = client.post("/ui/logout", json={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303 and "done=signed_out" in answer.headers["location"]
    assert client.get("/ui/", follow_redirects=False).status_code == 303
    assert [r["action"] for r in audit_records(client)][-1] == "logout"


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, keys: Keys, bob: Analyst) -> None:
    screen(client, keys, t=TENCENT)
    token = sign_in(client, keys.analyst)
    case = case_ids(client)["Tencent Holdings"]
    form = {"disposition": "false_positive", "reason": "not them"}
    for sent in ({}, {"csrf": "0" * 64}, {"csrf": bob.csrf}):
        answer = client.post(f"/ui/cases/{case}/dispose", json={**form, **sent})
        assert answer.status_code == 403
        assert "security token" in answer.text
    cross = client.post(
        f"/ui/cases/{case}/dispose", json={**form, "csrf": token}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert "awaiting" not in client.get(f"/ui/cases/{case}").text
    assert not [r for r in audit_records(client) if r["action"] == "case_disposed"]


def test_the_queue_shows_the_cases_of_a_screening(client: TestClient, keys: Keys) -> None:
    doc = screen(client, keys, t=TENCENT, s=SMIC)
    assert doc["results"]["s"]["decision"] == "block"
    sign_in(client, keys.analyst)
    cases = case_ids(client)
    assert set(cases) == {"Tencent Holdings", "Semiconductor Manufacturing International Corp"}
    blocking = client.get("/ui/?decision=block").text
    assert "Semiconductor Manufacturing" in blocking and "Tencent Holdings" not in blocking
    assert "No case matches" in client.get("/ui/?status=closed").text
    assert client.get("/ui/?status=nonsense").status_code == 400


def test_four_eyes_on_the_case_page(client: TestClient, keys: Keys, bob: Analyst) -> None:
    screen(client, keys, t=TENCENT)
    token = sign_in(client, keys.analyst)
    case = case_ids(client)["Tencent Holdings"]
    page = client.get(f"/ui/cases/{case}").text
    assert "<mark>Limited</mark>" in page  # the listed name's word the query lacks
    assert "EO 13971" in page and "<svg" in page and "Tencent QQ" in page
    assert "2021-01-05" in page  # EO 13971's timeline: signed
    disposed = client.post(
        f"/ui/cases/{case}/dispose",
        json={"csrf": token, "disposition": "true_match", "reason": "Same company"},
        follow_redirects=False,
    )
    assert disposed.status_code == 303 and disposed.headers["location"] == f"/ui/cases/{case}?done=disposed"
    refused = client.post(f"/ui/cases/{case}/approve", json={"csrf": token})
    assert refused.status_code == 403
    assert "another analyst must approve it" in refused.text
    assert "awaiting approval" in refused.text
    approved = bob.client.post(f"/ui/cases/{case}/approve", json={"csrf": bob.csrf, "reason": "agreed"})
    assert approved.status_code == 200 and "Approved: the case is closed." in approved.text
    assert "badge-closed" in approved.text
    actions = [(r["actor"], r["action"]) for r in audit_records(client) if r["subject"] == f"case {case}"]
    assert actions[-2:] == [("ana", "case_disposed"), ("bob", "case_approved")]


def test_a_disposition_needs_a_reason_and_a_known_case(client: TestClient, keys: Keys) -> None:
    screen(client, keys, t=TENCENT)
    token = sign_in(client, keys.analyst)
    case = case_ids(client)["Tencent Holdings"]
    empty = client.post(
        f"/ui/cases/{case}/dispose", json={"csrf": token, "disposition": "escalate", "reason": " "}
    )
    assert empty.status_code == 400 and "needs a reason" in empty.text
    odd = client.post(
        f"/ui/cases/{case}/dispose", json={"csrf": token, "disposition": "maybe", "reason": "x"}
    )
    assert odd.status_code == 400 and "choose a disposition" in odd.text
    assert client.get("/ui/cases/999").status_code == 404
    assert client.get("/ui/cases/abc").status_code == 404


def test_allowlisting_an_alert(client: TestClient, keys: Keys) -> None:
    screen(client, keys, s=SMIC)
    token = sign_in(client, keys.analyst)
    case = case_ids(client)["Semiconductor Manufacturing International Corp"]
    page = client.get(f"/ui/cases/{case}").text
    alert = int(re.findall(r'action="/ui/alerts/(\d+)/allowlist"', page)[1])
    expires = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    url = f"/ui/alerts/{alert}/allowlist"
    late = client.post(url, json={"csrf": token, "case": str(case), "reason": "x", "expires": "2999-01-01"})
    assert late.status_code == 400 and "more than" in late.text
    done = client.post(
        url, json={"csrf": token, "case": str(case), "reason": "the parent", "expires": expires}
    )
    assert done.status_code == 200 and "Allowlist entry added." in done.text
    assert f"by ana, until {expires}" in done.text
    (entry,) = entries(store_of(client.app))
    assert entry["author"] == "ana" and entry["reason"] == "the parent"


def test_what_users_type_is_shown_as_text(client: TestClient, keys: Keys) -> None:
    screen(client, keys, t=TENCENT)
    token = sign_in(client, keys.analyst)
    case = case_ids(client)["Tencent Holdings"]
    client.post(
        f"/ui/cases/{case}/dispose", json={"csrf": token, "disposition": "escalate", "reason": "<b>x</b>"}
    )
    page = client.get(f"/ui/cases/{case}").text
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    search = client.get("/ui/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in search


def test_search_links_hits_to_entities_and_records_nothing(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.analyst)
    page = client.get("/ui/search", params={"q": "腾讯控股有限公司", "as_of": "2021-03-01"})
    assert page.status_code == 200
    assert 'href="/ui/entities/org-tencent-holdings"' in page.text and "腾讯控股有限公司" in page.text
    assert client.get("/ui/search", params={"q": "Tencent", "as_of": "not a date"}).status_code == 400
    assert not [r for r in audit_records(client) if r["action"] == "decision"]
    assert case_ids(client) == {}


def test_the_entity_page(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.analyst)
    page = client.get("/ui/entities/org-tencent-holdings")
    assert page.status_code == 200
    assert "腾讯控股有限公司" in page.text and "EO 13971" in page.text
    assert 'href="/ui/entities/app-wechat"' in page.text
    assert client.get("/ui/entities/nobody").status_code == 404


def test_the_lists_page_says_what_is_loaded(client: TestClient, keys: Keys) -> None:
    sign_in(client, keys.analyst)
    page = client.get("/ui/lists").text
    assert "No list is imported" in page and "no sanctions list is loaded" in page


def test_the_audit_page_shows_the_chains_verdict(client: TestClient, keys: Keys) -> None:
    screen(client, keys, t=TENCENT)
    sign_in(client, keys.analyst)
    page = client.get("/ui/audit").text
    assert "Chain intact" in page and "case opened" in page and "login" in page
    store = store_of(client.app)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_no_update"))
        connection.execute(text("UPDATE audit SET actor = 'mallory' WHERE seq = 2"))
    page = client.get("/ui/audit").text
    assert "TAMPERED at record 2" in page


def test_a_path_that_is_no_page(client: TestClient, keys: Keys) -> None:
    assert client.get("/ui/nothing", follow_redirects=False).status_code == 303
    sign_in(client, keys.analyst)
    answer = client.get("/ui/nothing/here")
    assert answer.status_code == 404 and "there is no page /ui/nothing/here" in answer.text
    assert client.get("/ui/static/ui.css").status_code == 200
    assert client.get("/ui/static/missing.css").status_code == 404


def test_the_names_are_marked_where_they_differ() -> None:
    assert marked("Tencent Holdings", "TENCENT HOLDINGS LIMITED") == [
        Word("Tencent", False),
        Word("Holdings", False),
    ]
    assert [w.text for w in marked("Société Générale - Paris", "SOCIETE GENERALE") if w.differs] == ["Paris"]
    assert marked("腾讯控股", "Tencent") == [Word("腾讯控股", True)]


def test_a_path_with_two_owners_is_drawn_as_a_tree() -> None:
    steps = [
        {"from": "a", "relation": "owned_by", "to": "b", "to_name": "Owner B", "share": "30"},
        {"from": "a", "relation": "owned_by", "to": "c", "to_name": "腾讯" * 30, "share": "25"},
        {"from": "c", "relation": "named_in", "to": "m", "to_name": "EO 1"},
    ]
    graph = path_graph(steps, "a", "Party A")
    assert graph is not None
    nodes = {n.id: n for n in graph.nodes}
    assert [nodes[i].layer for i in "abcm"] == [0, 1, 1, 2]
    assert nodes["b"].y == nodes["c"].y and nodes["b"].x != nodes["c"].x
    assert nodes["m"].measure and not nodes["b"].measure
    assert nodes["c"].label.endswith("…") and len(nodes["c"].label) <= 17
    assert [e.label for e in graph.edges] == ["owned by 30%", "owned by 25%", "named in"]
    assert path_graph([], "a", "Party A") is None


def test_plain_html_forms_work_without_script(client: TestClient, keys: Keys) -> None:
    """A browser with JavaScript off posts form-encoded: let through under /ui/ only."""
    answer = client.post("/ui/login", data={"key": keys.analyst, "next": "/ui/"}, follow_redirects=False)
    assert answer.status_code == 303
    assert client.get("/ui/").status_code == 200
    elsewhere = client.post("/screen", data={"queries": "x"}, headers=keys.bearer(keys.analyst))
    assert elsewhere.status_code == 415


def test_an_allowlist_entry_on_a_blocking_alert_waits_for_another_user(
    client: TestClient, keys: Keys
) -> None:
    screen(client, keys, s=SMIC)
    token = sign_in(client, keys.analyst)
    case = case_ids(client)["Semiconductor Manufacturing International Corp"]
    page = client.get(f"/ui/cases/{case}").text
    blocking = int(re.findall(r'action="/ui/alerts/(\d+)/allowlist"', page)[0])
    added = client.post(
        f"/ui/alerts/{blocking}/allowlist", json={"csrf": token, "case": str(case), "reason": "another SMIC"}
    )
    assert "waits for a second user" in added.text
    (entry,) = entries(store_of(client.app))
    own = client.post(f"/ui/allowlist/{entry['id']}/approve", json={"csrf": token, "case": str(case)})
    assert own.status_code == 403 and "another user must approve it" in own.text
    _, bob = keys.store.create(Role.ANALYST, "bob")
    client.cookies.clear()
    token = sign_in(client, bob)
    done = client.post(f"/ui/allowlist/{entry['id']}/approve", json={"csrf": token, "case": str(case)})
    assert done.status_code == 200 and "Allowlisted (entry" in done.text
    assert entries(store_of(client.app))[0]["approved_by"] == "bob"

"""POST /channels/{channel}: a file's content screened item by item, as `clearance payments`, `apps`,
`portfolio` and `text` do, in one JSON answer; bad content and bad dates are one JSON error."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from faces.service.service_files import error_of
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"


def test_a_payment_file_is_screened_per_transaction(client: TestClient, analyst: dict[str, str]) -> None:
    content = (PAYMENTS / "mt103_broken_block.txt").read_text(encoding="utf-8")
    body = {"content": content, "filename": "swift-0611.txt"}
    r = client.post("/channels/payments", json=body, headers=analyst)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert [rec["decision"] for rec in doc["records"]] == ["clear", "block"]
    assert [rec["refs"]["20"] for rec in doc["records"]] == ["PAY-2024-0611-01", "PAY-2024-0612-03"]
    (reject,) = doc["rejects"]
    assert reject["line"] == 18 and reject["source"] == "swift-0611.txt"
    assert doc["summary"]["read"] == 3 and doc["summary"]["rejects"] == 1
    assert doc["data_versions"]["builtin"].startswith("builtin-")


def test_devices_get_their_records(client: TestClient, analyst: dict[str, str]) -> None:
    content = "device_id,package_id\nD1,com.tencent.mm\nD1,com.whatsapp\nD2,com.slack\n"
    body = {"content": content, "as_of": "2021-03-01"}
    doc = client.post("/channels/apps", json=body, headers=analyst).json()
    devices = {r["key"]: r["decision"] for r in doc["records"] if r["record"] == "device"}
    assert devices == {"D1": "review", "D2": "clear"}


def test_bad_content_and_dates_are_json_errors(client: TestClient, analyst: dict[str, str]) -> None:
    r = client.post("/channels/portfolio", json={"content": "just words\n"}, headers=analyst)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid_input"
    r = client.post("/channels/text", json={"content": "x", "as_of": "2021-02-30"}, headers=analyst)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid_input"
    r = client.post("/channels/faxes", json={"content": "x"}, headers=analyst)
    assert r.status_code == 422
    assert client.post("/channels/text", json={"content": "x"}).status_code == 401


def test_a_payment_file_is_recorded_with_an_alert_per_field_that_hit(
    client: TestClient, analyst: dict[str, str], home: Path
) -> None:
    from clearance.store import Store
    from clearance.store.cases import case_detail, queue

    content = (PAYMENTS / "mt103_broken_block.txt").read_text(encoding="utf-8")
    doc = client.post("/channels/payments", json={"content": content}, headers=analyst).json()
    assert doc["recorded"]["decisions"] == 2 and doc["recorded"]["alerts_opened"] >= 1
    store = Store.open(home=home)
    (case,) = queue(store)
    alert = case_detail(store, case["id"])["alerts"][0]
    assert alert["decision"] == "block" and alert["screening"]["reference"] == "PAY-2024-0612-03"
    assert store.verify().ok

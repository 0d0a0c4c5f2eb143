"""`clearance payments`, `text`, `apps` and `portfolio` from the command line, on the built-in data and the
sample files of tests/data/channels: one record per transaction, (device, app), holding or document,
each hit tied to its field; rejects with their place; exit codes 0 / 1 / 2 / 3; output files, rejects
and --resume as for the batch."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clearance.faces.cli.app import app
from fixtures import DATA

CHANNELS = DATA / "channels"
PAYMENTS = CHANNELS / "payments"
APPS = CHANNELS / "apps"


def _invoke(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    """Exit code, the JSON lines printed, and standard error."""
    result = CliRunner().invoke(app, [*args, "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_each_transaction_is_one_record_with_its_references_and_fields() -> None:
    code, records, _ = _invoke("payments", str(PAYMENTS / "pacs008_multi.xml"))
    assert code == 1
    items = [r for r in records if r["record"] == "item"]
    assert [r["refs"]["EndToEndId"] for r in items] == ["E2E-INV-2024-118", "E2E-INV-2231", "E2E-CHARTER-77"]
    assert [r["decision"] for r in items] == ["clear", "block", "block"]
    iran = items[1]
    assert iran["item_as_of"] == "2024-06-11" and iran["activity"] == "payment"
    paths = {f["field"]["path"] for f in iran["findings"] if f["decision"] == "block"}
    assert "/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/IntrmyAgt1/FinInstnId/BICFI" in paths
    bic = next(f for f in iran["findings"] if f["field"]["kind"] == "bic")
    assert bic["territories"][0]["territory"] == "ir" and bic["field"]["line"] > 0
    assert "us-ofac-iran" in {m["id"] for m in bic["territories"][0]["measures"]}


def test_structure_is_not_content_in_an_mt103() -> None:
    """Tags, amounts, currencies, dates and references are never screened: no field holds them."""
    code, records, _ = _invoke("payments", str(PAYMENTS / "mt103_multi.txt"))
    first = next(r for r in records if r["refs"].get("20") == "PAY-2024-0611-01")
    assert first["decision"] == "clear" and first["findings"] == []
    assert first["details"]["currency"] == "EUR"
    blocked = next(r for r in records if r["refs"].get("20") == "PAY-2024-0612-03")
    assert blocked["decision"] == "block"
    assert any(f["field"]["path"].startswith(":59F:") for f in blocked["findings"])
    assert code == 1


def test_a_broken_message_is_a_reject_and_the_rest_goes_on() -> None:
    result = CliRunner().invoke(app, ["payments", str(PAYMENTS / "mt103_broken_block.txt")])
    assert result.exit_code == 1
    rejects = [line for line in result.stderr.splitlines() if line.startswith("reject:")]
    assert len(rejects) == 1 and "mt103_broken_block.txt:18 message 2" in rejects[0]
    assert "3 read: 2 decided (1 clear, 0 review, 1 block), 1 rejected" in result.stderr


def test_the_transaction_date_decides_and_as_of_is_for_undated_items(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "reference,date,creditor_name,creditor_address\n"
        "R1,2012-06-01,Black Sea Trading,Sevastopol\n"  # before EO 13685
        "R2,,Black Sea Trading,Sevastopol\n",
        encoding="utf-8",
    )
    _, records, _ = _invoke("payments", str(path), "--as-of", "2020-01-01")
    assert [(r["key"], r["decision"]) for r in records] == [("R1", "clear"), ("R2", "block")]
    context = records[0]["findings"][0]["territories"][0]
    assert context["territory"] == "ua-crimea" and context["decision"] == "clear"


def test_innocent_payments_are_clear_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "innocent.csv"
    path.write_text(
        "reference,date,amount,currency,debtor_name,debtor_country,creditor_name,creditor_country,"
        "creditor_bic,remittance\n"
        "INV-2231,2024-03-01,1250.00,EUR,Mary Johnson Bakery,US,Lakeside Plumbing Supplies,DE,COBADEFFXXX,"
        "Invoice 2231 for 20 units of order 1234 - thank you for your payment\n"
        "REF:20,2024-03-02,99.90,USD,Kings Office Supply,GB,Harbour View Dental,IE,AIBKIE2D,"
        "/ACC/ rent for March\n",
        encoding="utf-8",
    )
    code, records, _ = _invoke("payments", str(path))
    assert code == 0, records
    assert {r["decision"] for r in records} == {"clear"}


def test_devices_get_a_record_per_app_and_per_device() -> None:
    code, records, _ = _invoke("apps", str(APPS / "intune_appinvrawdata.csv"), "--as-of", "2021-03-01")
    assert code == 1
    devices = [r for r in records if r["record"] == "device"]
    items = [r for r in records if r["record"] == "item"]
    assert len(devices) == 3 and len(items) == 13
    wechat = next(r for r in items if r["refs"].get("package_id") == "com.tencent.mm")
    hit = wechat["findings"][0]["hits"][0]
    assert hit["entity_id"] == "app-wechat"
    assert {m["id"]: m["state"] for m in hit["measures"]}["us-eo-13971"] == "in_force"
    assert any(d["entity_id"] == "org-tencent-holdings" for d in hit["developed_by"])
    first = devices[0]
    assert first["decision"] == "review" and first["items"] == 6
    assert {f["key"] for f in first["flagged"]} >= {"com.tencent.mm", "com.eg.android.AlipayGphone"}
    later_code, later, _ = _invoke("apps", str(APPS / "intune_appinvrawdata.csv"), "--as-of", "2021-07-01")
    revoked = next(r for r in later if r["refs"].get("package_id") == "com.tencent.mm")
    states = {m["id"]: m["state"] for m in revoked["findings"][0]["hits"][0]["measures"]}
    assert states["us-eo-13971"] == "revoked" and revoked["decision"] == "clear" and later_code == 0


def test_a_portfolio_says_what_must_be_divested() -> None:
    path = CHANNELS / "portfolio" / "holdings.csv"
    code, records, _ = _invoke("portfolio", str(path), "--as-of", "2022-07-01")
    assert code == 1
    smic = next(r for r in records if r["record"] == "item" and r["refs"].get("isin") == "KYG8020E1199")
    assert smic["decision"] == "block" and smic["activity"] == "securities"
    (divest,) = [d for d in smic["divestment"] if d["measure"] == "us-eo-14032"]
    assert divest["status"] == "overdue" and divest["divest_by"] == "2022-06-03"
    assert divest["effective"] == "2021-08-02" and divest["listed"] is not None
    _, before, _ = _invoke("portfolio", str(path), "--as-of", "2022-03-01")
    smic = next(r for r in before if r["record"] == "item" and r["refs"].get("isin") == "KYG8020E1199")
    (divest,) = [d for d in smic["divestment"] if d["measure"] == "us-eo-14032"]
    assert divest["status"] == "divest" and divest["days_left"] == 94


def test_text_reads_standard_input() -> None:
    result = CliRunner().invoke(
        app, ["text", "-", "--as-of", "2021-03-01", "--json"], input="Invoice 2231 paid via Ali Pay"
    )
    assert result.exit_code == 1
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["findings"][0]["hits"][0]["entity_id"] == "app-alipay"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["payments", "missing.xml"], "no such file"),
        (["payments", "{payments}", "--resume"], "--resume needs --output"),
        (["payments", "{payments}", "-o", "{payments}"], "is the input"),
        (["payments", "{payments}", "-o", "/nowhere/out.jsonl"], "no folder"),
        (["apps", "{payments}", "--catalogue", "--layout", "intune"], "--layout is for device inventories"),
        (["payments", "{payments}", "--activity", "shopping"], "unknown activity"),
    ],
)
def test_usage_errors_exit_2_in_one_line(tmp_path: Path, args: list[str], said: str) -> None:
    copy = tmp_path / "payments.csv"
    shutil.copy(PAYMENTS / "payments.csv", copy)
    before = copy.read_bytes()
    result = CliRunner().invoke(app, [a.replace("{payments}", str(copy)) for a in args])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and said in line
    assert copy.read_bytes() == before  # never written over


def test_a_file_with_nothing_screened_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08'><FIToFICstmrCdtTrf>")
    result = CliRunner().invoke(app, ["payments", str(path)])
    assert result.exit_code == 2 and "0 decided" in result.stderr


def test_output_files_rejects_and_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "decisions.csv"
    result = CliRunner().invoke(
        app, ["payments", str(PAYMENTS / "mt103_broken_block.txt"), "-o", str(out), "--json"]
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["read"] == 3 and summary["items"] == 2 and summary["rejects"] == 1
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["decision"] for r in rows] == ["clear", "block"]
    assert "SEVASTOPOL" in rows[1]["best"]
    with (tmp_path / "decisions.csv.rejects.csv").open(encoding="utf-8") as f:
        (reject,) = list(csv.DictReader(f))
    assert reject["line"] == "18" and "block 4" in reject["reason"]


def test_a_file_with_a_rejected_message_is_not_all_clear(tmp_path: Path) -> None:
    """A message that could not be read was never screened: the file exits 1, not 0, though every
    message read is clear."""
    clean = (PAYMENTS / "mt103_multi.txt").read_text(encoding="utf-8").split("{1:")[1]
    path = tmp_path / "two.txt"
    path.write_text("{1:" + clean + "{1:F01ABNANL2AAXXX0000000000}{2:I103DEUTDEFFXXXXN}{4:\n:20:X\n", "utf-8")
    result = CliRunner().invoke(app, ["payments", str(path)])
    assert "2 read: 1 decided (1 clear, 0 review, 0 block), 1 rejected" in result.stderr
    assert result.exit_code == 1

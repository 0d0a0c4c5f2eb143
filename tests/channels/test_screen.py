"""An item screened field by field (`clearance.channels.screen`), on the built-in data."""

from __future__ import annotations

from datetime import date

import pytest

from clearance import Engine
from clearance.channels.items import Channel, Field, FieldKind, Item
from clearance.channels.screen import Screener


def _payment(*fields: Field, when: date | None = date(2021, 3, 1)) -> Item:
    return Item(
        channel=Channel.PAYMENT,
        refs=(("EndToEndId", "E2E-1"), ("UETR", "8a562c67-ca16-48ba-b074-65581be6f001")),
        fields=fields,
        source="test.xml",
        line=3,
        position="message 1, transaction 1",
        as_of=when,
        details=(("amount", "1250.00"), ("currency", "USD")),
    )


def _f(role: str, kind: FieldKind, value: str, path: str = "") -> Field:
    return Field(role=role, kind=kind, value=value, path=path or f"/{role}/{kind}")


@pytest.fixture(scope="module")
def screener(engine: Engine) -> Screener:
    return Screener(engine)


def test_an_innocent_payment_is_clear(screener: Screener) -> None:
    item = _payment(
        _f("debtor", FieldKind.NAME, "Mary Johnson Bakery"),
        _f("debtor", FieldKind.COUNTRY, "US"),
        _f("debtor", FieldKind.IBAN, "DE89370400440532013000"),
        _f("debtor_agent", FieldKind.BIC, "COBADEFFXXX"),
        _f("creditor", FieldKind.ORGANIZATION, "Lakeside Plumbing Supplies Ltd"),
        _f("creditor", FieldKind.TOWN, "Springfield"),
        _f("remittance", FieldKind.TEXT, "Invoice 2231 for 20 units, order of 2021-02-14, thank you"),
    )
    result = screener.screen(item)
    assert result.decision == "clear"
    assert result.findings == ()
    assert result.screened == 7
    doc = result.to_dict()
    assert doc["refs"] == {"EndToEndId": "E2E-1", "UETR": "8a562c67-ca16-48ba-b074-65581be6f001"}
    assert doc["key"] == "E2E-1" and doc["item_as_of"] == "2021-03-01"


def test_each_hit_is_tied_to_its_field(screener: Screener) -> None:
    item = _payment(
        _f("debtor", FieldKind.NAME, "Mary Johnson Bakery"),
        _f("creditor", FieldKind.ORGANIZATION, "Tencent Holdings Ltd", "/Document/X/CdtTrfTxInf[1]/Cdtr/Nm"),
        _f(
            "remittance",
            FieldKind.TEXT,
            "top-up via WeChat Pay",
            "/Document/X/CdtTrfTxInf[1]/RmtInf/Ustrd[1]",
        ),
    )
    result = screener.screen(item)
    assert result.activity == "payment"  # the channel's own
    by_path = {f.field.path: f for f in result.findings}
    assert set(by_path) == {
        "/Document/X/CdtTrfTxInf[1]/Cdtr/Nm",
        "/Document/X/CdtTrfTxInf[1]/RmtInf/Ustrd[1]",
    }
    creditor = by_path["/Document/X/CdtTrfTxInf[1]/Cdtr/Nm"]
    assert creditor.hits[0].entity.id == "org-tencent-holdings"
    assert all(r.startswith(("creditor ", "remittance ")) for r in result.reasons)


def test_the_most_severe_field_decides_and_the_date_is_the_items(screener: Screener) -> None:
    fields = (
        _f("creditor", FieldKind.ORGANIZATION, "Semiconductor Manufacturing International Corporation"),
    )
    item = Item(Channel.HOLDING, (("ISIN", "KYG8020E1199"),), fields, "p.csv", as_of=date(2022, 3, 1))
    assert Screener(screener.engine, activity="securities").screen(item).decision == "block"
    assert Screener(screener.engine, activity="payment").screen(item).decision != "block"


def test_an_app_id_decides_before_its_name(screener: Screener) -> None:
    item = Item(
        Channel.APP,
        (("device_id", "D1"), ("package_id", "com.tencent.mm")),
        (
            _f("app", FieldKind.APP_ID, "com.tencent.mm"),
            _f("app", FieldKind.APP_NAME, "WeChat"),
            _f("developer", FieldKind.DEVELOPER, "Tencent Mobile International Limited"),
        ),
        "inv.csv",
        group="D1",
    )
    result = Screener(screener.engine, as_of="2020-09-25").screen(item)
    app = next(f for f in result.findings if f.field.kind is FieldKind.APP_ID)
    assert app.hits and app.hits[0].entity.id == "app-wechat"
    name = next((f for f in result.findings if f.field.kind is FieldKind.APP_NAME), None)
    assert name is None or all(h.entity.id != "app-wechat" for h in name.hits)
    developed = app.to_dict()["hits"][0]["developed_by"]
    assert any(d["entity_id"] == "org-tencent-holdings" for d in developed)


def test_a_value_no_name_holds_raises_for_the_caller_to_reject(screener: Screener) -> None:
    from clearance.errors import InputError

    with pytest.raises(InputError):
        screener.screen(_payment(_f("creditor", FieldKind.NAME, "Ten\x01cent")))


@pytest.mark.parametrize("ticker", ["00981 HK", "0981 HK", "981 HK", "0981.HK", "688981.SS", "688981 CN"])
def test_a_holding_known_by_its_ticker_alone_is_found(screener: Screener, ticker: str) -> None:
    item = Item(Channel.HOLDING, (("ticker", ticker),), (_f("holding", FieldKind.TICKER, ticker),), "p.csv")
    result = Screener(screener.engine, as_of="2021-08-03").screen(item)
    assert result.decision == "block", ticker
    assert result.findings[0].hits[0].entity.id == "org-smic"
    assert any(d["measure"] == "us-eo-14032" and d["status"] == "divest" for d in result.divest)


def test_a_ticker_with_no_market_is_not_guessed(screener: Screener) -> None:
    item = Item(Channel.HOLDING, (("ticker", "981"),), (_f("holding", FieldKind.TICKER, "981"),), "p.csv")
    assert Screener(screener.engine, as_of="2021-08-03").screen(item).decision == "clear"


@pytest.mark.parametrize("issuer", [None, "Apple Inc."])
def test_an_isin_that_fails_its_check_is_never_clear(screener: Screener, issuer: str | None) -> None:
    fields = [_f("holding", FieldKind.ISIN, "KYG8020E1198")]  # SMIC's, one digit off
    if issuer:
        fields.append(_f("holding", FieldKind.ISSUER, issuer))
    item = Item(Channel.HOLDING, (("isin", "KYG8020E1198"),), tuple(fields), "p.csv")
    result = Screener(screener.engine, as_of="2021-08-03").screen(item)
    assert result.decision == "review"
    assert any(f.note and "cannot be verified" in f.note for f in result.findings)


def test_an_item_with_nothing_to_screen_is_refused_not_cleared(screener: Screener) -> None:
    from clearance.errors import InputError

    item = _payment(_f("debtor", FieldKind.ACCOUNT, "000123456789"))
    with pytest.raises(InputError, match="nothing to screen"):
        screener.screen(item)


def test_an_address_line_is_read_for_names_and_with_its_country(screener: Screener) -> None:
    named = _payment(
        _f("creditor", FieldKind.NAME, "Hans Mueller"),
        _f("creditor", FieldKind.ADDRESS, "c/o Tencent Holdings Limited, Kexing Road"),
    )
    assert screener.screen(named).decision == "review"
    for town, country, decision in [
        ("Sebastopol", "US", "review"),  # California: another country's town of that name
        ("Sebastopol", "UA", "block"),
        ("Havana", "US", "review"),
        ("Havana", "CU", "block"),
    ]:
        item = _payment(
            _f("creditor", FieldKind.NAME, "Harbour View Dental"),
            _f("creditor", FieldKind.TOWN, town),
            _f("creditor", FieldKind.COUNTRY, country),
            when=date(2024, 1, 5),
        )
        assert screener.screen(item).decision == decision, (town, country)

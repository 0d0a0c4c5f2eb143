"""`make demo` runs on the built-in data alone and shows what the README's first lines promise: the
payment file and the device inventory flagged on 2021-03-01 and cleared of EO 13971 on 2021-07-01,
while the Iranian BIC and the Crimean creditor block on both dates."""

from __future__ import annotations

import re

import pytest

from clearance.faces import demo


def _decision(table: str, ref: str) -> str:
    """The decision on the row of `ref` in the demo's printed tables."""
    found = re.search(rf"{ref}\s*│\s*(\w+)", table)
    assert found, ref
    return found[1]


def test_the_demo_screens_the_files_on_both_dates(capsys: pytest.CaptureFixture[str]) -> None:
    demo.main()
    out = capsys.readouterr().out
    march, july = out.split("Payments (examples/payments.xml, pacs.008) as of 2021-07-01")
    assert _decision(march, "E2E-WECHATPAY-TOPUP") == "review"
    assert _decision(july, "E2E-WECHATPAY-TOPUP") == "clear"
    for text in (march, july):
        assert _decision(text, "E2E-SPARE-PARTS-77") == "block"
        assert _decision(text, "E2E-CHARTER-12") == "block"
        assert _decision(text, "E2E-OFFICE-RENT-03") == "clear"
    assert _decision(march, "PHONE-0141") == "review" and _decision(july, "PHONE-0141") == "clear"
    assert "developed by Tencent Holdings Limited" in march

"""Portfolios read into holdings: ISIN, ticker and issuer screened, the rest kept as details."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.channels.items import Channel, FieldKind, Item, Reject
from clearance.channels.portfolio import isin_problem, read_portfolio
from clearance.channels.tables import csv_records
from clearance.errors import InputError

DATA = Path(__file__).parent.parent / "data" / "channels" / "portfolio"
OFAC = Path(__file__).parents[3] / "shared" / "data" / "ofac-consolidated-2025" / "cons_prim.csv"


def split(outcomes: Iterable[Item | Reject]) -> tuple[list[Item], list[Reject]]:
    got = list(outcomes)
    return [o for o in got if isinstance(o, Item)], [o for o in got if isinstance(o, Reject)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holdings.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_holdings() -> None:
    items, rejects = split(read_portfolio(DATA / "holdings.csv"))
    assert (len(items), len(rejects)) == (8, 2)
    assert all(i.channel is Channel.HOLDING and i.group is None for i in items)
    smic = items[0]
    assert smic.refs == (("id", "H-001"), ("isin", "KYG8020E1199"), ("ticker", "0981 HK"))
    assert smic.key == "H-001"
    assert (smic.line, smic.position) == (2, "row 1")
    assert [(f.role, f.kind, f.value, f.path, f.line) for f in smic.fields] == [
        ("holding", FieldKind.ISIN, "KYG8020E1199", "ISIN", 2),
        ("holding", FieldKind.TICKER, "0981 HK", "Ticker", 2),
        (
            "holding",
            FieldKind.ISSUER,
            "Semiconductor Manufacturing International Corporation",
            "Issuer Name",
            2,
        ),
    ]
    assert dict(smic.details) == {
        "quantity": "250000",
        "account": "EM-EQUITY",
        "market_value": "6125000.00",
        "currency": "HKD",
    }
    assert [i.refs[1][1] for i in items[1:3]] == ["CNE1000041W8", "HK0883013259"]
    assert dict(items[-1].details)["quantity"] == "900.5"


def test_a_mistyped_isin_is_still_screened_and_says_why() -> None:
    items = split(read_portfolio(DATA / "holdings.csv"))[0]
    mistyped = next(i for i in items if i.key == "H-007")
    assert [f.value for f in mistyped.fields if f.kind is FieldKind.ISIN] == ["US0378331006"]
    assert dict(mistyped.details)["isin_check"] == "the check digit is wrong"
    assert all("isin_check" not in dict(i.details) for i in items if i is not mistyped)


def test_rows_that_cannot_be_holdings() -> None:
    rejects = split(read_portfolio(DATA / "holdings.csv"))[1]
    assert [(r.line, r.position) for r in rejects] == [(9, "row 8"), (10, "row 9")]
    quantity, nothing = rejects
    assert "the quantity (Quantity) '1,200' is not a number" in quantity.reason
    assert nothing.reason.startswith("neither an ISIN, a ticker nor an issuer")
    assert nothing.text == "H-009,CASH,,,,5000,5000.00,USD"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("US0378331005", None),
        ("us 0378331005", None),
        ("US0378331006", "the check digit is wrong"),
        ("US03783310", "not 12 characters"),
        ("XX0378331005", "its first two letters are not a country code ISINs use"),
    ],
)
def test_isin_check(value: str, problem: str | None) -> None:
    assert isin_problem(value) == problem


def test_sample_isins_are_those_ofac_lists() -> None:
    if not OFAC.is_file():
        pytest.skip(f"{OFAC} is missing")
    with OFAC.open(encoding="utf-8", errors="replace", newline="") as file:
        remarks = {row[1]: row[-1] for row in csv.reader(file) if len(row) > 2}
    smic = remarks["SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION"]
    assert "ISIN KYG8020E1199" in smic and "alt. ISIN CNE1000041W8" in smic
    assert "ISIN HK0883013259" in remarks["CNOOC LIMITED"]


def test_header_spellings_and_optional_columns(tmp_path: Path) -> None:
    text = "Symbol,Security_Name,QTY\nAAPL,Apple Inc.,10\n0883 HK,CNOOC Ltd,\n,,5\n"
    items, rejects = split(read_portfolio(write(tmp_path, text)))
    assert [i.refs for i in items] == [(("ticker", "AAPL"),), (("ticker", "0883 HK"),)]
    assert [dict(i.details) for i in items] == [{"quantity": "10"}, {}]
    assert [f.kind for f in items[1].fields] == [FieldKind.TICKER, FieldKind.ISSUER]
    assert [r.line for r in rejects] == [4]
    text = "name,shares\nSMIC,-1.5e3\nSMIC,1.200,5\nSMIC,.5\n"
    items, rejects = split(read_portfolio(write(tmp_path, text)))
    assert [i.line for i in items] == [4]
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [
        (2, "the quantity (shares) '-1.5e3' is not a number"),
        (3, "3 fields where the header has 2"),
    ]


def test_files_without_a_security_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no column for an ISIN, ticker or issuer"):
        read_portfolio(write(tmp_path, "account,quantity\nA,1\n"))
    with pytest.raises(InputError, match="cannot be opened"):
        read_portfolio(tmp_path / "missing.csv")


_CHARS = st.sampled_from([",", '"', "\n", "\r", " ", "U", "S", "0", "7", ".", "-", "é", "\t", "\x00"])
_ROWS = st.lists(st.lists(st.text(_CHARS, max_size=6), min_size=4, max_size=6), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(_CHARS, max_size=200) | _ROWS.map(lambda rows: "\n".join(",".join(r) for r in rows)))
def test_any_csv_text_is_read_into_holdings_and_rejects(tmp_path: Path, body: str) -> None:
    """Every record is one holding or one reject, at its line; every line that is not blank lies in
    one record."""
    path = write(tmp_path, f"id,isin,ticker,issuer,quantity\n{body}")
    outcomes = list(read_portfolio(path))
    records = list(csv_records(path, 5))
    assert [o.line for o in outcomes] == [r.line for r in records]
    covered = [n for r in records for n in range(r.line, r.line + r.used)]
    assert covered == sorted(set(covered))
    lines = list(io.StringIO(body, newline=""))
    assert {n for n, line in enumerate(lines, start=2) if line.replace(",", "").strip()} <= set(covered)

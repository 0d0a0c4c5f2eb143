"""Whatever a file holds, the payment readers yield items and rejects and never raise, and no transaction
goes missing in silence: each one present in the file is an item or inside a reject."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.channels.items import Item, Reject
from clearance.channels.payments.iso20022 import read_iso20022
from clearance.channels.payments.mt103 import read_mt103
from clearance.channels.payments.table import read_table
from fixtures import DATA

PAYMENTS = DATA / "channels" / "payments"
XML_FILES = ("pacs008_multi.xml", "pacs008_envelope.xml", "pain001.xml", "pacs008_missing_element.xml")
XML = {name: (PAYMENTS / name).read_bytes() for name in XML_FILES}
MT = (PAYMENTS / "mt103_multi.txt").read_bytes()
CSV = (PAYMENTS / "payments.csv").read_bytes()
TX = re.compile(rb"<(?:\w+:)?CdtTrfTxInf>")
DOC = re.compile(rb"<(?:\w+:)?Document[\s>]")
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# bytes a mutation inserts: the ones that carry structure, and some that do not
NOISE = st.binary(max_size=6) | st.sampled_from(
    [b"<", b">", b"</", b"{", b"}", b":", b"-}", b"$", b"\n", b'"']
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 12))
        data = data[:at] + draw(NOISE) + data[at + cut :]
    return data


def _read(reader: object, data: bytes, suffix: str) -> list[Item | Reject]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"payments{suffix}"
        path.write_bytes(data)
        results = list(reader(path))  # type: ignore[operator]
    for result in results:
        assert isinstance(result, Item | Reject)
        assert result.line is None or result.line >= 1 or isinstance(result, Item)
        if isinstance(result, Reject):
            assert result.reason and result.position
        else:
            assert result.refs and result.position
    return results


def _lines(data: bytes, pattern: re.Pattern[bytes]) -> list[int]:
    data = visible(data)
    return [data.count(b"\n", 0, m.start()) + 1 for m in pattern.finditer(data)]


def visible(data: bytes) -> bytes:
    """The XML without its comments and processing instructions (their line breaks kept): what they
    hold is no element, and no reader reads it."""
    return re.sub(rb"<!--.*?-->|<\?.*?\?>", lambda m: b"\n" * m.group(0).count(b"\n"), data, flags=re.S)


def covered(results: list[Item | Reject], data: bytes) -> int:
    """Items, and the transactions each reject stands for: one for a transaction's reject; for a
    message's, those from its line to the next document; for a break ("nothing after it can be read"),
    every one from its line on; for a count that does not add up, those the count says are missing."""
    txs, docs = _lines(data, TX), _lines(data, DOC)
    total = 0
    for r in results:
        if isinstance(r, Item) or ", transaction " in r.position:
            total += 1
            continue
        line = r.line or 1
        if "nothing after" in r.reason:
            total += sum(1 for t in txs if t >= line)
        elif (
            counts := re.search(r"declares (\d+) transaction\(s\), the message holds (\d+)", r.reason)
        ) is not None:
            total += max(0, int(counts.group(1)) - int(counts.group(2)))
        else:
            end = min((d for d in docs if d > line), default=10**9)
            total += sum(1 for t in txs if line <= t < end)
    return total


@SETTINGS
@given(st.sampled_from(XML_FILES), st.data())
def test_truncated_xml_never_raises_and_accounts_for_every_transaction(
    name: str, data: st.DataObject
) -> None:
    whole = XML[name]
    cut = whole[: data.draw(st.integers(0, len(whole)))]
    results = _read(read_iso20022, cut, ".xml")
    present = len(TX.findall(visible(cut)))
    assert covered(results, cut) >= present
    if cut == whole:
        assert present == sum(1 for r in results if isinstance(r, Item) or ", transaction " in r.position)


@SETTINGS
@given(st.sampled_from(XML_FILES), st.data())
def test_mutated_xml_never_raises_and_accounts_for_every_transaction(name: str, data: st.DataObject) -> None:
    bad = data.draw(mutated(XML[name]))
    results = _read(read_iso20022, bad, ".xml")
    assert covered(results, bad) >= len(TX.findall(visible(bad)))


@SETTINGS
@given(st.data())
def test_truncated_or_mutated_mt103_never_raises_and_each_message_is_read_or_rejected(
    data: st.DataObject,
) -> None:
    text = data.draw(st.one_of(st.builds(lambda n: MT[:n], st.integers(0, len(MT))), mutated(MT)))
    results = _read(read_mt103, text, ".txt")
    # every block 1 begins a message: each is an item or a reject (a UTF-16 mark makes it UTF-16 text)
    utf16 = text.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert len(results) >= (
        text.decode("utf-16", errors="replace").count("{1:") if utf16 else text.count(b"{1:")
    )
    for item in (r for r in results if isinstance(r, Item)):
        assert item.as_of is not None and item.key


@SETTINGS
@given(st.data())
def test_mutated_csv_never_raises_and_each_row_is_read_or_rejected(data: st.DataObject) -> None:
    text = data.draw(mutated(CSV))
    if b"reference" not in text.split(b"\n", 1)[0]:
        return  # a header without its reference column raises InputError
    try:
        results = _read(read_table, text, ".csv")
    except Exception as exc:  # only the header may be refused (not a CSV line, or no screened column)
        assert "header" in str(exc), exc
        return
    assert all(isinstance(r, Item | Reject) for r in results)


def test_the_accounting_holds_for_the_samples() -> None:
    samples = ("pacs008_truncated.xml", "pacs008_missing_element.xml", "pacs008_multi.xml", "pain001.xml")
    for name in (*samples, "pacs008_misplaced.xml"):  # the last: transactions out of their place
        data = (PAYMENTS / name).read_bytes()
        results = list(read_iso20022(PAYMENTS / name))
        assert covered(results, data) >= len(TX.findall(data)), name

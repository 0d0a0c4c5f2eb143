"""Identifiers written with their label ("IMO 9187629", "ISIN ...", "passport no. X") are found like bare
ones; names that start with a label word stay names; check digits are checked where the label names a
scheme that has one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance import Engine, load_dataset
from clearance.domain.enums import Kind
from clearance.domain.model import Entity, Identifier
from clearance.matching.identifiers import LABELS, find, read
from clearance.matching.keys import identifier_key
from fixtures import DATA


@pytest.fixture(scope="module")
def sdn() -> Engine:
    """The built-in data and the OFAC SDN excerpt (ARTAVIL, IMO 9187629; AL ZAWAHIRI, passport 1084010)."""
    return Engine(load_dataset(lists=[DATA / "lists" / "ofac-sdn-2021"]))


@pytest.mark.parametrize(
    ("text", "scheme", "value"),
    [
        ("IMO 9187629", "imo", "9187629"),
        ("IMO: 9187629", "imo", "9187629"),
        ("imo no. 9187629", "imo", "9187629"),
        ("IMO number 9187629", "imo", "9187629"),
        ("IMO#9187629", "imo", "9187629"),
        ("ISIN US1694261033", "isin", "US1694261033"),
        ("isin: KYG8020E1199", "isin", "KYG8020E1199"),
        ("LEI 549300XIVJCBIGMRUD48", "lei", "549300XIVJCBIGMRUD48"),
        ("LEI: 5493 00XI VJCB IGMR UD48", "lei", "5493 00XI VJCB IGMR UD48"),
        ("BIC BKCHCNBJ", "bic", "BKCHCNBJ"),
        ("SWIFT: GAZPRUMM", "bic", "GAZPRUMM"),
        ("SWIFT/BIC CKLBCNBJXXX", "bic", "CKLBCNBJXXX"),
        ("passport no. AB149814", "passport", "AB149814"),
        ("Passport No: 1084010", "passport", "1084010"),
        ("passport #J287011", "passport", "J287011"),
        ("tax id 7702235133", "tax_id", "7702235133"),
        ("Tax ID: 800149060-5", "tax_id", "800149060-5"),
        ("TIN 7702235133", "tax_id", "7702235133"),
        ("national id 16247821", "national_id", "16247821"),
        ("MMSI 572469210", "mmsi", "572469210"),
        ("USCC 91110000MA005UCQ5P", "uscc", "91110000MA005UCQ5P"),
        ("ticker 00981 HK", "ticker", "00981 HK"),  # as OFAC's remarks write it
        ("Equity Ticker: 688981 CN", "ticker", "688981 CN"),
        ("ticker 0981.HK", "ticker", "0981.HK"),
    ],
)
def test_a_label_is_read_with_its_scheme(text: str, scheme: str, value: str) -> None:
    reading = read(text)
    assert reading is not None and reading.scheme.name == scheme and reading.value == value


@pytest.mark.parametrize(
    "name",
    [
        "Lei Jun",  # a Chinese given name, not a Legal Entity Identifier
        "Swift Logistics Ltd",
        "Bic Camera Inc",
        "Imo State Oil Company",
        "Passport Holdings",
        "Regal Trading 12345",  # "reg" is a label only as a word of its own
        "Tinto Mining",
        "ISIN",
        "IMO 918762",  # six digits: not an IMO number
        "Company Of Heroes",
    ],
)
def test_a_name_that_starts_with_a_label_word_stays_a_name(name: str) -> None:
    assert read(name) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ISIN US1694261034", "ISIN US1694261034 fails its check"),
        ("LEI 549300XIVJCBIGMRUD49", "LEI 549300XIVJCBIGMRUD49 fails its check"),
        ("IMO 9187628", "IMO number 9187628 fails its check"),
        ("BIC BKCHXXBJ", "BIC BKCHXXBJ fails its check"),  # no country XX
    ],
)
def test_a_failed_check_is_said_and_the_value_still_read(text: str, problem: str) -> None:
    reading = read(text)
    assert reading is not None and reading.problem is not None and reading.problem.startswith(problem)


def test_a_passing_check_says_nothing() -> None:
    for text in ("ISIN US1694261033", "LEI 549300XIVJCBIGMRUD48", "IMO 9187629", "BIC BKCHCNBJ"):
        reading = read(text)
        assert reading is not None and reading.problem is None, text


def test_a_label_keeps_the_identifiers_of_its_scheme() -> None:
    """A passport number that is also someone else's national id: the label decides which one."""
    person = Entity(
        "p1", Kind.PERSON, "HERRERA BUITRAGO, Helmer", identifiers=(Identifier("passport", "J287011"),)
    )
    other = Entity("p2", Kind.PERSON, "OTHER, Person", identifiers=(Identifier("national_id", "J287011"),))
    table = {identifier_key("J287011"): [(e, i) for e in (person, other) for i in e.identifiers]}

    def lookup(value: str) -> list[tuple[Entity, Identifier]]:
        return table.get(identifier_key(value), [])

    assert [e.id for e, _ in find("passport no. J287011", lookup, bare=re.compile("$^"))] == ["p1"]
    assert [e.id for e, _ in find("tax id J287011", lookup, bare=re.compile("$^"))] == [
        "p1",
        "p2",
    ]  # no tax id has it: both
    assert {e.id for e, _ in find("J287011", lookup)} == {"p1", "p2"}


@pytest.mark.parametrize(
    "query", ["IMO 9187629", "IMO: 9187629", "imo no. 9187629", "9187629", "MMSI 572469210"]
)
def test_screening_a_labelled_imo_number_blocks_the_vessel(sdn: Engine, query: str) -> None:
    result = sdn.screen(query, as_of="2021-03-01")
    assert result.decision == "block"
    hit = result.hits[0]
    assert hit.entity.name == "ARTAVIL" and hit.by == "identifier" and hit.score == 1.0


def test_labelled_isin_lei_and_bic_find_the_built_in_entity(engine: Engine) -> None:
    assert engine.screen("ISIN KYG8020E1199", as_of="2022-03-01").hits[0].entity.id == "org-smic"
    assert engine.screen("LEI 549300XIVJCBIGMRUD48", as_of="2022-03-01").hits[0].entity.id == "org-cnooc-ltd"
    assert engine.matcher.identifiers("isin: US81663N2062")[0][0].id == "org-smic"


def test_a_listed_value_that_fails_its_check_is_found_and_the_explanation_says_so() -> None:
    """Lists hold mistyped ids too: the lookup goes on, and the analyst is told the check failed."""
    vessel = Entity(
        "test-ship",
        Kind.VESSEL,
        "OCEAN STAR",
        identifiers=(Identifier("isin", "US1694261034"),),
        lists=("test-list",),
    )
    engine = Engine(load_dataset().merged([vessel], {}, {}))
    hit = engine.screen("ISIN US1694261034", as_of="2021-03-01").hits[0]
    assert hit.entity.id == "test-ship" and hit.by == "identifier"
    assert "ISIN US1694261034 fails its check" in hit.explanation


def test_an_identifier_given_as_such_is_found_whatever_its_shape(sdn: Engine) -> None:
    """`given`: the user says it is an id, so a short or slashed one is looked up too ("92/664")."""
    assert sdn.matcher.identifiers("92/664") == ()
    assert [e.id for e, _ in sdn.matcher.identifiers("92/664", given=True)] == ["ofac-3754"]


def test_a_name_is_not_taken_for_an_identifier(sdn: Engine) -> None:
    assert sdn.matcher.identifiers("Lei Jun") == ()
    assert sdn.matcher.identifiers("Swift Logistics Ltd") == ()


@given(st.text(max_size=80))
def test_reading_never_raises_and_a_reading_has_its_schemes_shape(text: str) -> None:
    reading = read(text)
    if reading is not None:
        compact = re.sub(r"[\s\-]+", "", reading.value).upper()
        assert reading.value and re.fullmatch(reading.scheme.shape, compact)


@given(
    st.sampled_from([label for scheme in LABELS for label in scheme.labels]),
    st.from_regex(r"[0-9]{7}", fullmatch=True),
)
def test_every_label_reads_with_a_colon_or_number_word(label: str, digits: str) -> None:
    scheme = next(s for s in LABELS if label in s.labels)
    fits = re.fullmatch(scheme.shape, digits) is not None  # seven digits: an IMO number, a passport ...
    for text in (
        f"{label} {digits}",
        f"{label.upper()}: {digits}",
        f"{label} no. {digits}",
        f"{label} # {digits}",
    ):
        reading = read(text)
        assert (reading is not None) == fits, text
        if reading is not None:
            assert reading.value == digits and reading.scheme is scheme


def test_identifiers_as_lists_and_documents_write_them() -> None:
    """OFAC's own wording (a country in brackets, the XBT label), a head office's eleven-letter BIC, and
    a no-break space or full-width digits pasted from a document."""
    passport = read("Passport 215215 (Libya)")
    assert passport is not None and passport.value == "215215"
    assert read("XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h") is not None
    assert read("IMO\u00a09187629") is not None
    assert read("IMO ９１８７６２９") is not None

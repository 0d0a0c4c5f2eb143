"""Embargoed countries and regions in a payment (screening.territories), on the built-in data: the dates
of the measures, what blocks and what only asks for review, and the ordinary text that must not hit."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance import InputError
from clearance.datasets.builtin import builtin
from clearance.domain.enums import Decision, State
from clearance.screening.territories import Territories, TerritoryHit, fold


@pytest.fixture(scope="module")
def territories() -> Territories:
    return Territories(builtin())


def one(hits: list[TerritoryHit]) -> TerritoryHit:
    assert len(hits) == 1, [h.explanation for h in hits]
    return hits[0]


# ------------------------------------------------------------------------------------ country fields


def test_an_iranian_country_code_blocks_a_payment(territories: Territories) -> None:
    hit = one(territories.country("IR", as_of=date(2024, 1, 1), activity="payment", how="country"))
    assert hit.territory.id == "ir" and hit.decision is Decision.BLOCK
    assert hit.explanation.startswith(
        "country 'IR' is Iran: ITSR (31 CFR part 560) in force since 1995-05-07"
    )
    assert hit.measures[0].state.state is State.IN_FORCE
    doc = hit.to_dict()
    assert doc["decision"] == "block" and doc["measures"][0]["id"] == "us-ofac-iran"
    assert {lic["id"] for lic in doc["measures"][0]["licences"]} >= {"itsr-560.550"}


def test_syria_blocks_until_the_revocation_and_is_context_after(territories: Territories) -> None:
    before = one(territories.country("SY", as_of=date(2024, 6, 30), activity="payment", how="country"))
    assert before.decision is Decision.BLOCK
    last_day = one(territories.country("SY", as_of=date(2025, 6, 30), activity="payment", how="country"))
    assert last_day.decision is Decision.BLOCK
    after = one(territories.country("SY", as_of=date(2025, 7, 2), activity="payment", how="country"))
    assert after.decision is Decision.CLEAR
    assert after.measures[0].state.state is State.REVOKED
    assert "revoked on 2025-07-01 by us-eo-14312" in after.explanation and "context only" in after.explanation
    in_2026 = one(territories.country("Syria", as_of=date(2026, 3, 1), activity="any", how="address_country"))
    assert in_2026.decision is Decision.CLEAR


def test_a_bic_country_of_north_korea_blocks(territories: Territories) -> None:
    hit = one(territories.country("KP", as_of=date(2024, 1, 1), activity="payment", how="bic_country"))
    assert hit.territory.id == "kp" and hit.decision is Decision.BLOCK
    assert hit.explanation.startswith("BIC country 'KP' is North Korea")
    assert hit.how == "bic_country"


def test_north_korea_before_the_comprehensive_order_is_context(territories: Territories) -> None:
    hit = one(territories.country("PRK", as_of=date(2015, 6, 1), activity="payment", how="iban_country"))
    assert hit.decision is Decision.CLEAR and hit.measures[0].state.state is State.NOT_YET


@pytest.mark.parametrize("value", ["DE", "UA", "RU", "United States", "Iraq"])
def test_a_country_under_no_embargo_is_no_hit(territories: Territories, value: str) -> None:
    assert territories.country(value, as_of=date(2024, 1, 1), activity="payment", how="country") == []


@pytest.mark.parametrize(
    ("value", "territory"),
    [
        ("CUB", "cu"),
        ("Kuba", "cu"),  # German and Polish, from pycountry's translations
        ("Republic of Cuba", "cu"),
        ("Iran, Islamic Republic of", "ir"),
        ("Irán", "ir"),
        ("DPRK", "kp"),
        ("Korea, North", "kp"),
        ("Северная Корея", "kp"),
        ("Syrian Arab Republic", "sy"),
        ("Crimea", "ua-crimea"),
        ("Donetsk People's Republic", "ua-dnr"),
    ],
)
def test_country_names_in_many_forms(territories: Territories, value: str, territory: str) -> None:
    hit = one(territories.country(value, as_of=date(2024, 1, 1), activity="payment", how="address_country"))
    assert hit.territory.id == territory and hit.decision is Decision.BLOCK


def test_bad_country_input_is_an_input_error(territories: Territories) -> None:
    with pytest.raises(InputError, match="unknown country"):
        territories.country("Atlantis", as_of=date(2024, 1, 1), activity="payment", how="country")
    with pytest.raises(InputError, match="unknown evidence"):
        territories.country("IR", as_of=date(2024, 1, 1), activity="payment", how="vibes")
    with pytest.raises(InputError, match="unknown activity"):
        territories.country("IR", as_of=date(2024, 1, 1), activity="gifts", how="country")


# -------------------------------------------------------------------------------------------- places


def test_an_address_in_sevastopol_blocks_since_eo_13685(territories: Territories) -> None:
    line = "ul. Lenina 5, Sevastopol 299011"
    hit = one(territories.place(line, as_of=date(2020, 1, 1), activity="payment"))
    assert hit.territory.id == "ua-crimea" and hit.decision is Decision.BLOCK
    assert hit.matched == "Sevastopol" and hit.span == (14, 24) and line[14:24] == "Sevastopol"
    assert hit.explanation == (
        "address place 'Sevastopol' is in the Crimea region of Ukraine: "
        "EO 13685 in force since 2014-12-19 and restricts all dealings"
    )


def test_sevastopol_before_eo_13685_is_context(territories: Territories) -> None:
    hit = one(territories.place("Sevastopol", as_of=date(2014, 12, 18), activity="payment"))
    assert hit.decision is Decision.CLEAR and "not yet signed" in hit.explanation


@pytest.mark.parametrize(
    "town", ["Sebastopol", "Sewastopol", "SIMFEROPOL", "Yalta", "Kerch", "Feodosiya", "Симферополь", "Krym"]
)
def test_towns_of_crimea_in_their_spellings(territories: Territories, town: str) -> None:
    hit = one(territories.place(town, as_of=date(2020, 1, 1), activity="payment"))
    assert hit.territory.id == "ua-crimea" and hit.decision is Decision.BLOCK


def test_donetsk_asks_for_review_since_eo_14065_only(territories: Territories) -> None:
    hit = one(territories.place("Donetsk", as_of=date(2023, 1, 1), activity="payment"))
    assert hit.territory.id == "ua-dnr" and hit.decision is Decision.REVIEW
    assert "Donetska oblast, of which the so-called Donetsk People's Republic" in hit.explanation
    before = one(territories.place("Donetsk", as_of=date(2021, 1, 1), activity="payment"))
    assert before.decision is Decision.CLEAR


def test_the_name_of_the_so_called_republic_itself_blocks(territories: Territories) -> None:
    hit = one(territories.place("Donetsk People's Republic, Donetsk", as_of=date(2023, 1, 1), activity="any"))
    assert hit.decision is Decision.BLOCK and hit.matched == "Donetsk People's Republic"
    assert len(hit.spans) == 2


@pytest.mark.parametrize(
    ("code", "territory", "decision"),
    [
        ("UA-43", "ua-crimea", Decision.BLOCK),
        ("ua-40", "ua-crimea", Decision.BLOCK),
        ("UA-14", "ua-dnr", Decision.REVIEW),
        ("UA-09", "ua-lnr", Decision.REVIEW),
        ("IR-23", "ir", Decision.BLOCK),
    ],
)
def test_a_subdivision_code_alone(
    territories: Territories, code: str, territory: str, decision: Decision
) -> None:
    hit = one(territories.place(code, as_of=date(2023, 1, 1), activity="payment"))
    assert hit.territory.id == territory and hit.decision is decision


def test_codes_of_covered_countries_that_iso_does_not_hold_or_other_regions_miss(
    territories: Territories,
) -> None:
    for code in ("UA-30", "IR-99", "DE-BE"):
        assert territories.place(code, as_of=date(2023, 1, 1), activity="payment") == []


def test_a_namesake_town_in_another_country_asks_for_review(territories: Territories) -> None:
    line = "7761 Healdsburg Ave, Sebastopol, CA 95472"
    hit = one(territories.place(line, as_of=date(2023, 1, 1), activity="payment", country="US"))
    assert hit.decision is Decision.REVIEW and "the address's country is United States" in hit.explanation
    # Russia writes Crimean addresses as its own: that is no namesake
    russian = one(territories.place("Севастополь", as_of=date(2023, 1, 1), activity="payment", country="RU"))
    assert russian.decision is Decision.BLOCK


def test_a_country_named_in_an_address_line_asks_for_review(territories: Territories) -> None:
    hit = one(territories.place("Calle 23 No. 5, Vedado, Cuba", as_of=date(2023, 1, 1), activity="payment"))
    assert hit.decision is Decision.REVIEW and "weaker evidence than the country field" in hit.explanation
    town = one(
        territories.place("Calle 23 No. 5, Vedado, La Habana, Cuba", as_of=date(2023, 1, 1), activity="any")
    )
    assert town.decision is Decision.BLOCK and town.matched == "La Habana"


def test_names_with_common_other_uses_are_found_in_addresses_only(territories: Territories) -> None:
    day = date(2023, 1, 1)
    assert one(territories.place("Zand Blvd, Shiraz", as_of=day, activity="payment")).territory.id == "ir"
    assert territories.in_text("a case of Barossa Shiraz", as_of=day, activity="payment") == []


# ---------------------------------------------------------------------------------------- free text


def test_a_place_in_free_text_asks_for_review(territories: Territories) -> None:
    text = "shipment via Tehran"
    hit = one(territories.in_text(text, as_of=date(2024, 1, 1), activity="payment"))
    assert hit.territory.id == "ir" and hit.decision is Decision.REVIEW and hit.how == "text"
    assert hit.span is not None and text[hit.span[0] : hit.span[1]] == "Tehran"
    assert "does not show that the payment involves the place" in hit.explanation


def test_free_text_spans_point_into_the_original_text(territories: Territories) -> None:
    text = "Rechnung: Lieferung nach P’yŏngyang über Nampo (DPRK), Zahlung aus Севастополь"
    hits = {h.territory.id: h for h in territories.in_text(text, as_of=date(2024, 1, 1), activity="payment")}
    assert set(hits) == {"kp", "ua-crimea"}
    assert [text[s:e] for s, e in hits["kp"].spans] == ["P’yŏngyang", "Nampo", "DPRK"]
    assert hits["ua-crimea"].matched == "Севастополь"
    assert all(h.decision is Decision.REVIEW for h in hits.values())


@pytest.mark.parametrize(
    "text",
    [
        "This is a payment for the Cuban-style sandwich shop in Miami",
        "Invoice 4411: syrian hamster food and bedding",
        "Persian rug, hand knotted, 2 x 3 m",
        "Damascus steel chef knife, 20 cm",
        "Aleppo pepper flakes and Aleppo soap",
        "Latakia tobacco blend, 50 g tin",
        "Havana brown kitten, vaccinated",
        "The Crimean War began in 1853",
        "Please credit IRA account 1234; ref CU SY IR KP",
        "Wire for DNR order paperwork, hospital billing",
        "Koreana restaurant, Seoul, Republic of Korea",
        "Dr. Ira Halab, cardiology consult",
        "krim wajah 50 ml",
    ],
)
def test_ordinary_sentences_name_no_territory(territories: Territories, text: str) -> None:
    assert territories.in_text(text, as_of=date(2024, 1, 1), activity="payment") == []


def test_a_country_named_in_free_text_and_other_languages(territories: Territories) -> None:
    hits = territories.in_text(
        "Pago a Corea del Norte; оплата в Иран; Syria project", as_of=date(2024, 1, 1), activity="payment"
    )
    assert {h.territory.id for h in hits} == {"kp", "ir", "sy"}
    assert all(h.decision is Decision.REVIEW for h in hits)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["IR", "CU", "SY", "KP", "ir", "cu", "sy", "kp", "UA", "RU"]),
            st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=3),
            st.text(alphabet=string.punctuation + " ", min_size=1, max_size=3),
        ),
        max_size=30,
    )
)
def test_random_ascii_never_hits_through_a_short_code(territories: Territories, parts: list[str]) -> None:
    """Words of at most three letters, however joined, never name a territory in free text."""
    text = " ".join(parts)
    assert territories.in_text(text, as_of=date(2024, 1, 1), activity="payment") == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_folding_keeps_a_position_for_every_folded_character(text: str) -> None:
    folded, starts = fold(text)
    if starts is None:
        assert len(folded) == len(text)
    else:
        assert len(starts) == len(folded) and starts == sorted(starts)
        assert all(0 <= i < len(text) for i in starts)

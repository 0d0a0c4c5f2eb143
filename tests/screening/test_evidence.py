"""Secondary evidence weighed against each hit: a date of birth, countries and identifiers raise or lower
the score, a different year of birth turns a block into review (never clear), a listed id blocks on its
own, and what the list does not have is neutral; each says so in the hit's explanation and document.

Against the OFAC SDN and UN excerpts in tests/data/lists (AL ZAWAHIRI, Dr. Ayman: DOB 19 Jun 1951, POB
Giza, Egypt, passport 1084010; KOLBAYEV, Kamchybek: DOB 03 Aug 1974 and 01 Jan 1973, nationality
Kyrgyzstan; NASRALLAH, Hasan: four dates of birth; LEOPOLD MUJYAMBERE: 1962-03-17 and "1966
(approximately)")."""

from __future__ import annotations

import json

import pytest

from clearance import Engine, ScorerConfig, load_dataset
from clearance.datasets.builtin import Dataset
from clearance.errors import InputError
from clearance.screening.evidence import (
    BIRTH_AGREES,
    BIRTH_DIFFERS,
    COUNTRY_AGREES,
    COUNTRY_DIFFERS,
    Evidence,
)
from clearance.screening.results import Hit
from fixtures import DATA

AS_OF = "2021-03-01"


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset(
        lists=[DATA / "lists" / "ofac-sdn-2021", DATA / "lists" / "other" / "un-consolidated-2026.xml"]
    )


@pytest.fixture(scope="module")
def lists(data: Dataset) -> Engine:
    return Engine(data)


def hit(engine: Engine, name: str, entity_id: str, **evidence: object) -> Hit:
    result = engine.screen(name, as_of=AS_OF, **evidence)  # type: ignore[arg-type]
    return next(h for h in result.hits if h.entity.id == entity_id)


def test_the_numbers() -> None:
    assert (BIRTH_AGREES, BIRTH_DIFFERS, COUNTRY_AGREES, COUNTRY_DIFFERS) == (0.05, 0.10, 0.03, 0.03)


def test_a_birth_year_that_agrees_raises_the_score_and_says_so(lists: Engine) -> None:
    plain = hit(lists, "Kamchybek Kolbayev", "ofac-12625")
    assert 0.9 <= plain.score < 0.95
    agreed = hit(lists, "Kamchybek Kolbayev", "ofac-12625", birth_date="1974")
    assert agreed.score == round(plain.score + 0.05, 4) and agreed.decision == "block"
    assert "date of birth 1974 agrees with listed 03 Aug 1974 (+0.05)" in agreed.explanation
    (finding,) = agreed.evidence
    assert (finding.about, finding.outcome, finding.change) == ("birth_date", "agrees", 0.05)
    # a full date agrees with the listed day; the score never goes above 1.0
    zawahiri = hit(lists, "Ayman al Zawahiri", "ofac-2676", birth_date="1951-06-19")
    assert zawahiri.score == 1.0 and "1951-06-19 agrees with listed 19 Jun 1951" in zawahiri.explanation


def test_a_different_year_of_birth_turns_a_strong_match_into_review_never_clear(lists: Engine) -> None:
    assert hit(lists, "Ayman al Zawahiri", "ofac-2676").decision == "block"
    differs = hit(lists, "Ayman al Zawahiri", "ofac-2676", birth_date="1970")
    assert differs.decision == "review" and differs.score == 0.89  # 1.00 - 0.10, kept under strong (0.90)
    assert (
        "date of birth 1970 differs from listed 19 Jun 1951 by more than a year (-0.10" in differs.explanation
    )
    assert "not strong enough to block on its own (a different date of birth)" in differs.explanation
    result = lists.screen("Ayman al Zawahiri", as_of=AS_OF, birth_date="1970")
    assert result.decision == "review"


def test_a_different_year_never_takes_a_hit_below_review(data: Dataset) -> None:
    """At review 0.9, Kolbayev's 0.92 less 0.10 would be 0.82: it stays at 0.90, a hit to review."""
    strict = Engine(data, config=ScorerConfig(review=0.9, strong=0.95))
    differs = hit(strict, "Kamchybek Kolbayev", "ofac-12625", birth_date="1990")
    assert differs.score == 0.9 and differs.decision == "review"


def test_a_date_within_a_year_is_neutral(lists: Engine) -> None:
    """Nasrallah's listed dates are 1953, 1955, 1958 and 1960: 1957 is a year from 1958."""
    close = hit(lists, "Hasan Nasrallah", "ofac-2686", birth_date="1957")
    assert close.score == 1.0 and close.decision == "block"
    assert "date of birth 1957 is a year from listed 31 Aug 1958 (neutral)" in close.explanation
    same_year = hit(lists, "Ayman al Zawahiri", "ofac-2676", birth_date="1951-01-02")
    assert same_year.evidence[0].outcome == "close" and "not the same date" in same_year.explanation


def test_an_approximate_listed_date_agrees_a_year_either_side(lists: Engine) -> None:
    assert (
        hit(lists, "Leopold Mujyambere", "un-sc-6908006", birth_date="1967").evidence[0].outcome == "agrees"
    )
    far = hit(lists, "Leopold Mujyambere", "un-sc-6908006", birth_date="1969")
    assert far.evidence[0].outcome == "differs" and far.decision == "review"


def test_a_country_among_the_listed_ones_raises_and_another_lowers_a_little(lists: Engine) -> None:
    plain = hit(lists, "Kamchybek Kolbayev", "ofac-12625").score
    agreed = hit(lists, "Kamchybek Kolbayev", "ofac-12625", country="KGZ")
    assert agreed.score == round(plain + 0.03, 4)
    assert "country KG (Kyrgyzstan) agrees with listed nationality Kyrgyzstan" in agreed.explanation
    other = hit(lists, "Kamchybek Kolbayev", "ofac-12625", country="Russia")
    assert other.score == round(plain - 0.03, 4) and other.evidence[0].outcome == "differs"
    assert (
        "country RU (Russian Federation) is not among the listed nationality Kyrgyzstan" in other.explanation
    )
    # one of several countries given is enough; a place of birth counts
    assert (
        hit(lists, "Ayman al Zawahiri", "ofac-2676", country=["FR", "Egypt"]).evidence[0].outcome == "agrees"
    )


def test_evidence_the_list_does_not_have_is_neutral_and_said(lists: Engine) -> None:
    """AL-ZUMAR, Abbud has no date of birth listed; ABBAS, Abu no country; neither has an id."""
    zumar = hit(lists, "Abbud al-Zumar", "ofac-2677", birth_date="1950", identifier="passport 123456")
    assert zumar.score == 1.0 and zumar.decision == "block"
    assert "date of birth 1950: none listed (neutral)" in zumar.explanation
    assert "identifier 'passport 123456': none listed (neutral)" in zumar.explanation
    abbas = hit(lists, "Abu Abbas", "ofac-2674", country="PS")
    assert "country PS (State of Palestine): none listed (neutral)" in abbas.explanation
    assert [f.outcome for f in zumar.evidence + abbas.evidence] == ["not_listed", "not_listed", "not_listed"]


def test_an_id_given_with_the_name_blocks_on_its_own(lists: Engine) -> None:
    """ "Mousa Marzook" is only a review for ABU MARZOOK, Mousa Mohammed (his middle name and Abu left
    out); his passport number blocks."""
    assert lists.screen("Mousa Marzook", as_of=AS_OF).decision == "review"
    for ident in ("92/664", "passport no. 92/664", "Passport: 92/664"):
        result = lists.screen("Mousa Marzook", as_of=AS_OF, identifier=ident)
        assert result.decision == "block", ident
        assert result.hits[0].entity.id == "ofac-3754" and result.hits[0].by == "identifier"


def test_a_matching_id_decides_over_a_different_date_of_birth(lists: Engine) -> None:
    both = hit(lists, "Ayman al Zawahiri", "ofac-2676", birth_date="1970", identifier="Passport No. 1084010")
    assert both.decision == "block" and both.score == 1.0 and both.by == "identifier"
    assert "identifier 'Passport No. 1084010' agrees with listed passport 1084010" in both.explanation
    assert "the identifier match decides" in both.explanation
    assert {f.about: f.change for f in both.evidence} == {"birth_date": 0.0, "identifier": 0.0}


def test_an_id_not_listed_among_others_is_neutral(lists: Engine) -> None:
    other = hit(lists, "Ayman al Zawahiri", "ofac-2676", identifier="passport 9999999")
    assert other.score == 1.0 and other.evidence[0].outcome == "unmatched"
    assert "is not among the 2 listed" in other.explanation


def test_the_json_document_has_the_evidence_and_the_listed_facts(lists: Engine) -> None:
    result = lists.screen("Kamchybek Kolbayev", as_of=AS_OF, birth_date="1974", country="kg")
    doc = json.loads(json.dumps(result.to_dict()))
    assert doc["evidence"] == {"birth_date": "1974", "countries": ["KG"], "identifiers": []}
    first = doc["hits"][0]
    assert first["dates_of_birth"] == ["03 Aug 1974", "01 Jan 1973"]
    assert first["places_of_birth"] == ["Cholpon-Ata, Kyrgyzstan"] and first["nationalities"] == [
        "Kyrgyzstan"
    ]
    assert [(e["about"], e["outcome"], e["change"]) for e in first["evidence"]] == [
        ("birth_date", "agrees", 0.05),
        ("country", "agrees", 0.03),
    ]
    assert first["evidence"][0]["explanation"].startswith("date of birth 1974 agrees")
    # without evidence the keys are there, empty
    plain = lists.screen("Kamchybek Kolbayev", as_of=AS_OF).to_dict()
    assert plain["hits"][0]["evidence"] == [] and plain["evidence"]["countries"] == []


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"birth_date": "10 Mar 1957"}, "date of birth"),
        ({"birth_date": "1957-02-30"}, "date of birth"),
        ({"country": "Atlantis"}, "unknown country"),
        ({"identifier": "AB\x01123"}, "invalid identifier"),
    ],
)
def test_evidence_that_cannot_be_read_is_an_input_error(
    lists: Engine, evidence: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        lists.screen("Ayman al Zawahiri", as_of=AS_OF, **evidence)  # type: ignore[arg-type]


def test_evidence_is_about_a_party_not_text_or_an_app(lists: Engine) -> None:
    with pytest.raises(InputError, match="evidence about a party"):
        lists.screen("paid Ayman al Zawahiri", kind="text", as_of=AS_OF, country="EG")
    with pytest.raises(InputError, match="evidence about a party"):
        lists.screen("WeChat", kind="app", as_of=AS_OF, birth_date="1970")


def test_empty_evidence_is_no_evidence() -> None:
    assert not Evidence.of(birth_date="", country=[], identifier=" ; ")
    assert Evidence.of(country="RU; Kyrgyzstan").countries == ("RU", "KG")


def test_an_id_given_with_the_name_hits_whatever_the_kind(lists: Engine) -> None:
    """An organization screened with the passport number of a listed person hits that person."""
    result = lists.screen("Marzook Holdings", kind="organization", as_of=AS_OF, identifier="passport 92/664")
    assert result.decision == "block" and result.hits[0].entity.id == "ofac-3754"

"""Countries from what users type and from what lists write (values taken from ../shared/data)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.errors import InputError
from clearance.screening.countries import country_name, given_country, listed_country, place_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RU", "RU"),
        ("rus", "RU"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Iran", "IR"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("North Korea", "KP"),
        ("Burma", "MM"),
        ("Türkiye", "TR"),
        ("Kosovo", "XK"),
        ("KGZ", "KG"),
    ],
)
def test_a_country_given_as_code_or_name(text: str, code: str) -> None:
    assert given_country(text) == code


@pytest.mark.parametrize("text", ["Atlantis", "XX", "", "Moscow"])
def test_an_unknown_country_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="unknown country"):
        given_country(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Korea, North", "KP"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Democratic Republic of the Congo", "CD"),
        ("Palestinian", "PS"),
        ("possibly Palestinian;arrested 23 Apr 2002", "PS"),
        ("The Gambia", "GM"),
        ("United Republic of Tanzania", "TZ"),
        ("Macedonia, The Former Yugoslav Republic of", "MK"),
        ("Bosnia-Herzegovina", "BA"),
        ("Kyrgyzstan", "KG"),
    ],
)
def test_a_country_as_lists_write_it(text: str, code: str) -> None:
    assert listed_country(text) == code


def test_a_list_value_that_names_no_country_is_none() -> None:
    assert listed_country("former Soviet Union") is None
    assert listed_country("CA") is None  # codes are not read from list values: a US state, here


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("Giza, Egypt", "EG"),
        ("Cholpon-Ata, Kyrgyzstan", "KG"),
        ("Pyongyang, Korea, North", "KP"),
        ("Bunia, Ituri Province, Democratic Republic of the Congo", "CD"),
        ("Kinshasa, Congo, Democratic Republic of the", "CD"),
        ("Los Angeles, CA", None),
    ],
)
def test_the_country_of_a_place(place: str, code: str | None) -> None:
    assert place_country(place) == code


def test_country_names() -> None:
    assert country_name("RU") == "Russian Federation" and country_name("IR") == "Iran"
    assert country_name("XK") == "Kosovo"


@given(st.text(max_size=60))
def test_reading_a_listed_country_never_raises(text: str) -> None:
    code = listed_country(text)
    assert code is None or (len(code) == 2 and code.isupper())

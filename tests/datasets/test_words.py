"""The word lists the matcher reads: present, well formed, and written as normalised tokens."""

from __future__ import annotations

import re

import pytest

from clearance import DataError
from clearance.datasets.words import LISTS, entries, words
from clearance.matching.normalise import tokenize

LATIN_LISTS = [name for name in LISTS if name != "legal_forms_han"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_loads_with_entries(name: str) -> None:
    assert entries(name), name
    assert all(entry for entry in entries(name))


@pytest.mark.parametrize("name", LATIN_LISTS)
def test_entries_are_written_as_the_normaliser_writes_tokens(name: str) -> None:
    """A legal form or abbreviation written with a capital, an accent or a dot would never meet a name."""
    bad = [w for entry in entries(name) for w in entry if not re.fullmatch(r"[a-z0-9]+", w)]
    assert not bad, (name, bad)


def test_legal_forms_in_characters_are_characters() -> None:
    assert all(not tokenize(entry[0]) or not entry[0].isascii() for entry in entries("legal_forms_han"))


def test_given_name_groups_do_not_share_a_name_twice_in_one_group() -> None:
    for group in entries("given_names"):
        assert len(set(group)) == len(group), group


def test_an_unknown_list_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no word list 'nope'"):
        entries("nope")
    assert "ltd" in words("legal_forms_anywhere")

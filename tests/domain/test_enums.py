"""The closed sets: one place for their values and order; an unknown value is an input error."""

from __future__ import annotations

import pytest

from clearance import Engine, InputError
from clearance.domain.enums import Activity, Decision, Kind, NameRules, QueryKind, parse


def test_decisions_are_ordered_clear_review_block() -> None:
    assert [d.severity for d in (Decision.CLEAR, Decision.REVIEW, Decision.BLOCK)] == [0, 1, 2]
    assert Decision.most_severe([Decision.REVIEW, Decision.CLEAR]) is Decision.REVIEW
    assert Decision.most_severe([Decision.REVIEW, Decision.BLOCK, Decision.CLEAR]) is Decision.BLOCK
    assert Decision.most_severe([]) is Decision.CLEAR


def test_members_are_their_words() -> None:
    assert Decision.BLOCK == "block" and f"{Activity.PAYMENT}" == "payment"
    assert parse(QueryKind, "text", "kind") is QueryKind.TEXT


@pytest.mark.parametrize("word", ["vessel", "any", "Party", "", "persons"])
def test_an_unknown_query_kind_is_an_input_error_naming_the_valid_ones(word: str) -> None:
    with pytest.raises(InputError, match="party, person, organization, app, text"):
        parse(QueryKind, word, "kind")


@pytest.mark.parametrize("word", ["vessel", "text"])
def test_screen_and_compare_refuse_kinds_that_are_not_query_kinds(engine: Engine, word: str) -> None:
    if word == "vessel":
        with pytest.raises(InputError):
            engine.screen("Tencent", kind=word)
    with pytest.raises(InputError):
        engine.compare("Tencent", "Tencent Holdings", kind=word)


def test_only_person_and_organization_queries_narrow_the_entities() -> None:
    assert QueryKind.PERSON.admits(Kind.PERSON) and not QueryKind.PERSON.admits(Kind.ORGANIZATION)
    assert QueryKind.ORGANIZATION.admits(Kind.ORGANIZATION) and not QueryKind.ORGANIZATION.admits(Kind.APP)
    assert all(QueryKind.PARTY.admits(kind) for kind in Kind)
    assert NameRules.of(Kind.PERSON) is NameRules.PERSON and NameRules.of(Kind.VESSEL) is NameRules.CRAFT
    assert NameRules.of(Kind.AIRCRAFT) is NameRules.CRAFT and NameRules.of(Kind.APP) is NameRules.OTHER

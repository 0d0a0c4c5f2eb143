"""The checks made once two names' words are paired (`matching.guards`), and the kinds of variation they
sit beside: places, numbers in words, legal forms misspelt, letters swapped at the start."""

from __future__ import annotations

import pytest

from clearance.domain.enums import NameRules
from clearance.matching.scorer import compare

PERSON, OTHER, CRAFT = NameRules.PERSON, NameRules.OTHER, NameRules.CRAFT


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Kim Un Jong", "KIM JONG UN"),
        ("Ri Chol Pyong", "RI PYONG CHOL"),
        ("Hamad Khalifa al-Thani", "KHALIFA HAMAD AL-THANI"),
        ("Jose Luis Garcia Perez", "PEREZ GARCIA, Jose Luis"),
    ],
)
def test_a_person_named_in_another_order_is_another_person(query: str, listed: str) -> None:
    assert compare(query, listed, rules=PERSON).score < 0.80


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Jong Un Kim", "KIM JONG UN"),  # the family name moved to the end
        ("Kim Jong Un", "Jong Un Kim"),
        ("Hamza Usama Muhammad bin Laden", "USAMA MUHAMMAD BIN LADEN, HAMZA"),
        ("Mehdi ben Mohamed ben Mohamed Kammoun", "BEN MOHAMED BEN MOHAMED KAMMOUN, MEHDI"),
    ],
)
def test_the_family_name_may_come_first_or_last(query: str, listed: str) -> None:
    assert compare(query, listed, rules=PERSON).score >= 0.80


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Kingsoft Office Software", "Beijing Kingsoft Office Software, Inc."),
        ("DJI Technology Co., Ltd.", "SZ DJI TECHNOLOGY CO., LTD."),
        ("Havin Bank Limited London", "HAVIN BANK LIMITED"),
        ("Global Unity Shipping Co.", "DALIAN GLOBAL UNITY SHIPPING CO."),
    ],
)
def test_a_city_or_country_is_a_generic_word_of_a_company(query: str, listed: str) -> None:
    assert compare(query, listed, rules=OTHER).score >= 0.80


def test_two_places_never_pair_as_typos() -> None:
    assert compare("Central Bank of Iraq", "CENTRAL BANK OF IRAN", rules=OTHER).score < 0.80
    assert compare("Bank of Chile", "BANK OF CHINA", rules=OTHER).score < 0.80


@pytest.mark.parametrize(
    ("query", "listed", "rules"),
    [
        ("Office Thirtynine", "OFFICE 39", OTHER),
        ("Twenty First Century Holdings", "21st Century Holdings", OTHER),
        ("8th Ocean GmbH & Co. KG", "EIGHTH OCEAN GMBH & CO. KG", OTHER),
        ("Cacique Uno S.A.", "CACIQUE 1 S.A.", OTHER),
        ("Argo One", "ARGO I", CRAFT),
        ("Valfajr Two", "VALFAJR2", CRAFT),
        ("Tencent Holdings Limted", "Tencent Holdings Limited", OTHER),
        ("Gazprombank Joint Stock Compnay", "GAZPROMBANK JOINT STOCK COMPANY", OTHER),
    ],
)
def test_numbers_in_words_and_misspelt_legal_forms(query: str, listed: str, rules: NameRules) -> None:
    assert compare(query, listed, rules=rules).score >= 0.90


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Afiz Rahman", "FAIZ RAHMAN"),
        ("Yassin Syawla", "YASSIN SYAWAL"),
        ("Din Mohammda Hanif", "DIN MOHAMMAD HANIF"),
    ],
)
def test_letters_swapped_are_a_typo_not_another_name(query: str, listed: str) -> None:
    assert compare(query, listed, rules=PERSON).score >= 0.80


@pytest.mark.parametrize(
    ("query", "listed"), [("Maria Lopez", "Mario Lopez"), ("Daniela Rossi", "Daniel Rossi")]
)
def test_feminine_and_masculine_given_names_stay_apart(query: str, listed: str) -> None:
    assert compare(query, listed, rules=PERSON).score < 0.80


@pytest.mark.parametrize(
    ("query", "listed"),
    [("QQ Purse", "QQ Wallet"), ("WPS Bureau", "WPS Office"), ("WeChat Payment", "WeChat Pay")],
)
def test_a_spun_synonym_of_a_generic_word_is_reviewed_never_blocked(query: str, listed: str) -> None:
    assert 0.80 <= compare(query, listed, rules=OTHER).score < 0.90


def test_a_synonym_alone_is_nothing() -> None:
    assert compare("Purse", "QQ Wallet", rules=OTHER).score < 0.80


def test_a_person_listed_by_one_name_alone_is_reviewed_never_blocked() -> None:
    assert 0.80 <= compare("Hassan", "Hassan", rules=PERSON).score < 0.90
    assert 0.80 <= compare("Mr Omar", "Sheik Omar", rules=PERSON).score < 0.90
    assert compare("Hassan Nasrallah", "NASRALLAH, Hassan", rules=PERSON).score == 1.0


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Abuja", "JA FAR, Abu"),  # a city joined from two of a person's words
        ("ABUJA", "JA FAR, Abu"),
        ("Mr Abuja", "JA FAR, Abu"),  # a title is no word of the name
        ("Putin", "PUTIN, Vladimir Vladimirovich"),
        ("Binladen", "BIN LADEN, Osama"),
    ],
)
def test_one_word_against_part_of_a_persons_name_is_below_review(query: str, listed: str) -> None:
    comparison = compare(query, listed, rules=PERSON)
    assert comparison.score < 0.80, comparison.explanation


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Abujafar", "JA FAR, Abu"), ("Osamabinladen", "BIN LADEN, Osama"), ("Abu Ja Far", "JA FAR, Abu")],
)
def test_one_word_that_joins_the_whole_name_still_matches(query: str, listed: str) -> None:
    assert compare(query, listed, rules=PERSON).score >= 0.90

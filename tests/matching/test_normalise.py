from __future__ import annotations

import unicodedata

import pytest
from anyascii import anyascii
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.matching.normalise import _ZERO_WIDTH, fold, name_form, to_latin, tokenize


@pytest.mark.parametrize(
    ("raw", "tokens", "legal"),
    [
        ("Tencent Holdings Ltd.", ("tencent", "holdings"), ("limited",)),
        ("OOO Romashka", ("romashka",), ("ooo",)),
        ("Limited Liability Company Romashka", ("romashka",), ("limited liability company",)),
        ("ACME S.A. de C.V.", ("acme",), ("sa de cv",)),
        ("Siemens GmbH & Co. KG", ("siemens",), ("gmbh and co kg",)),
        ("ПАО Газпром", ("gazprom",), ("pao",)),
        ("腾讯控股有限公司", ("teng", "xun", "konggu"), ("you xian gong si",)),
        ("Société Générale S.A.", ("societe", "generale"), ("sa",)),
        ("Three Stars Trading Co", ("three", "stars", "trading"), ("co",)),
        (
            "SEMICONDUCTOR MFG INTL CORP",
            ("semiconductor", "manufacturing", "international"),
            ("corporation",),
        ),
    ],
)
def test_name_form_strips_legal_forms_and_folds(
    raw: str, tokens: tuple[str, ...], legal: tuple[str, ...]
) -> None:
    form = name_form(raw)
    assert form.tokens == tokens
    assert set(form.legal_forms) == set(legal)


def test_edge_only_legal_forms_stay_inside_a_name() -> None:
    # "co" and "sa" are legal forms at the end, but ordinary tokens in the middle
    assert name_form("Ba Co Sa Trading").tokens == ("ba", "co", "sa", "trading")


def test_a_name_of_only_legal_words_keeps_them() -> None:
    assert name_form("Limited").tokens == ("limited",)


def test_generic_words_weigh_less() -> None:
    form = name_form("Tencent Holdings")
    assert form.weights[0] > form.weights[1]


@pytest.mark.parametrize(
    "raw",
    [
        "QQ钱包",
        "くみ子 明美 山本",
        "Narges\u200cMohammadi",
        "محمد جواد ظریف",
        "क्षत्रिय\u200d",
        "e\u0301\u0301\u0301",
        "﷽",
    ],
)
def test_real_names_in_any_script_normalise_without_error(raw: str) -> None:
    assert isinstance(name_form(raw).tokens, tuple)


def test_zero_width_characters_do_not_split_words() -> None:
    assert tokenize("Nar\u200bges") == ["narges"]


@given(st.text(max_size=200))
def test_normalisation_gives_ascii_tokens_with_a_weight_each(text: str) -> None:
    form = name_form(text)
    assert all(t.isascii() and t.isalnum() and t == t.lower() for t in form.tokens)
    assert len(form.weights) == len(form.tokens)
    assert all(w > 0 for w in form.weights)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_takes_a_short_path_to_the_same_forms(text: str) -> None:
    assert fold(text) == unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    assert to_latin(text) == anyascii(text)

"""Look-alike letters of other scripts (issue 16, item 12): a listed bank written with Greek capitals
cleared while the same bank written with Cyrillic ones blocked. Both are folded now, from Unicode's
confusables data, while real Greek and Cyrillic names are transliterated as before."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clearance.domain.enums import Kind
from clearance.domain.model import Entity
from clearance.matching.confusables import fold_look_alikes, look_alikes
from clearance.matching.matcher import Matcher
from clearance.matching.normalise import name_form

CYRILLIC = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")
GREEK = str.maketrans("ABEHIKMNOPTXYZ", "ΑΒΕΗΙΚΜΝΟΡΤΧΥΖ")
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
BOLD = {c: chr(0x1D400 + ord(c) - ord("A")) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

BANKS = ["BANK MELLI IRAN", "BANCO NACIONAL DE CUBA", "MIR BUSINESS BANK", "TEHRAN CEMENT COMPANY"]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([Entity(id=f"bank{i}", kind=Kind.ORGANIZATION, name=n) for i, n in enumerate(BANKS)])


DISGUISES: dict[str, Callable[[str], str]] = {
    "greek capitals": lambda n: n.translate(GREEK),
    "cyrillic capitals": lambda n: n.translate(CYRILLIC),
    "greek in title case": lambda n: n.title().translate(GREEK),
    "cyrillic in title case": lambda n: n.title().translate(CYRILLIC),
    "full-width": lambda n: "".join(FULL_WIDTH.get(c, c) for c in n),
    "mathematical bold": lambda n: "".join(BOLD.get(c, c) for c in n),
}


@pytest.mark.parametrize("name", BANKS)
@pytest.mark.parametrize("disguise", DISGUISES)
def test_a_bank_in_look_alike_letters_matches_as_written_in_latin(
    matcher: Matcher, name: str, disguise: str
) -> None:
    written = DISGUISES[disguise](name)
    assert written != name
    assert name_form(written).tokens == name_form(name).tokens
    assert [(m.entity.name, m.score) for m in matcher.name(written)] == [(name, 1.0)]


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Сергей Иванов", ("sergey", "ivanov")),
        ("Σωκράτης", ("sokratis",)),
        ("Αλέξης Τσίπρας", ("alexis", "tsipras")),
        ("ВЕРА", ("vera",)),  # only look-alikes, one script: a real Cyrillic name
        ("АННА КАРЕНИНА", ("anna", "karenina")),
        ("ΚΑΤΕΡΙΝΑ", ("katerina",)),
        ("Газпромбанк", ("gazprombank",)),
        ("ООО Ромашка", ("romashka",)),
    ],
)
def test_real_greek_and_cyrillic_names_are_transliterated_as_before(
    name: str, tokens: tuple[str, ...]
) -> None:
    assert fold_look_alikes(name) == name
    assert name_form(name).tokens == tokens


def test_a_word_mixing_scripts_is_folded_and_its_look_alike_neighbours_with_it() -> None:
    assert fold_look_alikes("ВАNК").casefold() == "bank"
    assert name_form("ВАNК").tokens == ("bank",)  # Cyrillic В А К with a Latin N
    assert name_form("ΒΑΝΚ ΜΕLLΙ").tokens == ("bank", "melli")  # ΒΑΝΚ all Greek, MELLI mixed
    assert name_form("ВАНК Smith").tokens == ("vank", "smith")  # no word mixes scripts: as written
    assert name_form("Газпромbank").tokens == ("gazprombank",)  # a letter with no Latin look-alike


def test_the_look_alikes_come_from_unicode_data_not_a_hand_table() -> None:
    table = look_alikes()
    assert len(table) > 500  # Greek, Cyrillic, Armenian, Cherokee, Coptic ... from confusables.txt
    assert table["Α"] == ("a", "GREEK") and table["А"] == ("a", "CYRILLIC")
    assert table["Ι"][0] == "i"  # TR39's prototype of capital I is l
    assert "Σ" not in table and "Д" not in table

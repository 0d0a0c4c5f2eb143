"""A text's hits are its listed entities, one each however many times the text names it (issue 18): the
hit kept is the entity's most severe, then highest-scoring, then earliest occurrence, and `spans` holds
every occurrence in text order."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clearance import Engine
from clearance.datasets.builtin import Dataset
from clearance.domain.enums import Kind, NameType
from clearance.domain.model import Entity, ListInfo, Name
from clearance.faces.cli.app import app
from clearance.faces.cli.render import SHOWN_PLACES, where_named
from clearance.screening.results import Hit

AS_OF = "2025-01-01"


@pytest.fixture(scope="module")
def listed() -> Engine:
    """Two entities on a list that restricts all dealings: a strong match blocks, a weaker one (a fuzzy
    name, the weak alias ZTC) asks for review."""
    entities = (
        Entity(
            id="zor",
            kind=Kind.ORGANIZATION,
            name="ZORBANIAN TRADING COMPANY",
            names=(Name("ZTC", NameType.WEAK),),
            lists=("test-sdn",),
        ),
        Entity(id="kes", kind=Kind.ORGANIZATION, name="KESTREL MARITIME LLC", lists=("test-sdn",)),
    )
    lists = {"test-sdn": ListInfo("test-sdn", "Test sanctions list")}
    return Engine(Dataset(measures={}, entities=entities, lists=lists, versions={"test": "1"}))


def _places(text: str, *names: str) -> list[tuple[int, int, str]]:
    """Where each of `names` stands in `text` (each once), in text order."""
    found = [(text.index(n), text.index(n) + len(n), n) for n in names]
    return sorted(found)


def test_an_entity_named_three_times_is_one_hit_with_three_spans_in_order(listed: Engine) -> None:
    text = "Paid zorbanian trading company; then ZORBANIAN TRADING CO, and Zorbanian Trading Company."
    r = listed.screen(text, kind="text", as_of=AS_OF)
    assert [h.entity.id for h in r.hits] == ["zor"]
    hit = r.hits[0]
    want = _places(text, "zorbanian trading company", "ZORBANIAN TRADING CO", "Zorbanian Trading Company")
    assert hit.spans == tuple(want)
    assert hit.span == want[0]  # all three block at 1.00: the earliest is kept
    assert r.decision == "block"
    assert len(r.reasons) == 1
    doc = r.to_dict()["hits"][0]
    assert doc["span"] == {"start": want[0][0], "end": want[0][1], "text": want[0][2]}
    assert doc["spans"] == [{"start": s, "end": e, "text": t} for s, e, t in want]
    assert doc["occurrences"] == 3


def test_two_entities_named_once_each_are_two_hits(listed: Engine) -> None:
    text = "Paid Zorbanian Trading Company and Kestrel Maritime LLC."
    r = listed.screen(text, kind="text", as_of=AS_OF)
    assert sorted(h.entity.id for h in r.hits) == ["kes", "zor"]
    spans = {h.entity.id: h.spans for h in r.hits}
    assert spans == {
        "zor": tuple(_places(text, "Zorbanian Trading Company")),
        "kes": tuple(_places(text, "Kestrel Maritime LLC")),
    }
    assert len(r.reasons) == 2


@pytest.mark.parametrize(
    ("weaker", "by"),
    [("Zorbanyan Tradng Compny", "name"), ("ZTC", "weak_alias")],
)
def test_the_block_is_kept_over_an_earlier_review_of_the_same_entity(
    listed: Engine, weaker: str, by: str
) -> None:
    alone = listed.screen(f"paid to {weaker} today.", kind="text", as_of=AS_OF)
    assert [(h.entity.id, h.decision, h.by) for h in alone.hits] == [("zor", "review", by)]

    text = f"paid to {weaker} today; later Zorbanian Trading Company."
    r = listed.screen(text, kind="text", as_of=AS_OF)
    assert len(r.hits) == 1
    hit = r.hits[0]
    both = _places(text, weaker, "Zorbanian Trading Company")
    assert hit.decision == "block" and r.decision == "block"
    assert hit.span == both[1] and hit.by == "name" and hit.score == 1.0
    assert hit.spans == tuple(both)
    assert "'Zorbanian Trading Company' in the text" in hit.explanation
    assert r.reasons == (f"ZORBANIAN TRADING COMPANY: {hit.explanation}",)


def test_of_two_blocks_the_higher_score_is_kept_though_later(listed: Engine) -> None:
    text = "Paid Zorbanian Tradin Company, then Zorbanian Trading Company."
    r = listed.screen(text, kind="text", as_of=AS_OF)
    assert len(r.hits) == 1
    hit = r.hits[0]
    both = _places(text, "Zorbanian Tradin Company", "Zorbanian Trading Company")
    assert hit.decision == "block" and hit.score == 1.0
    assert hit.span == both[1]
    assert hit.spans == tuple(both)


def test_a_party_hit_has_no_spans(listed: Engine) -> None:
    r = listed.screen("Zorbanian Trading Company", as_of=AS_OF)
    assert r.hits[0].spans == () and r.hits[0].occurrences == ()
    doc = r.to_dict()["hits"][0]
    assert "span" not in doc and "spans" not in doc and "occurrences" not in doc


def test_where_named_lists_the_other_places_then_counts_them(listed: Engine) -> None:
    text = "; ".join(["Kestrel Maritime LLC"] * (SHOWN_PLACES + 3))
    hit: Hit = listed.screen(text, kind="text", as_of=AS_OF).hits[0]
    assert len(hit.spans) == SHOWN_PLACES + 3
    said = where_named(hit)
    assert said.startswith("at 0-20 'Kestrel Maritime LLC'; also at 22-42 'Kestrel Maritime LLC', ")
    assert said.endswith(f" and 2 more: {SHOWN_PLACES + 3} places in all")
    one = listed.screen("Paid Kestrel Maritime LLC.", kind="text", as_of=AS_OF).hits[0]
    assert where_named(one) == "at 5-25 'Kestrel Maritime LLC'"


def test_the_command_line_says_where_else_the_text_names_the_entity() -> None:
    text = "Payment to Tencent Holdings, then to TENCENT HOLDINGS, and via Alipay"
    args = ["screen", text, "--kind", "text", "--as-of", "2021-03-01"]
    shown = CliRunner().invoke(app, args)
    assert shown.exit_code == 1, shown.output
    assert "at 11-27 'Tencent Holdings'; also at 37-53 'TENCENT HOLDINGS'" in shown.stdout
    assert "(2 places)" in shown.stdout
    doc = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)
    tencent = [h for h in doc["hits"] if h["entity_id"] == "org-tencent-holdings"]
    assert len(tencent) == 1
    assert tencent[0]["occurrences"] == 2
    assert [s["text"] for s in tencent[0]["spans"]] == ["Tencent Holdings", "TENCENT HOLDINGS"]

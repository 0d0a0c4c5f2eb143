from __future__ import annotations

from clearance import Engine
from clearance.matching.text import words


def test_remittance_text_reports_each_listed_name_with_its_span(engine: Engine) -> None:
    text = "INV 4471 licence WPS Office 2021 / paid via AliPay to Tencnet Holdings"
    r = engine.screen(text, kind="text", as_of="2021-03-01", activity="payment")
    spans = {h.entity.id: h.span for h in r.hits}
    assert set(spans) >= {"app-wps-office", "app-alipay", "org-tencent-holdings"}
    for span in spans.values():
        assert span is not None and text[span[0] : span[1]] == span[2]
    assert spans["org-tencent-holdings"][2] == "Tencnet Holdings"


def test_chinese_text_without_spaces(engine: Engine) -> None:
    r = engine.screen("本公司向腾讯控股有限公司支付服务费", kind="text", as_of="2021-03-01")
    assert "org-tencent-holdings" in {h.entity.id for h in r.hits}


def test_package_ids_in_text(engine: Engine) -> None:
    r = engine.screen("device 77 has com.eg.android.AlipayGphone installed", kind="text", as_of="2021-03-01")
    assert [h.entity.id for h in r.hits] == ["app-alipay"]
    assert r.hits[0].by == "identifier"


def test_weak_alias_inside_another_name_is_not_a_hit(engine: Engine) -> None:
    assert engine.screen("Order from QQ Fresh Foods Ltd", kind="text", as_of="2021-03-01").decision == "clear"
    assert engine.screen("sent by qq today", kind="text", as_of="2021-03-01").decision == "review"


def test_innocent_text_is_clear(engine: Engine) -> None:
    text = "Payment for invoice 2231, office supplies and software licences, Kings Office Supply, Dallas TX"
    assert engine.screen(text, kind="text", as_of="2021-03-01").decision == "clear"


def test_words_split_chinese_characters() -> None:
    text = "向腾讯付款 ok."
    assert [text[s:e] for s, e in words(text)] == ["向", "腾", "讯", "付", "款", "ok"]


def test_spans_take_in_legal_forms_but_not_their_neighbours(engine: Engine) -> None:
    r = engine.screen(
        "paid to Tencent Holdings Ltd. and to Alibaba Group; thanks", kind="text", as_of="2021-03-01"
    )
    spans = {h.entity.id: h.span[2] for h in r.hits if h.span}
    assert spans["org-tencent-holdings"] == "Tencent Holdings Ltd"
    assert spans["org-alibaba-group"] == "Alibaba Group"


def test_a_chinese_character_read_otherwise_alone_is_still_part_of_the_name(engine: Engine) -> None:
    """茄 alone reads jia, in 茄子 qie: the window still starts there."""
    r = engine.screen("本公司向茄子快传支付", kind="text", as_of="2021-03-01")
    assert [(h.entity.id, h.span[2] if h.span else None, h.score) for h in r.hits] == [
        ("app-shareit", "茄子快传", 1.0)
    ]


def test_names_with_one_letter_words_are_found_in_text() -> None:
    from clearance.domain.enums import Kind
    from clearance.domain.model import Entity
    from clearance.matching.matcher import Matcher
    from clearance.matching.text import scan

    matcher = Matcher([Entity(id="d", kind=Kind.ORGANIZATION, name="DONCOALTRADE SP Z O O")])
    found = scan(matcher, "invoice from DONCOALTRADE SP Z O O, paid")
    assert [(m.entity.id, m.span[2] if m.span else None, m.score) for m in found] == [
        ("d", "DONCOALTRADE SP Z O O", 1.0)
    ]


def _prose_matcher() -> object:
    from clearance.domain.enums import Kind, NameType
    from clearance.domain.model import Entity, Name
    from clearance.matching.matcher import Matcher

    return Matcher(
        [
            Entity(id="wash", kind=Kind.ORGANIZATION, name="WASHINGTON TRADING LTD"),
            Entity(id="united", kind=Kind.ORGANIZATION, name="UNITED COMPANY OJSC"),
            Entity(
                id="both",
                kind=Kind.ORGANIZATION,
                name="BELARUSIAN OIL TRADE HOUSE",
                names=(Name("B.O.T.H."),),
            ),
            Entity(id="abid", kind=Kind.PERSON, name="KHAN, Abid Ali", names=(Name("ABID", NameType.WEAK),)),
            Entity(id="hamas", kind=Kind.ORGANIZATION, name="HAMAS"),
        ]
    )


def test_prose_words_that_are_also_listed_names_are_not_hits() -> None:
    """News prose (benchmarks/quality.py --only news): a frequent word alone is a hit only on a listed name
    that is that word, and a weak alias only as one word ("a bid" is not ABID)."""
    from clearance.matching.matcher import Matcher
    from clearance.matching.text import scan

    matcher = _prose_matcher()
    assert isinstance(matcher, Matcher)
    text = "WASHINGTON, Jan. 6 - Both sides said the United States made a bid in Washington."
    assert scan(matcher, text) == []
    found = scan(matcher, "Funds went to Hamas via Washington Trading Ltd and were paid to ABID today.")
    assert sorted(m.entity.id for m in found) == ["abid", "hamas", "wash"]


def test_prose_words_run_together_or_given_names_are_not_listed_names() -> None:
    """Found by benchmarks/text.py on prose: "is is" read as ISIS blocked, "I an" as IAN LIMITED, and
    the given names Emma and Daniel reviewed as the vessels EMMA and DANIEL."""
    from clearance.domain.enums import Kind
    from clearance.domain.model import Entity, Name
    from clearance.matching.matcher import Matcher
    from clearance.matching.text import scan

    matcher = Matcher(
        [
            Entity(id="isil", kind=Kind.ORGANIZATION, name="ISLAMIC STATE", names=(Name("ISIS"),)),
            Entity(id="cec", kind=Kind.ORGANIZATION, name="CEC LIMITED", names=(Name("IAN LIMITED"),)),
            Entity(id="emma", kind=Kind.VESSEL, name="EMMA"),
            Entity(id="houthis", kind=Kind.ORGANIZATION, name="THE HOUTHIS"),
        ]
    )
    assert scan(matcher, "What it is is plain: I an old friend, Emma, wrote to me.") == []
    assert scan(matcher, "Ask how this works.") == []
    assert [m.entity.id for m in scan(matcher, "Funds for ISIS were seized.")] == ["isil"]
    assert [m.entity.id for m in scan(matcher, "the vessel Emma Maersk")] == []

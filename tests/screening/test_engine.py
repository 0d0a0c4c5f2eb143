from __future__ import annotations

from datetime import date

import pytest

from clearance import Engine, InputError

APPS = ["Alipay", "CamScanner", "QQ Wallet", "SHAREit", "Tencent QQ", "VMate", "WeChat Pay", "WPS Office"]


@pytest.mark.parametrize("app", APPS)
def test_the_eight_apps_need_review_in_march_2021_and_are_clear_in_july(engine: Engine, app: str) -> None:
    march = engine.screen(app, kind="app", as_of=date(2021, 3, 1), activity="app")
    assert march.decision == "review"
    ids = {m["id"]: m for h in march.to_dict()["hits"] for m in h["measures"]}
    assert ids["us-eo-13971"]["state"] == "in_force"
    assert "never implemented" in ids["us-eo-13971"]["reason"]
    july = engine.screen(app, kind="app", as_of=date(2021, 7, 1), activity="app")
    assert july.decision == "clear"
    eo = {m["id"]: m for h in july.to_dict()["hits"] for m in h["measures"]}["us-eo-13971"]
    assert eo["state"] == "revoked"
    assert "us-eo-14034" in eo["reason"]


@pytest.mark.parametrize(
    ("activity", "decision"),
    [("securities", "block"), ("payment", "review"), ("export", "block"), ("any", "review")],
)
def test_smic_in_2022_depends_on_the_activity(engine: Engine, activity: str, decision: str) -> None:
    r = engine.screen(
        "Semiconductor Manufacturing International Corporation", as_of="2022-03-01", activity=activity
    )
    assert r.decision == decision
    top = r.hits[0]
    assert top.entity.id == "org-smic"
    assert {f.state.measure.id for f in top.findings} >= {"us-eo-14032", "us-bis-entity-list"}


def test_before_its_listing_an_entity_is_not_yet_covered(engine: Engine) -> None:
    r = engine.screen("SZ DJI Technology Co., Ltd.", as_of="2021-12-01", activity="securities")
    m = {f.state.measure.id: f for f in r.hits[0].findings}
    assert m["us-eo-14032"].state.state == "not_yet"
    assert m["us-bis-entity-list"].state.state == "in_force"
    after = engine.screen("SZ DJI Technology Co., Ltd.", as_of="2022-03-01", activity="securities")
    assert after.decision == "block"
    assert after.to_dict()["hits"][0]["measures"][0]["divest_by"] == "2022-12-16"


def test_an_entity_under_two_measures_gets_both(engine: Engine) -> None:
    r = engine.screen("Tencent Holdings", as_of="2021-03-01")
    states = {m["id"]: m["state"] for m in r.to_dict()["hits"][0]["measures"]}
    assert states == {"us-eo-13943": "enjoined", "us-eo-13971": "in_force"}


def test_result_dict_keeps_the_contract(engine: Engine) -> None:
    d = engine.screen("Tencent Holdings", kind="party", as_of=date(2021, 3, 1)).to_dict()
    assert set(d) >= {"query", "kind", "as_of", "decision", "hits", "engine_version", "data_versions"}
    hit = d["hits"][0]
    assert set(hit) >= {
        "entity_id",
        "name",
        "matched_name",
        "aliases",
        "score",
        "kind",
        "lists",
        "measures",
        "path",
        "explanation",
    }
    assert set(hit["measures"][0]) >= {"id", "title", "state", "since", "citation"}
    assert d["data_versions"]["builtin"].startswith("builtin-")


def test_developer_hits_carry_the_path_to_the_app(engine: Engine) -> None:
    r = engine.screen("Beijing Kingsoft Office Software, Inc.", as_of="2021-03-01")
    hit = r.hits[0]
    assert hit.entity.id == "org-kingsoft-office"
    assert [s["to"] for s in hit.path] == ["app-wps-office", "us-eo-13971"]  # the app, then the order
    assert hit.path[0]["relation"] == "develops"


def test_a_package_id_finds_the_app_and_the_feature_inside(engine: Engine) -> None:
    r = engine.screen("com.tencent.mm", kind="app", as_of="2021-03-01", activity="app")
    hit = r.hits[0]
    assert hit.entity.id == "app-wechat" and hit.by == "identifier"
    assert {f.state.measure.id for f in hit.findings} == {"us-eo-13943", "us-eo-13971"}
    assert r.decision == "review"


def test_tiktok_was_blocked_for_apps_only_between_identification_and_injunction(engine: Engine) -> None:
    # Commerce's identification took effect at 11:59 p.m. on 27 Sept 2020, after that day's injunction
    assert engine.screen("TikTok", kind="app", as_of="2020-09-25", activity="app").decision == "review"
    assert engine.screen("TikTok", kind="app", as_of="2020-10-15", activity="app").decision == "clear"


def test_weak_aliases_only_match_on_their_own(engine: Engine) -> None:
    assert engine.screen("QQ", as_of="2021-03-01").hits[0].entity.id == "app-tencent-qq"
    assert engine.screen("QQ Fresh Foods", as_of="2021-03-01").decision == "clear"
    smic = engine.screen("SMIC", as_of="2022-03-01", activity="securities")
    assert smic.hits[0].entity.id == "org-smic"
    assert smic.decision == "review"  # a weak alias alone never blocks


@pytest.mark.parametrize(
    "name", ["Tencor Instruments", "Alipac Logistics", "Kings Office Supply", "Mary Johnson Bakery"]
)
def test_look_alikes_are_clear(engine: Engine, name: str) -> None:
    assert engine.screen(name, as_of="2021-03-01").decision == "clear"


@pytest.mark.parametrize(
    "name", ["Tencnet Holdings", "Cam Scanner", "Ali Pay", "腾讯控股有限公司", "TENCENT HOLDINGS"]
)
def test_variants_are_caught(engine: Engine, name: str) -> None:
    assert engine.screen(name, as_of="2021-03-01").decision == "review"


@pytest.mark.parametrize(
    ("query", "kwargs", "message"),
    [
        ("", {}, "empty"),
        ("   \t", {}, "empty"),
        ("x" * 10_001, {}, "limit"),
        ("Ten\x01cent", {}, "control character"),
        ("Tencent", {"as_of": "2021-02-30"}, "invalid date"),
        ("Tencent", {"as_of": "yesterday"}, "invalid date"),
        ("Tencent", {"kind": "nonsense"}, "unknown kind"),
        ("Tencent", {"activity": "gambling"}, "unknown activity"),
    ],
)
def test_bad_input_is_a_typed_error_with_a_clear_message(
    engine: Engine, query: str, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        engine.screen(query, **kwargs)  # type: ignore[arg-type]


def test_a_text_may_be_long(engine: Engine) -> None:
    text = ("Invoice for consulting services rendered in October. " * 2000) + "Paid via Ali Pay."
    r = engine.screen(text, kind="text", as_of="2021-03-01", activity="payment")
    assert [h.entity.id for h in r.hits] == ["app-alipay"]


@pytest.mark.parametrize(
    "name",
    [
        "QQ钱包",
        "くみ子 明美 山本",
        "Narges\u200cMohammadi",
        "محمد جواد ظریف",
        "שלום עליכם",
        "e\u0301\u0301",
        "Ελληνική Εταιρεία",
    ],
)
def test_real_names_never_raise(engine: Engine, name: str) -> None:
    assert engine.screen(name, as_of="2021-03-01").decision in ("clear", "review", "block")


def test_compare_is_the_screening_scorer(engine: Engine) -> None:
    cmp = engine.compare("OOO Romashka", "Limited Liability Company Romashka", kind="organization")
    assert cmp.match and cmp.score == 1.0
    assert "ooo" in cmp.explanation


def test_building_an_engine_leaves_the_process_as_it_was() -> None:
    """No frozen heap, no paused collector: a service or a test may build several engines."""
    import gc

    from clearance import Engine, ScorerConfig, load_dataset

    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    strict = Engine(load_dataset(), config=ScorerConfig(review=0.95, strong=0.95))
    lenient = Engine(load_dataset(), config=ScorerConfig(review=0.6, strong=0.9))
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
    # two engines in one process keep their own thresholds and remembered matches
    assert lenient.screen("Tencent Music", as_of="2021-03-01").decision == "review"
    assert strict.screen("Tencent Music", as_of="2021-03-01").decision == "clear"
    assert strict.screen("Tencnet Holdings", as_of="2021-03-01").decision == "clear"
    assert lenient.screen("Tencnet Holdings", as_of="2021-03-01").decision == "review"
    assert lenient.screen("Tencnet Holdings", as_of="2021-03-01").to_dict()["thresholds"] == {
        "review": 0.6,
        "strong": 0.9,
    }


@pytest.mark.parametrize(
    "query",
    [
        "<b>Tencent Holdings</b>",
        '"><img src=x onerror=alert(1)> Tencent Holdings',
        "<span>Tencent</span> Holdings",
    ],
)
def test_markup_around_a_name_is_set_aside(engine: Engine, query: str) -> None:
    result = engine.screen(query, as_of="2021-03-01")
    assert result.hits and result.hits[0].entity.id == "org-tencent-holdings"
    assert result.query == query  # the result names what was given


def test_markup_in_a_text_keeps_the_offsets_of_the_text(engine: Engine) -> None:
    text = "<p>Payment for <b>Tencent Holdings</b> services</p>"
    hit = engine.screen(text, kind="text", as_of="2021-03-01").hits[0]
    start, end, found = hit.span  # type: ignore[misc]
    assert text[start:end] == found and "Tencent" in found

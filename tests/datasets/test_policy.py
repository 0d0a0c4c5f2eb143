"""No silent clear on missing or old data: the data policy's warnings, and what each setting does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clearance import DataError, Engine, InputError, load_dataset
from clearance.datasets.lists.updates import import_files
from clearance.datasets.policy import DataPolicy, check
from clearance.domain.enums import OnStale
from fixtures import DATA

SDN = DATA / "lists" / "ofac-sdn-2021"
INNOCENT = "Mary Johnson Bakery"
NO_SANCTIONS = "no sanctions list is loaded"


def _engine(home: Path, on_stale: OnStale, **kwargs: object) -> Engine:
    return Engine(load_dataset(home=home, policy=DataPolicy(on_stale=on_stale), **kwargs))  # type: ignore[arg-type]


def test_an_empty_home_never_answers_a_silent_clear(tmp_path: Path) -> None:
    result = _engine(tmp_path, OnStale.REVIEW).screen(INNOCENT, as_of="2021-03-01")
    assert result.decision == "review" and result.hits == ()
    assert NO_SANCTIONS in result.reasons[0] and NO_SANCTIONS in result.to_dict()["warnings"][0]


def test_hits_are_decided_as_usual_when_data_is_missing(tmp_path: Path) -> None:
    result = _engine(tmp_path, OnStale.REVIEW).screen(
        "Semiconductor Manufacturing International Corporation", as_of="2022-03-01", activity="securities"
    )
    assert result.decision == "block" and result.warnings


def test_warn_keeps_the_decision_and_says_why(tmp_path: Path) -> None:
    result = _engine(tmp_path, OnStale.WARN).screen(INNOCENT, as_of="2021-03-01")
    assert result.decision == "clear" and NO_SANCTIONS in result.warnings[0]


def test_refuse_screens_nothing(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="refusing to screen"):
        _engine(tmp_path, OnStale.REFUSE).screen(INNOCENT, as_of="2021-03-01")


def test_a_loaded_sanctions_list_answers_clear_without_warning(tmp_path: Path) -> None:
    result = _engine(tmp_path, OnStale.REFUSE, lists=[SDN]).screen(INNOCENT, as_of="2021-03-01")
    assert result.decision == "clear" and result.warnings == ()


def test_an_imported_list_counts_too_and_so_does_its_age(tmp_path: Path) -> None:
    import_files([SDN], tmp_path)
    fresh = _engine(tmp_path, OnStale.REFUSE).screen(INNOCENT, as_of="2021-03-01")
    assert fresh.decision == "clear" and fresh.warnings == ()
    policy = DataPolicy(on_stale=OnStale.REVIEW, max_age=timedelta(microseconds=1))
    stale = Engine(load_dataset(home=tmp_path, policy=policy)).screen(INNOCENT, as_of="2021-03-01")
    assert stale.decision == "review"
    assert "the list 'ofac-sdn' was retrieved" in stale.warnings[0]


def test_lists_as_they_stood_before_any_import_are_no_lists(tmp_path: Path) -> None:
    import_files([SDN], tmp_path)
    day = date(2020, 1, 1)
    result = _engine(tmp_path, OnStale.REVIEW, lists_as_of=day).screen(INNOCENT, as_of="2021-03-01")
    assert result.decision == "review" and NO_SANCTIONS in result.warnings[0]


def test_a_required_list_that_is_missing_is_named(tmp_path: Path) -> None:
    policy = DataPolicy(on_stale=OnStale.REVIEW, required=("ofac-sdn", "un-sc"))
    result = Engine(load_dataset(home=tmp_path, lists=[SDN], policy=policy)).screen(INNOCENT)
    assert result.decision == "review"
    assert result.warnings == ("the required list 'un-sc' is not loaded (CLEARANCE_REQUIRE_LISTS)",)


def test_age_counts_from_retrieval_against_the_limit() -> None:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    policy = DataPolicy(max_age=timedelta(days=7))
    retrieved = {"ofac-sdn": now - timedelta(days=8), "un-sc": now - timedelta(days=6)}
    gaps = check(
        entities=(), lists={}, retrieved=retrieved, loaded=["ofac-sdn", "un-sc"], policy=policy, now=now
    )
    assert [g for g in gaps if "retrieved" in g] == [
        "the list 'ofac-sdn' was retrieved 8.0 days before the screening data's date, more than the 7 "
        "allowed (CLEARANCE_MAX_LIST_AGE)"
    ]


def test_the_policy_from_the_environment() -> None:
    policy = DataPolicy.from_env(
        {
            "CLEARANCE_ON_STALE": "refuse",
            "CLEARANCE_MAX_LIST_AGE": "2.5",
            "CLEARANCE_REQUIRE_LISTS": "ofac-sdn, un-sc",
        }
    )
    assert policy == DataPolicy(
        on_stale=OnStale.REFUSE, max_age=timedelta(days=2.5), required=("ofac-sdn", "un-sc")
    )
    assert DataPolicy.from_env({}) == DataPolicy()  # the defaults: review, 7 days, nothing required


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLEARANCE_ON_STALE", "ignore"),
        ("CLEARANCE_MAX_LIST_AGE", "nan"),
        ("CLEARANCE_MAX_LIST_AGE", "-1"),
        ("CLEARANCE_MAX_LIST_AGE", "soon"),
        ("CLEARANCE_MAX_LIST_AGE", "inf"),
    ],
)
def test_a_setting_out_of_range_is_an_input_error(name: str, value: str) -> None:
    with pytest.raises(InputError, match=name):
        DataPolicy.from_env({name: value})

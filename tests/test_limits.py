"""The per-query time limit: a query still running when it passes is an input error, never a hang."""

from __future__ import annotations

import pytest

from clearance import Engine, InputError, load_dataset
from clearance.limits import Deadline, QueryTimeout, time_limit

TEXT = "Payment to Tencent Holdings via Alipay for CamScanner licences, ref 2231. " * 200


def test_a_deadline_that_has_passed_stops_a_text_scan_and_a_name() -> None:
    engine = Engine(load_dataset(), time_limit=1e-9)
    with pytest.raises(QueryTimeout, match="CLEARANCE_TIME_LIMIT"):
        engine.screen(TEXT, kind="text", as_of="2021-03-01")
    with pytest.raises(QueryTimeout):
        engine.screen("Tencent Holdings", as_of="2021-03-01")


def test_without_a_limit_and_within_it_the_answer_is_the_same() -> None:
    dataset = load_dataset()
    free = Engine(dataset).screen(TEXT, kind="text", as_of="2021-03-01")
    bounded = Engine(dataset, time_limit=60.0).screen(TEXT, kind="text", as_of="2021-03-01")
    assert free.to_dict() == bounded.to_dict() and free.decision == "review"


def test_a_timeout_is_an_input_error_and_a_deadline_checks_only_once_passed() -> None:
    assert issubclass(QueryTimeout, InputError)
    Deadline(60.0).check()  # does not raise


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_the_limit_must_be_a_positive_number(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CLEARANCE_TIME_LIMIT", value)
    with pytest.raises(InputError, match="CLEARANCE_TIME_LIMIT"):
        time_limit()


def test_the_default_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARANCE_TIME_LIMIT", raising=False)
    assert time_limit() == 60.0
    monkeypatch.setenv("CLEARANCE_TIME_LIMIT", "2.5")
    assert time_limit() == 2.5

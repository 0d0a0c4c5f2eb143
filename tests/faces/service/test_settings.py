"""The service's settings from CLEARANCE_* variables: defaults, and one line naming a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.domain.enums import OnStale
from clearance.errors import InputError
from clearance.faces.service.settings import DEFAULT_MAX_BODY, ServiceSettings


def test_defaults() -> None:
    s = ServiceSettings.from_env({})
    assert (s.host, s.port, s.workers) == ("127.0.0.1", 8000, 1)
    assert s.max_body == DEFAULT_MAX_BODY == 2 * 1024 * 1024 and s.max_batch == 1000
    assert s.rate_limit == 100 and s.burst == 200 and s.time_limit == 60
    assert (s.config.review, s.config.strong) == (0.80, 0.90)
    assert s.policy.on_stale is OnStale.REVIEW


def test_every_variable_is_read() -> None:
    s = ServiceSettings.from_env(
        {
            "CLEARANCE_HOST": "0.0.0.0",
            "CLEARANCE_PORT": "9000",
            "CLEARANCE_WORKERS": "4",
            "CLEARANCE_MAX_BODY": "4096",
            "CLEARANCE_MAX_BATCH": "10",
            "CLEARANCE_RATE_LIMIT": "2.5",
            "CLEARANCE_RATE_BURST": "7",
            "CLEARANCE_TIME_LIMIT": "0.5",
            "CLEARANCE_REVIEW_THRESHOLD": "0.7",
            "CLEARANCE_ON_STALE": "refuse",
            "CLEARANCE_HOME": "/tmp/somewhere",
        }
    )
    assert (s.host, s.port, s.workers, s.max_body, s.max_batch) == ("0.0.0.0", 9000, 4, 4096, 10)
    assert (s.rate_limit, s.burst, s.time_limit, s.config.review) == (2.5, 7, 0.5, 0.7)
    assert s.policy.on_stale is OnStale.REFUSE and s.home == Path("/tmp/somewhere")
    assert ServiceSettings.from_env({"CLEARANCE_RATE_LIMIT": "0"}).rate_limit == 0  # no limit


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLEARANCE_PORT", "http"),
        ("CLEARANCE_PORT", "70000"),
        ("CLEARANCE_WORKERS", "-1"),
        ("CLEARANCE_MAX_BODY", "12"),
        ("CLEARANCE_MAX_BATCH", "-1"),
        ("CLEARANCE_RATE_LIMIT", "-3"),
        ("CLEARANCE_RATE_LIMIT", "inf"),
        ("CLEARANCE_TIME_LIMIT", "0"),
        ("CLEARANCE_TIME_LIMIT", "soon"),
        ("CLEARANCE_REVIEW_THRESHOLD", "2"),
        ("CLEARANCE_ON_STALE", "ignore"),
    ],
)
def test_a_wrong_value_is_an_input_error_naming_it(name: str, value: str) -> None:
    with pytest.raises(InputError, match=name if "THRESHOLD" not in name else "thresholds"):
        ServiceSettings.from_env({name: value})

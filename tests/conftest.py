from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never see a user's own lists: CLEARANCE_HOME is an empty folder for the whole run. Most tests
# screen the built-in data alone, where no sanctions list is loaded: the data policy warns instead of
# turning clear into review (tests/datasets/test_policy.py checks the policy itself).
os.environ["CLEARANCE_HOME"] = tempfile.mkdtemp(prefix="clearance-test-home-")
os.environ["CLEARANCE_ON_STALE"] = "warn"

from clearance import Engine, load_dataset
from fixtures import SHARED_DATA


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(load_dataset())


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real list files beside the repository. Without them, the integration tests that read them say
    so and are skipped, unless CLEARANCE_REQUIRE_SHARED=1 (as in CI, `.ci/run`), where they fail."""
    if not SHARED_DATA.is_dir():
        message = f"{SHARED_DATA} is missing: this integration test reads the real list files there"
        if os.environ.get("CLEARANCE_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA

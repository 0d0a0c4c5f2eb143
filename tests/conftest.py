from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never see a user's own lists: CLEARANCE_HOME is an empty folder for the whole run.
os.environ["CLEARANCE_HOME"] = tempfile.mkdtemp(prefix="clearance-test-home-")

from clearance import Engine

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"{SHARED_DATA} is missing: the real list files live in ../shared/data beside the repo")
    return SHARED_DATA

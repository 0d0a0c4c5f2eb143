from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never see a user's own lists: CLEARANCE_HOME is an empty folder for the whole run.
os.environ["CLEARANCE_HOME"] = tempfile.mkdtemp(prefix="clearance-test-home-")

from clearance import Engine

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Parties for the batch and Spark tests: (id, name, date), good rows and bad ones.
PARTY_ROWS = [
    ("p1", "Tencent Holdings Ltd", "2021-03-01"),
    ("p2", "Mary Johnson Bakery", "2021-03-01"),
    ("p3", "", "2021-03-01"),
    ("p4", "Alipay", "2021-02-30"),
    ("p5", "CamScanner", "2021-07-01"),
    ("p6", "Ten\x01cent", "2021-03-01"),
    ("p7", "腾讯控股有限公司", "2021-03-01"),
    ("p8", "Kings Office Supply", "2021-03-01"),
]


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"{SHARED_DATA} is missing: the real list files live in ../shared/data beside the repo")
    return SHARED_DATA

"""Values several test modules share (fixtures proper live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"  # the tests' own fixtures
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # the real lists, beside the repo

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

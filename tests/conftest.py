from __future__ import annotations

import pytest

from clearance import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.default()

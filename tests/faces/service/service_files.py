"""What the service's tests share besides fixtures (those are in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clearance.faces.service.auth import KeyStore


@dataclass(frozen=True)
class Keys:
    """An analyst's key and an admin's, and the store holding them."""

    store: KeyStore
    analyst: str
    admin: str
    analyst_id: str

    def bearer(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


def error_of(response: Any) -> dict[str, str]:
    """The error of an answer, checking it has the service's shape and nothing else (no trace)."""
    doc = response.json()
    assert set(doc) == {"error"}, doc
    assert set(doc["error"]) == {"code", "message"}, doc
    assert "Traceback" not in doc["error"]["message"]
    assert "\n" not in doc["error"]["message"]
    error: dict[str, str] = doc["error"]
    return error

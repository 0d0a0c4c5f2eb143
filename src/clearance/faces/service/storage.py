"""The service's case store: opened on first use in each worker process (a database connection pool
must not cross a fork), at CLEARANCE_DATABASE_URL or SQLite under CLEARANCE_HOME.

`store_of(app)` gives it; `fingerprints_of(app, engine)` gives the fingerprints of the engine's entities
(kept while the engine is the same). `record_results(app, engine, caller, docs, source=...)` records the
results of a request when the service records (CLEARANCE_RECORD, on by default).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI

from clearance.faces.service.keys import Caller
from clearance.screening.engine import Engine
from clearance.store import Store
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Recorded, Screened, record

_lock = threading.Lock()


def store_of(app: FastAPI) -> Store:
    """The app's store, opened (and migrated) on first use; raises `StoreError` when it cannot be."""
    with _lock:
        store: Store | None = getattr(app.state, "store", None)
        if store is None:
            store = Store.open(home=app.state.settings.home)
            app.state.store = store
        return store


def fingerprints_of(app: FastAPI, engine: Engine) -> Fingerprints:
    with _lock:
        kept: tuple[Engine, Fingerprints] | None = getattr(app.state, "fingerprints", None)
        if kept is None or kept[0] is not engine:
            kept = (engine, Fingerprints(engine.entities))
            app.state.fingerprints = kept
        return kept[1]


def record_results(
    app: FastAPI,
    engine: Engine,
    caller: Caller,
    docs: Iterable[tuple[str | None, Mapping[str, Any]]],
    *,
    source: str,
) -> Recorded | None:
    """Record (reference, result document) pairs as decisions by `caller`, when the service records;
    None when it does not."""
    if not app.state.settings.record:
        return None
    screened = [Screened(result=doc, reference=reference) for reference, doc in docs]
    return record(
        store_of(app), screened, source=source, actor=caller.user, fingerprint=fingerprints_of(app, engine)
    )

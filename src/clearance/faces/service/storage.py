"""The service's case store: opened on first use in each worker process (a database connection pool
must not cross a fork), at CLEARANCE_DATABASE_URL or SQLite under CLEARANCE_HOME.

`store_of(app)` gives it; `fingerprints_of(app, engine)` gives the fingerprints of the engine's entities
(kept while the engine is the same). `record_results(app, engine, caller, docs, source=...)` records the
results of a request when the service records (CLEARANCE_RECORD, on by default); `start_rescreen`
screens the stored parties again after a list update.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI

from clearance.faces.service.keys import Caller
from clearance.screening.engine import Engine
from clearance.store import Store
from clearance.store.audit import now
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Recorded, Screened, record
from clearance.store.rescreen import rescreen

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


def start_rescreen(app: FastAPI, engine: Engine, caller: Caller) -> dict[str, Any]:
    """Rescreen the stored parties against what the new data changed, in a thread of its own (a list
    update answers at once); its state and, when done, its counts are `app.state.rescreen` (shown by
    `GET /lists`). One at a time: a second start while one runs returns the running one's state."""
    with _lock:
        running: dict[str, Any] | None = getattr(app.state, "rescreen", None)
        if running is not None and running.get("state") == "running":
            return running
        status: dict[str, Any] = {"state": "running", "started": now(), "by": caller.user}
        app.state.rescreen = status

    def work() -> None:
        try:
            summary = rescreen(store_of(app), engine, actor=caller.user)
            status.update(state="done", finished=now(), summary=summary)
        except Exception as exc:  # reported where the caller looks (GET /lists) and in the admin log
            status.update(
                state="failed", finished=now(), error=str(exc).splitlines()[0] if str(exc) else repr(exc)
            )

    threading.Thread(target=work, name="clearance-rescreen", daemon=True).start()
    return status

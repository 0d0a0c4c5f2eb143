"""Rescreening stored parties against what changed: the first rescreen sets the starting point; after
a list arrives, only its new hits open alerts; parties already alerted are not alerted twice; the
allowlist still holds; a full rescreen screens against everything."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from clearance import Engine
from clearance.datasets.loading import load_dataset
from clearance.store import Store
from clearance.store.cases import queue
from clearance.store.fingerprints import Fingerprints
from clearance.store.recording import Screened, record
from clearance.store.rescreen import rescreen
from clearance.store.schema import alerts
from fixtures import DATA

PARTIES = [
    ("C-1", "Tencent Holdings"),  # built-in: review under EO 13971 in March 2021
    ("C-2", "Banco Nacional de Cuba"),  # on the SDN excerpt only
    ("C-3", "Mary Johnson Bakery"),  # nobody
    ("C-4", "Anglo-Caribbean Co Ltd"),  # on the SDN excerpt only
]


@pytest.fixture(scope="module")
def with_sdn(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    home = tmp_path_factory.mktemp("empty-home")
    return Engine(load_dataset(lists=[DATA / "lists" / "ofac-sdn-2021"], home=home))


@pytest.fixture(scope="module")
def builtin_only(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine(load_dataset(home=tmp_path_factory.mktemp("empty-home")))


def onboard(store: Store, engine: Engine) -> None:
    """The parties screened and recorded once, against `engine`."""
    screened = [
        Screened(result=engine.screen(name, as_of="2021-03-01").to_dict(), party_reference=ref)
        for ref, name in PARTIES
    ]
    record(store, screened, source="onboarding", actor="ana", fingerprint=Fingerprints(engine.entities))


def alerted(store: Store) -> set[tuple[str, str]]:
    with store.reading() as connection:
        return {
            (r.query_name, r.entity_id)
            for r in connection.execute(select(alerts.c.query_name, alerts.c.entity_id))
        }


def test_after_a_list_arrives_only_the_new_hits_open_alerts(
    store: Store, builtin_only: Engine, with_sdn: Engine
) -> None:
    onboard(store, builtin_only)
    before = alerted(store)
    assert {q for q, _ in before} == {"Tencent Holdings"}
    # the first recording set the baseline: nothing changed since, nothing is screened
    first = rescreen(store, builtin_only, actor="system")
    assert not first["first"] and first["entities"] == {"added": 0, "changed": 0, "removed": 0}
    assert first["alerts_opened"] == 0

    summary = rescreen(store, with_sdn, actor="system")
    assert summary["parties"] == len(PARTIES)
    assert summary["entities"]["added"] > 0 and not summary["first"]
    new = alerted(store) - before
    assert {q for q, _ in new} == {"Banco Nacional de Cuba", "Anglo-Caribbean Co Ltd"}
    assert summary["alerts_opened"] == len(new)
    assert {c["party"] for c in queue(store)} >= {"Banco Nacional de Cuba", "Anglo-Caribbean Co Ltd"}

    # nothing changed since: nothing screened, nothing opened
    quiet = rescreen(store, with_sdn, actor="system")
    assert quiet["entities"] == {"added": 0, "changed": 0, "removed": 0} and quiet["alerts_opened"] == 0
    assert store.verify().ok


def test_a_full_rescreen_screens_against_everything_but_repeats_no_open_alert(
    store: Store, with_sdn: Engine
) -> None:
    onboard(store, with_sdn)
    count = len(alerted(store))
    summary = rescreen(store, with_sdn, actor="system", full=True, as_of=date(2021, 3, 1))
    assert summary["alerts_opened"] == 0 and summary["already_open"] == count


def test_with_nothing_recorded_the_first_rescreen_sets_the_starting_point(
    store: Store, builtin_only: Engine
) -> None:
    summary = rescreen(store, builtin_only, actor="system")
    assert summary["first"] and summary["parties"] == 0 and summary["alerts_opened"] == 0
    assert not rescreen(store, builtin_only, actor="system")["first"]


def test_the_audit_log_says_what_a_rescreen_did(store: Store, builtin_only: Engine, tmp_path: Path) -> None:
    onboard(store, builtin_only)
    rescreen(store, builtin_only, actor="system")
    last = store.audit_records()[-1]
    assert last.action == "rescreen" and '"parties":4' in last.detail

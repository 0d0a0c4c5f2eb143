"""The imported ownership graph under CLEARANCE_HOME (`datasets.graph_store`): versions, the active one,
the one current on a day, tampering, and what it adds to a dataset."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clearance.datasets import graph_store
from clearance.datasets.builtin import builtin
from clearance.datasets.graph_store import Link, Party
from clearance.errors import DataError


def link(parent: str, child: str, share: float | None = 100, line: int = 2) -> Link:
    return Link(parent, child, "owns", share, "registry", None, None, "r.csv", line, parent, child)


def test_versions_are_kept_and_the_last_is_active(tmp_path: Path) -> None:
    assert graph_store.active(tmp_path) is None
    first = graph_store.new_graph(
        files=["r.csv"], parties=[Party("reg-a", "A Ltd")], links=[link("org-tencent-holdings", "reg-a")]
    )
    graph_store.save(tmp_path, first)
    second = graph_store.new_graph(files=["r.csv"], parties=[], links=[])
    graph_store.save(tmp_path, second)
    active = graph_store.active(tmp_path)
    assert active is not None and active.version == second.version
    assert [e["version"] for e in graph_store.history(tmp_path)] == [first.version, second.version]
    assert graph_store.version(tmp_path, first.version[:20]).links == first.links
    assert graph_store.current_on(tmp_path, date(2000, 1, 1)) is None
    today = datetime.now(UTC).date()
    assert graph_store.version_on(tmp_path, today) == second.version


def test_a_version_edited_by_hand_is_refused(tmp_path: Path) -> None:
    graph = graph_store.new_graph(
        files=["r.csv"], parties=[], links=[link("org-tencent-holdings", "org-tenpay", 60)]
    )
    graph_store.save(tmp_path, graph)
    path = tmp_path / "graph" / f"{graph.version}.json"
    doc = json.loads(path.read_text())
    doc["links"][0]["share"] = 10
    path.write_text(json.dumps(doc))
    with pytest.raises(DataError, match="not as imported"):
        graph_store.active(tmp_path)
    path.unlink()
    with pytest.raises(DataError, match="missing"):
        graph_store.active(tmp_path)


def test_apply_adds_parties_and_relations_and_says_what_it_cannot_join() -> None:
    graph = graph_store.new_graph(
        files=["r.csv"],
        parties=[Party("reg-a", "Harbour Lights Games Ltd")],
        links=[link("org-tencent-holdings", "reg-a"), link("ofac-999999", "reg-a", 30, line=3)],
    )
    data = graph_store.apply(builtin(), graph)
    party = next(e for e in data.entities if e.id == "reg-a")
    assert party.lists == ("registry",)
    tencent = next(e for e in data.entities if e.id == "org-tencent-holdings")
    assert tencent.relations[-1].target == "reg-a" and tencent.relations[-1].share == 100
    assert "line 2" in (tencent.relations[-1].citation or "")
    assert data.versions["graph"] == graph.version
    assert len(data.problems) == 1 and "line 3 names 'ofac-999999'" in data.problems[0]


def test_a_subsidiary_relation_is_held_by_the_child() -> None:
    sub = Link("org-tencent-holdings", "reg-a", "subsidiary_of", None, "", None, None, "r.csv", 2, "T", "A")
    graph = graph_store.new_graph(files=["r.csv"], parties=[Party("reg-a", "A Ltd")], links=[sub])
    data = graph_store.apply(builtin(), graph)
    party = next(e for e in data.entities if e.id == "reg-a")
    assert [(r.type, r.target) for r in party.relations] == [("subsidiary_of", "org-tencent-holdings")]


def test_the_stamp_sees_an_edit_of_the_same_size_with_its_time_set_back(tmp_path: Path) -> None:
    import os
    import time

    graph = graph_store.new_graph(
        files=["r.csv"], parties=[], links=[link("org-tencent-holdings", "reg-a", 60)]
    )
    graph_store.save(tmp_path, graph)
    path = tmp_path / "graph" / f"{graph.version}.json"
    before, info = graph_store.stamp_on(tmp_path), path.stat()
    time.sleep(0.05)  # past the file system's clock tick
    path.write_text(path.read_text().replace('"share": 60', '"share": 10'))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # touch -r: the size and mtime as they were
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    assert graph_store.stamp_on(tmp_path) != before

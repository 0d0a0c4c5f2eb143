"""A `Dataset` to screen against: the built-in measures and entities, the active list snapshots under
CLEARANCE_HOME, and any list files given, merged. This is where files are read; the engine reads none.

    engine = Engine(load_dataset(lists=["../shared/data/ofac-sdn-2021"]))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from clearance.datasets import graph_store
from clearance.datasets.builtin import Dataset, builtin
from clearance.datasets.lists.base import ListData
from clearance.datasets.lists.manifest import Snapshot
from clearance.datasets.lists.reading import read, version_of
from clearance.datasets.lists.updates import load_snapshots
from clearance.datasets.policy import DataPolicy, check
from clearance.domain.model import Entity
from clearance.settings import home as default_home

# identifiers that name one legal person world-wide: a list entry sharing one with a built-in entity is
# that entity
_MERGE_SCHEMES = frozenset({"isin", "lei", "uscc", "bic", "imo"})


def load_dataset(
    *,
    lists: Iterable[str | Path] = (),
    home: Path | None = None,
    lists_as_of: date | None = None,
    policy: DataPolicy | None = None,
) -> Dataset:
    """The built-in data, the active snapshots under `home` (default: CLEARANCE_HOME), the list files
    or folders in `lists` (any supported format, detected from content), and the ownership graph
    imported into `home` (`datasets.graph_store`), merged. `lists_as_of` takes,
    for each source, the snapshot that was current on that day instead of the active one (for audit).
    The data's gaps (no sanctions list, a required one missing, one too old) are checked against
    `policy` (default: from the `CLEARANCE_*` variables) and carried by the dataset as warnings.

    Raises `DataError` for built-in data that does not check or a damaged home, `ImportFailed` for a
    list file that cannot be read or loses too many rows, `InputError` for a policy setting out of range."""
    policy = policy or DataPolicy.from_env()
    where = home or default_home()
    loaded = load_snapshots(where, lists_as_of)
    datas = [item.data for item in loaded]
    versions = {item.snapshot.source: item.snapshot.version for item in loaded}
    retrieved = {item.snapshot.source: _moment(item.snapshot.retrieved_at) for item in loaded}
    for data in read(lists):
        datas.append(data)
        versions[data.source] = f"file-{version_of(data.files)}"
        retrieved.pop(data.source, None)  # read now: fresh
    dataset = merge(builtin(), datas, versions)
    graph = graph_store.current_on(where, lists_as_of) if lists_as_of else graph_store.active(where)
    dataset = graph_store.apply(dataset, graph)
    return with_gaps(
        dataset, retrieved=retrieved, loaded=[d.source for d in datas], lists_as_of=lists_as_of, policy=policy
    )


def with_gaps(
    dataset: Dataset,
    *,
    retrieved: dict[str, datetime],
    loaded: Sequence[str],
    lists_as_of: date | None,
    policy: DataPolicy,
) -> Dataset:
    """The dataset with its gaps found now (no sanctions list, a required one missing, one too old:
    `datasets.policy`), from when each source was `retrieved` and which were `loaded`. A dataset kept
    from an earlier run (`screening.prepared`) is checked again: its lists age."""
    now = datetime.now(UTC)
    if lists_as_of is not None:  # the lists as they stood: their age on that day, not today
        now = min(now, datetime.combine(lists_as_of, time.max, tzinfo=UTC))
    warnings = check(
        entities=dataset.entities,
        lists=dataset.lists,
        retrieved=retrieved,
        loaded=list(loaded),
        policy=policy,
        now=now,
    )
    return replace(dataset, warnings=(*warnings, *dataset.problems), on_stale=policy.on_stale)


def retrieved_of(snapshots: Sequence[Snapshot]) -> dict[str, datetime]:
    """When each snapshot's source was retrieved, as `with_gaps` takes it."""
    return {snap.source: _moment(snap.retrieved_at) for snap in snapshots}


def _moment(text: str) -> datetime:
    """A manifest's ISO time, in UTC when it names no zone."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def merge(dataset: Dataset, sources: Sequence[ListData], versions: dict[str, str] | None = None) -> Dataset:
    """Add list entities to a dataset. An entry that shares a global identifier (ISIN, LEI, USCC, BIC, IMO)
    with a built-in entity joins it: one entity, its lists, names, identifiers, listings and measures
    together, so that a hit says both "EO 14032 names it" and "OFAC lists it as entry 30951"."""
    base = list(dataset.entities)
    by_id = {e.id: pos for pos, e in enumerate(base)}
    by_identifier: dict[tuple[str, str], int] = {}

    def file_identifiers(pos: int) -> None:
        for ident in base[pos].identifiers:
            if ident.scheme in _MERGE_SCHEMES:
                by_identifier.setdefault((ident.scheme, ident.value.upper()), pos)

    for pos in range(len(base)):
        file_identifiers(pos)
    lists = {}
    for data in sources:
        lists.update(data.lists)
        for entity in data.entities:
            # the same entry (OFAC's ent_num on the SDN and a non-SDN list) or the same legal person
            found = by_id.get(entity.id)
            if found is None:
                keys = ((i.scheme, i.value.upper()) for i in entity.identifiers)
                found = next((by_identifier[k] for k in keys if k in by_identifier), None)
            if found is None:
                by_id[entity.id] = found = len(base)
                base.append(entity)
            else:
                base[found] = _join(base[found], entity)
            file_identifiers(found)
    versions = versions or {d.source: version_of(d.files) for d in sources}
    return replace(dataset, entities=()).merged(base, lists, versions)


def _join(main: Entity, other: Entity) -> Entity:
    names = {n.value for n in main.all_names()}
    idents = {(i.scheme, i.value) for i in main.identifiers}
    measures = {c.measure for c in main.measures}
    return replace(
        main,
        names=main.names + tuple(n for n in other.all_names() if n.value not in names),
        identifiers=main.identifiers
        + tuple(i for i in other.identifiers if (i.scheme, i.value) not in idents),
        lists=main.lists + tuple(lid for lid in other.lists if lid not in main.lists),
        listings=main.listings + other.listings,
        measures=main.measures + tuple(c for c in other.measures if c.measure not in measures),
        relations=main.relations + tuple(r for r in other.relations if r not in main.relations),
        details=main.details + other.details,
    )

"""OFAC's legacy CSV files: the SDN list (sdn.csv, add.csv, alt.csv, sdn_comments.csv) and the consolidated
non-SDN lists (cons_prim.csv, cons_add.csv, cons_alt.csv, cons_comments.csv).

No header row; `-0-` (often with a trailing space) means empty; CRLF line ends; a last line holding only
the DOS end-of-file byte 0x1A (a file without it was cut short: see `ofac_rows`; so is a primary file that
lacks entries its companions name). Columns of the primary file: ent_num, name, type (individual, vessel,
aircraft, or -0- for an organization), programs ("A] [B"), title, call sign, vessel type, tonnage, GRT,
vessel flag, vessel owner, remarks. add.csv: ent_num, add_num, address, city/state/postal, country,
remarks. alt.csv: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, remarks. *_comments.csv: ent_num,
the rest of a remarks field cut at 1,000 characters (joined to it as is, often mid-word).

This module also holds what the CSV and the XML readers share: `OfacEntry`, one entry as either format
gives it, and `build_entities`, which turns entries into model entities (remarks via `ofac_remarks`,
lists and measures via `ofac_programs`), so both formats give the same entity for the same entry.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clearance.datasets.lists import ofac_programs as programs_
from clearance.datasets.lists.base import ListData, Problem, entity_id
from clearance.datasets.lists.ofac_remarks import Remarks, parse_item, parse_remarks
from clearance.datasets.lists.ofac_rows import records
from clearance.domain.enums import Kind, NameType, RelationType
from clearance.domain.model import Entity, Listing, Name, Relation
from clearance.perf import paused_gc

FORMAT = "ofac-csv"
EMPTY = "-0-"
KINDS = {"individual": Kind.PERSON, "vessel": Kind.VESSEL, "aircraft": Kind.AIRCRAFT, "": Kind.ORGANIZATION}
# XML sdnType values, lower-cased
KINDS_XML = {
    "individual": Kind.PERSON,
    "vessel": Kind.VESSEL,
    "aircraft": Kind.AIRCRAFT,
    "entity": Kind.ORGANIZATION,
}
PRIMARY_COLUMNS = 12
VESSEL_FIELDS = ("title", "call_sign", "vessel_type", "tonnage", "grt", "vessel_flag", "vessel_owner")


@dataclass(slots=True)
class OfacEntry:
    """One OFAC entry as a file gives it, before its remarks are read."""

    ent_num: str
    name: str
    kind: Kind
    programs: tuple[str, ...] = ()
    fields: list[tuple[str, str]] = field(default_factory=list)  # title, call sign, vessel facts
    remarks: str = ""
    items: list[str] = field(default_factory=list)  # remarks items the XML gives as elements
    aliases: list[tuple[str, str, bool]] = field(default_factory=list)  # (aka/fka/nka, name, weak)
    addresses: list[str] = field(default_factory=list)
    file: str = ""
    line: int | None = None


def clean(value: str | None) -> str:
    """A field's value: stripped, `-0-` as empty."""
    if value is None:
        return ""
    value = value.strip()
    return "" if value == EMPTY else value


def split_programs(text: str) -> tuple[str, ...]:
    return tuple(p for p in (part.strip(" []") for part in clean(text).split("] [")) if p)


def address_text(street: str, city: str, country: str) -> str:
    return ", ".join(part for part in (street, city, country) if part)


def _key(name: str) -> str:
    """How a "Linked To:" name is compared with primary names: case and spacing free, no final period
    (the remarks' own final period is dropped, so 'S.A.' may arrive as 'S.A')."""
    return " ".join(name.casefold().split()).rstrip(". ")


def _dedupe_names(primary: str, names: list[Name]) -> tuple[Name, ...]:
    seen = {primary.casefold()}
    out: list[Name] = []
    for n in names:
        k = n.value.casefold()
        if k not in seen:
            seen.add(k)
            out.append(n)
    return tuple(out)


def build_entities(entries: Sequence[OfacEntry], source: str, problems: list[Problem]) -> list[Entity]:
    """Model entities from entries: names, identifiers, details, lists, listings, measures and relations
    ("Linked To:" a name that is the primary name of exactly one entry of the same source, else a detail)."""
    title = programs_.SOURCE_TITLES.get(source, source)
    parsed: list[tuple[str, str, Remarks]] = []
    by_name: dict[str, list[str]] = {}
    for entry in entries:
        eid = entity_id("ofac", entry.ent_num)
        citation = f"{title}, entry {entry.ent_num}"
        remarks = Remarks()
        for item in entry.items:
            parse_item(item, remarks, citation)
        parse_remarks(entry.remarks, citation, into=remarks)
        for message in remarks.problems:
            problems.append(Problem(entry.file, entry.line, f"entry {entry.ent_num}: {message}"))
        parsed.append((eid, citation, remarks))
        by_name.setdefault(_key(entry.name), []).append(eid)
    by_alias: dict[str, list[str]] | None = None  # strong aliases, built when a link needs them

    entities: list[Entity] = []
    for entry, (eid, citation, remarks) in zip(entries, parsed, strict=True):
        names = [
            Name(alias, NameType.WEAK if weak else NameType.STRONG, citation=citation)
            for _, alias, weak in entry.aliases
        ]
        names.extend(remarks.names)
        relations: list[Relation] = []
        details: list[tuple[str, str]] = entry.fields + remarks.details
        details.extend(("address", a) for a in entry.addresses)
        for linked in remarks.linked_to:
            k = _key(linked)
            targets = by_name.get(k)
            if not targets:
                if by_alias is None:
                    by_alias = _alias_index(entries, parsed)
                targets = by_alias.get(k)
            if targets and len(set(targets)) == 1 and targets[0] != eid:
                relations.append(Relation(RelationType.LINKED_TO, targets[0], citation))
            else:
                details.append(("linked_to", linked))
        lists = programs_.entry_lists(source, entry.programs)
        listings = tuple(
            Listing(
                lid,
                entry.ent_num,
                entry.programs,
                listed=remarks.cmic_listed if lid == "ofac-ns-cmic" else None,
                citation=citation,
            )
            for lid in lists
        )
        identifiers = tuple(dict.fromkeys(remarks.identifiers))
        entities.append(
            Entity(
                id=eid,
                kind=entry.kind,
                name=entry.name,
                names=_dedupe_names(entry.name, names),
                identifiers=identifiers,
                relations=tuple(dict.fromkeys(relations)),
                measures=programs_.cmic_coverage(entry.programs, remarks, entry.ent_num, source),
                lists=lists,
                listings=listings,
                details=tuple(dict.fromkeys(details)),
            )
        )
    return entities


def _alias_index(
    entries: Sequence[OfacEntry], parsed: Sequence[tuple[str, str, Remarks]]
) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for entry, (eid, _, remarks) in zip(entries, parsed, strict=True):
        for _, alias, weak in entry.aliases:
            if not weak:
                index.setdefault(_key(alias), []).append(eid)
        for name in remarks.names:
            if name.type == NameType.STRONG:
                index.setdefault(_key(name.value), []).append(eid)
    return index


def decide_source(primary: Path, entries: Sequence[OfacEntry]) -> str:
    """ofac-consolidated or ofac-sdn: from the file name (cons_prim.csv, cons.xml / sdn.csv, sdn.xml),
    else from the programs (`ofac_programs.looks_consolidated`)."""
    name = primary.name.lower()
    if name.startswith("cons"):
        return programs_.CONSOLIDATED_SOURCE
    if name.startswith("sdn"):
        return programs_.SDN_SOURCE
    if programs_.looks_consolidated(e.programs for e in entries):
        return programs_.CONSOLIDATED_SOURCE
    return programs_.SDN_SOURCE


def _entries(n: int) -> str:
    return "1 entry" if n == 1 else f"{n} entries"


def _role(path: Path) -> str:
    name = path.name.lower()
    for role in ("comments", "add", "alt"):
        if name.endswith(f"{role}.csv"):
            return role
    return "primary"


class OfacCsvReader:
    """The OFAC legacy CSV group: a primary file and its companions, as one source."""

    format = FORMAT

    def sniff(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
        first, newline, _ = text.partition("\n")
        try:
            row = next(csv.reader([first.rstrip("\r")]), [])
        except csv.Error:
            return False
        if len(row) < 4 or not row[0].strip().isdigit() or row[1].strip().isdigit():
            return False
        if clean(row[2]).lower() not in KINDS:
            return False
        return len(row) == PRIMARY_COLUMNS if newline else True

    def companions(self, path: Path) -> list[Path]:
        """The add / alt / comments files next to a primary file (same prefix: "" or "cons_"), that exist."""
        prefix = "cons_" if path.name.lower().startswith("cons") else ""
        wanted = {f"{prefix}{role}.csv" for role in ("add", "alt", "comments")}
        if not prefix:
            wanted = {"add.csv", "alt.csv", "sdn_comments.csv"}
        try:
            siblings = sorted(path.parent.iterdir())
        except OSError:
            return []
        return [p for p in siblings if p.name.lower() in wanted and p.is_file()]

    def read(self, paths: Sequence[Path]) -> ListData:
        with paused_gc():
            return self._read(paths)

    def _read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=programs_.SDN_SOURCE, format=FORMAT)
        by_role: dict[str, Path] = {}
        for p in paths:
            role = _role(p)
            if role in by_role and role == "primary":
                data.problems.append(Problem(str(p), None, "a second primary file in one source: not read"))
                continue
            by_role.setdefault(role, p)
        primary = by_role.get("primary")
        if primary is None:
            data.problems.append(Problem(str(paths[0]) if paths else "", None, "no primary OFAC CSV file"))
            return data
        for p in self.companions(primary):
            by_role.setdefault(_role(p), p)
        prefix = "cons_" if primary.name.lower().startswith("cons") else ""
        for role in ("add", "alt", "comments"):
            if role not in by_role:
                expected = f"{prefix or 'sdn_'}comments.csv" if role == "comments" else f"{prefix}{role}.csv"
                data.problems.append(
                    Problem(str(primary.parent / expected), None, f"companion file missing: no {role} data")
                )
        data.files = [str(p) for p in by_role.values()]

        entries: dict[str, OfacEntry] = {}
        file = str(primary)
        broken: set[str] = set()  # entry numbers of the primary's broken rows
        for number, row in records(primary, PRIMARY_COLUMNS, data, needs_mark=True, broken=broken):
            ent_num = row[0].strip()
            kind_text = clean(row[2]).lower()
            kind = KINDS.get(kind_text)
            if kind is None:
                data.problems.append(
                    Problem(file, number, f"unknown type {kind_text!r}: read as organization")
                )
                kind = Kind.ORGANIZATION
            name = clean(row[1])
            if not name:
                data.bad_rows += 1
                broken.add(ent_num)
                data.problems.append(Problem(file, number, f"entry {ent_num} has no name: skipped"))
                continue
            if ent_num in entries:
                data.problems.append(Problem(file, number, f"entry {ent_num} appears twice: the later kept"))
            entries[ent_num] = OfacEntry(
                ent_num=ent_num,
                name=name,
                kind=kind,
                programs=split_programs(row[3]),
                fields=[(k, v) for k, v in zip(VESSEL_FIELDS, map(clean, row[4:11]), strict=True) if v],
                remarks=row[11] if clean(row[11]) else "",
                file=file,
                line=number,
            )
        orphans: dict[str, Problem] = {}  # entries companion rows name that the primary file lacks
        if "comments" in by_role:
            self._comments(_Companion(by_role["comments"], entries, data, orphans))
        if "alt" in by_role:
            self._aliases(_Companion(by_role["alt"], entries, data, orphans))
        if "add" in by_role:
            self._addresses(_Companion(by_role["add"], entries, data, orphans))
        missing = [p for ent_num, p in orphans.items() if ent_num not in broken]
        if missing:
            data.fail(
                Problem(
                    missing[0].file,
                    missing[0].line,
                    f"the companion files name {_entries(len(missing))} that {primary.name} lacks "
                    f"({missing[0].message}): it is incomplete or from another publication",
                )
            )

        ordered = list(entries.values())
        data.source = decide_source(primary, ordered)
        data.lists = programs_.source_lists(data.source)
        data.entities = build_entities(ordered, data.source, data.problems)
        return data

    @staticmethod
    def _comments(companion: _Companion) -> None:
        for _, row, entry in companion.rows(2, "remarks for"):
            rest = row[1] if clean(row[1]) else ""
            entry.remarks = f"{entry.remarks}{rest.rstrip()}"

    @staticmethod
    def _aliases(companion: _Companion) -> None:
        for number, row, entry in companion.rows(5, "alias of"):
            name = clean(row[3])
            if not name:
                companion.data.problems.append(
                    Problem(str(companion.path), number, "alias without a name: skipped")
                )
                continue
            alt_type = clean(row[2]).lower().replace(".", "") or "aka"
            weak = "weak" in clean(row[4]).lower()
            entry.aliases.append((alt_type, name, weak))

    @staticmethod
    def _addresses(companion: _Companion) -> None:
        for _, row, entry in companion.rows(6, "address of"):
            text = address_text(clean(row[2]), clean(row[3]), clean(row[4]))
            if text:
                entry.addresses.append(text)


class _Companion:
    """A companion file (add, alt, comments) read against the primary file's entries."""

    def __init__(
        self, path: Path, entries: dict[str, OfacEntry], data: ListData, orphans: dict[str, Problem]
    ) -> None:
        self.path, self.entries, self.data, self.orphans = path, entries, data, orphans

    def rows(self, columns: int, what: str) -> Iterator[tuple[int, list[str], OfacEntry]]:
        """The rows with the entry each belongs to; a row of an entry the primary file does not have is
        reported ("alias of unknown entry 123"), noted in `orphans`, and passed over."""
        needs_mark = _role(self.path) != "comments"
        for number, row in records(self.path, columns, self.data, needs_mark=needs_mark, broken=set()):
            ent_num = row[0].strip()
            entry = self.entries.get(ent_num)
            if entry is None:
                problem = Problem(str(self.path), number, f"{what} unknown entry {ent_num}")
                self.data.problems.append(problem)
                self.orphans.setdefault(ent_num, problem)
                continue
            yield number, row, entry


READER = OfacCsvReader()

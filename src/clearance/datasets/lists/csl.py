"""The trade.gov Consolidated Screening List (CSL): CSV and JSON.

The CSL merges the export-screening lists of Commerce (BIS), State and the Treasury into one file with one
header. Each row names its source list in `source` ("Entity List (EL) - Bureau of Industry and
Security"); every source list stays its own `ListInfo` (`csl-el`, `csl-dpl`, `csl-sdn` ...), because what
an entry restricts depends on the list it comes from, not on the CSL (the table of source lists, and
what each restricts, is in `csl_sources.py`).

Rows become entities this way:
- An OFAC row (SDN, SSI, FSE, PLC, CAP, CMIC, MBS) carries OFAC's entity number: the entity id is
  `csl-<list>-<number>`, so a second row of the same entry (same list and number) adds to it.
- The other lists (EL, DPL, UVL, MEU, ISN, DTC) have no number, and list the same party once per address
  (BIS lists "Gunther Migeotte" five times with five addresses and four dates). Rows of the same list with
  the same name are one entry: the id is a hash of the list and the name (not of the address, which would
  make five entities of one person), its addresses are gathered, and each distinct set of dates and Federal
  Register citation is a `Listing` of its own.
- `type` is Individual, Entity, Vessel or Aircraft. Where it is empty (all non-OFAC rows) the kind comes
  from the name and the list, see `guess_kind`.
- `start_date` is `Listing.listed`, `end_date` `Listing.expires` (a denial order that ran out no longer
  hits), `federal_register_notice` the citation. Entity List rows are also covered by the built-in measure
  `us-bis-entity-list`, with their own listing date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from clearance.datasets.lists.base import ListData, Problem, decode, entity_id, first_line
from clearance.datasets.lists.common import (
    Draft,
    fold,
    looks_like_organization,
    looks_like_person,
    parse_date,
    split_list,
    text,
)
from clearance.datasets.lists.csl_sources import list_info, source_key
from clearance.datasets.lists.csv_rows import csv_records
from clearance.domain.enums import Basis, Kind
from clearance.domain.model import Coverage, Listing

SOURCE = "csl"

# ----------------------------------------------------------------------------------------------- rows

_KINDS = {
    "individual": Kind.PERSON,
    "entity": Kind.ORGANIZATION,
    "vessel": Kind.VESSEL,
    "aircraft": Kind.AIRCRAFT,
}
# Lists that name mostly people when they name a party without a type.
_PERSON_LISTS = {"dpl", "dtc"}


def guess_kind(name: str, key: str) -> Kind:
    """The kind of an entry without a `type`: an organisation if its name says so (a legal form, a
    business word, digits, "&"); a person if the list names mostly people (DPL, ITAR debarred) or the name
    looks like a personal name in mixed case ("Gunther Migeotte"); an organisation otherwise."""
    if looks_like_organization(name):
        return Kind.ORGANIZATION
    if key in _PERSON_LISTS or looks_like_person(name):
        return Kind.PERSON
    return Kind.ORGANIZATION


class _Reader:
    """Shared row handling for the CSV and the JSON form."""

    def __init__(self, fmt: str) -> None:
        self.data = ListData(source=SOURCE, format=fmt)
        self.drafts: dict[str, Draft] = {}
        self.unknown: set[str] = set()

    def row(self, row: dict[str, Any], where: str, line: int | None) -> None:
        self.data.rows += 1
        source = text(row.get("source"))
        name = text(row.get("name"))
        if not source or not name:
            self.data.bad_rows += 1
            missing = "source" if not source else "name"
            self.data.problems.append(Problem(where, line, f"row without {missing}: skipped"))
            return
        key = source_key(source)
        info, known = list_info(key, source)
        if info.id not in self.data.lists:
            self.data.lists[info.id] = info
            if not known:
                self.data.problems.append(
                    Problem(
                        where, line, f"unknown CSL source list '{source}': read as restricting all dealings"
                    )
                )
        number = text(row.get("entity_number"))
        # OFAC's number when there is one; else the list and the name (rows of one entry share it)
        eid = entity_id(SOURCE, f"{key}-{number}" if number else f"{key}|{fold(name)}")
        kind = _KINDS.get(text(row.get("type")).lower()) or guess_kind(name, key)
        draft = self.drafts.get(eid)
        if draft is None:
            draft = self.drafts[eid] = Draft(eid, kind, name)
        else:
            draft.add_name(name)

        notice = text(row.get("federal_register_notice")) or None
        listed = self.day(row.get("start_date"), "start_date", where, line)
        expires = self.day(row.get("end_date"), "end_date", where, line)
        programs = tuple(p for p in split_list(row.get("programs"), ";") if p)
        draft.add_listing(Listing(info.id, number or None, programs, listed, expires, notice))
        if key == "el":
            draft.add_coverage(Coverage("us-bis-entity-list", Basis.NAMED, listed=listed, citation=notice))

        for alias in split_list(row.get("alt_names"), ";"):
            # BIS ends a run of aliases with "; and ...".
            draft.add_name(re.sub(r"^and\s+", "", alias).rstrip(".") if alias.startswith("and ") else alias)
        for address in self.addresses(row.get("addresses")):
            if address[0] != address[1]:  # an "address" that is only a country code adds only the country
                draft.add_detail("address", address[0])
            if address[1]:
                draft.add_country(address[1])
        for item in self.ids(row.get("ids")):
            draft.add_id(*item)
        for dob in split_list(row.get("dates_of_birth"), ";"):
            draft.add_detail("dob", dob)
        for pob in split_list(row.get("places_of_birth"), ";"):
            draft.add_detail("pob", pob)
        for key_, field in (("nationality", "nationalities"), ("citizenship", "citizenships")):
            for value in split_list(row.get(field), ";"):
                draft.add_detail(key_, value)
                if len(value) == 2 and value.isalpha():
                    draft.add_country(value)
        for key_, field in (
            ("title", "title"),
            ("remarks", "remarks"),
            ("license_requirement", "license_requirement"),
            ("license_policy", "license_policy"),
            ("call_sign", "call_sign"),
            ("vessel_type", "vessel_type"),
            ("vessel_flag", "vessel_flag"),
            ("vessel_owner", "vessel_owner"),
            ("gross_tonnage", "gross_tonnage"),
            ("gross_registered_tonnage", "gross_registered_tonnage"),
            ("source_information_url", "source_information_url"),
        ):
            value = text(row.get(field))
            if value:
                draft.add_detail(key_, value)
        call_sign = text(row.get("call_sign"))
        if call_sign and kind in ("vessel", "aircraft"):
            draft.add_identifier("call_sign", call_sign)

    def day(self, value: Any, field: str, where: str, line: int | None) -> date | None:
        raw = text(value)
        if not raw:
            return None
        parsed = parse_date(raw, ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S"))
        if parsed is None:
            self.data.problems.append(Problem(where, line, f"{field} '{raw}' is not a date: left out"))
        return parsed

    @staticmethod
    def addresses(value: Any) -> Iterator[tuple[str, str | None]]:
        """(address, country code) pairs, from "street, city, CC; street, city, CC" or from objects."""
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    country = text(item.get("country"))
                    parts = [
                        text(item.get(k)) for k in ("address", "city", "state", "postal_code", "country")
                    ]
                    full = ", ".join(p for p in parts if p)
                    if full:
                        yield full, country if len(country) == 2 else None
                elif text(item):
                    yield from _Reader.addresses(text(item))
            return
        for address in split_list(value, ";"):
            tail = address.rsplit(",", 1)[-1].strip()
            yield address, tail if len(tail) == 2 and tail.isalpha() and tail.isupper() else None

    @staticmethod
    def ids(value: Any) -> Iterator[tuple[str, str, str | None]]:
        """(type, number, country) triples, from "CC, number, type; ..." or from objects."""
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    number = text(item.get("number"))
                    if number:
                        yield text(item.get("type")), number, text(item.get("country")) or None
                elif text(item):
                    yield from _Reader.ids(text(item))
            return
        for item in split_list(value, ";"):
            parts = [p.strip() for p in item.split(",")]
            if len(parts) == 1:
                yield "", parts[0], None
            elif len(parts) >= 3 and re.fullmatch(r"[A-Z]{2}", parts[0]):
                yield parts[-1], ", ".join(parts[1:-1]), parts[0]
            else:
                yield parts[-1], ", ".join(parts[:-1]), None

    def result(self) -> ListData:
        self.data.entities = [d.build() for d in self.drafts.values()]
        return self.data


class _FileReader:
    """What the CSV and the JSON reader share: each file read into one `_Reader`, a file that cannot be
    read reported."""

    format: str

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        reader = _Reader(self.format)
        for path in paths:
            where = str(path)
            reader.data.files.append(where)
            try:
                self.read_file(reader, path, where)
            except OSError as exc:
                reader.data.fail(Problem(where, None, f"cannot read: {exc}"))
        return reader.result()

    def read_file(self, reader: _Reader, path: Path, where: str) -> None:
        raise NotImplementedError


class CslCsvReader(_FileReader):
    format = "csl-csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = first_line(head).lower()
        cols = {c.strip().strip('"') for c in first.split(",")}
        return {"source", "name", "entity_number", "alt_names"} <= cols

    def read_file(self, reader: _Reader, path: Path, where: str) -> None:
        for line, row in csv_records(path, reader.data):
            reader.row(row, where, line)


class CslJsonReader(_FileReader):
    format = "csl-json"

    def sniff(self, path: Path, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith((b"{", b"[")):
            return False
        if b'"schema"' in head and b'"properties"' in head:  # FollowTheMoney, not CSL
            return False
        hints = (b'"source_list_url"', b'"federal_register_notice"', b'"entity_number"', b'"sources_used"')
        return any(h in head for h in hints) and (b'"results"' in head or start.startswith(b"["))

    def read_file(self, reader: _Reader, path: Path, where: str) -> None:
        data = reader.data
        content, fallback = decode(path.read_bytes())
        if fallback:
            data.problems.append(Problem(where, None, "not UTF-8: read as cp1252"))
        try:
            doc = json.loads(content)
        except json.JSONDecodeError as exc:
            data.fail(
                Problem(where, exc.lineno, f"not valid JSON ({exc.msg}): the file is cut short or damaged")
            )
            return
        results = doc.get("results") if isinstance(doc, dict) else doc
        if not isinstance(results, list):
            data.fail(Problem(where, None, "no 'results' list"))
            return
        if isinstance(doc, dict):
            data.published = _published(doc) or data.published
            stated = doc.get("total")
            if isinstance(stated, int) and not isinstance(stated, bool) and stated > len(results):
                data.fail(
                    Problem(
                        where,
                        None,
                        f"the file states {stated} results and holds {len(results)}: it is incomplete "
                        "(one page of a search, or cut)",
                    )
                )
        for n, item in enumerate(results, start=1):
            if not isinstance(item, dict):
                data.rows += 1
                data.bad_rows += 1
                data.problems.append(Problem(where, None, f"result {n} is not an object: skipped"))
                continue
            reader.row(item, f"{where} (result {n})", None)


def _published(doc: dict[str, Any]) -> str | None:
    """The newest import date among `sources_used`, when the file gives them."""
    stamps = [
        text(s.get("last_imported") or s.get("source_last_updated"))
        for s in doc.get("sources_used") or []
        if isinstance(s, dict)
    ]
    stamps = [s for s in stamps if s]
    return max(stamps) if stamps else None


CSV_READER = CslCsvReader()
JSON_READER = CslJsonReader()
READER = CSV_READER
READERS = (CSV_READER, JSON_READER)


__all__ = ["CSV_READER", "JSON_READER", "READER", "READERS", "guess_kind"]

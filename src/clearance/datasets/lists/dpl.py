"""The BIS Denied Persons List as tab-separated text (`dpl.txt`).

One quoted, tab-separated row per name and address, with a header row: Name, Street_Address, City, State,
Country, Postal_Code, Effective_Date, Expiration_Date (MM/DD/YYYY), Standard_Order, Last_Update, Action,
FR_Citation.

- A party with several addresses has one row per address: rows with the same (cleaned) name are one
  entity with several addresses. Each distinct denial order (effective date, expiry, citation) is a
  `Listing`, so an order that ran out no longer hits while a later one still does.
- BIS writes nicknames and aliases into the name: "AFSHIN (SEAN) NAGHIBI", "(SEAN) NAGHIBI",
  `IHSAN MEDHAT "SAMMY" ELASHI`, "PEARL (A.K.A. NEI-CHIEN CHU) LI", "APPLIED SYSTEMS METHODS AND
  TECHNOLOGY (ASMAT)". The primary name drops the bracketed part; the bracketed part becomes an alias (a
  nickname with the surname for a person; the bracketed name, or acronym, for an organisation). A row
  whose cleaned name is an alias of another entry of the same order ("(SEAN) NAGHIBI") joins that entry.
- The list restricts exports (`bis-dpl`): a denial order takes away export privileges (15 CFR 764.3,
  766.25); it does not block payments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from clearance.datasets.lists.base import ListData, Problem, entity_id, first_line
from clearance.datasets.lists.common import (
    Draft,
    fold,
    looks_like_organization,
    parse_date,
    text,
)
from clearance.datasets.lists.csv_rows import csv_records
from clearance.domain.enums import NameType, Restriction
from clearance.domain.model import ListInfo, Listing, Name

SOURCE = "bis-dpl"
LIST = ListInfo(
    SOURCE,
    "Denied Persons List",
    frozenset({Restriction.EXPORT}),
    "U.S. Department of Commerce, Bureau of Industry and Security (15 CFR Parts 764, 766)",
    "https://www.bis.gov/dpl",
)
_COLUMNS = {"Name", "Effective_Date", "Expiration_Date", "FR_Citation"}
_BRACKET = re.compile(r"\(([^()]*)\)|\"([^\"]*)\"")
# a bracketed country code or legal form is part of the name: "C.I.C. ELECTRONICS (HK) LIMITED"
_KEEP = re.compile(r"^(?:[A-Z]{2}|PVT|P|S\.?A\.?)$")


def clean_name(raw: str) -> tuple[str, list[Name], str]:
    """The primary name, its aliases, and the kind, from a DPL name cell."""
    name = text(raw)
    kind = "organization" if looks_like_organization(name) else "person"
    aliases: list[Name] = []
    inner: list[str] = []

    def cut(m: re.Match[str]) -> str:
        part = text(m.group(1) if m.group(1) is not None else m.group(2))
        if m.group(1) is not None and _KEEP.match(part):
            return m.group(0)
        inner.append(part)
        return " "

    base = text(_BRACKET.sub(cut, name))
    if not inner:
        return name, [], kind
    if kind == "organization":
        for part in inner:
            aliases.append(
                Name(part, NameType.WEAK if len(part) <= 5 and " " not in part else NameType.STRONG)
            )
        return base or name, aliases, kind
    tokens = base.split()
    if len(tokens) <= 1:
        # "(SEAN) NAGHIBI": the bracket holds the given name
        return text(f"{inner[0]} {base}"), [], kind
    for part in inner:
        aka = re.match(r"^A\.?K\.?A\.?\s+(.*)$", part, re.I)
        # a full alias ("A.K.A. NEI-CHIEN CHU") stands alone; a nickname goes with the surname
        aliases.append(Name(aka.group(1) if aka else f"{part} {tokens[-1]}"))
    return base, aliases, kind


class DplReader:
    format = "dpl-txt"

    def sniff(self, path: Path, head: bytes) -> bool:
        cols = {c.strip().strip('"') for c in first_line(head).split("\t")}
        return cols >= _COLUMNS

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=SOURCE, format=self.format, lists={LIST.id: LIST})
        drafts: dict[str, Draft] = {}
        for path in paths:
            where = str(path)
            data.files.append(where)
            try:
                records = list(csv_records(path, data, delimiter="\t"))
            except OSError as exc:
                data.fail(Problem(where, None, f"cannot read: {exc}"))
                continue
            for line, row in records:
                data.rows += 1
                raw = text(row.get("Name"))
                if not raw:
                    data.bad_rows += 1
                    data.problems.append(Problem(where, line, "row without a name: skipped"))
                    continue
                name, aliases, kind = clean_name(raw)
                eid = entity_id(SOURCE, fold(name))
                draft = drafts.get(eid)
                if draft is None:
                    draft = drafts[eid] = Draft(eid, kind, name)
                for alias in aliases:
                    draft.add_name(alias.value, alias.type)
                if raw != name:
                    draft.add_detail("name_as_listed", raw)
                dates = []
                for field in ("Effective_Date", "Expiration_Date"):
                    value = text(row.get(field))
                    day = parse_date(value, ("%m/%d/%Y", "%Y-%m-%d")) if value else None
                    if value and day is None:
                        data.problems.append(
                            Problem(where, line, f"{field} '{value}' is not a date: left out")
                        )
                    dates.append(day)
                citation = text(row.get("FR_Citation")) or None
                draft.add_listing(Listing(LIST.id, None, (), dates[0], dates[1], citation))
                country = text(row.get("Country"))
                parts = [text(row.get(c)) for c in ("Street_Address", "City", "State", "Postal_Code")]
                address = ", ".join(p for p in [*parts, country] if p)
                draft.add_detail("address", address)
                draft.add_country(country)
                for key, field in (("standard_order", "Standard_Order"), ("action", "Action")):
                    draft.add_detail(key, text(row.get(field)))
        data.entities = [d.build() for d in _join_aliases(drafts)]
        return data


def _join_aliases(drafts: dict[str, Draft]) -> list[Draft]:
    """A draft whose primary name is another draft's alias under the same order joins that draft
    ("IHSAN MEDHAT \"SAMMY\" ELASHI" and "SAMMY (IHSAN MEDHAT) ELASHI" are one person)."""
    by_alias: dict[str, list[Draft]] = {}
    for d in drafts.values():
        for key in d.names:
            by_alias.setdefault(key, []).append(d)
    into: dict[str, Draft] = {}  # draft id -> the draft it joined

    def final(d: Draft) -> Draft:
        while d.id in into:
            d = into[d.id]
        return d

    for d in drafts.values():
        for candidate in by_alias.get(fold(d.name), []):
            home = final(candidate)
            if home is d or not set(home.listings) & set(d.listings):
                continue
            if len(d.name) > len(home.name):
                # the longer form is the full name: "APPLIED SYSTEMS ... (ASMAT)" over "ASMAT (...)"
                old, home.name = home.name, d.name
                home.names.pop(fold(d.name), None)
                as_alias = d.names.get(fold(old))
                home.add_name(old, as_alias.type if as_alias else NameType.STRONG)
            else:
                home.add_name(d.name)
            for n in d.names.values():
                home.add_name(n.value, n.type)
            home.details.update(d.details)
            home.countries.update(d.countries)
            home.listings.update(d.listings)
            into[d.id] = home
            break
    return [d for d in drafts.values() if d.id not in into]


READER = DplReader()

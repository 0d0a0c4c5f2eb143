"""The UK consolidated list of asset freeze targets (OFSI `ConList.csv`).

Layout: a first line `Last Updated,dd/mm/yyyy`, then a header row (Name 6, Name 1 .. Name 5, Title, Name
Non-Latin Script, Non-Latin Script Type, Non-Latin Script Language, DOB, Town of Birth, Country of Birth,
Nationality, Passport Number, Passport Details, National Identification Number, National Identification
Details, Position, Address 1 .. Address 6, Post/Zip Code, Country, Other Information, Group Type, Alias
Type, Alias Quality, Regime, Listed On, UK Sanctions List Date Designated, Last Updated, Group ID). Columns
are found by their header name, so older and newer editions with more or fewer columns read alike.

- One row per name: the rows of a `Group ID` are one entity. The row whose Alias Type is "Primary name"
  gives the primary name; "Primary name variation", AKA, FKA rows are aliases; an Alias Quality of Low
  (or Very low) makes a weak name. The non-Latin script name is a strong name.
- Name 6 is the family name (or the whole name of an entity or ship); a person's primary name is written
  "NAME 6, Name 1 Name 2 ...", as OFSI prints it.
- Group Type is Individual, Entity or Ship.
- "Other Information" carries tagged facts, "(UK Sanctions List Ref):RUS0255. (IMO number):9123456.": the
  references and IMO numbers become identifiers, the text a note.
- `uk-ofsi` restricts all dealings: the list is of asset freeze targets (Sanctions and Anti-Money
  Laundering Act 2018 regulations: funds frozen, nothing may be made available to them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from clearance.datasets.lists.base import ListData, Problem, entity_id, lines, strip_bom
from clearance.datasets.lists.common import Draft, parse_date, text
from clearance.datasets.lists.csv_rows import csv_records
from clearance.domain.enums import Kind, NameType, Restriction
from clearance.domain.model import ListInfo, Listing

SOURCE = "uk-ofsi"
LIST = ListInfo(
    SOURCE,
    "UK Consolidated List of Asset Freeze Targets",
    frozenset({Restriction.ALL}),
    "HM Treasury, Office of Financial Sanctions Implementation "
    "(Sanctions and Anti-Money Laundering Act 2018)",
    "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets",
)
_KINDS = {"individual": Kind.PERSON, "entity": Kind.ORGANIZATION, "ship": Kind.VESSEL, "vessel": Kind.VESSEL}
_DATES = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
_TAG = re.compile(r"\(([^()]{2,60})\)\s*:\s*(.*?)(?=\s*\([^()]{2,60}\)\s*:|$)", re.S)
_LANGS = {
    "arabic": "ar",
    "russian": "ru",
    "chinese": "zh",
    "korean": "ko",
    "persian": "fa",
    "farsi": "fa",
    "ukrainian": "uk",
    "belarusian": "be",
    "georgian": "ka",
    "armenian": "hy",
    "hebrew": "he",
    "urdu": "ur",
    "pashto": "ps",
    "burmese": "my",
    "japanese": "ja",
    "greek": "el",
    "serbian": "sr",
    "tigrinya": "ti",
}
_TAG_SCHEMES = {"uk sanctions list ref": "uk_reference", "un ref": "un_reference", "imo number": "imo"}


def _day(raw: str) -> str:
    """A ConList date as ISO text: "07/09/1960" -> 1960-09-07, "00/00/1958" -> 1958."""
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", raw)
    if not m:
        return raw
    d, mo, y = m.groups()
    if mo == "00":
        return y
    if d == "00":
        return f"{y}-{mo}"
    return f"{y}-{mo}-{d}"


class UkCsvReader:
    format = "uk-csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        first_lines = strip_bom(head).split(b"\n", 2)[:2]
        return any(b"Name 6" in ln and b"Group ID" in ln for ln in first_lines)

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=SOURCE, format=self.format, lists={LIST.id: LIST})
        drafts: dict[str, Draft] = {}
        for path in paths:
            where = str(path)
            data.files.append(where)
            try:
                first = next(lines(path), None)
                skip = 0
                if first is not None and first[1].lower().startswith("last updated"):
                    skip = 1
                    stamp = next((c for c in first[1].split(",")[1:] if c.strip()), "").strip()
                    day = parse_date(stamp, _DATES)
                    data.published = day.isoformat() if day else stamp or None
                groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
                for line, row in csv_records(path, data, skip=skip):
                    data.rows += 1
                    gid = text(row.get("Group ID"))
                    if not gid or not (text(row.get("Name 6")) or text(row.get("Name 1"))):
                        data.bad_rows += 1
                        what = "Group ID" if not gid else "name"
                        data.problems.append(Problem(where, line, f"row without {what}: skipped"))
                        continue
                    groups.setdefault(gid, []).append((line, row))
            except OSError as exc:
                data.fail(Problem(where, None, f"cannot read: {exc}"))
                continue
            for gid, rows in groups.items():
                self.group(gid, rows, drafts, where, data)
        data.entities = [d.build() for d in drafts.values()]
        return data

    def group(
        self,
        gid: str,
        rows: list[tuple[int, dict[str, str]]],
        drafts: dict[str, Draft],
        where: str,
        data: ListData,
    ) -> None:
        primary = next(
            (r for _, r in rows if text(r.get("Alias Type")).lower() == "primary name"), rows[0][1]
        )
        kind = _KINDS.get(text(primary.get("Group Type")).lower(), "organization")
        draft = Draft(entity_id(SOURCE, gid), kind, self.name(primary, kind))
        drafts[draft.id] = draft
        for line, row in rows:
            if row is not primary:
                quality = text(row.get("Alias Quality")).lower()
                weak = quality in ("low", "very low")
                draft.add_name(self.name(row, kind), NameType.WEAK if weak else NameType.STRONG)
            script = text(row.get("Name Non-Latin Script"))
            if script:
                lang = text(row.get("Non-Latin Script Language")) or None
                draft.add_name(script, NameType.STRONG, _LANGS.get(lang.lower()) if lang else None)
            listed_raw = text(row.get("Listed On"))
            listed = parse_date(listed_raw, _DATES) if listed_raw else None
            if listed_raw and listed is None:
                data.problems.append(
                    Problem(where, line, f"Listed On '{listed_raw}' is not a date: left out")
                )
            regime = text(row.get("Regime"))
            draft.add_listing(Listing(LIST.id, gid, (regime,) if regime else (), listed, None, None))
            self.facts(row, draft)

    @staticmethod
    def name(row: dict[str, str], kind: str) -> str:
        family = text(row.get("Name 6"))
        given = " ".join(p for p in (text(row.get(f"Name {n}")) for n in range(1, 6)) if p)
        if kind == "person" and family and given:
            return f"{family}, {given}"
        return " ".join(p for p in (given, family) if p)

    @staticmethod
    def facts(row: dict[str, str], draft: Draft) -> None:
        dob = text(row.get("DOB"))
        if dob:
            draft.add_detail("dob", _day(dob))
        draft.add_detail(
            "pob",
            ", ".join(p for p in (text(row.get("Town of Birth")), text(row.get("Country of Birth"))) if p),
        )
        for key, column in (("title", "Title"), ("nationality", "Nationality"), ("position", "Position")):
            draft.add_detail(key, text(row.get(column)))
        for scheme, number_col, detail_col in (
            ("passport", "Passport Number", "Passport Details"),
            ("national_id", "National Identification Number", "National Identification Details"),
        ):
            number = text(row.get(number_col))
            if number:
                draft.add_identifier(scheme, number, text(row.get(detail_col)) or None)
        address = [text(row.get(f"Address {n}")) for n in range(1, 7)]
        address += [text(row.get("Post/Zip Code")), text(row.get("Country"))]
        draft.add_detail("address", ", ".join(p for p in address if p))
        other = text(row.get("Other Information"))
        if other:
            if other not in draft.notes:
                draft.notes.append(other)
            for tag, tagged in _TAG.findall(other):
                tag_scheme = _TAG_SCHEMES.get(text(tag).lower())
                value = text(tagged).split(" ")[0].rstrip(".;,") if text(tagged) else ""
                if tag_scheme and value:
                    draft.add_identifier(tag_scheme, value)
        for column, value in row.items():
            # newer editions add ship columns (IMO number, flag ...): keep them
            low = column.lower()
            if "imo" in low and text(value):
                draft.add_identifier("imo", text(value))


READER = UkCsvReader()

"""The UN Security Council Consolidated List as XML (`consolidated.xml`).

`CONSOLIDATED_LIST` (with `dateGenerated`) holds `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`. Each
record has DATAID, FIRST_NAME..FOURTH_NAME (an entity's whole name is in FIRST_NAME), NAME_ORIGINAL_SCRIPT,
UN_LIST_TYPE (the sanctions regime), REFERENCE_NUMBER (QDi.001), LISTED_ON, aliases with a QUALITY (Good,
Low, or a.k.a./f.k.a. on entities), dates and places of birth, nationalities, documents, addresses and
COMMENTS1.

- A Low-quality alias is a weak name: the UN says it is too broad to identify the party on its own.
- The name in original script is a strong name (Arabic, Cyrillic, Korean ...).
- Everything on the list is an asset freeze, travel ban and arms embargo: `un-sc` restricts all.
- The file is parsed with defusedxml: a document type with entity declarations (the "billion laughs")
  or an external entity is refused with a problem, and nothing of that file is kept.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from clearance.datasets.lists.base import ListData, Problem, entity_id
from clearance.datasets.lists.common import Draft, parse_date, read_xml, text
from clearance.domain.enums import NameType, Restriction
from clearance.domain.model import Entity, ListInfo, Listing

SOURCE = "un-sc"
LIST = ListInfo(
    SOURCE,
    "UN Security Council Consolidated List",
    frozenset({Restriction.ALL}),
    "United Nations Security Council (sanctions committees under Chapter VII of the UN Charter)",
    "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
)
_RECORDS = {"INDIVIDUAL": "person", "ENTITY": "organization"}


def _child(elem: ET.Element, tag: str) -> str:
    found = elem.find(tag)
    return text(found.text) if found is not None else ""


def _values(elem: ET.Element, tag: str) -> list[str]:
    return [v for v in (text(e.text) for e in elem.iterfind(f"{tag}/VALUE")) if v]


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


class UnXmlReader:
    format = "un-xml"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"<CONSOLIDATED_LIST" in head

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=SOURCE, format=self.format, lists={LIST.id: LIST})
        return read_xml(data, paths, set(_RECORDS), "dateGenerated", self.record)

    def record(self, elem: ET.Element, where: str, line: int | None, data: ListData) -> Entity | None:
        tag = elem.tag
        kind = _RECORDS[tag]
        dataid = _child(elem, "DATAID")
        parts = [_child(elem, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(p for p in parts if p)
        if not dataid or not name:
            what = "DATAID" if not dataid else "name"
            data.problems.append(Problem(where, line, f"{tag} without {what}: skipped"))
            return None
        draft = Draft(entity_id(SOURCE, dataid), kind, name)
        reference = _child(elem, "REFERENCE_NUMBER")
        listed_raw = _child(elem, "LISTED_ON")
        # a few entries carry a zone offset after the date ("2015-04-07-04:00"): the date is what counts
        listed = parse_date(listed_raw[:10], ("%Y-%m-%d",)) if listed_raw else None
        if listed_raw and listed is None:
            data.problems.append(Problem(where, line, f"LISTED_ON '{listed_raw}' is not a date: left out"))
        regime = _child(elem, "UN_LIST_TYPE")
        draft.add_listing(
            Listing(LIST.id, dataid, (regime,) if regime else (), listed, None, reference or None)
        )
        if reference:
            draft.add_identifier("un_reference", reference)
        original = _child(elem, "NAME_ORIGINAL_SCRIPT")
        if original:
            draft.add_name(original, citation="UN list: name in original script")
        for alias in elem.iterfind(f"{tag}_ALIAS"):
            value = _child(alias, "ALIAS_NAME")
            quality = _child(alias, "QUALITY").lower()
            draft.add_name(
                value,
                NameType.WEAK if quality == "low" else NameType.STRONG,
                citation=f"UN list alias ({quality or 'no quality'})",
            )
            note = _child(alias, "NOTE")
            if value and note:
                draft.add_detail("alias_note", f"{value}: {note}")
        for key, field in (("title", "TITLE"), ("position", "DESIGNATION"), ("nationality", "NATIONALITY")):
            for value in _values(elem, field):
                draft.add_detail(key, value)
        draft.add_detail("gender", _child(elem, "GENDER"))
        draft.add_detail("regime", regime)
        draft.notes.append(_child(elem, "COMMENTS1"))
        for dob in elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
            exact = _child(dob, "DATE") or _child(dob, "YEAR")
            span = "-".join(p for p in (_child(dob, "FROM_YEAR"), _child(dob, "TO_YEAR")) if p)
            value = exact or span
            qualifier = _child(dob, "TYPE_OF_DATE").lower()
            if value:
                draft.add_detail(
                    "dob", f"{value} ({qualifier})" if qualifier and qualifier != "exact" else value
                )
        for pob in elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
            draft.add_detail("pob", _join(*(_child(pob, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY"))))
        for addr in elem.iterfind(f"{tag}_ADDRESS"):
            fields = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
            address = _join(*(_child(addr, t) for t in fields))
            note = _child(addr, "NOTE")
            draft.add_detail("address", f"{address} ({note})" if address and note else address)
        for doc in elem.iterfind("INDIVIDUAL_DOCUMENT"):
            number = _child(doc, "NUMBER")
            kind_ = _child(doc, "TYPE_OF_DOCUMENT") or _child(doc, "TYPE_OF_DOCUMENT2")
            country = _child(doc, "ISSUING_COUNTRY") or _child(doc, "COUNTRY_OF_ISSUE")
            if number:
                draft.add_id(kind_, number, country or None)
            note = _child(doc, "NOTE")
            if note or (kind_ and not number):
                draft.add_detail("document", _join(kind_, number, country, note))
        draft.notes = [n for n in draft.notes if n]
        return draft.build()


READER = UnXmlReader()

"""The EU consolidated list of persons, groups and entities subject to financial sanctions (FSF XML).

The Financial Sanctions Files export (`xmlFullSanctionsList_1_1`) is an `export` element (namespace
`http://eu.europa.ec/fpi/fsd/export`; any namespace is accepted, elements are matched by local name) with
`generationDate`, holding one `sanctionEntity` per entry (`logicalId`, `euReferenceNumber`,
`unitedNationId`, sometimes `designationDate`). In it, attributes carry the data:

- `regulation` (publicationDate, entryIntoForceDate, numberTitle, programme): the acts; the earliest gives
  the listing date and citation unless the entry has a `designationDate`; programmes are the listing's.
- `subjectType code`: person or enterprise.
- `nameAlias` (wholeName, firstName, lastName, nameLanguage, function, gender, title, strong): the first
  strong alias without a language is the primary name; `strong="false"` aliases are weak names.
- `citizenship`, `birthdate`, `identification` (number, identificationTypeCode), `address`.

The list freezes funds and economic resources and bars making any available (Council regulations under
Art. 215 TFEU): `eu-fsf` restricts all dealings.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from clearance.datasets.lists.base import ListData, Problem, entity_id
from clearance.datasets.lists.common import Draft, parse_date, read_xml, text
from clearance.domain.enums import Kind, NameType, Restriction
from clearance.domain.model import Entity, ListInfo, Listing

SOURCE = "eu-fsf"
LIST = ListInfo(
    SOURCE,
    "EU Consolidated Financial Sanctions List",
    frozenset({Restriction.ALL}),
    "European Union, Council of the EU (restrictive measures under Art. 29 TEU and Art. 215 TFEU)",
    "https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions",
)
_KINDS = {
    "person": Kind.PERSON,
    "enterprise": Kind.ORGANIZATION,
    "entity": Kind.ORGANIZATION,
    "vessel": Kind.VESSEL,
}
# identificationTypeCode values of the FSF, mapped to our identifier schemes
_ID_SCHEMES = {
    "passport": "passport",
    "id": "national_id",
    "nationalid": "national_id",
    "regnumber": "company_number",
    "fiscalcode": "tax_id",
    "swiftbic": "bic",
    "imo": "imo",
    "ssn": "national_id",
}


def _local(elem: ET.Element) -> None:
    for e in elem.iter():
        if isinstance(e.tag, str) and "}" in e.tag:
            e.tag = e.tag.rsplit("}", 1)[1]


def _attr(elem: ET.Element, key: str) -> str:
    return text(elem.get(key))


class EuXmlReader:
    format = "eu-xml"

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"fpi/fsd/export" in head or (b"<export" in head and b"sanctionEntity" in head)

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=SOURCE, format=self.format, lists={LIST.id: LIST})
        return read_xml(data, paths, {"sanctionEntity"}, "generationDate", self.record)

    def record(self, elem: ET.Element, where: str, line: int | None, data: ListData) -> Entity | None:
        _local(elem)
        logical = _attr(elem, "logicalId")
        aliases = list(elem.iterfind("nameAlias"))
        named = [a for a in aliases if _attr(a, "wholeName")]
        if not logical or not named:
            what = "logicalId" if not logical else "name"
            data.problems.append(Problem(where, line, f"sanctionEntity without {what}: skipped"))
            return None
        primary = next(
            (a for a in named if _attr(a, "strong") != "false" and not _attr(a, "nameLanguage")), named[0]
        )
        subject = elem.find("subjectType")
        code = _attr(subject, "code").lower() if subject is not None else ""
        kind = _KINDS.get(code, "organization")
        draft = Draft(entity_id(SOURCE, logical), kind, _attr(primary, "wholeName"))
        for alias in named:
            if alias is primary:
                continue
            lang = _attr(alias, "nameLanguage").lower() or None
            weak = _attr(alias, "strong").lower() == "false"
            draft.add_name(_attr(alias, "wholeName"), NameType.WEAK if weak else NameType.STRONG, lang)
        for alias in aliases:
            for key in ("function", "title", "gender"):
                draft.add_detail("position" if key == "function" else key, _attr(alias, key))

        # the listing: designation date, else the earliest act; programmes of every act
        acts = []
        programmes: list[str] = []
        for reg in elem.iterfind("regulation"):
            published = parse_date(_attr(reg, "publicationDate"), ("%Y-%m-%d",))
            acts.append((published or date.max, _attr(reg, "numberTitle")))
            programme = _attr(reg, "programme")
            if programme and programme not in programmes:
                programmes.append(programme)
        acts.sort()
        designated = _attr(elem, "designationDate")
        listed = parse_date(designated, ("%Y-%m-%d",)) if designated else None
        if listed is None and acts and acts[0][0] != date.max:
            listed = acts[0][0]
        citation = ", ".join(t for _, t in acts if t) or None
        reference = _attr(elem, "euReferenceNumber")
        draft.add_listing(Listing(LIST.id, reference or logical, tuple(programmes), listed, None, citation))
        if reference:
            draft.add_identifier("eu_reference", reference)
        un_id = _attr(elem, "unitedNationId")
        if un_id:
            draft.add_identifier("un_reference", un_id)
        for remark in elem.iterfind("remark"):
            draft.notes.append(text(remark.text))

        for cit in elem.iterfind("citizenship"):
            draft.add_detail("citizenship", _attr(cit, "countryDescription"))
            draft.add_country(_attr(cit, "countryIso2Code"))
        for dob in elem.iterfind("birthdate"):
            value = _attr(dob, "birthdate") or _attr(dob, "year")
            if value:
                draft.add_detail("dob", f"circa {value}" if _attr(dob, "circa") == "true" else value)
            place = ", ".join(p for p in (_attr(dob, "city"), _attr(dob, "place"), _attr(dob, "region")) if p)
            country = _attr(dob, "countryDescription")
            pob = ", ".join(p for p in (place, country if country != "UNKNOWN" else "") if p)
            draft.add_detail("pob", pob)
        for ident in elem.iterfind("identification"):
            number = _attr(ident, "number") or _attr(ident, "latinNumber")
            if not number:
                continue
            code = _attr(ident, "identificationTypeCode").lower()
            description = _attr(ident, "identificationTypeDescription")
            country = _attr(ident, "countryDescription")
            flags = [
                k
                for k in ("knownFalse", "knownExpired", "reportedLost", "revokedByIssuer")
                if _attr(ident, k) == "true"
            ]
            label = ", ".join(
                p for p in (description or code, country if country != "UNKNOWN" else "", *flags) if p
            )
            scheme = _ID_SCHEMES.get(code)
            if scheme:
                draft.add_identifier(scheme, number, label or None)
            else:
                draft.add_id(description or code, number, None)
        for addr in elem.iterfind("address"):
            keys = ("street", "poBox", "city", "zipCode", "region", "place", "countryDescription")
            parts = [_attr(addr, k) for k in keys]
            draft.add_detail("address", ", ".join(p for p in parts if p and p != "UNKNOWN"))
            draft.add_country(_attr(addr, "countryIso2Code"))
        draft.notes = [n for n in draft.notes if n]
        return draft.build()


READER = EuXmlReader()

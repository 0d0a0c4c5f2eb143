"""What the list readers share beyond `base`: clean text, dates, XML records, the organisation test,
identifier schemes, and `Draft`, an entity gathered from one or more rows (CSV records are in
`csv_rows`).

The CSL, DPL, UK, UN, EU and OpenSanctions readers build their entities with these; the OFAC readers have
their own (`ofac_csv.build_entities`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from clearance.datasets.lists.base import ListData, Problem
from clearance.domain.enums import Kind, NameType
from clearance.domain.model import Coverage, Entity, Identifier, Listing, Name, Relation

# ----------------------------------------------------------------------------------------------- text


def text(value: Any) -> str:
    """A cell or field as clean text: whitespace collapsed, None and lists made strings."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(text(v) for v in value if text(v))
    return " ".join(str(value).split())


def fold(value: str) -> str:
    return " ".join(value.casefold().split())


def split_list(value: Any, sep: str) -> list[str]:
    """A list field: a JSON list, or text separated by `sep`; empty items dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(sep)
    return [t for t in (text(i) for i in items) if t]


def parse_date(raw: str, formats: Iterable[str]) -> date | None:
    raw = raw.strip()
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


# ------------------------------------------------------------------------------------------------ XML

_LINE = "_line"  # attribute in which the parser notes the line a record starts on


class _Builder(ET.TreeBuilder):
    """A tree builder that notes the line number each record starts on (for problems)."""

    def __init__(self, records: set[str]) -> None:
        super().__init__()
        self.records = records
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        if tag.rsplit("}", 1)[-1] in self.records and self.expat is not None:
            attrs = {**attrs, _LINE: str(self.expat.CurrentLineNumber)}
        return super().start(tag, attrs)


def iter_records(
    path: Path, records: set[str], data: ListData
) -> tuple[list[tuple[int | None, ET.Element]], dict[str, str]]:
    """The record elements of an XML file (with the line each starts on) and the root's attributes.
    Records are detached from the tree as they end.

    The file is parsed with defusedxml: a document type with entity declarations (the "billion laughs")
    or an external entity is refused. A file refused, not well-formed (cut short, damaged, or not in the
    encoding it declares) or without its closing root element is recorded in `data.fatal`: the records
    read before the fault are returned, but the file is never used."""
    builder = _Builder(records)
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = getattr(parser, "parser", None)
    out: list[tuple[int | None, ET.Element]] = []
    root: dict[str, str] = {}
    stack: list[ET.Element] = []
    try:
        with path.open("rb") as f:
            for event, elem in ET.iterparse(f, events=("start", "end"), parser=parser):
                if event == "start":
                    if not stack:
                        root = dict(elem.attrib)
                    stack.append(elem)
                    continue
                stack.pop()
                if elem.tag.rsplit("}", 1)[-1] in records:
                    line = elem.attrib.pop(_LINE, None)
                    out.append((int(line) if line else None, elem))
                    if stack:
                        stack[-1].remove(elem)
    except DefusedXmlException as exc:
        data.fail(Problem(str(path), None, f"refused: the file declares entities or a DTD ({exc})"))
        return [], root
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        data.fail(
            Problem(
                str(path),
                line,
                f"not well-formed XML: {exc}; records after it are lost (the file is cut short, damaged "
                "or not in the encoding it declares)",
            )
        )
    except OSError as exc:
        data.fail(Problem(str(path), None, f"cannot read: {exc}"))
    return out, root


def read_xml(
    data: ListData,
    paths: Sequence[Path],
    records: set[str],
    published: str,
    record: Callable[[ET.Element, str, int | None, ListData], Entity | None],
) -> ListData:
    """Read the `records` elements of XML files into `data`, one entity (or None, a bad row) each from
    `record(element, file, line, data)`; the root attribute `published` gives the publication date."""
    for path in paths:
        where = str(path)
        data.files.append(where)
        found, root = iter_records(path, records, data)
        data.published = root.get(published) or data.published
        for line, elem in found:
            data.rows += 1
            entity = record(elem, where, line, data)
            if entity is None:
                data.bad_rows += 1
            else:
                data.entities.append(entity)
    return data


# -------------------------------------------------------------------------------------- kinds and ids

_ORG_WORDS = re.compile(
    r"(?:\b(?:ltd|limited|llc|l\.l\.c|inc|incorporated|corp|corporation|co|company|companies|gmbh|ag|sa|s\.a"
    r"|s\.l|sl|srl|s\.r\.l|bv|b\.v|nv|oao|ooo|zao|pao|ao|jsc|ojsc|cjsc|plc|pte|pvt|fzco|fze|fzc|fzllc|llp|lp"
    r"|sdn|bhd|kg|ab|as|oy|spa|s\.p\.a|sarl|sas|group|holding|holdings|trading|trade|traders|industries"
    r"|industrial|industry|international|enterprise|enterprises|technology|technologies|tech|electronics"
    r"|engineering|logistics|shipping|lines|airlines|airline|airways|aviation|aerospace|bank|banco|university"
    r"|institute|academy|center|centre|laboratory|laboratories|research|factory|plant|works|services"
    r"|solutions|systems|association|foundation|organization|organisation|ministry|department|regiment"
    r"|division|army|brigade|battalion|bureau|agency|office|committee|council|party|front|movement|network"
    r"|establishment|sons|trust|fund|investment|investments|import|export|imports|exports|supply|supplies"
    r"|technik|technique|technologie|handels|handel|analog|digital|zavod|kontsern|obshchestvo|obedinenie|bureau|commercial|commerce|consulting|development|design"
    r"|manufacturing|products|energy|petroleum|oil|gas|chemical|chemicals|metals|marine|maritime|transport"
    r"|cargo|express|media|software|telecom|communications|foods|pharma|pharmaceutical|hospital|school"
    r"|college|club|union|federation|army|navy|force|forces|guard|corps|brigades|cartel|organization)\b"
    r"|&|\d)",
    re.IGNORECASE,
)
_PERSON_TOKEN = re.compile(r"(?:[A-Z][a-z'’\-]+(?:-[A-Z][a-z'’]+)*|[A-Z]\.|[A-Z]\.[A-Z]\.|Jr\.?|Sr\.?)")


def looks_like_organization(name: str) -> bool:
    return bool(_ORG_WORDS.search(name))


def looks_like_person(name: str) -> bool:
    """A mixed-case name of two to five personal-name tokens ("Gunther Migeotte", "A.H. Shamnad")."""
    tokens = name.replace(",", " ").split()
    return 2 <= len(tokens) <= 5 and all(_PERSON_TOKEN.fullmatch(t) for t in tokens)


# Identifier types as lists write them, mapped to the schemes the index matches on. A type that is not an
# identifier (sanctions information, a flag, a website) is kept as a detail instead.
_SCHEMES = (
    (re.compile(r"swift|bic\b", re.I), "bic"),
    (re.compile(r"\blei\b|legal entity", re.I), "lei"),
    (re.compile(r"\bisin\b", re.I), "isin"),
    (re.compile(r"\bimo\b|vessel registration", re.I), "imo"),
    (re.compile(r"unified social credit|\buscc\b", re.I), "uscc"),
    (re.compile(r"passport|passeport|pasaporte|passaporto|reisepass", re.I), "passport"),
    (
        re.compile(
            r"national id|national identification|cedula|cédula|\bcurp\b|identity card|\bid card", re.I
        ),
        "national_id",
    ),
    (re.compile(r"tax|\bnit\b|\binn\b|\brfc\b|\bruc\b|\bcuit\b|\bvat\b", re.I), "tax_id"),
    (
        re.compile(r"registration|registry|company number|company no|business number|\bogrn\b|\bcr\b", re.I),
        "company_number",
    ),
    (re.compile(r"aircraft|serial|tail|manufacturer", re.I), "aircraft"),
)
_NOT_IDS = re.compile(
    r"sanction|directive|executive order|prohibited|flag|website|e-?mail|phone|gender|nationality|"
    r"citizen|additional|secondary|organization (?:type|established)|\bdate\b|listing|program|\bcaatsa\b",
    re.I,
)


def id_scheme(kind: str, number: str = "") -> str | None:
    """The identifier scheme for a list's id type, or None when it is not an identifier."""
    if _NOT_IDS.search(kind) or (not kind and _NOT_IDS.search(number)):
        return None
    for pattern, scheme in _SCHEMES:
        if pattern.search(kind):
            return scheme
    if re.match(r"IMO \d{7}$", number):
        return "imo"
    slug = re.sub(r"\W+", "_", kind.lower()).strip("_")
    return slug or "id"


# ---------------------------------------------------------------------------------------------- Draft


class Draft:
    """An entity being gathered from one or more rows or records of a source."""

    def __init__(self, eid: str, kind: Kind | str, name: str) -> None:
        self.id = eid
        self.kind = Kind(kind)
        self.name = text(name)
        self.names: dict[str, Name] = {}
        self.identifiers: dict[tuple[str, str], Identifier] = {}
        self.countries: dict[str, None] = {}
        self.details: dict[tuple[str, str], None] = {}
        self.listings: dict[Listing, None] = {}
        self.coverages: list[Coverage] = []
        self.relations: dict[Relation, None] = {}
        self.notes: list[str] = []

    def add_name(
        self,
        value: str,
        type: NameType = NameType.STRONG,
        lang: str | None = None,
        citation: str | None = None,
    ) -> None:
        value = text(value)
        if not value:
            return
        key = fold(value)
        if key == fold(self.name):
            return
        old = self.names.get(key)
        if old is None or (old.type == NameType.WEAK and type == NameType.STRONG):
            self.names[key] = Name(value, type, lang or (old.lang if old else None), citation)

    def add_identifier(self, scheme: str, value: str, citation: str | None = None) -> None:
        value = text(value)
        if value and (scheme, value) not in self.identifiers:
            self.identifiers[(scheme, value)] = Identifier(scheme, value, citation)

    def add_id(self, kind: str, number: str, country: str | None) -> None:
        """An id as a list gives it: an identifier when it is one, else a detail."""
        kind, number = text(kind), text(number)
        if not number:
            return
        scheme = id_scheme(kind, number)
        label = ", ".join(p for p in (kind, country or "") if p)
        if scheme is None:
            self.add_detail(re.sub(r"[^a-z0-9]+", "_", kind.lower()).strip("_") or "remarks", number)
            return
        if scheme == "imo":
            number = re.sub(r"^IMO\s*", "", number)
        self.add_identifier(scheme, number, label or None)

    def add_country(self, code: str) -> None:
        code = text(code).lower()
        if len(code) == 2 and code.isalpha() and code not in ("xx", "zz"):
            self.countries[code] = None

    def add_detail(self, key: str, value: str) -> None:
        value = text(value)
        if value:
            self.details[(key, value)] = None

    def add_listing(self, listing: Listing) -> None:
        self.listings[listing] = None

    def add_coverage(self, coverage: Coverage) -> None:
        """One coverage per measure: the earliest listing date, the citations joined."""
        for n, old in enumerate(self.coverages):
            if old.measure == coverage.measure and old.basis == coverage.basis:
                listed = min((d for d in (old.listed, coverage.listed) if d), default=None)
                cites = [c for c in (old.citation, coverage.citation) if c]
                citation = "; ".join(dict.fromkeys(cites)) or None
                self.coverages[n] = Coverage(old.measure, old.basis, old.via, listed, citation=citation)
                return
        self.coverages.append(coverage)

    def add_relation(self, relation: Relation) -> None:
        self.relations[relation] = None

    def build(self) -> Entity:
        listings = tuple(self.listings)
        return Entity(
            id=self.id,
            kind=self.kind,
            name=self.name,
            names=tuple(self.names.values()),
            identifiers=tuple(self.identifiers.values()),
            countries=tuple(self.countries),
            relations=tuple(self.relations),
            measures=tuple(self.coverages),
            lists=tuple(dict.fromkeys(li.list_id for li in listings)),
            notes="\n".join(self.notes) or None,
            listings=listings,
            details=tuple(self.details),
        )

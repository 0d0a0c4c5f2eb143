"""OFAC's XML files (sdn.xml, cons.xml): the same entries as the legacy CSV files, one element each.

    <sdnList xmlns="...">
      <publshInformation><Publish_Date>06/22/2026</Publish_Date><Record_Count>1</Record_Count></publshInformation>
      <sdnEntry>
        <uid>..</uid> <firstName/> <lastName/> <title/> <sdnType>Individual|Entity|Vessel|Aircraft</sdnType>
        <remarks/> <programList><program/></programList>
        <idList><id><uid/><idType/><idNumber/><idCountry/><issueDate/><expirationDate/></id></idList>
        <akaList><aka><uid/><type>a.k.a.</type><category>strong|weak</category><lastName/><firstName/></aka>
        <addressList><address><uid/><address1/><address2/><address3/><city/><stateOrProvince/><postalCode/>
          <country/></address></addressList>
        <nationalityList><nationality><uid/><country/><mainEntry/></nationality></nationalityList>
        <citizenshipList><citizenship><uid/><country/><mainEntry/></citizenship></citizenshipList>
        <dateOfBirthList><dateOfBirthItem><uid/><dateOfBirth/><mainEntry/></dateOfBirthItem></dateOfBirthList>
        <placeOfBirthList><placeOfBirthItem><uid/><placeOfBirth/><mainEntry/></placeOfBirthItem></placeOfBirthList>
        <vesselInfo><callSign/><vesselType/><vesselFlag/><vesselOwner/><tonnage/><grossRegisteredTonnage/>
        </vesselInfo>
      </sdnEntry>
    </sdnList>

The namespace has changed over the years (tempuri.org, the Sanctions List Service): elements are found by
local name. Each structured element is written back as the remarks item the CSV holds for it ("Passport
1084010 (Egypt)", "DOB 09 Feb 1951", "ISIN KYG8020E1199") and read by `ofac_remarks`, and entities are
built by `ofac_csv.build_entities`, so an entry gives the same entity in either format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from clearance.datasets.lists import ofac_programs as programs_
from clearance.datasets.lists.base import ListData, Problem
from clearance.datasets.lists.ofac_csv import (
    KINDS_XML,
    VESSEL_FIELDS,
    OfacEntry,
    address_text,
    build_entities,
    decide_source,
)
from clearance.domain.enums import Kind
from clearance.perf import paused_gc

FORMAT = "ofac-xml"
_SNIFF = re.compile(rb"<(?:[\w.-]+:)?sdnList[\s>]")
# vesselInfo children, in the order of the CSV columns they stand for (title comes from the entry)
_VESSEL = ("callSign", "vesselType", "tonnage", "grossRegisteredTonnage", "vesselFlag", "vesselOwner")
_ALIAS_TYPES = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(elem: Element | None) -> list[Element]:
    return list(elem) if elem is not None else []


def _fields(elem: Element) -> dict[str, str]:
    """The text of an element's simple children, by local name."""
    out: dict[str, str] = {}
    for child in elem:
        text = (child.text or "").strip()
        if text:
            out[_local(child.tag)] = text
    return out


def _child(elem: Element, name: str) -> Element | None:
    return next((c for c in elem if _local(c.tag) == name), None)


def _person_name(f: dict[str, str]) -> str:
    last, first = f.get("lastName", ""), f.get("firstName", "")
    return f"{last}, {first}" if last and first else last or first


def _id_item(f: dict[str, str]) -> str | None:
    """An idList entry as the remarks item of the CSV: "Passport 1084010 (Egypt) issued 29 Apr 1992"."""
    kind, number = f.get("idType", ""), f.get("idNumber", "")
    if not kind and not number:
        return None
    text = f"{kind} {number}".strip()
    if f.get("idCountry"):
        text += f" ({f['idCountry']})"
    if f.get("issueDate"):
        text += f" issued {f['issueDate']}"
    if f.get("expirationDate"):
        text += f" expires {f['expirationDate']}"
    return text


def entry_from_element(elem: Element, file: str) -> tuple[OfacEntry | None, str | None]:
    """One sdnEntry element as an entry, or None and why not."""
    f = _fields(elem)
    uid = f.get("uid", "")
    if not uid.isdigit():
        return None, f"sdnEntry without a numeric uid ({uid!r}): skipped"
    name = _person_name(f)
    if not name:
        return None, f"entry {uid} has no name: skipped"
    sdn_type = f.get("sdnType", "").lower()
    kind = KINDS_XML.get(sdn_type, Kind.ORGANIZATION)
    entry = OfacEntry(ent_num=uid, name=name, kind=kind, remarks=f.get("remarks", ""), file=file)
    if sdn_type not in KINDS_XML:
        entry.fields.append(("remarks", f"unknown sdnType {f.get('sdnType', '')!r}"))
    entry.programs = tuple(
        (p.text or "").strip() for p in _children(_child(elem, "programList")) if (p.text or "").strip()
    )
    vessel = _fields(v) if (v := _child(elem, "vesselInfo")) is not None else {}
    values = [f.get("title", ""), *(vessel.get(k, "") for k in _VESSEL)]
    entry.fields.extend((k, v) for k, v in zip(VESSEL_FIELDS, values, strict=True) if v)
    # facts in the order the CSV remarks give them: DOB, POB, nationality, citizen, then the rest
    facts: dict[str, list[str]] = {"dob": [], "pob": [], "nat": [], "cit": [], "ids": []}
    for section in elem:
        tag = _local(section.tag)
        if tag == "idList":
            facts["ids"].extend(i for i in (_id_item(_fields(c)) for c in section) if i)
        elif tag == "dateOfBirthList":
            facts["dob"].extend(f"DOB {d}" for c in section if (d := _fields(c).get("dateOfBirth")))
        elif tag == "placeOfBirthList":
            facts["pob"].extend(f"POB {d}" for c in section if (d := _fields(c).get("placeOfBirth")))
        elif tag == "nationalityList":
            facts["nat"].extend(f"nationality {d}" for c in section if (d := _fields(c).get("country")))
        elif tag == "citizenshipList":
            facts["cit"].extend(f"citizen {d}" for c in section if (d := _fields(c).get("country")))
        elif tag == "akaList":
            for c in section:
                a = _fields(c)
                alias = _person_name(a)
                if alias:
                    alias_type = _ALIAS_TYPES.get(a.get("type", "").lower(), "aka")
                    entry.aliases.append((alias_type, alias, a.get("category", "").lower() == "weak"))
        elif tag == "addressList":
            for c in section:
                a = _fields(c)
                street = ", ".join(a[k] for k in ("address1", "address2", "address3") if a.get(k))
                # the CSV's "city, state postal" column
                city = ", ".join(a[k] for k in ("city", "stateOrProvince") if a.get(k))
                city = " ".join(x for x in (city, a.get("postalCode", "")) if x)
                text = address_text(street, city, a.get("country", ""))
                if text:
                    entry.addresses.append(text)
    for items in facts.values():
        entry.items.extend(items)
    return entry, None


def _published(text: str) -> str:
    """OFAC writes MM/DD/YYYY; the ISO date when it is one, else the text as given."""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}" if m else text.strip()


class OfacXmlReader:
    format = FORMAT

    def sniff(self, path: Path, head: bytes) -> bool:
        return bool(_SNIFF.search(head[:4096]))

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        with paused_gc():
            return self._read(paths)

    def _read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=programs_.SDN_SOURCE, format=FORMAT)
        if not paths:
            return data
        path = paths[0]
        for extra in paths[1:]:
            data.problems.append(Problem(str(extra), None, "a second OFAC XML file in one source: not read"))
        file = str(path)
        data.files = [file]
        entries: list[OfacEntry] = []
        seen: set[str] = set()
        stated_count: int | None = None
        try:
            for _, elem in iterparse(path, events=("end",), forbid_dtd=True):
                tag = _local(elem.tag)
                if tag == "sdnEntry":
                    data.rows += 1
                    entry, why = entry_from_element(elem, file)
                    elem.clear()
                    if entry is None:
                        data.bad_rows += 1
                        data.problems.append(Problem(file, None, why or "unreadable sdnEntry"))
                        continue
                    if entry.ent_num in seen:
                        data.problems.append(Problem(file, None, f"entry {entry.ent_num} appears twice"))
                    seen.add(entry.ent_num)
                    entries.append(entry)
                elif tag == "Publish_Date" and elem.text:
                    data.published = _published(elem.text)
                elif tag == "Record_Count" and (elem.text or "").strip().isdigit():
                    stated_count = int((elem.text or "").strip())
        except ParseError as exc:
            line = exc.position[0] if getattr(exc, "position", None) else None
            data.fail(
                Problem(
                    file,
                    line,
                    f"not well-formed XML: {exc}; entries after it are lost (the file is cut short, damaged "
                    "or not in the encoding it declares)",
                )
            )
            data.bad_rows += 1
            data.rows += 1
        except DefusedXmlException as exc:
            data.fail(Problem(file, None, f"XML refused (unsafe construct): {exc}"))
            data.bad_rows += 1
            data.rows += 1
        if stated_count is not None and stated_count > data.rows:
            data.fail(
                Problem(
                    file,
                    None,
                    f"the file states {stated_count} records, {data.rows} were found: it is incomplete",
                )
            )
        elif stated_count is not None and stated_count != data.rows:
            data.problems.append(
                Problem(file, None, f"the file states {stated_count} records, {data.rows} entries were found")
            )
        data.source = decide_source(path, entries)
        data.lists = programs_.source_lists(data.source)
        data.entities = build_entities(entries, data.source, data.problems)
        return data


READER = OfacXmlReader()

"""OpenSanctions / FollowTheMoney entities as JSON lines (`entities.ftm.json`).

One entity a line: {"id", "schema", "properties": {prop: [values]}, "datasets": [...], "first_seen",
"last_seen", "target"}.

- Person, Organization, Company, LegalEntity, PublicBody, Vessel, Airplane and Security become entities;
  their names (name, alias, previousName: strong; weakAlias: weak), identifiers (innCode, leiCode, isin,
  swiftBic, registrationNumber, imoNumber, passportNumber ...) and facts (birthDate, nationality, country,
  address ...).
- Ownership, Directorship, UnknownLink, Family, Associate, Membership become a `Relation` on the entity
  they start from: owner -> asset "owns" (the share in the citation), director -> organisation
  "controls", the others "linked_to". A link to an entity not in the file is dropped and reported.
- Sanction entities give the listing its dates and programmes (startDate -> listed, endDate -> expires)
  for the datasets they belong to.
- Listings: an entity gets one on `opensanctions-<dataset>` for each of its datasets when its topics say
  it is restricted: `sanction*` restricts all dealings, `export.control` and `debarment` (ITAR, export
  debarment) restrict exports. An entity marked `target` without any topic is read as sanctioned (a
  plain sanctions export). A target whose topics are only of another kind (role.pep, crime ...) gets no
  listing: being a politician or wanted is for review, not a restriction; its topics stay as a detail.
  A dataset that holds both sanctioned and export-only entries gets a second list,
  `opensanctions-<dataset>-export`, for the export-only ones, so that they do not block payments.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clearance.datasets.lists.base import ListData, Problem, decode, entity_id
from clearance.datasets.lists.common import Draft, parse_date, text
from clearance.domain.enums import Kind, NameType, RelationType, Restriction
from clearance.domain.model import ListInfo, Listing, Relation

SOURCE = "opensanctions"
PREFIX = "os"
KINDS = {
    "Person": Kind.PERSON,
    "Organization": Kind.ORGANIZATION,
    "Company": Kind.ORGANIZATION,
    "LegalEntity": Kind.ORGANIZATION,
    "PublicBody": Kind.ORGANIZATION,
    "Vessel": Kind.VESSEL,
    "Airplane": Kind.AIRCRAFT,
    "Security": Kind.SECURITY,
}
# link schema: (from property, to property, relation type)
LINKS = {
    "Ownership": ("owner", "asset", "owns"),
    "Directorship": ("director", "organization", "controls"),
    "UnknownLink": ("subject", "object", "linked_to"),
    "Family": ("person", "relative", "linked_to"),
    "Associate": ("person", "associate", "linked_to"),
    "Membership": ("member", "organization", "linked_to"),
}
IDENTIFIERS = {
    "innCode": "tax_id",
    "taxNumber": "tax_id",
    "vatCode": "tax_id",
    "leiCode": "lei",
    "isin": "isin",
    "swiftBic": "bic",
    "registrationNumber": "company_number",
    "ogrnCode": "company_number",
    "okpoCode": "okpo",
    "uscCode": "uscc",
    "usccCode": "uscc",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "passportNumber": "passport",
    "idNumber": "national_id",
    "ticker": "ticker",
    "registrationNumberAircraft": "aircraft",
    "serialNumber": "serial_number",
}
DETAILS = {
    "birthDate": "dob",
    "birthPlace": "pob",
    "nationality": "nationality",
    "citizenship": "citizenship",
    "address": "address",
    "position": "position",
    "gender": "gender",
    "title": "title",
    "incorporationDate": "incorporation_date",
    "flag": "flag",
    "sourceUrl": "source_url",
    "program": "program",
}
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "flag", "mainCountry")
_EXPORT_TOPICS = ("export.control", "debarment")


def _values(props: dict[str, Any], key: str) -> list[str]:
    raw = props.get(key)
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    out = []
    for item in items:
        if isinstance(item, dict):  # nested form: an embedded entity stands for its id
            item = item.get("id")
        value = text(item)
        if value:
            out.append(value)
    return out


def restriction(topics: list[str], *, target: bool) -> str | None:
    """ "all", "export", or None (no listing) for an entity's topics."""
    if any(t == "sanction" or (t.startswith("sanction.") and t != "sanction.linked") for t in topics):
        return "all"
    if any(t in _EXPORT_TOPICS or t.startswith("export.") for t in topics):
        return "export"
    if target and not topics:
        return "all"
    return None


@dataclass
class _Sanction:
    datasets: list[str]
    listed: date | None
    expires: date | None
    programs: tuple[str, ...]
    citation: str | None


@dataclass
class _State:
    drafts: dict[str, Draft] = field(default_factory=dict)  # by FtM id
    datasets: dict[str, list[str]] = field(default_factory=dict)  # FtM id -> datasets
    classes: dict[str, str] = field(default_factory=dict)  # FtM id -> all / export
    links: list[tuple[str, int, str, dict[str, Any]]] = field(default_factory=list)
    sanctions: dict[str, list[_Sanction]] = field(default_factory=dict)


class FtmReader:
    format = "ftm-json"

    def sniff(self, path: Path, head: bytes) -> bool:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        first = start.split(b"\n", 1)[0]
        return first.startswith(b"{") and b'"schema"' in first and b'"properties"' in first

    def companions(self, path: Path) -> list[Path]:
        return []

    def read(self, paths: Sequence[Path]) -> ListData:
        data = ListData(source=SOURCE, format=self.format)
        state = _State()
        for path in paths:
            where = str(path)
            data.files.append(where)
            try:
                with path.open("rb") as f:
                    ok, number, raw = True, 0, b""
                    for number, raw in enumerate(f, start=1):
                        ok = self.line(raw, number, where, data, state)
                if not ok and not raw.endswith(b"\n"):
                    data.fail(Problem(where, number, "cut short: the last line is not whole (no line end)"))
            except OSError as exc:
                data.fail(Problem(where, None, f"cannot read: {exc}"))
        self.finish(data, state)
        return data

    def line(self, raw: bytes, number: int, where: str, data: ListData, state: _State) -> bool:
        """Read one line into `state`; False when it is not valid JSON."""
        if not raw.strip():
            return True
        data.rows += 1
        content, fallback = decode(raw)
        if fallback:
            data.problems.append(Problem(where, number, "not UTF-8: read as cp1252"))
        try:
            obj = json.loads(content)
        except json.JSONDecodeError as exc:
            data.bad_rows += 1
            data.problems.append(Problem(where, number, f"not valid JSON ({exc.msg}): skipped"))
            return False
        if not isinstance(obj, dict) or not text(obj.get("id")) or not text(obj.get("schema")):
            data.bad_rows += 1
            data.problems.append(Problem(where, number, "not an entity (no id or schema): skipped"))
            return True
        fid, schema = text(obj["id"]), text(obj["schema"])
        found = obj.get("properties")
        props: dict[str, Any] = found if isinstance(found, dict) else {}
        datasets = [text(d) for d in obj.get("datasets") or [] if text(d)]
        if schema in LINKS:
            state.links.append((where, number, schema, props))
        elif schema == "Sanction":
            self.sanction(props, datasets, state)
        elif schema in ("Identification", "Passport"):
            for holder in _values(props, "holder"):
                for value in _values(props, "number"):
                    scheme = "passport" if schema == "Passport" else "national_id"
                    state.links.append(
                        (where, number, schema, {"holder": [holder], "number": [value], "s": scheme})
                    )
        elif schema in KINDS:
            entity = self.entity(fid, schema, props, obj, where, number, data)
            if entity is None:
                return True
            state.drafts[fid] = entity
            state.datasets[fid] = datasets
            topics = _values(props, "topics")
            cls = restriction(topics, target=obj.get("target") is True)
            if cls:
                state.classes[fid] = cls
        # other schemas (Address, Occupancy, Position ...) carry nothing the screening uses
        return True

    def entity(
        self,
        fid: str,
        schema: str,
        props: dict[str, Any],
        obj: dict[str, Any],
        where: str,
        number: int,
        data: ListData,
    ) -> Draft | None:
        names = _values(props, "name")
        if not names:
            data.bad_rows += 1
            data.problems.append(Problem(where, number, f"{schema} {fid} without a name: skipped"))
            return None
        draft = Draft(entity_id(PREFIX, fid), KINDS[schema], names[0])
        for value in names[1:] + _values(props, "alias") + _values(props, "previousName"):
            draft.add_name(value)
        for value in _values(props, "weakAlias"):
            draft.add_name(value, NameType.WEAK)
        for prop, scheme in IDENTIFIERS.items():
            for value in _values(props, prop):
                draft.add_identifier(scheme, value, f"OpenSanctions {prop}")
        for prop, key in DETAILS.items():
            for value in _values(props, prop):
                draft.add_detail(key, value)
        for prop in COUNTRY_PROPS:
            for value in _values(props, prop):
                draft.add_country(value)
        for value in _values(props, "topics"):
            draft.add_detail("topic", value)
        for key in ("first_seen", "last_seen"):
            draft.add_detail(key, text(obj.get(key)))
        draft.notes.extend(_values(props, "notes"))
        return draft

    @staticmethod
    def sanction(props: dict[str, Any], datasets: list[str], state: _State) -> None:
        def day(key: str) -> date | None:
            values = _values(props, key)
            return parse_date(values[0][:10], ("%Y-%m-%d",)) if values else None

        citation = ", ".join(_values(props, "authority") + _values(props, "authorityId")) or None
        info = _Sanction(
            datasets, day("startDate"), day("endDate"), tuple(_values(props, "program")), citation
        )
        for fid in _values(props, "entity"):
            state.sanctions.setdefault(fid, []).append(info)

    def finish(self, data: ListData, state: _State) -> None:
        # which lists: one per dataset, split when a dataset mixes sanctioned and export-only entries
        per_dataset: dict[str, set[str]] = {}
        for fid, cls in state.classes.items():
            for ds in state.datasets.get(fid, []):
                per_dataset.setdefault(ds, set()).add(cls)

        def list_id(ds: str, cls: str) -> str:
            base = f"opensanctions-{ds}"
            return f"{base}-export" if cls == "export" and "all" in per_dataset[ds] else base

        for ds, classes in per_dataset.items():
            for cls in classes:
                lid = list_id(ds, cls)
                title = f"OpenSanctions dataset {ds}" + (
                    " (export restrictions)" if lid.endswith("-export") else ""
                )
                data.lists[lid] = ListInfo(
                    lid,
                    title,
                    frozenset({Restriction(cls)}),
                    "OpenSanctions (aggregated from the official sources)",
                    f"https://www.opensanctions.org/datasets/{ds}/",
                    blocks_owned=ds == "us_ofac_sdn" and cls == "all",  # OFAC's 50 Percent Rule
                )
        for fid, cls in state.classes.items():
            draft = state.drafts[fid]
            for ds in state.datasets.get(fid, []):
                found = next((s for s in state.sanctions.get(fid, []) if ds in s.datasets), None)
                if found:
                    draft.add_listing(
                        Listing(
                            list_id(ds, cls), fid, found.programs, found.listed, found.expires, found.citation
                        )
                    )
                else:
                    draft.add_listing(Listing(list_id(ds, cls), fid))

        for where, number, schema, props in state.links:
            if schema in ("Identification", "Passport"):
                holder = state.drafts.get(props["holder"][0])
                if holder is not None:
                    holder.add_identifier(props["s"], props["number"][0], f"OpenSanctions {schema}")
                continue
            src_prop, dst_prop, rel = LINKS[schema]
            sources, targets = _values(props, src_prop), _values(props, dst_prop)
            if not sources or not targets:
                data.problems.append(
                    Problem(where, number, f"{schema} without {src_prop} or {dst_prop}: dropped")
                )
                continue
            for s in sources:
                for t in targets:
                    a, b = state.drafts.get(s), state.drafts.get(t)
                    if a is None or b is None:
                        missing = s if a is None else t
                        data.problems.append(
                            Problem(where, number, f"{schema} to unknown entity '{missing}': dropped")
                        )
                        continue
                    a.add_relation(
                        Relation(
                            RelationType(rel),
                            b.id,
                            self.citation(schema, props),
                            share=_percentage(props),
                            start=_day(props, "startDate"),
                            end=_day(props, "endDate"),
                        )
                    )
        data.entities = [d.build() for d in state.drafts.values()]

    @staticmethod
    def citation(schema: str, props: dict[str, Any]) -> str:
        parts = [f"OpenSanctions {schema}"]
        share = _values(props, "percentage") or _values(props, "sharesCount")
        if share:
            value = share[0].rstrip("%")
            parts.append(f"share {value}%" if _values(props, "percentage") else f"shares {share[0]}")
        for key in ("role", "relationship", "startDate", "endDate"):
            values = _values(props, key)
            if values:
                parts.append(f"{key} {values[0]}")
        return ", ".join(parts)


READER = FtmReader()


def _day(props: dict[str, Any], key: str) -> date | None:
    """A full date (YYYY-MM-DD) of a link; a year or month alone is no day to hold from or to."""
    return parse_date((_first(props, key) or "")[:10], ("%Y-%m-%d",))


def _first(props: dict[str, Any], key: str) -> str | None:
    values = _values(props, key)
    return values[0] if values else None


def _percentage(props: dict[str, Any]) -> float | None:
    """An Ownership's `percentage` ("30", "30%", "30.5"), or None when absent or not a share of 0-100."""
    text = (_first(props, "percentage") or "").strip().rstrip("%").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None

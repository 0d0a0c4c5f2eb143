"""OFAC reports from the case store: a blocked property report (31 CFR 501.603) and a rejected
transaction report (31 CFR 501.604) for a case closed as a true match, as JSON, CSV and plain text.

    report = blocked_report(store, 7, filer={"name": "Bank", "address": "..."}, user="ana")
    render(report, "csv")             # one row per field (store.report_render)

A report: `{"report": "blocked_property" | "rejected_transaction", "title", "regulation": {section,
version, certainty, deadline, filing}, "case": {id, party, party_key, disposition, reason, proposed_by,
approved_by, closed_at}, "event_date", "due_by", "due_rule", "fields", "filled", "unfilled" (counts),
"warnings", "generated_at", "generated_by", "audit_seq"}`; a field: `{"citation", "field", "asks" (in
short), "certainty", "filled", "value" (JSON), "text" (in words), "reason" (why not filled), "note"}`.
Fields are filled from the store alone: nothing is guessed. Making a report is an audit record
`report_generated` (subject `case N`, with the report's SHA-256) in the same transaction.

The store fills: the listed entities of the case's alerts with their lists and nationalities (target);
the measures that apply, with their citations (legal authority); the approval that closed the case
(date blocked or rejected); and, for a decision from a payment message (its result's `item`, written by
`faces.channels.recording.channel_results`), the message type, references, date, amount and currency,
the fields that hit and where the message was read. It cannot fill: the filer (unless given), the action
taken, the payment's other participants and their locations, account numbers, a USD value of another
currency (no exchange rate), the value of property that is not a payment, and a copy of any document
(the store keeps where a message was read, not its text).

Sources (docs/regulator-reports.md, the research behind this module; "verified" against the
regulation's text, "secondary" otherwise):
* 501.603(b)(1)(ii)(A)-(I), current lettering: verified (eCFR source note "89 FR 40375, May 10, 2024";
  interim final rule 89 FR 40372, May 10, 2024, effective 2024-08-08; final rule 89 FR 81358, Oct. 8,
  2024, effective 2024-11-07). Deadline (b)(1)(i), "within 10 business days from the date that property
  becomes blocked", and filing through the OFAC Reporting System, (d): verified.
* 501.604(b)(1)-(7): verified for the 2019 text (interim final rule 84 FR 29055, June 21, 2019; eCFR
  source note 84 FR 29060); the text and lettering after 89 FR 40372 (2024) were not seen. Deadline (c),
  "within 10 business days of the rejected transaction": verified (2019 text). Filing through ORS from
  2024-08-08: secondary (Hogan Lovells).
* `due_by`: Monday to Friday from the approval's UTC date; federal holidays are NOT counted out (a known
  limit), and it is a day late when the approval's local date is earlier (an evening in the Americas).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from clearance.errors import InputError
from clearance.store.audit import canonical, now
from clearance.store.enums import CaseStatus, Disposition
from clearance.store.schema import alerts, cases, decisions, parties
from clearance.store.store import Store
from clearance.store.users import user_name

FILER_KEYS = ("name", "address", "contact", "phone", "email")
DUE_BUSINESS_DAYS = 10
_CASE = ("id", "disposition", "reason", "proposed_by", "approved_by", "closed_at")
V, V2019 = "verified", "verified (2019 text; its lettering after the 2024 amendments not verified)"
_PARTIAL = (
    "the other participants (debtor, banks) and their locations are not in the data: the store keeps a "
    "payment's references, date, amount, currency and the fields that hit, not the whole message"
)
_USD = "actual or estimated; another currency: the USD value, the amount and a notional rate"
_LAW = "programme, CFR part, Executive Order or statute ('SDN' alone is not acceptable)"

# (paragraph, field, what it asks, the method of `_Facts` that fills it)
_BLOCKED = (
    ("(A)", "Filer", "filer's name and address; contact name, phone and email", "filer"),
    ("(B)", "Associated transaction", "type; participants, locations; references, dates", "tx"),
    ("(C)", "Sanctions target", "blocked person(s), location if known, interest if not evident", "target"),
    ("(D)", "Property and location", "account numbers and types, check and reference numbers, dates", "held"),
    ("(E)", "Date blocked", "the date the property became blocked", "day"),
    ("(F)", "Value in US dollars", _USD, "usd"),
    ("(G)", "Action taken", "e.g. deposit into a labelled, interest-bearing blocked account", "action"),
    ("(H)", "Legal authority", _LAW, "authority"),
    ("(I)", "Documents", "payment or transfer instructions, check, letter of credit, invoice", "documents"),
)  # fmt: skip
_REJECTED = (
    ("(1)", "Filer", "filer's name and address; contact name and phone", "filer"),
    ("(2)", "Transaction", "type; participants; property; references, accounts, dates", "tx"),
    ("(3)", "Sanctions target, if applicable", "the target, its location and interest", "target"),
    ("(4)", "Date rejected", "the date the transaction was rejected", "day"),
    ("(5)", "Value in US dollars", _USD, "usd"),
    ("(6)", "Legal authority", _LAW, "authority"),
    ("(7)", "Documents", "payment instructions, check, letter of credit, invoice, etc.", "documents"),
)  # fmt: skip
_KINDS: dict[str, dict[str, Any]] = {
    "blocked_property": {
        "title": "Report of blocked property (initial report), 31 CFR 501.603(b)(1)",
        "base": "31 CFR 501.603(b)(1)(ii)",
        "fields": _BLOCKED,
        "certainty": V,
        "event": "blocked",
        "event_is": "the property was blocked",
        "needs": ("name", "address", "contact", "phone", "email"),
        "regulation": {
            "section": "31 CFR 501.603",
            "version": "eCFR text, source note '89 FR 40375, May 10, 2024' (interim final rule 89 FR 40372, "
            "effective 2024-08-08; final rule 89 FR 81358, Oct. 8, 2024, effective 2024-11-07)",
            "certainty": V,
            "deadline": "(b)(1)(i): within 10 business days from the date that property becomes blocked",
            "filing": "(d): electronically through the OFAC Reporting System (ORS); keep a copy",
        },
    },
    "rejected_transaction": {
        "title": "Report of a rejected transaction, 31 CFR 501.604",
        "base": "31 CFR 501.604(b)",
        "fields": _REJECTED,
        "certainty": V2019,
        "event": "rejected",
        "event_is": "the transaction was rejected",
        "needs": ("name", "address", "contact", "phone"),
        "regulation": {
            "section": "31 CFR 501.604",
            "version": "paragraph (b) as in the 2019 text (interim final rule 84 FR 29055, June 21, 2019); "
            "amended by 89 FR 40372 (May 10, 2024), whose text was not seen",
            "certainty": V2019,
            "deadline": "(c): within 10 business days of the rejected transaction (2019 text)",
            "filing": "through the OFAC Reporting System (ORS) from 2024-08-08 (secondary source)",
        },
    },
}


def blocked_report(
    store: Store, case_id: int, *, filer: Mapping[str, str] | None, user: str
) -> dict[str, Any]:
    """The 501.603 report of a closed true-match case (shape: the module's docstring), made by `user`.
    `filer` keys: name, address, contact, phone, email. Raises `InputError` for an unknown case, one not
    closed (one awaiting approval has no report yet), one closed otherwise than as a true match, or an
    unknown filer key; `StoreError` when the database refuses."""
    return _report(store, case_id, "blocked_property", filer=filer, user=user)


def rejected_report(
    store: Store, case_id: int, *, filer: Mapping[str, str] | None, user: str
) -> dict[str, Any]:
    """The 501.604 report of a closed true-match case; as `blocked_report`."""
    return _report(store, case_id, "rejected_transaction", filer=filer, user=user)


def due_by(day: date, business_days: int = DUE_BUSINESS_DAYS) -> date:
    """`business_days` days after `day`, counting Monday to Friday (federal holidays not counted out)."""
    while business_days > 0:
        day += timedelta(days=1)
        business_days -= day.weekday() < 5
    return day


def _report(
    store: Store, case_id: int, kind: str, *, filer: Mapping[str, str] | None, user: str
) -> dict[str, Any]:
    user = user_name(user)
    spec = _KINDS[kind]
    given = {k: str(v).strip() for k, v in (filer or {}).items() if str(v or "").strip()}
    if unknown := sorted(set(given) - set(FILER_KEYS)):
        raise InputError(f"unknown filer detail(s) {', '.join(unknown)}: use {', '.join(FILER_KEYS)}")
    with store.unit() as unit:
        case = unit.connection.execute(select(cases).where(cases.c.id == case_id)).first()
        if case is None:
            raise InputError(f"no case {case_id}")
        if case.status != CaseStatus.CLOSED:
            raise InputError(f"case {case_id} is {case.status}: a report is for a case closed as true match")
        if case.disposition != Disposition.TRUE_MATCH:
            raise InputError(f"case {case_id} was closed as {case.disposition}, not a true match: no report")
        party = unit.connection.execute(select(parties).where(parties.c.id == case.party_id)).one()
        rows = unit.connection.execute(
            select(alerts, decisions.c.reference, decisions.c.source, decisions.c.result)
            .join(decisions, decisions.c.id == alerts.c.decision_id)
            .where(alerts.c.case_id == case_id)
            .order_by(alerts.c.id)
        ).all()
        facts = _Facts(case, rows, given, spec)
        fields = [facts.field(*row) for row in spec["fields"]]
        event_day = date.fromisoformat(str(case.closed_at)[:10])
        report: dict[str, Any] = {
            "report": kind,
            "title": spec["title"],
            "regulation": spec["regulation"],
            "case": {"party": party.name, "party_key": party.key} | {k: getattr(case, k) for k in _CASE},
            "event_date": event_day.isoformat(),
            "due_by": due_by(event_day).isoformat(),
            "due_rule": spec["regulation"]["deadline"] + "; counted Monday to Friday from the approval's UTC "
            "date, federal holidays not counted out (known limits: count from the local date if earlier)",
            "fields": fields,
            "filled": sum(1 for f in fields if f["filled"]),
            "unfilled": sum(1 for f in fields if not f["filled"]),
            "warnings": facts.warnings(kind),
            "generated_at": now(),
            "generated_by": user,
        }
        unfilled = [f["citation"] for f in fields if not f["filled"]]
        detail: dict[str, Any] = {
            "report": kind,
            "digest": hashlib.sha256(canonical(report).encode()).hexdigest(),
        }
        detail.update(due_by=report["due_by"], unfilled=unfilled, filer_given=sorted(given))
        report["audit_seq"] = unit.audit(
            actor=user, action="report_generated", subject=f"case {case_id}", detail=detail
        )
    return report


Filled = dict[str, Any]  # {"value", "text", "note"} when filled, {"reason", "value"} when not


def _not(reason: str, value: Any = None) -> Filled:
    return {"reason": reason, "value": value}


class _Facts:
    """What the store holds about a case, and one method per field of the regulation."""

    def __init__(
        self, case: Any, rows: Sequence[Any], given: dict[str, str], spec: Mapping[str, Any]
    ) -> None:
        self.case, self.rows, self.given, self.spec = case, rows, given, spec
        self.hits = [json.loads(r.hit) for r in rows]
        self.results = [json.loads(r.result) for r in rows]
        found: dict[tuple[Any, ...], dict[str, Any]] = {}  # the payments, once each, with the fields that hit
        for result in self.results:
            item = result.get("item")
            if not isinstance(item, Mapping) or item.get("channel") != "payment":
                continue
            key = (item.get("key"), item.get("source"), item.get("line"), item.get("position"))
            payment = found.setdefault(key, {"item": item, "details": item.get("details") or {}, "hit": []})
            if isinstance(hit := result.get("field"), Mapping) and dict(hit) not in payment["hit"]:
                payment["hit"].append(dict(hit))
        self.payments = list(found.values())

    def field(self, paragraph: str, name: str, asks: str, method: str) -> dict[str, Any]:
        filled: Filled = getattr(self, method)()
        head = {"citation": f"{self.spec['base']}{paragraph}", "field": name, "asks": asks}
        empty = {"certainty": self.spec["certainty"], "value": None, "text": "", "reason": None, "note": None}
        return head | empty | filled | {"filled": "reason" not in filled}

    def filer(self) -> Filled:
        value = {k: self.given[k] for k in FILER_KEYS if k in self.given} or None
        if missing := [k for k in self.spec["needs"] if k not in self.given]:
            return _not(f"the filer's details are not in the store; not given: {', '.join(missing)}", value)
        return {"value": value, "text": "; ".join(f"{k}: {v}" for k, v in (value or {}).items())}

    def _payment_text(self, payment: Mapping[str, Any], *, funds: bool) -> str:
        item, details = payment["item"], payment["details"]
        refs = ", ".join(f"{k} {v}" for k, v in (item.get("refs") or {}).items())
        kind = details.get("message_type") or "payment"
        text = f"{kind} payment, references {refs}, date {item.get('as_of')}"
        if funds and details.get("amount"):
            text += f", funds {details['amount']} {details.get('currency') or ''}".rstrip()
        matched = "; ".join(f"{f['role']} '{f['value']}' ({f['path']})" for f in payment["hit"])
        return text + (f"; matched: {matched}" if matched else "")

    def tx(self) -> Filled:
        if not self.payments:
            refs = ", ".join(sorted({f"{r.source} {r.reference or r.decision_id}" for r in self.rows}))
            return _not(f"the case's decisions ({refs}) screened a party, not a payment: no transaction")
        funds = self.spec["event"] == "rejected"  # 501.604(b)(2) asks for the property here too
        value = [
            {"type": p["details"].get("message_type") or "payment", "references": p["item"].get("refs") or {},
             "date": p["item"].get("as_of"), "amount": p["details"].get("amount"),
             "currency": p["details"].get("currency"), "matched_fields": p["hit"]}
            for p in self.payments
        ]  # fmt: skip
        text = " | ".join(self._payment_text(p, funds=funds) for p in self.payments)
        return {"value": value, "text": text, "note": _PARTIAL + ("; nor account numbers" if funds else "")}

    def target(self) -> Filled:
        targets: dict[str, dict[str, Any]] = {}
        located = False  # by a nationality, a place of birth, or as a place itself
        for row, hit, result in zip(self.rows, self.hits, self.results, strict=True):
            role = (result.get("field") or {}).get("role")
            nations, born = hit.get("nationalities", []), hit.get("places_of_birth", [])
            located |= bool(nations or born or "territory:" in row.entity_id)
            targets.setdefault(row.entity_id, {
                "entity_id": row.entity_id, "name": hit.get("name", row.entity_name),
                "matched_name": row.matched_name, "lists": hit.get("lists", []),
                "screened_as": f"{role} '{row.query_name}'" if role else f"'{row.query_name}'",
                "nationalities": nations, "places_of_birth": born,
                "alert_decision": row.decision,
            })  # fmt: skip
        ordered = sorted(targets.values(), key=lambda t: (t["alert_decision"] != "block", t["name"]))
        text = " | ".join(
            f"{t['name']} ({t['entity_id']}; {', '.join(t['lists']) or 'no list named'}), matched as "
            f"'{t['matched_name']}' in {t['screened_as']}"
            + (f"; nationality {', '.join(t['nationalities'])}" if t["nationalities"] else "")
            for t in ordered
        )
        return {"value": ordered, "text": text, "note": None if located else "location: not in the data"}

    def held(self) -> Filled:
        if not self.payments:
            return _not("the store records screenings of a party, not the property held: give it")
        value = [
            {"funds_of_payment": p["item"].get("refs") or {}, "amount": p["details"].get("amount"),
             "currency": p["details"].get("currency"), "date": p["item"].get("as_of")}
            for p in self.payments
        ]  # fmt: skip
        text = " | ".join(self._payment_text(p, funds=True) for p in self.payments)
        return {"value": value, "text": text, "note": "account numbers and types are not in the data"}

    def day(self) -> Filled:
        closed = str(self.case.closed_at)
        return {
            "value": closed,
            "text": f"{closed[:10]} (the true match approved by {self.case.approved_by} at {closed} UTC)",
            "note": f"the time the second analyst approved the true match; if {self.spec['event_is']} "
            "earlier (e.g. held by the payment filter), that day counts",
        }

    def usd(self) -> Filled:
        if not self.payments:
            return _not("the value of the property is not in the data")
        total, other = Decimal(0), []
        for p in self.payments:
            d = p["details"]
            pairs = [(d.get(f"{x}amount"), d.get(f"{x}currency")) for x in ("", "instructed_")]
            try:
                total += Decimal(str(next(a for a, c in pairs if a and c == "USD")))
            except (StopIteration, InvalidOperation):
                other.append(f"{d.get('amount') or 'no amount'} {d.get('currency') or ''}".strip())
        if other:
            why = "the report asks for the USD value with the foreign amount and a notional exchange rate"
            return _not(f"not in US dollars ({', '.join(other)}): {why}; the store has no exchange rate")
        return {"value": f"{total:.2f}", "text": f"USD {total:,.2f}", "note": "the amount the message gives"}

    def action(self) -> Filled:
        return _not("the store records the disposition, not what was done with the property: give it")

    def authority(self) -> Filled:
        measures: dict[str, dict[str, Any]] = {}
        keys = ("id", "short", "title", "citation", "effect", "state", "since", "certainty")
        for hit in self.hits:
            for m in hit.get("measures", []):
                if m.get("effect") in ("block", "review"):
                    measures.setdefault(str(m.get("id")), {k: m.get(k) for k in keys})
        if not measures:
            return self._programmes()
        chosen = [m for m in measures.values() if m["effect"] == "block"] or list(measures.values())
        text = " | ".join(f"{m['short'] or m['id']}: {m['citation']} ({m['state']})" for m in chosen)
        left = [str(m["short"] or m["id"]) for m in measures.values() if m not in chosen]
        notes = [f"also applies, for review only (not blocking): {', '.join(left)}"] if left else []
        if any(m["certainty"] != "verified" for m in chosen):
            notes.append("a measure's coverage rests on a secondary source: check it")
        return {"value": chosen, "text": text, "note": "; ".join(notes) or None}

    def _programmes(self) -> Filled:
        """The listings' programme tags (OFAC's SDN entries carry them: CUBA, SDGT, ...) when no
        measure of clearance's own applies; OFAC asks for more than "SDN" as the authority."""
        found = [
            {
                "entity": hit.get("entity_id"),
                "list": x.get("list"),
                "entry": x.get("entry"),
                "programs": x["programs"],
            }
            for hit in self.hits
            for x in hit.get("listings", [])
            if x.get("programs")
        ]
        if not found:
            return _not(
                "no measure of the case's hits applies on their dates, and their listings name no programme"
            )
        text = " | ".join(
            f"{f['list']} entry {f['entry']}: programme {', '.join(f['programs'])}" for f in found
        )
        note = "the programme tags as the list gives them: name the programme's regulations (its CFR part)"
        return {"value": found, "text": text, "note": note}

    def documents(self) -> Filled:
        if not self.payments:
            return _not("the decisions did not come from a payment message: attach the documents")
        where = [{k: p["item"].get(k) for k in ("source", "line", "position", "refs")} for p in self.payments]
        places = "; ".join(f"{w['source']} line {w['line']} ({w['position']})" for w in where)
        return _not(f"the store keeps where each message was read, not a copy: attach it ({places})", where)

    def warnings(self, kind: str) -> list[str]:
        out = []
        blocks = any(r.decision == "block" for r in self.rows)
        if kind == "blocked_property" and not blocks:
            out.append("no alert of this case blocks (all are 'review'): was the property to be blocked?")
        if kind == "rejected_transaction" and blocks:
            out.append("an alert blocks: 501.604 is for a transaction that is not blocked (else 501.603)")
        if (n := len({r.entity_id for r in self.rows})) > 1:
            why = "the store does not say which one the party is: remove the others from the target"
            out.append(f"the true match covers the case's {n} listed entities; {why}")
        return out

"""The store's tables checked against the audit chain: a row edited, inserted or deleted in the tables
themselves, and not only in the audit log, is tampering too.

`verify` (store.audit) proves the chain is whole; these checks then prove the tables say what the chain
recorded:

* every decision has its `decision` record, its result still hashes to the digest that record signed,
  and its outcome is the one recorded; a decision the chain recorded is present, unless a `purge`
  record names it among those it deleted;
* every alert has its `alert_opened` or `alert_suppressed` record, and a suppressed one names the entry;
* every allowlist row is the one its `allowlist_added` record signed (party, entity, names,
  fingerprint, evidence, expiry, author); an approved one has its `allowlist_approved` record; a
  revoked one its `allowlist_revoked` record;
* every party's name and evidence are those its latest decision recorded, and the rescreen baseline
  is the one the last `baseline` record signed;
* a case's disposition, proposer and approver are those of its last `case_disposed` and
  `case_approved` records.

`check(connection, records)` returns the first problem found as (seq of the record the row should
match, or None for a row with no record, message), or None.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import Connection, select

from clearance.store.schema import alerts, allowlist, baseline, cases, decisions, parties


class Record(Protocol):
    """An audit record as `store.audit` reads it (only what the checks need)."""

    @property
    def seq(self) -> int: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def detail(self) -> str: ...


Problem = tuple[int | None, str]
_ALLOW_FIELDS = (
    "party_key",
    "entity_id",
    "query_name",
    "matched_name",
    "fingerprint",
    "evidence",
    "expires_at",
)


class _Signed:
    """What the chain recorded, by the row it is about."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.decisions: dict[int, tuple[int, dict[str, Any]]] = {}
        self.alerts: dict[int, tuple[int, str, dict[str, Any]]] = {}
        self.allow: dict[int, dict[str, tuple[int, dict[str, Any]]]] = {}
        self.cases: dict[int, dict[str, tuple[int, str, dict[str, Any]]]] = {}
        self.purged: set[int] = set()
        self.party: dict[str, tuple[int, dict[str, Any]]] = {}  # party key -> its latest decision record
        self.baseline: tuple[int, str] | None = None
        self.purged_alerts: set[int] = set()
        self.purged_cases: set[int] = set()
        for r in records:
            kind, _, ident = r.subject.partition(" ")
            if r.action == "baseline":
                self.baseline = (r.seq, str(json.loads(r.detail).get("digest", "")))
                continue
            if not ident.isdigit():
                if r.action == "purge":
                    said = json.loads(r.detail)
                    for field, into in (
                        ("decision_ids", self.purged),
                        ("alert_ids", self.purged_alerts),
                        ("case_ids", self.purged_cases),
                    ):
                        for first, last in said.get(field, []):
                            into.update(range(int(first), int(last) + 1))
                continue
            key, detail = int(ident), json.loads(r.detail)
            if kind == "decision" and r.action == "decision" and detail.get("party"):
                self.party[str(detail["party"])] = (r.seq, detail)
            if kind == "decision" and r.action == "decision":
                self.decisions[key] = (r.seq, detail)
            elif kind == "alert":
                self.alerts[key] = (r.seq, r.action, detail)
            elif kind == "allowlist":
                self.allow.setdefault(key, {})[r.action] = (r.seq, detail)
            elif kind == "case":
                self.cases.setdefault(key, {})[r.action] = (r.seq, r.actor, detail)


def baseline_digest(fingerprints: Iterable[tuple[str, str]]) -> str:
    """SHA-256 of a rescreen baseline, (entity id, fingerprint) pairs in any order."""
    text = "\n".join(f"{entity}:{print_}" for entity, print_ in sorted(fingerprints))
    return hashlib.sha256(text.encode()).hexdigest()


def check(connection: Connection, records: Iterable[Record]) -> Problem | None:
    """The first row that does not say what the chain recorded (see the module's docstring)."""
    signed = _Signed(records)
    for probe in (_decisions, _parties, _baseline, _alerts, _allowlist, _cases):
        found = probe(connection, signed)
        if found is not None:
            return found
    return None


def _decisions(connection: Connection, signed: _Signed) -> Problem | None:
    seen = set()
    query = select(
        decisions.c.id, decisions.c.decision, decisions.c.digest, decisions.c.result, decisions.c.at
    )
    for row in connection.execution_options(yield_per=2000).execute(query.order_by(decisions.c.id)):
        seen.add(row.id)
        if row.id not in signed.decisions:
            return None, f"decision {row.id} has no record in the audit log (inserted)"
        seq, detail = signed.decisions[row.id]
        digest = hashlib.sha256(row.result.encode()).hexdigest()
        if (
            digest != detail.get("digest")
            or row.digest != detail.get("digest")
            or row.decision != detail.get("decision")
        ):
            return seq, f"decision {row.id} was changed: it no longer matches audit record {seq}"
    for ident, (seq, _) in sorted(signed.decisions.items()):
        if ident not in seen and not _purged(signed, ident):
            return seq, f"decision {ident}, recorded by audit record {seq}, was deleted"
    return None


def _parties(connection: Connection, signed: _Signed) -> Problem | None:
    """A party's name and evidence are those its latest decision recorded (a rescreen screens them)."""
    for row in connection.execute(select(parties.c.key, parties.c.name, parties.c.details)):
        found = signed.party.get(row.key)
        if found is None:
            return None, f"party {row.key} has no decision in the audit log (inserted)"
        seq, detail = found
        said = hashlib.sha256(row.details.encode()).hexdigest()
        if detail.get("name", row.name) != row.name or detail.get("evidence", said) != said:
            return seq, f"party {row.key} was changed: it no longer matches audit record {seq}"
    return None


def _baseline(connection: Connection, signed: _Signed) -> Problem | None:
    """The rescreen baseline is the one the last `baseline` record signed."""
    rows = [(r.entity_id, r.fingerprint) for r in connection.execute(select(baseline))]
    if signed.baseline is None:
        return None if not rows else (None, "the rescreen baseline has no record in the audit log")
    seq, digest = signed.baseline
    if baseline_digest(rows) != digest:
        return seq, f"the rescreen baseline was changed: it no longer matches audit record {seq}"
    return None


def _purged(signed: _Signed, ident: int) -> bool:
    """Whether a purge record names decision `ident` among those it deleted."""
    return ident in signed.purged


def _alerts(connection: Connection, signed: _Signed) -> Problem | None:
    closed = {int(r.id) for r in connection.execute(select(cases.c.id).where(cases.c.status == "closed"))}
    query = select(
        alerts.c.id, alerts.c.status, alerts.c.allowlist_id, alerts.c.entity_id, alerts.c.decision,
        alerts.c.score, alerts.c.case_id,
    ).order_by(alerts.c.id)  # fmt: skip
    seen = set()
    for row in connection.execute(query):
        seen.add(row.id)
        found = signed.alerts.get(row.id)
        if found is None:
            return None, f"alert {row.id} has no record in the audit log (inserted)"
        seq, action, detail = found
        changed = f"alert {row.id} was changed: it no longer matches audit record {seq}"
        if row.entity_id != detail.get("entity"):
            return seq, changed
        if action == "alert_suppressed":
            if row.status != "suppressed" or row.allowlist_id != detail.get("allowlist"):
                return seq, changed
            continue
        if (
            row.status == "suppressed"
            or row.decision != detail.get("decision")
            or row.case_id != detail.get("case")
        ):
            return seq, changed
        if abs(float(row.score) - float(detail.get("score", -1))) > 1e-9:
            return seq, changed
        if (row.status == "closed") != (row.case_id in closed):
            return seq, f"alert {row.id} is {row.status} while its case {row.case_id} is not: changed by hand"
    for ident, (seq, _, _) in sorted(signed.alerts.items()):
        if ident not in seen and ident not in signed.purged_alerts:
            return seq, f"alert {ident}, recorded by audit record {seq}, was deleted"
    return None


def _allowlist(connection: Connection, signed: _Signed) -> Problem | None:
    for row in connection.execute(select(allowlist).order_by(allowlist.c.id)):
        steps = signed.allow.get(row.id, {})
        if "allowlist_added" not in steps:
            return None, f"allowlist entry {row.id} has no record in the audit log (inserted)"
        seq, detail = steps["allowlist_added"]
        if any(str(getattr(row, f)) != str(detail.get(f)) for f in (*_ALLOW_FIELDS, "author")):
            return seq, f"allowlist entry {row.id} was changed: it no longer matches audit record {seq}"
        waited = bool(detail.get("waits_for_approval"))
        if row.approved_at is not None and waited and "allowlist_approved" not in steps:
            return seq, f"allowlist entry {row.id} is approved, but no audit record says who approved it"
        if row.approved_at is None and not waited:
            return seq, f"allowlist entry {row.id} was changed: it no longer matches audit record {seq}"
        if row.revoked_at is None and "allowlist_revoked" in steps:
            revoked_seq = steps["allowlist_revoked"][0]
            return (
                revoked_seq,
                f"allowlist entry {row.id} was revoked (audit record {revoked_seq}), but is live",
            )
    return None


def _cases(connection: Connection, signed: _Signed) -> Problem | None:
    seen = set()
    for row in connection.execute(select(cases).order_by(cases.c.id)):
        seen.add(row.id)
        steps = signed.cases.get(row.id, {})
        if "case_opened" not in steps:
            return None, f"case {row.id} has no record in the audit log (inserted)"
        if row.approved_by is not None:
            approval = steps.get("case_approved")
            if approval is None or approval[1] != row.approved_by:
                seq = approval[0] if approval else None
                return seq, f"case {row.id} says it was approved by {row.approved_by}: the audit log does not"
        if row.disposition is not None and row.status != "escalated":
            disposed = steps.get("case_disposed")
            if (
                disposed is None
                or disposed[2].get("disposition") != row.disposition
                or disposed[2].get("reason") != row.reason
                or (row.proposed_by is not None and disposed[1] != row.proposed_by)
            ):
                seq = disposed[0] if disposed else None
                return seq, f"case {row.id}'s disposition is not the one the audit log recorded"
        if row.status == "closed" and row.approved_by is None:
            disposed = steps.get("case_disposed")
            if disposed is None or disposed[2].get("status") != "closed":
                return None, f"case {row.id} is closed, but no audit record closed it"
        if (
            row.status == "escalated"
            and steps.get("case_disposed", (0, "", {}))[2].get("status") != "escalated"
        ):
            return None, f"case {row.id} is escalated, but no audit record escalated it"
    for ident, step in sorted(signed.cases.items()):
        if ident not in seen and ident not in signed.purged_cases and "case_opened" in step:
            seq = step["case_opened"][0]
            return seq, f"case {ident}, opened by audit record {seq}, was deleted"
    return None

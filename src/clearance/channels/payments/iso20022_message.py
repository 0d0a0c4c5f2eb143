"""The messages of one ISO 20022 `Document` as items and rejects (`read_document`), for `iso20022`.

Every element under a Document is a message of its own, numbered in file order, with its own group
header: a pacs.008 (`FIToFICstmrCdtTrf`) or a pain.001 (`CstmrCdtTrfInitn`) is read, any other is one
reject that says how many transactions it holds. A `CdtTrfTxInf` or a `PmtInf` is read only at its place
in its message's schema (pacs.008: `FIToFICstmrCdtTrf/CdtTrfTxInf`; pain.001:
`CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf`); found anywhere else (directly under the Document, inside an
element the schema does not have, inside another transaction, a PmtInf in a pacs.008) it is one reject
naming its path and line, with the number of transactions it holds: never passed over in silence.

A Document that holds nothing is a reject, and so is a message without any transaction, or a PmtInf
without any (each of them makes at least one mandatory).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from datetime import date

from clearance.channels.items import Channel, Item, Reject
from clearance.channels.payments.common import Details, excerpt
from clearance.channels.payments.iso20022_fields import Collector, Node, set_paths
from clearance.channels.payments.iso20022_rest import leftovers

PACS008, PAIN001 = "FIToFICstmrCdtTrf", "CstmrCdtTrfInitn"
ROOTS = {PACS008: "pacs.008", PAIN001: "pain.001"}
STRAYS = ("CdtTrfTxInf", "PmtInf")  # parts of a message read only at their schema's place
_VERSION = re.compile(r"(pacs\.008|pain\.001)\.\d{3}\.\d{2,3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Output = Iterator[Item | Reject]
Counted = Generator[Item | Reject, None, int]  # yields items and rejects, returns a number


def after(number: int) -> str:
    """The position of something found between messages."""
    return f"after message {number}" if number else "before the first message"


def transactions(node: Node) -> int:
    """The transactions (`CdtTrfTxInf`) in an element, itself included."""
    return sum(1 for n in node.walk() if n.tag == "CdtTrfTxInf")


def stray(node: Node, source: str, position: str, where: str) -> Reject:
    """The reject of a `CdtTrfTxInf` or `PmtInf` found outside its place."""
    reason = (
        f"a {node.tag} outside its message's place ({where}): not read; its {transactions(node)} "
        f"transaction(s) are not screened"
    )
    return Reject(source, reason, node.line, position)


def outermost(node: Node) -> list[Node]:
    """The `CdtTrfTxInf` and `PmtInf` elements under `node` that are inside no other one."""
    out: list[Node] = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.tag in STRAYS:
            out.append(child)
        else:
            stack.extend(reversed(child.children))
    return out


def read_document(doc: Node, number: int, header: Node | None, source: str) -> Counted:
    """The items and rejects of one Document (or of a message element standing alone in the file);
    `number` is the last message's number before it, and the last one after it is returned."""
    set_paths(doc)
    if doc.tag in ROOTS:
        yield from _message(doc, doc, number + 1, header, source)
        return number + 1
    if not doc.children:
        namespace = doc.ns or "none"
        reason = f"not a pacs.008 or pain.001 message: the {doc.tag} holds nothing (namespace {namespace})"
        yield Reject(source, reason, doc.line, f"message {number + 1}")
        return number + 1
    for child in doc.children:
        if child.tag in STRAYS:
            yield stray(child, source, after(number), f"directly under the {doc.tag}, at {child.path}")
            continue
        number += 1
        if child.tag in ROOTS:
            yield from _message(child, doc, number, header, source)
            continue
        namespace = child.ns or doc.ns or "none"
        reason = (
            f"not a pacs.008 or pain.001 message: the {doc.tag} holds {child.tag} (namespace {namespace}); "
            f"its {transactions(child)} transaction(s) are not screened"
        )
        yield Reject(source, reason, child.line, f"message {number}")
    return number


def _message(body: Node, doc: Node, number: int, header: Node | None, source: str) -> Output:
    """The items and rejects of one message."""
    kind = ROOTS[body.tag]
    found = _VERSION.search(body.ns or doc.ns)
    message_type = found.group(0) if found and found.group(1) == kind else kind
    group = body.child("GrpHdr") or Node("GrpHdr", "", body.line)
    context = Details()
    context.add("message_type", message_type)
    context.add("declared_transactions", group.value("NbOfTxs"))
    if header is not None:
        set_paths(header)
        context.add("business_message_id", header.value("BizMsgIdr"))
    extras = [c for c in body.children if c is not group and c.tag not in STRAYS]
    message = _Message(source, number, group.value("MsgId"), context.items(), header, group, extras)
    if kind == "pacs.008":
        count = yield from _pacs008(message, body)
    else:
        count = yield from _pain001(message, body)
    for node in _misplaced(body, kind):
        yield stray(node, source, f"message {number}", f"at {node.path}, not where {kind} puts it")
    count_reject = _count(group, count, "GrpHdr/NbOfTxs", message)
    if count_reject is not None:
        yield count_reject


def _misplaced(body: Node, kind: str) -> list[Node]:
    """The outermost `CdtTrfTxInf` and `PmtInf` elements of a message that are not at their place."""
    places = {"CdtTrfTxInf": (PACS008,)} if kind == "pacs.008" else {"PmtInf": (PAIN001,)}
    if kind == "pain.001":
        places["CdtTrfTxInf"] = ("PmtInf",)
    out: list[Node] = []
    stack: list[tuple[Node, Node | None, bool]] = [(body, None, True)]  # (node, parent, parent in place)
    while stack:
        node, parent, parent_placed = stack.pop()
        placed = node is body
        if node.tag in STRAYS and node is not body:
            placed = parent is not None and parent_placed and parent.tag in places.get(node.tag, ())
            if not placed:
                out.append(node)
                continue
        stack.extend((c, node, placed) for c in reversed(node.children))
    return out


class _Message:
    """What the transactions of one message share."""

    def __init__(
        self,
        source: str,
        number: int,
        msg_id: str,
        details: tuple[tuple[str, str], ...],
        header: Node | None,
        group: Node,
        extras: list[Node],
    ) -> None:
        self.source, self.number, self.msg_id = source, number, msg_id
        self.details, self.header, self.group, self.extras = details, header, group, extras

    def reject(self, reason: str, line: int | None, transaction: int | None = None, text: str = "") -> Reject:
        position = f"message {self.number}" + (f", transaction {transaction}" if transaction else "")
        return Reject(self.source, reason, line, position, excerpt(text))

    def collector(self) -> Collector:
        out = Collector()
        for key, value in self.details:
            out.details.add(key, value)
        if self.header is not None:  # the sender and receiver of the business application header
            for part, role in (("Fr", "sender"), ("To", "receiver")):
                if (fi := self.header.child(part, "FIId")) is not None:
                    out.agent(fi, role)
                elif (org := self.header.child(part, "OrgId")) is not None:
                    out.party(org, role)
        out.walk(self.group)
        return out

    def finish(self, out: Collector, *containers: Node) -> None:
        """The text no rule read in the message's header, its other parts and `containers`."""
        out.fields += leftovers([self.group, *self.extras, *containers], out.read)


def _pacs008(message: _Message, body: Node) -> Counted:
    group_date = message.group.value("IntrBkSttlmDt")
    count = 0
    for tx in body.all("CdtTrfTxInf"):
        count += 1
        required = ("PmtId/EndToEndId", "IntrBkSttlmAmt", "Dbtr", "DbtrAgt", "Cdtr", "CdtrAgt")
        missing = _missing_in(tx, required)
        amount = tx.child("IntrBkSttlmAmt")
        if missing:
            yield message.reject(_missing(missing, "pacs.008"), tx.line, count, _refs_text(tx))
            continue
        out = message.collector()
        out.walk(tx)
        message.finish(out, tx)
        if amount is not None:
            out.details.add("amount", amount.text)
            out.details.add("currency", amount.attrs.get("Ccy"))
        if (instructed := tx.child("InstdAmt")) is not None:
            out.details.add("instructed_amount", instructed.text)
            out.details.add("instructed_currency", instructed.attrs.get("Ccy"))
        yield _item(message, tx, count, out, tx.value("IntrBkSttlmDt") or group_date, "IntrBkSttlmDt")
    return count


def _pain001(message: _Message, body: Node) -> Counted:
    count = 0
    for pmt in body.all("PmtInf"):
        requested = pmt.child("ReqdExctnDt")
        day = ""
        if requested is not None:  # a date (up to .001.07), or a choice of Dt and DtTm
            day = requested.value("Dt") or requested.value("DtTm") or requested.text
        pmt_missing = _missing_in(pmt, ("Dbtr", "DbtrAcct", "DbtrAgt"))
        in_block = 0
        for tx in pmt.all("CdtTrfTxInf"):
            count += 1
            in_block += 1
            missing = _missing_in(tx, ("PmtId/EndToEndId", "Amt"))
            missing += [f"PmtInf/{name}" for name in pmt_missing]
            if missing:
                yield message.reject(_missing(missing, "pain.001"), tx.line, count, _refs_text(tx))
                continue
            out = message.collector()
            out.walk(pmt, skip=("CdtTrfTxInf",))
            out.walk(tx)
            message.finish(out, pmt, tx)
            out.details.add("payment_method", pmt.value("PmtMtd"))
            amount = tx.child("Amt", "InstdAmt") or tx.child("Amt", "EqvtAmt", "Amt")
            if amount is not None:
                out.details.add("amount", amount.text)
                out.details.add("currency", amount.attrs.get("Ccy"))
            out.details.add("transfer_currency", tx.value("Amt", "EqvtAmt", "CcyOfTrf"))
            yield _item(message, tx, count, out, day, "ReqdExctnDt", pmt.value("PmtInfId"))
        block_reject = _count(pmt, in_block, f"{pmt.path}/NbOfTxs", message)
        if block_reject is not None:
            yield block_reject
    return count


def _item(
    message: _Message, tx: Node, number: int, out: Collector, day: str, day_name: str, pmt_inf_id: str = ""
) -> Item | Reject:
    as_of = None
    if day:
        try:
            if not _DATE.match(day):
                raise ValueError(day)
            as_of = date.fromisoformat(day[:10])
        except ValueError:
            reason = (
                f"{day_name} '{day[:40]}' is not a date (YYYY-MM-DD): the date the payment is screened on"
            )
            return message.reject(reason, tx.line, number, _refs_text(tx))
    refs = [
        ("EndToEndId", tx.value("PmtId", "EndToEndId")),
        ("UETR", tx.value("PmtId", "UETR")),
        ("TxId", tx.value("PmtId", "TxId")),
        ("InstrId", tx.value("PmtId", "InstrId")),
        ("MsgId", message.msg_id),
        ("PmtInfId", pmt_inf_id),
    ]
    return Item(
        channel=Channel.PAYMENT,
        refs=tuple((k, v) for k, v in refs if v),
        fields=tuple(out.fields),
        source=message.source,
        line=tx.line,
        position=f"message {message.number}, transaction {number}",
        as_of=as_of,
        group=message.msg_id or f"message {message.number}",
        details=out.details.items(),
    )


def _missing_in(node: Node, paths: tuple[str, ...]) -> list[str]:
    """The paths (`PmtId/EndToEndId`) not found under `node`, or found empty (no text, no children)."""
    out = []
    for path in paths:
        found = node.child(*path.split("/"))
        if found is None or not (found.text or found.children):
            out.append(path)
    return out


def _missing(names: list[str], kind: str) -> str:
    return f"missing mandatory element(s) {', '.join(names)} ({kind} credit transfer transaction)"


def _refs_text(tx: Node) -> str:
    ids = tx.child("PmtId")
    parts = [f"{c.tag}={c.text}" for c in ids.children if c.text] if ids is not None else []
    return f"CdtTrfTxInf (line {tx.line})" + (": " + ", ".join(parts) if parts else "")


def _count(node: Node, present: int, where: str, message: _Message) -> Reject | None:
    """A reject when a message or a PmtInf holds no transaction, or when a block's `NbOfTxs` is not
    the number of transactions it holds; None when they agree or, transactions present, no count is
    declared."""
    declared = node.child("NbOfTxs")
    if present == 0:
        what = "the message" if node.tag == "GrpHdr" else f"the PmtInf at {node.path}"
        said = f" (its NbOfTxs says '{declared.text[:20]}')" if declared is not None else ""
        reason = f"{what} holds no transaction (CdtTrfTxInf) where at least one is mandatory{said}"
        return message.reject(reason, node.line)
    if declared is None:
        return None
    if declared.text.isdigit() and int(declared.text) == present:
        return None
    said = f"'{declared.text[:20]}'" if not declared.text.isdigit() else declared.text
    reason = (
        f"{where} declares {said} transaction(s), the message holds {present}: each one present is "
        f"read and screened, the difference is a gap in the file"
    )
    return message.reject(reason, declared.line)

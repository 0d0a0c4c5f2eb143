"""ISO 20022 credit transfers as items: each `CdtTrfTxInf` of a pacs.008 (FIToFICstmrCdtTrf, any
`urn:iso:std:iso:20022:tech:xsd:pacs.008.001.*`) or of a pain.001 (CstmrCdtTrfInitn, `pain.001.001.*`)
is one item, with the fields `iso20022_fields` reads from it, from its group header and, in a pain.001,
from its payment information block (`PmtInf`: its Dbtr, DbtrAcct, DbtrAgt and UltmtDbtr apply to each
of its transactions).

A file holds one `Document`, or several inside any envelope element, each optionally after a business
application header (`AppHdr`, whose `BizMsgIdr` and sender and receiver go with the next document).

The file is read with defusedxml's SAX parser (expat, with entity declarations, external references and
DTDs refused), a chunk at a time: each document is turned into items as soon as it closes, and each
element keeps the line its start tag is on.

Rejects (the rest of the file goes on):

* the XML breaks (a truncated file, a mismatched tag): the parser's line, column and message; items of
  the documents complete before the break have been yielded, the document it breaks in is one reject
  that says how many transactions it had begun, and nothing after the break can be read;
* a document that is neither pacs.008 nor pain.001 (a pacs.009, a camt.053): one reject for it; a
  `CdtTrfTxInf` or `PmtInf` outside any message (in an envelope, under a misspelt root): one reject
  each, never passed over in silence;
* a transaction without an element its message definition makes mandatory and screening needs:
  pacs.008 (CreditTransferTransaction39 of pacs.008.001.08 and its successors): `PmtId/EndToEndId`,
  `IntrBkSttlmAmt`, `Dbtr`, `DbtrAgt`, `Cdtr`, `CdtrAgt` (each [1..1]); pain.001: `PmtId/EndToEndId`
  and `Amt` of the transaction, and `Dbtr`, `DbtrAcct`, `DbtrAgt` of its PmtInf (PaymentInstruction30
  of pain.001.001.09, each [1..1]). `ChrgBr`, mandatory in pacs.008 too, names no one and is not
  required; nor is a pain.001 `Cdtr`, [0..1] up to pain.001.001.10;
* a settlement or execution date that is not a date: the transaction (its date decides the screening);
* `NbOfTxs` (of the group header, or of a PmtInf) different from the transactions present: one reject
  for the message, after its items: every transaction present is still read (fail closed: a count that
  does not add up is reported, never used to drop or to pass anything).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.xmlreader import Locator

from defusedxml.sax import make_parser

from clearance.channels.items import Channel, Item, Reject
from clearance.channels.payments.common import Details, excerpt
from clearance.channels.payments.iso20022_fields import Collector, Node, set_paths
from clearance.errors import InputError

CHUNK = 1 << 16
PACS008, PAIN001 = "FIToFICstmrCdtTrf", "CstmrCdtTrfInitn"
_ROOTS = {PACS008: "pacs.008", PAIN001: "pain.001"}
_STRAYS = ("CdtTrfTxInf", "PmtInf")  # parts of a message found outside one: each a reject
_VERSION = re.compile(r"(pacs\.008|pain\.001)\.\d{3}\.\d{2,3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Output = Iterator[Item | Reject]
Counted = Generator[Item | Reject, None, int]  # yields a message's items, returns its transactions


def read_iso20022(path: Path) -> Output:
    """The transactions of the pacs.008 and pain.001 messages in an XML file, as items and rejects in
    file order. Raises `InputError` when the file cannot be opened."""
    try:
        file = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return _read(file, str(path))


class _Builder(ContentHandler):
    """Builds the element tree of each `Document` (and `AppHdr`) as the parser goes, and lists each one
    that closes in `done`; elements outside them (an envelope) are passed over."""

    def __init__(self) -> None:
        super().__init__()
        self.locator: Locator | None = None
        self.stack: list[Node] = []
        self.parts: list[list[str]] = []
        self.done: list[Node] = []
        self.resume = 1  # the line where the last element finished ends: what follows is unread yet

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator is not None else 0

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:
        uri, local = name
        if not self.stack and local not in ("Document", "AppHdr", *_ROOTS, *_STRAYS):
            return  # an envelope
        found = {k[1]: v for k, v in attrs.items()} if len(attrs) else {}  # most elements have none
        node = Node(local, uri or "", self.line(), found)
        if self.stack:
            self.stack[-1].children.append(node)
        self.stack.append(node)
        self.parts.append([])

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        if self.stack:
            node = self.stack.pop()
            node.text = "".join(self.parts.pop()).strip()
            if not self.stack:
                self.done.append(node)
                self.resume = self.line()

    def characters(self, content: str) -> None:
        if self.parts:
            self.parts[-1].append(content)


def _read(file: IO[bytes], source: str) -> Output:
    builder = _Builder()
    parser = make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(builder)
    parser.forbid_dtd = True
    builder.locator = parser  # the expat reader is its own locator (it hands none out to `feed`)
    state = _State(source)
    broken: tuple[int, int, str] | None = None
    with file:
        try:
            while chunk := file.read(CHUNK):
                parser.feed(chunk)
                yield from state.read(builder)
            parser.close()
        except SAXParseException as exc:
            broken = (exc.getLineNumber() or 0, exc.getColumnNumber() or 0, exc.getMessage())
        except (SAXException, ValueError, LookupError) as exc:  # refusals, an unknown encoding
            broken = (builder.line(), 0, str(exc) or type(exc).__name__)
        except OSError as exc:
            broken = (builder.line(), 0, f"the file could not be read to its end: {exc.strerror or exc}")
    yield from state.read(builder)  # documents that closed before the break, in the last chunk fed
    if broken is not None:
        yield _broken(builder, state.number, broken, source)
    elif state.number == 0 and not state.strays:
        yield Reject(source, "no ISO 20022 Document in the file (no pacs.008 or pain.001 message)", 1, "file")


class _State:
    """The documents read so far, and the business application header waiting for the next one."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.header: Node | None = None
        self.number = 0  # documents read
        self.strays = 0  # transactions or payment blocks found outside any message

    def read(self, builder: _Builder) -> Output:
        """The items and rejects of the elements the builder has finished since the last call."""
        done, builder.done = builder.done, []
        for node in done:
            if node.tag == "AppHdr":
                self.header = node
            elif node.tag in _STRAYS:
                self.strays += 1
                begun = sum(1 for n in node.walk() if n.tag == "CdtTrfTxInf")
                reason = (
                    f"a {node.tag} outside any pacs.008 or pain.001 message (in no FIToFICstmrCdtTrf or "
                    f"CstmrCdtTrfInitn): its {begun} transaction(s) are not screened"
                )
                yield Reject(self.source, reason, node.line, _after(self.number))
            else:
                self.number += 1
                yield from _message(node, self.number, self.header, self.source)
                self.header = None


def _after(number: int) -> str:
    return f"after message {number}" if number else "before the first message"


def _broken(builder: _Builder, number: int, broken: tuple[int, int, str], source: str) -> Reject:
    line, column, problem = broken
    where = f"the XML breaks at line {line}, column {column} ({problem})"
    open_node = builder.stack[0] if builder.stack else None
    if open_node is None or open_node.tag not in ("Document", *_ROOTS):
        inside = f" inside a {open_node.tag} outside any message" if open_node is not None else ""
        resume = open_node.line if open_node is not None else builder.resume
        reason = f"{where}{inside}: nothing after line {resume} can be read"
        return Reject(source, reason, resume, _after(number))
    begun = sum(1 for n in open_node.walk() if n.tag == "CdtTrfTxInf")
    return Reject(
        source,
        f"{where}: message {number + 1} (from line {open_node.line}) is incomplete; the {begun} "
        f"transaction(s) it had begun are not screened, and nothing after the break can be read",
        open_node.line,
        f"message {number + 1}",
    )


def _message(doc: Node, number: int, header: Node | None, source: str) -> Output:
    """The items and rejects of one document."""
    set_paths(doc)
    body = doc if doc.tag in _ROOTS else (doc.children[0] if doc.children else None)
    position = f"message {number}"
    if body is None or body.tag not in _ROOTS:
        root = body.tag if body is not None else "nothing"
        namespace = (body.ns if body is not None else "") or doc.ns or "none"
        reason = f"not a pacs.008 or pain.001 message: the Document holds {root} (namespace {namespace})"
        yield Reject(source, reason, doc.line, position)
        return
    kind = _ROOTS[body.tag]
    found = _VERSION.search(body.ns or doc.ns)
    message_type = found.group(0) if found and found.group(1) == kind else kind
    group = body.child("GrpHdr") or Node("GrpHdr", "", body.line)
    context = Details()
    context.add("message_type", message_type)
    context.add("declared_transactions", group.value("NbOfTxs"))
    if header is not None:
        set_paths(header)
        context.add("business_message_id", header.value("BizMsgIdr"))
    message = _Message(source, number, group.value("MsgId"), context.items(), header, group)
    if kind == "pacs.008":
        count = yield from _pacs008(message, body)
    else:
        count = yield from _pain001(message, body)
    count_reject = _count(group, count, "GrpHdr/NbOfTxs", message)
    if count_reject is not None:
        yield count_reject


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
    ) -> None:
        self.source, self.number, self.msg_id = source, number, msg_id
        self.details, self.header, self.group = details, header, group

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
    """A reject when a block's `NbOfTxs` is not the number of transactions it holds (or when a message
    holds none); None when they agree or no count is declared."""
    declared = node.child("NbOfTxs")
    if declared is None:
        if present == 0 and node.tag == "GrpHdr":
            return message.reject("the message holds no transaction (CdtTrfTxInf)", node.line)
        return None
    if declared.text.isdigit() and int(declared.text) == present:
        return None
    said = f"'{declared.text[:20]}'" if not declared.text.isdigit() else declared.text
    reason = (
        f"{where} declares {said} transaction(s), the message holds {present}: each one present is "
        f"read and screened, the difference is a gap in the file"
    )
    return message.reject(reason, declared.line)

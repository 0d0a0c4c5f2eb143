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

Every element under a Document is a message of its own, with its own group header, and every
`CdtTrfTxInf` and `PmtInf` is read at its schema's place or rejected (`iso20022_message`).

Rejects (the rest of the file goes on):

* the XML breaks (a truncated file, a mismatched tag, a second root after the first: "junk after
  document element"): the parser's line, column and message; items of the documents complete before
  the break have been yielded, the document it breaks in is one reject that says how many transactions
  it had begun, and nothing after the break can be read;
* a message that is neither pacs.008 nor pain.001 (a pacs.009, a camt.053), or a Document holding
  nothing: one reject for it; a `CdtTrfTxInf` or `PmtInf` outside its place (in an envelope, under a
  misspelt root, directly under a Document, inside an element its message does not have): one reject
  each, naming its path and line, never passed over in silence;
* a message, or a pain.001 PmtInf, without any transaction;
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

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.xmlreader import Locator

from defusedxml.sax import make_parser

from clearance.channels.items import Item, Reject
from clearance.channels.payments.iso20022_fields import Node, set_paths
from clearance.channels.payments.iso20022_message import (
    ROOTS,
    STRAYS,
    after,
    outermost,
    read_document,
    stray,
    transactions,
)
from clearance.errors import InputError

CHUNK = 1 << 16
Output = Iterator[Item | Reject]


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
        if not self.stack and local not in ("Document", "AppHdr", *ROOTS, *STRAYS):
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
    elif not state.seen:
        yield Reject(source, "no ISO 20022 Document in the file (no pacs.008 or pain.001 message)", 1, "file")


class _State:
    """The documents read so far, and the business application header waiting for the next one."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.header: Node | None = None
        self.number = 0  # messages read
        self.seen = False  # a document, a message or a stray transaction was found

    def read(self, builder: _Builder) -> Output:
        """The items and rejects of the elements the builder has finished since the last call."""
        done, builder.done = builder.done, []
        for node in done:
            self.seen = self.seen or node.tag != "AppHdr"
            if node.tag == "AppHdr":
                self.header = node
                set_paths(node)
                for part in outermost(node):  # a header holds no transaction: each is a reject
                    where = f"inside a business application header, at {part.path}"
                    yield stray(part, self.source, after(self.number), where)
            elif node.tag in STRAYS:
                node.path = f"/{node.tag}"
                yield stray(node, self.source, after(self.number), "in no pacs.008 or pain.001 message")
            else:
                self.number = yield from read_document(node, self.number, self.header, self.source)
                self.header = None


def _broken(builder: _Builder, number: int, broken: tuple[int, int, str], source: str) -> Reject:
    line, column, problem = broken
    where = f"the XML breaks at line {line}, column {column} ({problem})"
    open_node = builder.stack[0] if builder.stack else None
    if open_node is None or open_node.tag not in ("Document", *ROOTS):
        inside = f" inside a {open_node.tag} outside any message" if open_node is not None else ""
        resume = open_node.line if open_node is not None else builder.resume
        reason = f"{where}{inside}: nothing after line {resume} can be read"
        return Reject(source, reason, resume, after(number))
    begun = transactions(open_node)
    return Reject(
        source,
        f"{where}: message {number + 1} (from line {open_node.line}) is incomplete; the {begun} "
        f"transaction(s) it had begun are not screened, and nothing after the break can be read",
        open_node.line,
        f"message {number + 1}",
    )

"""The parts of an ISO 20022 credit transfer that are screened, as fields: parties, agents, accounts,
addresses, remittance and instructions (`Collector`), read from a message's element tree (`Node`).

Elements are found by their local names, whatever their namespace or version: pacs.008.001.02 to .12
and pain.001.001.03 to .12 name the same things alike (the BIC of an agent is `BIC` before
pacs.008.001.07 and `BICFI` since, the BIC of an organisation `BICOrBEI` before `AnyBIC`: both are read).

What each part gives (`role` is the party's: debtor, creditor, debtor_agent...):

* a party (Dbtr, Cdtr, UltmtDbtr, UltmtCdtr, InitgPty, and a structured remittance's Invcr and Invcee):
  `Nm` as a person when the party has `Id/PrvtId`, an organization when `Id/OrgId`, else a name; its
  postal address (below); `CtryOfRes` a country; `Id/OrgId/AnyBIC` a BIC; `CtctDtls/Nm` (its contact
  person) a name. Its LEI, other identifiers and birth date and place go to the details (`debtor_lei`,
  `creditor_id`, `debtor_birth_date`...).
* an agent (DbtrAgt, CdtrAgt, IntrmyAgt1-3, InstgAgt, InstdAgt, PrvsInstgAgt1-3, FwdgAgt, the
  reimbursement agents of SttlmInf, ChrgsInf/Agt): `FinInstnId/BICFI` a BIC, `FinInstnId/Nm` and
  `BrnchId/Nm` organizations, their postal addresses; clearing member ids and LEIs to the details.
* an account (DbtrAcct, CdtrAcct, the agents' accounts): `Id/IBAN` and `Id/Othr/Id` as IBAN or
  account (`common.account_field`), the account's `Nm` as a name of its owner.
* a postal address: `Ctry` a country, `TwnNm` and `TwnLctnNm` towns, `CtrySubDvsn` and `DstrctNm`
  regions, `StrtNm`, `BldgNb`, `BldgNm` and `PstCd` one address (its path the `PstlAdr`), each `AdrLine`
  an address.
* remittance: each `Ustrd` and each `Strd/AddtlRmtInf` a text; `Strd/CdtrRefInf/Ref` and
  `Strd/RfrdDocInf/Nb` are references (details), never screened.
* the remittance location (`RltdRmtInf/RmtLctnDtls/PstlAdr`, `RltdRmtInf/RmtLctnPstlAdr` before
  pacs.008.001.08): `Nm` a name and `Adr` its postal address, role remittance_location.
* instructions: `InstrForCdtrAgt/InstrInf`, `InstrForNxtAgt/InstrInf`, `InstrForDbtrAgt` texts; each
  `RgltryRptg/Dtls/Inf` a text of role regulatory_reporting.
* details only: `ChrgBr` (charge_bearer), `Purp/Cd` (purpose; a `Purp/Prtry` is also left to the rest).
* the rest: every element with text that none of the above reads is a text of role other, unless it is
  structure (`iso20022_rest`). The `Collector` notes each element it reads (`read`) for that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from clearance.channels.items import Field, FieldKind
from clearance.channels.payments.common import Details, account_field, bic_field


@dataclass(eq=False, slots=True)
class Node:
    """An element of a message: its local name and namespace, the line its start tag is on, its
    attributes by local name, its children, its text (stripped), and its path from the message's root
    with 1-based indexes where siblings share a name (`set_paths`)."""

    tag: str
    ns: str
    line: int
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""
    path: str = ""

    def child(self, *names: str) -> Node | None:
        """The first element down a path of local names (`child("Id", "OrgId")`), or None."""
        node: Node | None = self
        for name in names:
            node = next((c for c in node.children if c.tag == name), None) if node else None
        return node

    def all(self, name: str) -> list[Node]:
        return [c for c in self.children if c.tag == name]

    def value(self, *names: str) -> str:
        """The text of the element down a path of local names, "" when there is none."""
        node = self.child(*names)
        return node.text if node else ""

    def walk(self) -> Iterator[Node]:
        """This element and every element under it, in document order (no recursion: a hostile file
        may nest deeper than Python's stack)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def set_paths(root: Node) -> None:
    """Each element's path from `root` (`/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[2]/Cdtr/Nm`)."""
    root.path = f"/{root.tag}"
    for node in root.walk():
        counts: dict[str, int] = {}
        for c in node.children:
            counts[c.tag] = counts.get(c.tag, 0) + 1
        seen: dict[str, int] = {}
        for c in node.children:
            seen[c.tag] = seen.get(c.tag, 0) + 1
            c.path = f"{node.path}/{c.tag}" + (f"[{seen[c.tag]}]" if counts[c.tag] > 1 else "")


PARTIES = {
    "Dbtr": "debtor",
    "Cdtr": "creditor",
    "UltmtDbtr": "ultimate_debtor",
    "UltmtCdtr": "ultimate_creditor",
    "InitgPty": "initiating_party",
}
AGENTS = {
    "DbtrAgt": "debtor_agent",
    "CdtrAgt": "creditor_agent",
    "IntrmyAgt1": "intermediary_agent",
    "IntrmyAgt2": "intermediary_agent",
    "IntrmyAgt3": "intermediary_agent",
    "InstgAgt": "instructing_agent",
    "InstdAgt": "instructed_agent",
    "PrvsInstgAgt1": "previous_instructing_agent",
    "PrvsInstgAgt2": "previous_instructing_agent",
    "PrvsInstgAgt3": "previous_instructing_agent",
    "FwdgAgt": "forwarding_agent",
    "InstgRmbrsmntAgt": "reimbursement_agent",
    "InstdRmbrsmntAgt": "reimbursement_agent",
    "ThrdRmbrsmntAgt": "reimbursement_agent",
}
ACCOUNTS = {
    "DbtrAcct": "debtor",
    "CdtrAcct": "creditor",
    "DbtrAgtAcct": "debtor_agent",
    "CdtrAgtAcct": "creditor_agent",
    "IntrmyAgt1Acct": "intermediary_agent",
    "IntrmyAgt2Acct": "intermediary_agent",
    "IntrmyAgt3Acct": "intermediary_agent",
    "PrvsInstgAgt1Acct": "previous_instructing_agent",
    "PrvsInstgAgt2Acct": "previous_instructing_agent",
    "PrvsInstgAgt3Acct": "previous_instructing_agent",
    "ChrgsAcct": "debtor",
}
_INSTRUCTIONS = ("InstrForCdtrAgt", "InstrForNxtAgt", "InstrForDbtrAgt")


class Collector:
    """The fields and details of one transaction, gathered part by part in document order."""

    def __init__(self) -> None:
        self.fields: list[Field] = []
        self.details = Details()
        self.read: set[int] = set()  # the ids of the elements read (as fields or details)

    def add(self, role: str, kind: FieldKind, node: Node | None) -> None:
        if node is not None:
            self.read.add(id(node))
            if node.text:
                self.fields.append(Field(role, kind, node.text, node.path, node.line))

    def detail(self, key: str, node: Node | None, *names: str) -> str:
        """The text of the element down `names` from `node` as the detail `key`; the element read."""
        found = node.child(*names) if node is not None else None
        if found is None:
            return ""
        self.read.add(id(found))
        self.details.add(key, found.text)
        return found.text

    def walk(self, container: Node, skip: tuple[str, ...] = ()) -> None:
        """The screened parts among a container's children (a group header, a payment information
        block, a transaction), and the details they carry."""
        for child in container.children:
            tag = child.tag
            if tag in skip:
                continue
            if tag in PARTIES:
                self.party(child, PARTIES[tag])
            elif tag in AGENTS:
                self.agent(child, AGENTS[tag])
            elif tag in ACCOUNTS:
                self.account(child, ACCOUNTS[tag])
            elif tag == "RmtInf":
                self.remittance(child)
            elif tag == "RltdRmtInf":
                self.remittance_location(child)
            elif tag in _INSTRUCTIONS:
                self.instructions(child)
            elif tag == "SttlmInf":
                self.walk(child)
            elif tag == "ChrgsInf":
                agt = child.child("Agt")
                if agt is not None:
                    self.agent(agt, "charges_agent")
            elif tag == "RgltryRptg":
                for dtls in child.all("Dtls"):
                    for inf in dtls.all("Inf"):
                        self.add("regulatory_reporting", FieldKind.TEXT, inf)
            elif tag == "ChrgBr":
                self.detail("charge_bearer", child)
            elif tag == "Purp":  # a code; a proprietary purpose is left to the rest (it may be text)
                self.detail("purpose", child, "Cd")
                self.details.add("purpose", child.value("Prtry"))

    def party(self, node: Node, role: str) -> None:
        org, prvt = node.child("Id", "OrgId"), node.child("Id", "PrvtId")
        kind = FieldKind.PERSON if prvt else FieldKind.ORGANIZATION if org else FieldKind.NAME
        self.add(role, kind, node.child("Nm"))
        self.address(node.child("PstlAdr"), role)
        self.add(role, FieldKind.COUNTRY, node.child("CtryOfRes"))
        self.add(role, FieldKind.NAME, node.child("CtctDtls", "Nm"))
        if org is not None:
            for bic in (org.child("AnyBIC"), org.child("BICOrBEI")):
                if bic is not None:
                    self._bic(role, bic, FieldKind.ORGANIZATION)
            self.detail(f"{role}_lei", org, "LEI")
            for other in org.all("Othr"):
                self.detail(f"{role}_id", other, "Id")
        if prvt is not None:
            birth = prvt.child("DtAndPlcOfBirth")
            if birth is not None:
                self.detail(f"{role}_birth_date", birth, "BirthDt")
                place = [birth.child(name) for name in ("CityOfBirth", "CtryOfBirth")]
                self.read.update(id(n) for n in place if n is not None)
                self.details.add(f"{role}_birth_place", ", ".join(n.text for n in place if n and n.text))
            for other in prvt.all("Othr"):
                self.detail(f"{role}_id", other, "Id")

    def agent(self, node: Node, role: str) -> None:
        fin = node.child("FinInstnId")
        if fin is not None:
            for bic in (fin.child("BICFI"), fin.child("BIC")):
                if bic is not None:
                    self._bic(role, bic, FieldKind.ORGANIZATION)
            self.add(role, FieldKind.ORGANIZATION, fin.child("Nm"))
            self.address(fin.child("PstlAdr"), role)
            self.detail(f"{role}_clearing_id", fin, "ClrSysMmbId", "MmbId")
            self.detail(f"{role}_lei", fin, "LEI")
            self.detail(f"{role}_id", fin, "Othr", "Id")
        branch = node.child("BrnchId")
        if branch is not None:
            self.add(role, FieldKind.ORGANIZATION, branch.child("Nm"))
            self.address(branch.child("PstlAdr"), role)

    def account(self, node: Node, role: str) -> None:
        for ident in (node.child("Id", "IBAN"), node.child("Id", "Othr", "Id")):
            if ident is not None:
                self.read.add(id(ident))
                fld = account_field(role, ident.text, ident.path, ident.line)
                if fld is not None:
                    self.fields.append(fld)
        self.add(role, FieldKind.NAME, node.child("Nm"))
        self.detail(f"{role}_proxy", node, "Prxy", "Id")

    def address(self, node: Node | None, role: str) -> None:
        if node is None:
            return
        parts = {name: node.child(name) for name in ("StrtNm", "BldgNb", "BldgNm", "PstCd")}
        self.read.update(id(n) for n in parts.values() if n is not None)
        text = {name: n.text if n is not None else "" for name, n in parts.items()}
        street = " ".join(v for v in (text["StrtNm"], text["BldgNb"], text["BldgNm"]) if v)
        street = ", ".join(v for v in (street, text["PstCd"]) if v)
        if street:
            self.fields.append(Field(role, FieldKind.ADDRESS, street, node.path, node.line))
        for child in node.children:
            if child.tag in ("TwnNm", "TwnLctnNm"):
                self.add(role, FieldKind.TOWN, child)
            elif child.tag in ("CtrySubDvsn", "DstrctNm"):
                self.add(role, FieldKind.REGION, child)
            elif child.tag == "Ctry":
                self.add(role, FieldKind.COUNTRY, child)
            elif child.tag == "AdrLine":
                self.add(role, FieldKind.ADDRESS, child)

    def remittance(self, node: Node) -> None:
        for child in node.children:
            if child.tag == "Ustrd":
                self.add("remittance", FieldKind.TEXT, child)
            elif child.tag == "Strd":
                for part in child.children:
                    if part.tag == "AddtlRmtInf":
                        self.add("remittance", FieldKind.TEXT, part)
                    elif part.tag == "CdtrRefInf":
                        self.detail("creditor_reference", part, "Ref")
                    elif part.tag == "RfrdDocInf":
                        self.detail("referred_document", part, "Nb")
                    elif part.tag == "Invcr":
                        self.party(part, "invoicer")
                    elif part.tag == "Invcee":
                        self.party(part, "invoicee")

    def remittance_location(self, node: Node) -> None:
        """Where the remittance information is sent: a name and a postal address."""
        places = [d.child("PstlAdr") for d in node.all("RmtLctnDtls")] + [node.child("RmtLctnPstlAdr")]
        for place in places:
            if place is not None:
                self.add("remittance_location", FieldKind.NAME, place.child("Nm"))
                self.address(place.child("Adr"), "remittance_location")

    def instructions(self, node: Node) -> None:
        if not node.children:  # pain.001.001.03: InstrForDbtrAgt holds its text itself
            self.add("instructions", FieldKind.TEXT, node)
        for inf in node.all("InstrInf"):
            self.add("instructions", FieldKind.TEXT, inf)

    def _bic(self, role: str, node: Node, fallback: FieldKind) -> None:
        self.read.add(id(node))
        fld = bic_field(role, node.text, node.path, node.line, fallback)
        if fld is not None:
            self.fields.append(fld)

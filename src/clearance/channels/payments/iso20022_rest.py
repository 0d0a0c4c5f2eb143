"""What no rule of `iso20022_fields` reads in a transaction, its PmtInf, its group header and the other
parts of its message (`SplmtryData`, an element a later version added, a misspelt one): each element
with text is a text of role other (`leftovers`), as the MT103 reader does with a field it does not know,
unless it is structure (`is_structure`). Transactions and payment blocks inside those parts are not
entered: each is a reject of its own (`iso20022_message`).

Structure, never a field (it names no one):

* identifiers, references, amounts, dates and numbers, by the element's name, whatever the value: a name
  ending in `Id`, `Idr` or `Ref` (MsgId, EndToEndId, TxId, InstrId, PmtInfId, MmbId, ClrSysRef,
  BizMsgIdr), UETR and LEI; `...Amt`, `...Rate`, CtrlSum; `...Dt`, `...DtTm`, `...Tm`; `...Nb` (a
  phone, a document's number), NbOfTxs; PlcAndNm (a supplementary data's place, a path);
* codes, by the element's name when the value has a code's shape (up to four letters or digits, or
  `true` or `false`): `Cd`, `Prtry`, `...Ccy`, CcyOfTrf, Ctry, CtryOfRes, CtryOfBirth, ChrgBr, ClrChanl,
  BtchBookg, NmPrfx, Lang, and names ending in `Ind`, `Tp`, `Mtd` or `Prty`. A value without that shape
  in such an element (a proprietary code written out, `<Prtry>Payment to ...</Prtry>`) is text;
* any element whose value has no letter at all (a number, an amount, a date, a phone number), is
  `true` or `false`, a date or a time in ISO form, or a UUID.

Anything else is text. A BIC element (BICFI, BIC, AnyBIC, BICOrBEI) or an IBAN no rule read (an agent
the reader does not know) is a BIC or an IBAN field of role other (`common.bic_field`,
`common.account_field`), screened by its country like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from clearance.channels.items import Field, FieldKind
from clearance.channels.payments.common import account_field, bic_field
from clearance.channels.payments.iso20022_fields import Node

ROLE = "other"
_STRAYS = ("CdtTrfTxInf", "PmtInf")
_IDS = frozenset({"UETR", "LEI", "CtrlSum", "NbOfTxs", "PlcAndNm"})
_ID_ENDS = ("Id", "Idr", "Ref", "Amt", "Rate", "Dt", "DtTm", "Tm", "Nb")
_CODES = frozenset({"Cd", "Prtry", "CcyOfTrf", "Ctry", "CtryOfRes", "CtryOfBirth", "ChrgBr", "ClrChanl"})
_CODES |= {"BtchBookg", "NmPrfx", "Lang"}
_CODE_ENDS = ("Ccy", "Ind", "Tp", "Mtd", "Prty")
_BICS = frozenset({"BICFI", "BIC", "AnyBIC", "BICOrBEI"})
_CODE = re.compile(r"[A-Za-z0-9]{1,4}|(?i:true|false)")
_VALUE = re.compile(
    r"(?i:true|false)"
    r"|\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def is_structure(node: Node) -> bool:
    """Whether an element's text is structure (see the module's text), never screened."""
    tag, text = node.tag, node.text
    if tag in _IDS or tag.endswith(_ID_ENDS):
        return True
    if (tag in _CODES or tag.endswith(_CODE_ENDS)) and _CODE.fullmatch(text):
        return True
    return not any(c.isalpha() for c in text) or _VALUE.fullmatch(text) is not None


def leftovers(containers: Iterable[Node], read: set[int]) -> list[Field]:
    """The text of each element under `containers` (themselves included) that is not in `read` (the
    ids of the elements the rules read) and not structure, as texts of role other, in document order.
    A `CdtTrfTxInf` or `PmtInf` under a container is not entered."""
    out: list[Field] = []
    for root in containers:
        stack = [root]
        while stack:
            node = stack.pop()
            if node is not root and node.tag in _STRAYS:
                continue
            if node.text and id(node) not in read:
                fld = _field(node)
                if fld is not None:
                    out.append(fld)
            stack.extend(reversed(node.children))
    return out


def _field(node: Node) -> Field | None:
    if node.tag in _BICS:
        return bic_field(ROLE, node.text, node.path, node.line, FieldKind.TEXT)
    account = account_field(ROLE, node.text, node.path, node.line) if node.tag == "IBAN" else None
    if account is not None and account.kind is FieldKind.IBAN:
        return account
    if is_structure(node):
        return None
    return Field(ROLE, FieldKind.TEXT, node.text, node.path, node.line)

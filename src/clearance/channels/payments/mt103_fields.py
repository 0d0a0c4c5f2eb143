"""The fields of an MT103's block 4 as screened fields and details (`field`).

What is screened (role in brackets; `path` is the field's tag, `line` the file's line of each value):

* 50A (debtor): the account line, an IBAN or an account, and the BIC; 50K (debtor) and 59 (creditor):
  the account line, the name (first line) and each address line; 59A (creditor): account and BIC;
* 50F and 59F (structured): line 1 an account (`/...`) or an identifier (`CCPT/NL/...`, kept as a
  detail); `1/` the name (lines joined), a person when the party carries a person's identifier (ARNU,
  CCPT, DRLC, NIDN, SOSE), a birth date or place (4/, 5/) or a national identity number (7/), else a
  name; `2/` each an address; `3/CC/town` a country and a town. 4/ to 8/ (birth date and place,
  identity numbers, more of them) go to the details, never screened;
* 51A (sending_institution), 52a (ordering_institution), 53a (senders_correspondent), 54a
  (receivers_correspondent), 55a (third_reimbursement_institution), 56a (intermediary_agent), 57a
  (creditor_agent): option A a BIC, B a location (an address), C an account, D a name and address
  lines; an optional party identifier line (`/D/...`, `//FW...`) is an account or a clearing code;
* every line of a field is a field: in options A and C, a line after the BIC or the account is an
  address (a name written where it does not belong still gets screened); in option D (and 50K, 59) the
  first line after the account is the name and each further line an address, which screening scans
  for names as well (`59` with `ATTN ACCOUNTS` on its first line and the name on its second); an
  account line with nothing after it is the name as well (a name written after a slash);
* 70 (remittance), 72 (instructions), 77B (regulatory_reporting), 77T (envelope): free text
  (`mt103_texts`): only the code words the standard defines for the field are taken off, any other
  word between slashes stays text; in 72, `/INS/` followed by a BIC is that BIC (instructing_agent);
* 23E: its code is a detail, the text after it (`HOLD/...`, `PHOB/...`) a text (instructions);
* a field this reader does not know: its text (role other), so that nothing a message says is left
  unscreened.

Never screened: 20 (the item's first reference), 32A (its date is the item's date, its currency and
amount details), and 23B, 23E's code, 26T, 33B, 36, 71A, 71F, 71G, 13C (details). Tags, codes, amounts,
currencies and dates are never the value of a field; but a detail's field that does not have its shape
(a code, an amount, a time: `_SHAPES`) is screened as text (role other) as well, its words not lost.
"""

from __future__ import annotations

import re

from clearance.channels.items import Field, FieldKind
from clearance.channels.payments.common import Details, account_field, bic_field
from clearance.channels.payments.mt103_texts import Lines, texts

__all__ = ["Lines", "amount", "field"]

_AMOUNT = re.compile(r"([A-Z]{3})(\d[\d,]*)")
_23E = re.compile(r"[A-Z0-9]{4}(?:/(.*))?")
_NUMBERED = re.compile(r"([1-8])/(.*)")
_IDENTIFIER = re.compile(r"([A-Z]{4})/([A-Z]{2})/(.*)")
_PERSON_CODES = {"ARNU", "CCPT", "DRLC", "NIDN", "SOSE"}
_AGENTS = {
    "51": "sending_institution",
    "52": "ordering_institution",
    "53": "senders_correspondent",
    "54": "receivers_correspondent",
    "55": "third_reimbursement_institution",
    "56": "intermediary_agent",
    "57": "creditor_agent",
}
_TEXTS = {"70": "remittance", "72": "instructions", "77B": "regulatory_reporting", "77T": "envelope"}
# the shape of each field kept as a detail: a value without it is screened as text (role other) as well
_SHAPES = {
    "23B": re.compile(r"[A-Z0-9]{4}"),
    "26T": re.compile(r"[A-Z0-9]{3}"),
    "36": re.compile(r"\d[\d,]*"),
    "71A": re.compile(r"[A-Z]{3}"),
    "71F": _AMOUNT,
    "71G": _AMOUNT,
    "13C": re.compile(r"/[A-Z]{1,8}/\d{4}[+-]\d{4}"),
}
_DETAILS = {
    "23B": "bank_operation_code",
    "23E": "instruction_code",
    "26T": "transaction_type",
    "36": "exchange_rate",
    "71A": "charges",
    "71F": "sender_charges",
    "71G": "receiver_charges",
    "13C": "time_indication",
}


def amount(text: str) -> str:
    """An MT amount (`12500,00`, `45000,`) as a decimal with a point."""
    return text.replace(",", ".").rstrip(".")


def field(tag: str, lines: Lines, details: Details) -> list[Field]:
    """The screened values of one field (its details go to `details`)."""
    path = f":{tag}:"
    if tag in ("20", "32A"):
        return []
    if tag == "23E":  # a code, and after a slash a text (`PHOB/+31 20 123`, `HOLD/...`)
        details.add(_DETAILS[tag], " ".join(v.strip() for v, _ in lines))
        coded = _23E.fullmatch(lines[0][0].strip())
        narrative = [(coded.group(1) or "", lines[0][1]), *lines[1:]] if coded else lines
        return texts("instructions", tag, narrative, path)
    if tag in _DETAILS:
        value = " ".join(v.strip() for v, _ in lines)
        details.add(_DETAILS[tag], value)
        return [] if _SHAPES[tag].fullmatch(value) else texts("other", tag, lines, path)
    if tag == "33B":
        m = _AMOUNT.fullmatch(lines[0][0].strip())
        details.add("instructed_currency", m.group(1) if m else None)
        details.add("instructed_amount", amount(m.group(2)) if m else lines[0][0])
        return [] if m and len(lines) == 1 else texts("other", tag, lines, path)
    if tag in ("50A", "59A"):
        role = "debtor" if tag == "50A" else "creditor"
        return _identified(role, lines, path, details, "A", FieldKind.NAME)
    if tag in ("50K", "59"):
        role = "debtor" if tag == "50K" else "creditor"
        return _identified(role, lines, path, details, "D", FieldKind.NAME)
    if tag in ("50F", "59F"):
        return _structured("debtor" if tag == "50F" else "creditor", lines, path, details)
    if tag[:2] in _AGENTS and len(tag) == 3 and tag[2] in "ABCD":
        return _identified(_AGENTS[tag[:2]], lines, path, details, tag[2], FieldKind.ORGANIZATION)
    return texts(_TEXTS.get(tag, "other"), tag, lines, path)


def _identified(
    role: str, lines: Lines, path: str, details: Details, option: str, kind: FieldKind
) -> list[Field]:
    """Options A (BIC), B (location), C (account) and D (name and address), after an optional party
    identifier or account line (`/...`)."""
    out: list[Field] = []
    rest = [(v.strip(), n) for v, n in lines if v.strip()]
    if rest and rest[0][0].startswith("/"):
        ident, number = rest.pop(0)
        if ident.startswith("//"):
            details.add(f"{role}_clearing_id", ident[2:])
        else:
            ident = re.sub(r"^/[CD]/", "", ident).lstrip("/")
            if (account := account_field(role, ident, path, number)) is not None:
                out.append(account)
                if option == "D" and not rest and account.kind is FieldKind.ACCOUNT:
                    out.append(Field(role, kind, ident, path, number))  # no name line: it may be the name
    for i, (value, number) in enumerate(rest):
        fld: Field | None
        if option == "A":  # the BIC; a line after it, a BIC or an address
            fld = bic_field(role, value, path, number, kind if i == 0 else FieldKind.ADDRESS)
        elif option == "D" and i == 0:
            fld = Field(role, kind, value, path, number)
        elif option == "C" and i == 0 and not out:
            fld = account_field(role, value.lstrip("/"), path, number)
        else:  # a location, an address line, a line after the BIC or the account
            fld = Field(role, FieldKind.ADDRESS, value, path, number)
        if fld is not None:
            out.append(fld)
    return out


def _structured(role: str, lines: Lines, path: str, details: Details) -> list[Field]:
    """50F and 59F: a party identifier line, then numbered lines."""
    rest = [(v.strip(), n) for v, n in lines if v.strip()]
    person = False
    out: list[Field] = []
    if rest and not _NUMBERED.fullmatch(rest[0][0]):
        ident, number = rest.pop(0)
        code = _IDENTIFIER.fullmatch(ident)
        if code:
            details.add(f"{role}_id", " ".join(code.groups()))
            person = code.group(1) in _PERSON_CODES
        elif (fld := account_field(role, ident.lstrip("/"), path, number)) is not None:
            out.append(fld)
    names: Lines = []
    name_at = 0  # where the name goes among the fields: at its first line
    for value, number in rest:
        m = _NUMBERED.fullmatch(value)
        digit, text = (m.group(1), m.group(2).strip()) if m else ("", value)
        person = person or digit in ("4", "5", "7")
        if digit == "1":
            name_at = name_at if names else len(out)
            names.append((text, number))
        elif digit == "3" and (place := re.fullmatch(r"([A-Z]{2})(?:/(.*))?", text)):
            out.append(Field(role, FieldKind.COUNTRY, place.group(1), path, number))
            if (place.group(2) or "").strip():
                out.append(Field(role, FieldKind.TOWN, place.group(2).strip(), path, number))
        elif digit in ("4", "5", "6", "7", "8"):
            key = {"4": "birth_date", "5": "birth_place", "7": "national_id"}.get(digit, "id")
            details.add(f"{role}_{key}", text)
        elif text:  # 2/ (an address line), a 3/ without a country, a line without a number
            out.append(Field(role, FieldKind.ADDRESS, text, path, number))
    if names:
        name = " ".join(t for t, _ in names if t)
        kind = FieldKind.PERSON if person else FieldKind.NAME
        out.insert(name_at, Field(role, kind, name, path, names[0][1]))
    return [f for f in out if f.value]

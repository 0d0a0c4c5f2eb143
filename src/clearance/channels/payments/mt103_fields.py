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
* 70 (remittance), 72 (instructions), 77B (regulatory_reporting), 77T (envelope): free text, each
  leading code (`/INV/`, `/ACC/`, `//`) taken off; in 72, `/INS/` followed by a BIC is that BIC
  (instructing_agent); a 72 code and its `//` continuation lines are one text;
* a field this reader does not know: its text (role other), so that nothing a message says is left
  unscreened.

Never screened: 20 (the item's first reference), 32A (its date is the item's date, its currency and
amount details), and 23B, 23E, 26T, 33B, 36, 71A, 71F, 71G, 13C (details). Tags, codes, amounts,
currencies and dates are never the value of a field.
"""

from __future__ import annotations

import re

from clearance.channels.items import Field, FieldKind
from clearance.channels.payments.common import Details, account_field, bic_field

Lines = list[tuple[str, int]]  # a field's lines, each with its line in the file

_AMOUNT = re.compile(r"([A-Z]{3})(\d[\d,]*)")
_CODE = re.compile(r"^/[A-Z0-9]{1,8}/|^//")
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
    if tag in _DETAILS:
        details.add(_DETAILS[tag], " ".join(v.strip() for v, _ in lines))
        return []
    if tag == "33B":
        m = _AMOUNT.fullmatch(lines[0][0].strip())
        details.add("instructed_currency", m.group(1) if m else None)
        details.add("instructed_amount", amount(m.group(2)) if m else lines[0][0])
        return []
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
    if tag in _TEXTS:
        return _texts(_TEXTS[tag], lines, path, allow_bic=tag == "72")
    return _texts("other", lines, path, allow_bic=False)


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
    for i, (value, number) in enumerate(rest):
        fld: Field | None
        if option == "A":
            fld = bic_field(role, value, path, number, kind)
        elif option == "D" and i == 0:
            fld = Field(role, kind, value, path, number)
        elif option == "C":
            fld = account_field(role, value.lstrip("/"), path, number)
        else:  # a location, an address line
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


def _texts(role: str, lines: Lines, path: str, *, allow_bic: bool) -> list[Field]:
    """Free text: one text per code (`/ACC/`) with its continuation lines (`//`), the codes taken off;
    in 72, `/INS/` with a BIC is that BIC."""
    groups: list[tuple[str, str, int]] = []  # (code, text, line)
    for value, number in lines:
        stripped = value.strip()
        found = _CODE.match(stripped)
        body = stripped[found.end() :].strip() if found else stripped
        if (found is not None and found.group(0) != "//") or not groups:
            groups.append((found.group(0) if found else "", body, number))
        else:
            last = groups[-1]
            groups[-1] = (last[0], f"{last[1]} {body}".strip(), last[2])
    out: list[Field] = []
    for code, body, number in groups:
        if not body:
            continue
        if allow_bic and code == "/INS/":
            fld = bic_field("instructing_agent", body, path, number, FieldKind.TEXT)
            if fld is not None:
                out.append(fld)
            continue
        out.append(Field(role, FieldKind.TEXT, body, path, number))
    return out

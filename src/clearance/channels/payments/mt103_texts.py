"""The free-text fields of an MT103 as screened text (`texts`): 70 (remittance), 72 (instructions), 77B
(regulatory_reporting), 77T (envelope), 23E's additional information, and any field the reader does not
know (other).

Only the code words the standard defines for a field are taken off the start of a line (`/INV/`); any
other word between slashes (`/KOMID/`, `/HIZBALLA/`) is text like the rest, its slashes read as spaces.
No text is ever dropped: a code word alone on its line gives nothing, a code word followed by text gives
that text, and anything else gives itself; only a value without any letter (`/RFB/12345`, `/REJT/59`,
a number, an amount, a date) is no field, since it cannot name anyone.

The code words, by field (SWIFT Standards MT, Category 1 and 2 Message Reference Guides):

* 70: INV, IPI, RFB, ROC, TSU (MT 103 field 70, "Codes");
* 72: ACC, INS, INT, REC (MT 103 field 72, "Codes"); BNF, PHON, PHONBEN, PHONIBK, TELE, TELEBEN,
  TELEIBK, TSU (the same field in MT 202 and 205, which an MT103's 72 also carries by bilateral
  agreement); INTA and SVC (bilateral: instructions for the intermediary agent, a service level); REJT
  and RETN and, after them, a reason code (two letters and two digits, `/AC01/`) and MREF, TREF, CHGS,
  TEXT (the Payments Reject/Return Guidelines); EXCH (the EC directive's exchange rate) and OCMT and
  CHGS (ERI, the euro-related information);
* 77B: BENEFRES and ORDERRES (the residence of the beneficiary and of the ordering customer), each
  followed by an ISO country code (a country of the creditor or the debtor) and `//` and text;
* 77T, 23E and any other field: none.

A line that starts `//` continues the text of the line above (a code word's narrative). In 72, `/INS/`
followed by a BIC is that BIC (role instructing_agent).
"""

from __future__ import annotations

import re

from clearance.channels.items import Field, FieldKind
from clearance.channels.payments.common import bic_field

Lines = list[tuple[str, int]]  # a field's lines, each with its line in the file

CODES: dict[str, frozenset[str]] = {
    "70": frozenset({"INV", "IPI", "RFB", "ROC", "TSU"}),
    "72": frozenset(
        {"ACC", "INS", "INT", "REC", "BNF", "PHON", "PHONBEN", "PHONIBK", "TELE", "TELEBEN", "TELEIBK"}
        | {"TSU", "INTA", "SVC", "REJT", "RETN", "MREF", "TREF", "CHGS", "TEXT", "EXCH", "OCMT"}
    ),
    "77B": frozenset({"BENEFRES", "ORDERRES"}),
}
_RESIDENCE = {"BENEFRES": "creditor", "ORDERRES": "debtor"}
_LEADING = re.compile(r"/([^/\s]{1,35})/")  # a word between slashes at the start of a line
_REASON = re.compile(r"[A-Z]{2}[0-9]{2}")  # a reject or return reason (AC01, AM04, RR03)
_COUNTRY = re.compile(r"([A-Z]{2})(?:(?://|\s)(.*))?$", re.S)


def texts(role: str, tag: str, lines: Lines, path: str) -> list[Field]:
    """The screened text of a free-text field: one text per code word (`/ACC/`) with its continuation
    lines, the code words of `tag` taken off, every other word kept."""
    codes = CODES.get(tag, frozenset())
    rejected = bool(lines) and lines[0][0].strip()[:6] in ("/REJT/", "/RETN/")
    groups: list[tuple[str, str, int]] = []  # (code word, text, line)
    for value, number in lines:
        stripped = value.strip()
        if stripped.startswith("//") and groups:  # the narrative of the line above
            code, text, first = groups[-1]
            groups[-1] = (code, f"{text} {stripped[2:].strip()}".strip(), first)
            continue
        if stripped.startswith("//"):
            groups.append(("", stripped[2:].strip(), number))
            continue
        found = _LEADING.match(stripped)
        if found is None:  # plain text, or a slash without its closing one: text, the next to a code's
            body = stripped.lstrip("/").strip()
            if groups and not stripped.startswith("/"):
                code, text, first = groups[-1]
                groups[-1] = (code, f"{text} {body}".strip(), first)
            else:
                groups.append(("", body, number))
            continue
        word, rest = found.group(1), stripped[found.end() :].strip()
        if word in codes or (tag == "72" and rejected and _REASON.fullmatch(word)):
            groups.append((word, rest, number))
        else:  # a word between slashes that is no code of this field: text, the slashes spaces
            groups.append(("", f"{word} {rest}".strip(), number))
    out: list[Field] = []
    for code, body, number in groups:
        out += _group(role, tag, code, body, path, number)
    return out


def _group(role: str, tag: str, code: str, body: str, path: str, number: int) -> list[Field]:
    if not any(c.isalpha() for c in body):  # nothing, or a number, an amount, a date: it names no one
        return []
    if tag == "72" and code == "INS":
        fld = bic_field("instructing_agent", body, path, number, FieldKind.TEXT)
        return [fld] if fld is not None else []
    if tag == "77B" and code in _RESIDENCE and (place := _COUNTRY.match(body)) is not None:
        out = [Field(_RESIDENCE[code], FieldKind.COUNTRY, place.group(1), path, number)]
        narrative = (place.group(2) or "").strip()
        if narrative:
            out.append(Field(role, FieldKind.TEXT, narrative, path, number))
        return out
    return [Field(role, FieldKind.TEXT, body, path, number)]

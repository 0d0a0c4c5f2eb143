"""The remarks of an OFAC entry, read for real.

OFAC's legacy files (sdn.csv, cons_prim.csv) put most of what they know about an entry into one free-text
field, as items separated by "; ":

    DOB 09 Feb 1951; POB Gaza, Egypt; Passport 92/664 (Egypt); a.k.a. 'ABU-'UMAR'; Linked To: HAMAS.

A repeated item starts with "alt." ("alt. ISIN XS1432320429"). A remarks field is cut at 1,000 characters;
the rest of it, mid-word, is in sdn_comments.csv / cons_comments.csv (see `ofac_csv`). The XML files carry
the same items as structured elements (idList, dateOfBirthList, ...); `ofac_xml` writes each of them back
as the item the CSV would hold and reads it here, so both formats give the same facts.

Names in single quotes are OFAC's *weak* aliases (short or generic: matched only as the whole query). An
item this module does not know is kept as a ("remarks", item) detail, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from clearance.domain.enums import NameType
from clearance.domain.model import Identifier, Name

NEW_YORK = ZoneInfo("America/New_York")

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DATE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})")


@dataclass(slots=True)
class Remarks:
    """What the remarks of one entry say, sorted into what the model can carry."""

    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)  # names of linked entries, as written
    cmic_listed: date | None = None
    cmic_effective: date | None = None
    cmic_divest_by: date | None = None
    problems: list[str] = field(default_factory=list)  # items that looked known but could not be read

    @property
    def cmic_effective_at(self) -> datetime | None:
        """12:01 a.m. New York time on the CMIC effective date (EO 14032 sec. 1: new sec. 1(a)(i) of
        EO 13959)."""
        if self.cmic_effective is None:
            return None
        d = self.cmic_effective
        return datetime(d.year, d.month, d.day, 0, 1, tzinfo=NEW_YORK)


# What each item label means. Kinds:
#   name     an alias (a.k.a., f.k.a., n.k.a.): weak when in single quotes
#   issuer   the issuer name of listed securities: a strong name, and a detail
#   id       an identifier of `scheme`, its number cut from "(Country)", "issued ...", "expires ...";
#            `detail` (when given) also keeps the item as written, with its country, for the analyst
#   detail   a fact shown to the analyst, under `key`
#   linked   "Linked To: NAME": a relation, resolved by the reader
#   cmic     one of the three NS-CMIC dates
# Labels are matched at the start of an item (after "alt."), longest first.
_RULES: dict[str, tuple[str, str, bool]] = {
    # label: (kind, scheme or key, keep the item as a detail too)
    "a.k.a.": ("name", "aka", False),  # a former (f.k.a.) or new (n.k.a.) name is matched as an alias
    "f.k.a.": ("name", "fka", False),
    "n.k.a.": ("name", "nka", False),
    "Issuer Name": ("issuer", "issuer_name", True),
    "Linked To:": ("linked", "linked_to", False),
    "Listing Date (CMIC)": ("cmic", "listed", False),
    "Effective Date (CMIC)": ("cmic", "effective", False),
    "Purchase/Sales For Divestment Date (CMIC)": ("cmic", "divest_by", False),
    # securities and companies
    "ISIN": ("id", "isin", False),
    "Equity Ticker": ("id", "ticker", False),
    "Legal Entity Number": ("id", "lei", False),
    "Unified Social Credit Code (USCC)": ("id", "uscc", False),
    "United Social Credit Code Certificate (USCCC)": ("id", "uscc", False),
    "SWIFT/BIC": ("id", "bic", False),
    "D-U-N-S Number": ("id", "duns", False),
    "Company Number": ("id", "company_number", True),
    "UK Company Number": ("id", "company_number", True),
    "Registration ID": ("id", "company_number", True),
    "Registration Number": ("id", "company_number", True),
    "Business Registration Number": ("id", "company_number", True),
    "Business Registration Document #": ("id", "company_number", True),
    "Business Number": ("id", "company_number", True),
    "Commercial Registry Number": ("id", "company_number", True),
    "Commercial Registration Number": ("id", "company_number", True),
    "Certificate of Incorporation Number": ("id", "company_number", True),
    "Chamber of Commerce Number": ("id", "company_number", True),
    "Public Registration Number": ("id", "company_number", True),
    "Enterprise Number": ("id", "company_number", True),
    "Matricula Mercantil No": ("id", "company_number", True),
    "Folio Mercantil No.": ("id", "company_number", True),
    "C.R. No.": ("id", "company_number", True),
    "Trade License No.": ("id", "company_number", True),
    "Government Gazette Number": ("id", "company_number", True),
    "Tax ID No.": ("id", "tax_id", True),
    "NIT #": ("id", "tax_id", True),
    "RUC #": ("id", "tax_id", True),
    "RIF #": ("id", "tax_id", True),
    "R.F.C.": ("id", "tax_id", True),
    "V.A.T. Number": ("id", "tax_id", True),
    "US FEIN": ("id", "tax_id", True),
    "BIK (RU)": ("id", "bik", False),
    # people
    "Passport": ("id", "passport", True),
    "Diplomatic Passport": ("id", "passport", True),
    "National ID No.": ("id", "national_id", True),
    "Cedula No.": ("id", "national_id", True),
    "D.N.I.": ("id", "national_id", True),
    "C.U.R.P.": ("id", "national_id", True),
    "CURP #": ("id", "national_id", True),
    "SSN": ("id", "national_id", True),
    "Personal ID Card": ("id", "national_id", True),
    "Identification Number": ("id", "national_id", True),
    "National Foreign ID Number": ("id", "national_id", True),
    "Italian Fiscal Code": ("id", "national_id", True),
    "Turkish Identification Number": ("id", "national_id", True),
    "Electoral Registry No.": ("id", "national_id", True),
    "Residency Number": ("id", "national_id", True),
    "Birth Certificate Number": ("id", "national_id", True),
    "Driver's License No.": ("id", "national_id", True),
    "Cartilla de Servicio Militar Nacional": ("id", "national_id", True),
    "DOB": ("detail", "dob", False),
    "POB": ("detail", "pob", False),
    "nationality": ("detail", "nationality", False),
    "citizen": ("detail", "citizenship", False),
    "Gender": ("detail", "gender", False),
    # vessels and aircraft
    "Vessel Registration Identification": ("id", "imo", False),
    "MMSI": ("id", "mmsi", False),
    "Former Vessel Flag": ("detail", "former_vessel_flag", False),
    "Nationality of Registration": ("detail", "nationality_of_registration", False),
    "Vessel Year of Build": ("detail", "year_built", False),
    "Other Vessel Type": ("detail", "vessel_type", False),
    "Other Vessel Flag": ("detail", "vessel_flag", False),
    "Other Vessel Call Sign": ("detail", "call_sign", False),
    "Aircraft Manufacturer's Serial Number (MSN)": ("id", "aircraft_msn", False),
    "Aircraft Tail Number": ("id", "aircraft_tail_number", False),
    "Aircraft Construction Number (also called L/N or S/N or F/N)": (
        "detail",
        "aircraft_construction_number",
        False,
    ),
    "Aircraft Manufacture Date": ("detail", "aircraft_manufacture_date", False),
    "Aircraft Model": ("detail", "aircraft_model", False),
    "Aircraft Operator": ("detail", "aircraft_operator", False),
    "Previous Aircraft Tail Number": ("detail", "previous_aircraft_tail_number", False),
    # contact and other facts
    "Digital Currency Address -": ("id", "crypto", True),
    "Website": ("detail", "website", False),
    "Email Address": ("detail", "email", False),
    "Phone Number": ("detail", "phone", False),
    "Telephone": ("detail", "phone", False),
    "Fax": ("detail", "fax", False),
    "Target Type": ("detail", "target_type", False),
    "Organization Established Date": ("detail", "established", False),
    "Organization Type:": ("detail", "organization_type", False),
    # what the sanctions on the entry are, in OFAC's words
    "Secondary sanctions risk:": ("detail", "sanctions_info", True),
    "Additional Sanctions Information -": ("detail", "sanctions_info", True),
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:": (
        "detail",
        "sanctions_info",
        True,
    ),
    "CAATSA Section 235 Information:": ("detail", "sanctions_info", True),
    "IFCA Determination -": ("detail", "sanctions_info", True),
}

# Items that start like these describe the sanctions: Executive Order 13662 Directive Determination -
# Subject to Directive 1; Listing Date (EO 14024 Directive 3): 24 Feb 2022; ...
_SANCTIONS_INFO = re.compile(
    r"(?:Executive Order \d+|Listing Date \(|Effective Date \(|[Ff]or more information"
    r"|United States financial institutions are prohibited)"
)
_ITEM = re.compile(
    r"(?:alt\.\s+)?(?P<label>"
    + "|".join(re.escape(k) for k in sorted(_RULES, key=len, reverse=True))
    + r")(?:\s*[:#])?(?:\s+|$)(?P<value>.*)",
    re.DOTALL,
)
_SPLIT = re.compile(r";\s+")
_NUMBER_END = re.compile(r"\s*(?:\(|\bissued\b|\bexpires\b|\bvalid\b)")
_IMO = re.compile(r"\bIMO\s*(\d{7})\b")


def split_items(text: str) -> list[str]:
    """The items of a remarks text: "; " separated, the final period dropped."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1]
    return [item.strip() for item in _SPLIT.split(text) if item.strip()]


def parse_date(text: str) -> date | None:
    """'02 Aug 2021' (OFAC's form) as a date; None when it is not one."""
    m = _DATE.search(text)
    if not m:
        return None
    month = _MONTHS.get(m.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return None


def _unquote(value: str) -> tuple[str, bool]:
    value = value.strip()
    if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
        return value[1:-1].strip(), True
    return value, False


def parse_item(item: str, out: Remarks, citation: str | None = None) -> None:
    """Read one remarks item into `out`."""
    m = _ITEM.match(item)
    if m is None:
        bare = item[5:].lstrip() if item.startswith("alt. ") else item
        key = "sanctions_info" if _SANCTIONS_INFO.match(bare) else "remarks"
        out.details.append((key, item))
        return
    label, value = m.group("label"), m.group("value").strip()
    kind, key, keep = _RULES[label]
    if not value:
        out.details.append(("remarks", item))
        return
    if kind == "name":
        name, quoted = _unquote(value)
        if name:
            out.names.append(Name(name, NameType.WEAK if quoted else NameType.STRONG, citation=citation))
    elif kind == "issuer":
        out.names.append(Name(value, NameType.STRONG, citation=citation))
        out.details.append((key, value))
    elif kind == "linked":
        out.linked_to.append(value)
    elif kind == "cmic":
        when = parse_date(value)
        if when is None:
            out.problems.append(f"unreadable date in '{item}'")
            out.details.append(("remarks", item))
        elif key == "listed":
            out.cmic_listed = when
        elif key == "effective":
            out.cmic_effective = when
        else:
            out.cmic_divest_by = when
    elif kind == "id":
        _identifier(label, key, value, item, out, citation, keep=keep)
    else:
        out.details.append((key, item if keep else value))


def _identifier(
    label: str, scheme: str, value: str, item: str, out: Remarks, citation: str | None, *, keep: bool
) -> None:
    if scheme == "imo":
        m = _IMO.search(value)
        if m:
            out.identifiers.append(Identifier("imo", m.group(1), citation))
        else:
            out.details.append(("vessel_registration", value))
        return
    if label == "Identification Number" or label == "Company Number":
        m = _IMO.search(value)
        if m:  # "Identification Number IMO 5342883", "Company Number IMO 5055293": IMO company numbers
            out.identifiers.append(Identifier("imo", m.group(1), citation))
            return
    if scheme == "crypto":
        currency, _, address = value.partition(" ")
        address = address.strip()
        if address:
            out.identifiers.append(Identifier("crypto", address, citation))
            out.details.append(("crypto", f"{currency} {address}"))
        else:
            out.details.append(("remarks", item))
        return
    number = _NUMBER_END.split(value, maxsplit=1)[0].strip().rstrip(",;")
    if not number:
        out.details.append(("remarks", item))
        return
    if scheme in ("isin", "lei", "bic"):
        number = number.upper()
    out.identifiers.append(Identifier(scheme, number, citation))
    if keep:
        out.details.append((scheme, value if scheme == "passport" else f"{label} {value}"))


def parse_remarks(text: str | None, citation: str | None = None, into: Remarks | None = None) -> Remarks:
    """Every item of a remarks text, sorted; `into` to add to what another source already gave."""
    out = into if into is not None else Remarks()
    if text:
        for item in split_items(text):
            parse_item(item, out, citation)
    return out

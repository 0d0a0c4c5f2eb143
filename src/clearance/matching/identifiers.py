"""Identifiers as people write them: bare ("9187629", "US1694261033") or with their label ("IMO 9187629",
"IMO: 9187629", "ISIN US1694261033", "passport no. AB149814", "tax id: 7707083893"), found among the
listed identifiers after case folding and removing spaces and hyphens.

The labels are ours (`LABELS`): a short table of the words compliance files put before an identifier,
each with the scheme it names and the shape of that scheme's values, matched case-insensitively, with an
optional "no.", "number", "nr", ":" or "#" after it. A label is read only when what follows has the
scheme's shape, so that "Lei Jun", "Swift Logistics" or "Bic Camera" stay names. Where the scheme has
a check digit, `python-stdnum` checks it (ISIN, LEI, IMO, and BIC's form and country code): a value
that fails is still looked up (lists hold mistyped ids too), and the reading says why it fails.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from stdnum import bic, imo, isin, lei
from stdnum.exceptions import ValidationError

from clearance.domain.model import Entity, Identifier

Found = Sequence[tuple[Entity, Identifier]]

_ANY = r"(?=[A-Z0-9./]*\d)[A-Z0-9][A-Z0-9./]{3,39}"  # 4 to 40 letters, digits, . and /, one digit at least


@dataclass(frozen=True, slots=True)
class Scheme:
    """An identifier scheme a label names: its listed scheme name, the shape of its values (once upper
    case and without spaces and hyphens), its check (stdnum), and the labels written for it."""

    name: str
    title: str
    shape: str
    labels: tuple[str, ...]
    check: Callable[[str], object] | None = None


LABELS = (
    Scheme("imo", "IMO number", r"\d{7}", ("imo", "imo number"), imo.validate),
    Scheme("isin", "ISIN", r"[A-Z]{2}[A-Z0-9]{9}\d", ("isin",), isin.validate),
    Scheme("lei", "LEI", r"[A-Z0-9]{18}\d{2}", ("lei", "lei code"), lei.validate),
    Scheme(
        "bic",
        "BIC",
        r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?",
        ("bic", "swift", "swift/bic", "bic/swift", "swift code", "bic code", "swift bic"),
        bic.validate,
    ),
    Scheme("mmsi", "MMSI", r"\d{9}", ("mmsi",)),
    # an exchange ticker, as OFAC's remarks write it ("Equity Ticker 00981 HK"): code and market
    Scheme(
        "ticker",
        "ticker",
        r"[A-Z0-9][A-Z0-9./:]{0,15}",
        ("ticker", "equity ticker", "stock ticker", "ticker symbol"),
    ),
    Scheme("uscc", "USCC", r"[0-9A-Z]{18}", ("uscc", "unified social credit code")),
    Scheme("duns", "D-U-N-S number", r"\d{9}", ("duns", "d-u-n-s")),
    Scheme("passport", "passport", _ANY, ("passport", "passport id")),
    Scheme("national_id", "national id", _ANY, ("national id", "national id card", "id card", "cedula")),
    Scheme(
        "tax_id",
        "tax id",
        _ANY,
        ("tax id", "tax identification", "tax identification number", "tin", "inn", "taxpayer id"),
    ),
    Scheme(
        "crypto",
        "digital currency address",
        r"[A-Z0-9]{20,100}",
        ("digital currency address", "xbt", "btc", "eth", "usdt", "usdc", "xmr", "ltc", "bch", "trx", "zec"),
    ),
    Scheme(
        "company_number",
        "company number",
        _ANY,
        ("company", "company registration", "registration", "reg", "commercial registry", "ogrn"),
    ),
)
_BY_LABEL = {label: scheme for scheme in LABELS for label in scheme.labels}
_LABELLED = re.compile(
    r"^\s*(?P<label>"
    + "|".join(sorted((re.escape(label) for label in _BY_LABEL), key=len, reverse=True))
    + r")(?![A-Za-z])\.?(?:\s*(?:no|nr|num|number)\b\.?)?\s*[:#]?\s*(?P<value>\S.*?)\s*$",
    re.IGNORECASE,
)
_CLEAN = re.compile(r"[\s\-]+")
_COUNTRY_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_BRANCH_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}XXX$")  # the head office's eleven-letter BIC


@dataclass(frozen=True, slots=True)
class Reading:
    """An identifier written with its label: the value to look up, the label as written and the scheme
    it names, and `problem`, why the value's check digit or form fails (None when it passes or the
    scheme has no check)."""

    value: str
    label: str
    scheme: Scheme
    problem: str | None = None


def read(text: str) -> Reading | None:
    """A labelled identifier ("IMO 9187629", "passport no. X"), or None when the text does not start with
    a known label followed by a value of the scheme's shape."""
    m = _LABELLED.match(unicodedata.normalize("NFKC", text))
    if m is None:
        return None
    scheme = _BY_LABEL[" ".join(m["label"].lower().split())]
    value = _COUNTRY_NOTE.sub("", m["value"]).strip()  # "215215 (Libya)", as OFAC writes it
    compact = _CLEAN.sub("", value).upper()
    if not re.fullmatch(scheme.shape, compact):
        return None
    return Reading(value, m["label"], scheme, _problem(scheme, compact))


def _problem(scheme: Scheme, compact: str) -> str | None:
    if scheme.check is None:
        return None
    try:
        scheme.check(compact)
    except ValidationError as exc:
        return f"{scheme.title} {compact} fails its check ({str(exc).rstrip('.').lower()})"
    return None


def find(text: str, lookup: Callable[[str], Found], *, bare: re.Pattern[str] | None = None) -> Found:
    """The listed identifiers a text names: the whole text (when `bare` is None, or the text has its
    shape), then the value after a label. A label that names a scheme keeps the identifiers of that
    scheme when there are any (a passport number equal to someone's tax id is looked at only when no
    passport has it)."""
    text = unicodedata.normalize("NFKC", text).strip()  # a no-break space, full-width digits
    found: dict[tuple[str, str, str], tuple[Entity, Identifier]] = {}
    if bare is None or bare.match(text):
        found.update(((e.id, i.scheme, i.value), (e, i)) for e, i in lookup(text))
        if _BRANCH_BIC.match(text.upper()):  # HAVIGB2LXXX is the listed HAVIGB2L
            found.update(((e.id, i.scheme, i.value), (e, i)) for e, i in lookup(text[:8]))
    reading = read(text)
    if reading is not None:
        labelled = list(lookup(reading.value))
        if reading.scheme.name == "bic" and _BRANCH_BIC.match(_CLEAN.sub("", reading.value).upper()):
            labelled += lookup(_CLEAN.sub("", reading.value)[:8])
        same = [(e, i) for e, i in labelled if i.scheme == reading.scheme.name]
        found.update(((e.id, i.scheme, i.value), (e, i)) for e, i in (same or labelled))
    return tuple(found.values())

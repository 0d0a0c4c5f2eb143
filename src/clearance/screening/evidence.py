"""Secondary evidence: what a user knows of a party besides its name (a date of birth, countries,
identifiers), weighed against each listed entity the name matched.

Per hit, each piece agrees, is close, differs, or is one the list does not have (neutral, and said so):

* date of birth: agreeing with a listed date (the spans share a day: a year given agrees with any listed
  date in that year) adds `BIRTH_AGREES`; a listed date in the same year but another day, or a year
  apart, is close (neutral); every listed date more than a year away takes off `BIRTH_DIFFERS` and the
  hit can no longer block: the score stays within [review, strong), so a strong name match becomes
  review, never clear;
* country (nationality, residence, incorporation): one among the listed nationalities, citizenships,
  countries, places of birth, addresses or flags adds `COUNTRY_AGREES`; none among them takes off
  `COUNTRY_DIFFERS`, never below the review threshold;
* identifier: one equal to a listed identifier (case, spaces and hyphens aside, with or without its
  label) makes the hit an identifier match (score 1.0) that blocks on its own, whatever the rest says;
  one that is not listed is neutral (a party holds several ids, and lists give only some).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from clearance.domain.births import Span, given_span, listed_span
from clearance.domain.model import Entity, Identifier
from clearance.errors import InputError
from clearance.matching.config import ScorerConfig
from clearance.matching.identifiers import read
from clearance.matching.keys import identifier_key
from clearance.matching.matcher import Match, MatchedBy
from clearance.screening.countries import country_name, given_country, listed_country, place_country

BIRTH_AGREES = 0.05
BIRTH_DIFFERS = 0.10
COUNTRY_AGREES = 0.03
COUNTRY_DIFFERS = 0.03
MAX_IDENTIFIERS = 20  # ids given for one party
# facts that name a party's countries, as (detail key, how the explanation calls it, read as a place)
COUNTRY_FACTS = (
    ("nationality", "nationality", False),
    ("citizenship", "citizenship", False),
    ("vessel_flag", "flag", False),
    ("nationality_of_registration", "registration", False),
    ("pob", "place of birth", True),
    ("address", "address", True),
)
# details that hold an id some lists do not give as an identifier
ID_FACTS = ("passport", "national_id", "tax_id", "company_number", "document")


class Outcome(StrEnum):
    AGREES = "agrees"
    CLOSE = "close"
    DIFFERS = "differs"
    NOT_LISTED = "not_listed"  # the list does not have it: neutral
    UNMATCHED = "unmatched"  # an id the list does not hold, among others it does: neutral


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known of the party besides its name. Build it with `Evidence.of`, which checks it."""

    birth: Span | None = None
    countries: tuple[str, ...] = ()  # ISO alpha-2 codes
    identifiers: tuple[str, ...] = ()  # as given, with or without a label

    @classmethod
    def of(
        cls,
        *,
        birth_date: str | date | None = None,
        country: str | Iterable[str] | None = None,
        identifier: str | Iterable[str] | None = None,
    ) -> Evidence:
        """Evidence from what a user gives: a date of birth (YYYY-MM-DD, YYYY-MM or YYYY), one or more
        countries (ISO codes or English names; in one text, separated by ';'), one or more identifiers
        (likewise). Empty values count as not given. Raises `InputError` for a date or country it cannot
        read, or an identifier with a control character or over 100 characters."""
        birth = given_span(birth_date) if birth_date not in (None, "") else None
        countries = tuple(dict.fromkeys(given_country(c) for c in _values(country)))
        # NFKC: a no-break space or full-width digits pasted from a document are the plain ones
        identifiers = tuple(dict.fromkeys(unicodedata.normalize("NFKC", v) for v in _values(identifier)))
        for ident in identifiers:
            if len(ident) > 100 or not ident.isprintable():
                raise InputError(f"invalid identifier '{ident[:40]}': printable text, 100 characters at most")
        if len(identifiers) > MAX_IDENTIFIERS:
            raise InputError(f"{len(identifiers)} identifiers given; at most {MAX_IDENTIFIERS}")
        return cls(birth, countries, identifiers)

    def __bool__(self) -> bool:
        return bool(self.birth or self.countries or self.identifiers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "birth_date": str(self.birth) if self.birth else None,
            "countries": list(self.countries),
            "identifiers": list(self.identifiers),
        }


NO_EVIDENCE = Evidence()


def _values(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in str(item).split(";") if part.strip()]


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of evidence against one hit: what was given, what the list has, the outcome, the change
    to the score it brings (before the score is kept within its bounds), and the sentence that says so."""

    about: str  # birth_date, country, identifier
    given: str
    outcome: Outcome
    listed: tuple[str, ...]
    change: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "about": self.about,
            "given": self.given,
            "outcome": self.outcome,
            "listed": list(self.listed),
            "change": self.change,
            "explanation": self.text,
        }


@dataclass(frozen=True, slots=True)
class Weighed:
    """A match with the evidence weighed in: its score and how it was made (an identifier match when an
    id agrees), the findings, and `held_back` when a different date of birth keeps it from blocking."""

    match: Match
    findings: tuple[Finding, ...]
    held_back: bool = False


def weigh(evidence: Evidence, match: Match, config: ScorerConfig) -> Weighed:
    """The match with the evidence weighed in (see the module's docstring for the rules)."""
    if not evidence:
        return Weighed(match, ())
    entity = match.entity
    findings = [f for f in (_birth(evidence.birth, entity), _country(evidence.countries, entity)) if f]
    ids = [_identifier(given, entity) for given in evidence.identifiers]
    agreed = next((ident for f, ident in ids if ident is not None), None)
    findings += [f for f, _ in ids]
    if agreed is not None or match.by is MatchedBy.IDENTIFIER:
        findings = [
            f if f.change == 0 else replace(f, change=0.0, text=f"{f.text}; the identifier match decides")
            for f in findings
        ]
        by_id = replace(match, score=1.0, by=MatchedBy.IDENTIFIER)
        if agreed is not None and match.by is not MatchedBy.IDENTIFIER:
            why = f"{match.explanation}; identifier {agreed.scheme} {agreed.value} matches exactly"
            by_id = replace(by_id, explanation=why)
        return Weighed(by_id, tuple(findings))
    held_back = any(f.about == "birth_date" and f.outcome is Outcome.DIFFERS for f in findings)
    score = min(1.0, match.score + sum(f.change for f in findings))
    if held_back:
        score = min(score, config.strong - 0.01)
    score = round(max(score, min(match.score, config.review)), 4)
    return Weighed(replace(match, score=score), tuple(findings), held_back)


def _birth(given: Span | None, entity: Entity) -> Finding | None:
    if given is None:
        return None
    written = [v for k, v in entity.details if k == "dob"]
    spans = [(text, span) for text in written if (span := listed_span(text)) is not None]
    what = f"date of birth {given}"
    if not spans:
        return Finding(
            "birth_date", str(given), Outcome.NOT_LISTED, (), 0.0, f"{what}: none listed (neutral)"
        )
    agree = [text for text, span in spans if span.overlaps(given)]
    if agree:
        text = f"{what} agrees with listed {_few(agree)} (+{BIRTH_AGREES:.2f})"
        return Finding("birth_date", str(given), Outcome.AGREES, tuple(written), BIRTH_AGREES, text)
    gap = min(span.year_gap(given) for _, span in spans)
    if gap <= 1:
        closest = _few([text for text, span in spans if span.year_gap(given) == gap])
        how = (
            f"is in the year of listed {closest}, not the same date"
            if gap == 0
            else f"is a year from listed {closest}"
        )
        text = f"{what} {how} (neutral)"
        return Finding("birth_date", str(given), Outcome.CLOSE, tuple(written), 0.0, text)
    listed = _few([text for text, _ in spans])
    text = f"{what} differs from listed {listed} by more than a year (-{BIRTH_DIFFERS:.2f}; review at most)"
    return Finding("birth_date", str(given), Outcome.DIFFERS, tuple(written), -BIRTH_DIFFERS, text)


def listed_countries(entity: Entity) -> list[tuple[str, str, str]]:
    """The countries a list gives for an entity, as (code, what fact, the fact as written)."""
    out = [(code.upper(), "country", code.upper()) for code in entity.countries]
    for key, label, place in COUNTRY_FACTS:
        for k, value in entity.details:
            if k == key:
                code = place_country(value) if place else listed_country(value)
                if code is not None:
                    out.append((code, label, value))
    return out


def _country(given: Sequence[str], entity: Entity) -> Finding | None:
    if not given:
        return None
    listed = listed_countries(entity)
    shown = ", ".join(f"{code} ({country_name(code)})" for code in given)
    what = f"country {shown}"
    written = tuple(dict.fromkeys(f"{label} {value}" for _, label, value in listed))
    if not listed:
        return Finding(
            "country", ";".join(given), Outcome.NOT_LISTED, (), 0.0, f"{what}: none listed (neutral)"
        )
    agree = [f"{label} {value}" for code, label, value in listed if code in given]
    if agree:
        text = f"{what} agrees with listed {_few(list(dict.fromkeys(agree)))} (+{COUNTRY_AGREES:.2f})"
        return Finding("country", ";".join(given), Outcome.AGREES, written, COUNTRY_AGREES, text)
    text = f"{what} is not among the listed {_few(list(written))} (-{COUNTRY_DIFFERS:.2f})"
    return Finding("country", ";".join(given), Outcome.DIFFERS, written, -COUNTRY_DIFFERS, text)


def _identifier(given: str, entity: Entity) -> tuple[Finding, Identifier | None]:
    reading = read(given)
    keys = {identifier_key(given)} | ({identifier_key(reading.value)} if reading else set())
    every = list(entity.identifiers) + [Identifier(k, v) for k, v in entity.details if k in ID_FACTS]
    by_key = {identifier_key(i.value.split(" (")[0]): i for i in reversed(every)}  # "1084010 (Egypt)"
    listed = list(reversed(by_key.values()))
    check = f"; {reading.problem}" if reading and reading.problem else ""
    written = tuple(f"{i.scheme} {i.value}" for i in listed)
    for key, ident in by_key.items():
        if key in keys:
            text = f"identifier '{given}' agrees with listed {ident.scheme} {ident.value}{check} (score 1.0)"
            return Finding("identifier", given, Outcome.AGREES, written, 0.0, text), ident
    if not listed:
        text = f"identifier '{given}': none listed{check} (neutral)"
        return Finding("identifier", given, Outcome.NOT_LISTED, (), 0.0, text), None
    text = (
        f"identifier '{given}' is not among the {len(listed)} listed{check} (neutral: a party may hold "
        "ids no list gives)"
    )
    return Finding("identifier", given, Outcome.UNMATCHED, written, 0.0, text), None


def _few(items: Sequence[str], most: int = 3) -> str:
    """Items joined, at most `most` of them and how many more."""
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def facts(entity: Entity) -> dict[str, list[str]]:
    """What a list says of the party that evidence is weighed against: dates and places of birth,
    nationalities and citizenships, as the list writes them."""
    nationalities = [v for k, v in entity.details if k in ("nationality", "citizenship")]
    return {
        "dates_of_birth": [v for k, v in entity.details if k == "dob"],
        "places_of_birth": [v for k, v in entity.details if k == "pob"],
        "nationalities": list(dict.fromkeys(nationalities)),
    }

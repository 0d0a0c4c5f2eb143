"""Dates of birth as spans of days: the dates lists give ("10 Mar 1957", "1957", "circa 1960", "1955 to
1957", "1979-1982 (between)", "00/03/1957") and the one a user gives (YYYY-MM-DD, YYYY-MM or YYYY).

A listed date is read as the first and last day it can mean: a year is 1 January to 31 December, a month
its first to its last day, a range from the first day of its start to the last day of its end, and an
approximate date ("circa", "approximately", "about") one year wider on each side. `listed_span` never
raises: a text it cannot read as a date gives the years it names (1800 to 2100), or None.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from clearance.errors import InputError

EARLIEST, LATEST = 1800, 2100  # years read as a year of birth
_MONTHS = {
    name: n
    for n in range(1, 13)
    for name in (calendar.month_abbr[n].lower(), calendar.month_name[n].lower())  # C locale: English
}
_MONTHS["sept"] = 9
_APPROXIMATE = re.compile(
    r"\b(?:circa|ca\.?|c\.|approx\.?|approximately|about|around|or so)(?=\s|\)|$)", re.I
)
_NOISE = re.compile(r"\((?:between|approximately|approx\.?|circa|est\.?|estimated)\)|\bbetween\b", re.I)
_RANGE = re.compile(r"\s+(?:to|and|until|-|–|—)\s+|(?<=\d{4})\s*[-–—/]\s*(?=\d{4}\b)", re.I)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_GIVEN = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True, slots=True)
class Span:
    """The days a date of birth can mean, `first` <= `last`; `approximate` when the source says so."""

    first: date
    last: date
    approximate: bool = False

    @property
    def years(self) -> tuple[int, int]:
        return self.first.year, self.last.year

    def overlaps(self, other: Span) -> bool:
        return self.first <= other.last and other.first <= self.last

    def year_gap(self, other: Span) -> int:
        """Whole years between the two spans: 0 when they share a year."""
        (a, b), (c, d) = self.years, other.years
        return max(0, c - b, a - d)

    def __str__(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        if (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31):
            start, end = self.years
            return str(start) if start == end else f"{start} to {end}"
        if self.first.year == self.last.year and self.first.month == self.last.month and self.first.day == 1:
            return self.first.isoformat()[:7]
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def _year(value: int) -> int | None:
    return value if EARLIEST <= value <= LATEST else None


def _span(year: int, month: int | None = None, day: int | None = None) -> Span | None:
    """The days of a year, a month or a day; None when no such date exists."""
    if _year(year) is None:
        return None
    if not month:
        return Span(date(year, 1, 1), date(year, 12, 31))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if not day:
        return Span(date(year, month, 1), date(year, month, last))
    if not 1 <= day <= last:
        return None
    return Span(date(year, month, day), date(year, month, day))


def _one(text: str) -> Span | None:
    """One date as lists write it: ISO (1957-03-10, 1957-03, 1957), "10 Mar 1957", "Mar 1957", "March
    10, 1957", "10/03/1957" or "10.03.1957" (day first, as lists outside the US write it; 00 for an
    unknown day or month)."""
    text = text.strip(" ,.;:()").lower()
    if m := re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text):
        return _span(int(m[1]), int(m[2] or 0), int(m[3] or 0))
    if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text):
        return _span(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(?:(\d{1,2})\s*)?([a-z]+)\.?,?\s*(?:(\d{1,2}),?\s+)?(\d{4})", text):
        month = _MONTHS.get(m[2])
        if month is None:
            return None
        return _span(int(m[4]), month, int(m[1] or m[3] or 0))
    return None


def listed_span(text: str) -> Span | None:
    """The span of a date of birth as a list writes it, or None when it names no year. Never raises."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    approximate = bool(_APPROXIMATE.search(text))
    core = _NOISE.sub(" ", _APPROXIMATE.sub(" ", text)).strip()
    parts = [p for p in _RANGE.split(core) if p.strip()]
    ends = [_one(p) for p in parts[:2]] if 1 <= len(parts) <= 2 else [None]
    if all(end is not None for end in ends):
        spans = [end for end in ends if end is not None]
        first, last = min(s.first for s in spans), max(s.last for s in spans)
    else:  # a form not foreseen: the years it names
        years = [y for y in (_year(int(y)) for y in _YEAR.findall(text)) if y is not None]
        if not years:
            return None
        first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    if approximate:
        first = first.replace(year=max(EARLIEST, first.year - 1), month=1, day=1)
        last = last.replace(year=min(LATEST, last.year + 1), month=12, day=31)
    return Span(first, last, approximate)


def listed_years(text: str) -> tuple[int, int] | None:
    """The first and last year a listed date of birth can mean, or None. Never raises."""
    span = listed_span(text)
    return span.years if span else None


def given_span(value: str | date) -> Span:
    """A date of birth as a user gives it: YYYY-MM-DD, YYYY-MM or YYYY (or a `date`). Raises
    `InputError` for anything else, a date that does not exist, or a year outside 1800 to 2100."""
    if isinstance(value, date):
        return Span(value, value)
    text = str(value).strip()
    m = _GIVEN.fullmatch(text)
    # a month or day written as 00 is no month or day ("1942-00"): refused, not read as the year
    written_zero = m is not None and any(part is not None and int(part) == 0 for part in (m[2], m[3]))
    span = _span(int(m[1]), int(m[2] or 0), int(m[3] or 0)) if m and not written_zero else None
    if span is None:
        raise InputError(
            f"invalid date of birth '{value}': use YYYY-MM-DD, YYYY-MM or YYYY (a year from {EARLIEST} to "
            f"{LATEST})"
        )
    return span

"""Dates of birth as lists write them (OFAC, UN, EU, UK, CSL forms, taken from ../shared/data) and as a
user gives them, read as spans of days."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.domain.births import EARLIEST, LATEST, Span, given_span, listed_span, listed_years
from clearance.errors import InputError


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("10 Mar 1957", "1957-03-10", "1957-03-10"),
        ("1957", "1957-01-01", "1957-12-31"),
        ("1978-04-28", "1978-04-28", "1978-04-28"),
        ("Sep 1938", "1938-09-01", "1938-09-30"),
        ("Feb 1948", "1948-02-01", "1948-02-29"),
        ("circa 1960", "1959-01-01", "1961-12-31"),
        ("circa 07 Jul 1966", "1965-01-01", "1967-12-31"),
        ("1966 (approximately)", "1965-01-01", "1967-12-31"),
        ("1955 to 1957", "1955-01-01", "1957-12-31"),
        ("01 Jan 1961 to 31 Dec 1962", "1961-01-01", "1962-12-31"),
        ("26 Sep 1946 to 07 Dec 1946", "1946-09-26", "1946-12-07"),
        ("Mar 1945 to Feb 1946", "1945-03-01", "1946-02-28"),
        ("1979-1982 (between)", "1979-01-01", "1982-12-31"),
        ("circa 1979-1982", "1978-01-01", "1983-12-31"),
        ("10/03/1957", "1957-03-10", "1957-03-10"),  # UK and EU lists: day first
        ("00/03/1957", "1957-03-01", "1957-03-31"),  # an unknown day
        ("00/00/1957", "1957-01-01", "1957-12-31"),
        ("March 10, 1957", "1957-03-10", "1957-03-10"),
        ("31 Feb 1957", "1957-01-01", "1957-12-31"),  # no such day: the year it names
        ("born in 1957 or 1958 in Gaza", "1957-01-01", "1958-12-31"),  # a form not foreseen: its years
    ],
)
def test_listed_dates_are_read_as_spans(text: str, first: str, last: str) -> None:
    span = listed_span(text)
    assert span is not None
    assert (span.first.isoformat(), span.last.isoformat()) == (first, last)


@pytest.mark.parametrize("text", ["", "unknown", "n/a", "12 Mar", "0000", "9999"])
def test_a_text_naming_no_year_is_none(text: str) -> None:
    assert listed_span(text) is None and listed_years(text) is None


def test_given_dates_of_birth() -> None:
    assert given_span("1957") == Span(date(1957, 1, 1), date(1957, 12, 31))
    assert given_span("1957-03") == Span(date(1957, 3, 1), date(1957, 3, 31))
    assert given_span(" 1957-03-10 ") == Span(date(1957, 3, 10), date(1957, 3, 10))
    assert given_span(date(1957, 3, 10)) == Span(date(1957, 3, 10), date(1957, 3, 10))
    assert [str(given_span(t)) for t in ("1957", "1957-03", "1957-03-10")] == [
        "1957",
        "1957-03",
        "1957-03-10",
    ]


@pytest.mark.parametrize("text", ["10 Mar 1957", "1957-02-30", "1957-13", "57", "1700", "1957/03/10", "soon"])
def test_a_given_date_of_birth_in_another_form_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="date of birth"):
        given_span(text)


def test_spans_compare_by_overlap_and_whole_years() -> None:
    born = listed_span("10 Mar 1957")
    assert born is not None
    assert born.overlaps(given_span("1957")) and born.year_gap(given_span("1957")) == 0
    assert not born.overlaps(given_span("1957-03-11")) and born.year_gap(given_span("1957-03-11")) == 0
    assert born.year_gap(given_span("1958")) == 1 and born.year_gap(given_span("1954")) == 3


@given(st.text(max_size=60))
def test_reading_any_text_never_raises_and_gives_ordered_years(text: str) -> None:
    span = listed_span(text)
    if span is not None:
        first, last = span.years
        assert EARLIEST <= first <= last <= LATEST and span.first <= span.last


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(
        ["{d:%d %b %Y}", "{d:%Y-%m-%d}", "{d:%d/%m/%Y}", "circa {d:%Y}", "{d:%b %Y}", "{d:%Y} to {y}"]
    ),
)
def test_a_date_written_in_any_list_form_covers_that_date(day: date, form: str) -> None:
    span = listed_span(form.format(d=day, y=day.year + 2))
    assert span is not None and span.first <= day <= span.last


@pytest.mark.parametrize("written", ["1942-00", "1942-05-00", "1942-00-01"])
def test_a_month_or_day_of_zero_is_refused(written: str) -> None:
    with pytest.raises(InputError):
        given_span(written)

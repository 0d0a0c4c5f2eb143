"""What a query must be before it is screened: the input rules of ../shared/CONVENTIONS.md ("Input").

Real names in any script are valid and never raise (mixed scripts, zero-width joiners, combining marks,
right-to-left text). Only what no real name holds is an `InputError`: a value that is not text, an empty
or whitespace-only query, a control character other than ordinary whitespace, a name over
`MAX_NAME_CHARS` or a text over `MAX_TEXT_CHARS`, an impossible or malformed date.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from clearance.domain.enums import QueryKind
from clearance.errors import InputError

MAX_NAME_CHARS = 10_000
MAX_TEXT_CHARS = 2_000_000
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x85")


def parse_as_of(value: date | datetime | str | None) -> date | datetime:
    """A date, a datetime, or an ISO string of either; today (UTC) when absent. Raises `InputError`."""
    if value is None:
        return datetime.now(UTC).date()
    if isinstance(value, date):  # datetime is a date too
        return value
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"invalid date '{value}': use YYYY-MM-DD or an ISO datetime with zone") from None


def day_of(value: date | datetime) -> date:
    """The calendar day of a date or datetime."""
    return value.date() if isinstance(value, datetime) else value


def check_query(query: object, kind: QueryKind) -> str:
    """The query itself when it can be screened as `kind`; raises `InputError` otherwise."""
    if not isinstance(query, str):
        raise InputError(f"the query must be text, not {type(query).__name__}")
    if not query.strip():
        raise InputError("the query is empty")
    limit = MAX_TEXT_CHARS if kind is QueryKind.TEXT else MAX_NAME_CHARS
    if len(query) > limit:
        raise InputError(
            f"the query is {len(query):,} characters long; the limit for kind '{kind}' is {limit:,}"
        )
    if query.isprintable():  # the common case, checked in C: no control character at all
        return query
    for pos, ch in enumerate(query):
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs"):
            raise InputError(f"the query holds a control character (U+{ord(ch):04X}) at position {pos}")
    return query


# an HTML or XML tag: `<b>`, `</span>`, `<br/>`, `<a href="...">` (a name never holds one; web forms and
# documents do)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")


def without_markup(query: str) -> str:
    """The query with its markup tags blanked out, each by as many spaces as it has characters, so that
    the offsets of a text's matches stay those of the text given ("<b>Kim Jong Un</b>" screens as the
    name it shows)."""
    if "<" not in query:
        return query
    return _TAG.sub(lambda m: " " * len(m.group()), query)

"""Device app inventories, as mobile device management tools export them, and app catalogues, read into
items: one per (device, app) pair of an inventory, grouped by device, and one per app of a catalogue.

`read_inventory(path, layout=None)` reads an inventory in one of `LAYOUTS` (Microsoft Intune's
Discovered apps CSV, Jamf Pro's device records as JSON, a generic CSV; see `apps_layouts` for each and
its source), told by `layout` or found from the CSV header or the JSON keys. `read_catalogue(path)` reads
a list of apps (an app store's or a vendor's) as CSV or JSON lines, with a column for the package or
bundle id and one for the title, and the developer's when it has one.

Whatever cannot be read is a `Reject` with its line and reason, and reading goes on after it; only a
file that cannot be opened, decoded or told apart at all raises `InputError`.

CSV is read a physical line at a time (`csv_records`), never by handing the file to the csv module,
which would take every line after a stray quote into one value. A line without a quote is split at its
commas; a line with one is read by the csv module alone. A quote still open at the end of a line takes
the next lines into its value only when that reads as one record of the header's width within
`RECORD_LINES` lines, and no line in between would be a row of that width on its own; otherwise the line
is a reject (an unbalanced quote) and reading goes on at the next line. A line of nothing but spaces and
commas is no row. Every other line is a record, which becomes one item or one reject.

JSON is read whole when it can be; a document that breaks off (a truncated export) or goes wrong
part-way is read up to the break (`JsonPrefix`), so that every device and app written completely before
it is screened, and the break is one reject with its line and column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from clearance.channels.apps_layouts import (
    CATALOGUE,
    LAYOUTS,
    Cut,
    CutList,
    Layout,
    Walk,
    detect,
    find_columns,
    is_jamf,
    jamf_items,
    row_item,
)
from clearance.channels.items import Item, Reject
from clearance.channels.tables import TEXT_CUT, csv_header, csv_records, open_file
from clearance.errors import InputError

__all__ = ["LAYOUTS", "Layout", "read_catalogue", "read_inventory"]

MAX_DEPTH = 64  # JSON nesting read past a break


# JSON that may break off -------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()
_NOTHING: Any = object()  # no value could be read


class JsonPrefix:
    """What can be read of a JSON document: `value`, whole when the document is sound; when it breaks
    off or goes wrong part-way, every value written completely before the break, inside the objects
    (`Cut`) and arrays (`CutList`) that enclose it. `error`: where it breaks (offset) and why."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.error: tuple[int, str] | None = None
        start = _skip(text, 0)
        self.value, end = self._value(start, 0)
        if end is not None and _skip(text, end) < len(text):
            self.error = (_skip(text, end), "text after the end of the JSON document")

    def where(self, offset: int) -> tuple[int, int]:
        """The line and column (1-based) of an offset."""
        return self.text.count("\n", 0, offset) + 1, offset - self.text.rfind("\n", 0, offset)

    def _fail(self, offset: int, message: str) -> None:
        self.error = (offset, "the document ends here" if offset >= len(self.text) else message)

    def _value(self, at: int, depth: int) -> tuple[Any, int | None]:
        try:
            return _DECODER.raw_decode(self.text, at)
        except json.JSONDecodeError as exc:
            if at >= len(self.text) or self.text[at] not in "{[" or depth >= MAX_DEPTH:
                self._fail(exc.pos, exc.msg)
                return _NOTHING, None
        except RecursionError:
            self._fail(at, "nested too deeply")
            return _NOTHING, None
        return self._container(at, depth)

    def _container(self, at: int, depth: int) -> tuple[Any, int | None]:
        text, size = self.text, len(self.text)
        is_object = text[at] == "{"
        close = "}" if is_object else "]"
        out: Any = Cut() if is_object else CutList()
        at = _skip(text, at + 1)
        if at < size and text[at] == close:
            return ({} if is_object else []), at + 1
        while True:
            key = ""
            if is_object:
                if at >= size or text[at] != '"':
                    self._fail(at, "Expecting property name enclosed in double quotes")
                    return out, None
                try:
                    key, after = _DECODER.raw_decode(text, at)
                except json.JSONDecodeError as exc:
                    self._fail(exc.pos, exc.msg)
                    return out, None
                at = _skip(text, after)
                if at >= size or text[at] != ":":
                    self._fail(at, "Expecting ':' delimiter")
                    return out, None
                at = _skip(text, at + 1)
            value, end = self._value(at, depth + 1)
            if value is not _NOTHING:
                if is_object:
                    out[key] = value
                else:
                    out.append(value)
            if end is None:
                return out, None
            at = _skip(text, end)
            if at < size and text[at] == ",":
                at = _skip(text, at + 1)
            elif at < size and text[at] == close:
                return (dict(out) if is_object else list(out)), at + 1
            else:
                self._fail(at, "Expecting ',' delimiter")
                return out, None


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def read_json(path: Path) -> JsonPrefix:
    """A JSON file read as far as it can be; InputError when nothing of it can."""
    with open_file(path, text=False) as file:
        data: bytes = file.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise InputError(f"{path}: empty")
    prefix = JsonPrefix(text)
    if prefix.error and (
        prefix.value is _NOTHING or (isinstance(prefix.value, Cut | CutList) and not prefix.value)
    ):
        line, column = prefix.where(prefix.error[0])
        raise InputError(f"{path}: not JSON ({prefix.error[1]} at line {line}, column {column})")
    return prefix


def _break(prefix: JsonPrefix, source: str, position: str) -> Reject | None:
    if prefix.error is None:
        return None
    offset, message = prefix.error
    line, column = prefix.where(offset)
    if message.startswith("text after"):
        reason, position = f"{message} (line {line}, column {column}) is not read", "after the document"
    else:
        reason = (
            f"the JSON document breaks off at line {line}, column {column} ({message}): nothing after it "
            "is read; everything written completely before it is"
        )
    return Reject(source, reason, line, position, prefix.text[max(0, offset - 60) : offset + 60])


# Readers -------------------------------------------------------------------------------------------------


def _start(path: Path) -> bytes:
    """The file's first character that is not a space (b"" when none), as a byte."""
    with open_file(path, text=False) as file:
        head: bytes = file.read(4096)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]


def read_inventory(path: str | Path, *, layout: str | None = None) -> Iterator[Item | Reject]:
    """The (device, app) items of a device inventory, in file order, with the parts that cannot be read
    as rejects. `layout`: one of `LAYOUTS`, found from the file when None."""
    path = Path(path)
    if layout is not None and layout not in LAYOUTS:
        raise InputError(f"unknown inventory layout '{layout}': use one of {', '.join(LAYOUTS)}")
    chosen = LAYOUTS[layout] if layout else None
    known = "; ".join(known.describe() for known in LAYOUTS.values())
    if (chosen is None and _start(path) in (b"{", b"[")) or (chosen is not None and chosen.kind == "json"):
        prefix = read_json(path)
        if not is_jamf(prefix.value):
            keys = list(prefix.value)[:6] if isinstance(prefix.value, dict) else type(prefix.value).__name__
            raise InputError(f"{path}: no known inventory layout fits its JSON ({keys}); known: {known}")
        return _json_inventory(prefix, str(path))
    header = csv_header(path)
    chosen = chosen or detect(header)
    if chosen is None:
        columns = ", ".join(header[:8])
        raise InputError(f"{path}: no known inventory layout fits its header ({columns}); known: {known}")
    missing = chosen.missing(header)
    if missing:
        raise InputError(f"{path}: the {chosen.name} layout needs the columns {', '.join(missing)}")
    return _csv_items(path, header, find_columns(chosen.columns, header))


def _json_inventory(prefix: JsonPrefix, source: str) -> Iterator[Item | Reject]:
    walk = Walk()
    yield from jamf_items(prefix.value, source, walk)
    broken = _break(prefix, source, walk.at)
    if broken is not None:
        yield broken


def _csv_items(path: Path, header: tuple[str, ...], columns: dict[str, int]) -> Iterator[Item | Reject]:
    source = str(path)
    for row, record in enumerate(csv_records(path, len(header)), start=1):
        if record.values is None:
            yield Reject(source, record.problem, record.line, f"row {row}", record.text)
        else:
            yield row_item(source, header, columns, record.values, record.line, row, record.text)


def read_catalogue(path: str | Path) -> Iterator[Item | Reject]:
    """The apps of a catalogue, CSV or JSON lines (one object a line), in file order, one item each,
    with the parts that cannot be read as rejects."""
    path = Path(path)
    accepted = "; ".join(f"{role}: {', '.join(spellings)}" for role, spellings in CATALOGUE.items())
    start = _start(path)
    if start == b"[":
        raise InputError(f"{path}: a JSON array; write the catalogue as JSON lines, one app object a line")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json") or start == b"{":
        return _json_lines(open_file(path, text=False), str(path), accepted)
    header = csv_header(path)
    columns = find_columns(CATALOGUE, header)
    if not {"package_id", "app_name"} & columns.keys():
        raise InputError(f"{path}: no column for the app's id or title (accepted, any case: {accepted})")
    return _csv_items(path, header, columns)


def _json_lines(file: IO[bytes], source: str, accepted: str) -> Iterator[Item | Reject]:
    row = 0
    with file:
        for number, raw in enumerate(file, start=1):
            if not raw.strip():
                continue
            row += 1
            position, text = f"row {row}", raw.decode("utf-8", "replace").rstrip("\r\n")[:TEXT_CUT]
            try:
                doc = json.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield Reject(source, f"not a JSON line ({exc.__class__.__name__})", number, position, text)
                continue
            header = list(doc) if isinstance(doc, dict) else []
            columns = find_columns(CATALOGUE, header)
            values = [_scalar(doc[key]) for key in header]
            if not isinstance(doc, dict):
                yield Reject(source, "a JSON line must be an object", number, position, text)
            elif not columns.keys() & {"package_id", "app_name"}:
                reason = f"no key for the app's id or title (accepted, any case: {accepted})"
                yield Reject(source, reason, number, position, text)
            elif any(values[at] is None for at in columns.values()):
                yield Reject(source, "a value that is not text or a number", number, position, text)
            else:
                strings = [value or "" for value in values]
                yield row_item(source, header, columns, strings, number, row, text)


def _scalar(value: Any) -> str | None:
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return "" if value is None else str(value)
    return None

"""Reading a batch's input: rows with their lines, blank lines skipped, bad rows with their reason; a
malformed CSV row is a reject of its own, never merged into another."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clearance import Engine
from clearance.errors import InputError
from clearance.faces.batch import BatchJob, read_rows
from clearance.faces.batch.rows import FIELD_LIMIT, Source, in_chunks, parse_row, source_after
from clearance.faces.batch.screen import WorkerState


def test_csv_rows_keep_their_first_line_and_blank_lines_are_not_rows(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b'\xef\xbb\xbfid,name\n1,"Acme\nCorp"\n\n , \n2,Caf\xe9\n3\n4,Alipay,extra\n5,Tencent\n')
    source = Source(src, "csv")
    assert source.header == ("id", "name")  # the byte order mark is not part of the first column's name
    rows = list(read_rows(src, "csv"))
    assert [line for line, _, _ in rows] == [2, 6, 7, 8, 9]
    assert rows[0] == (2, {"id": "1", "name": "Acme\nCorp"}, None)
    assert rows[1] == (6, None, "bytes that are not UTF-8")
    assert rows[2] == (7, None, "1 fields where the header has 2")
    assert rows[3] == (8, None, "3 fields where the header has 2")
    assert rows[4] == (9, {"id": "5", "name": "Tencent"}, None)


def test_json_lines_must_be_objects_in_utf8(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"name": "Acme"}\n\n[1]\n{broken\n{"name": "Caf\xe9"}\n')
    assert [(line, fields, problem) for line, fields, problem in read_rows(src, "jsonl")] == [
        (1, {"name": "Acme"}, None),
        (3, None, "a JSON line must be an object"),
        (4, None, "not a JSON line (JSONDecodeError)"),
        (5, None, "not a JSON line (UnicodeDecodeError)"),
    ]
    assert parse_row("parquet", (), (7, {"name": "Acme"})) == (7, {"name": "Acme"}, None)


def test_a_missing_file_or_an_unknown_format_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        Source(tmp_path / "missing.csv", "csv")
    (tmp_path / "in.xml").write_text("<rows/>", encoding="utf-8")
    with pytest.raises(InputError, match="unknown input format"):
        Source(tmp_path / "in.xml", "xml")
    with pytest.raises(InputError, match="cannot tell the format"):
        BatchJob(input=tmp_path / "in.xml", output=tmp_path / "out.csv").input_format()


def test_rows_after_those_done_come_in_chunks(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,name\n" + "".join(f"{i},Name {i}\n" for i in range(7)), encoding="utf-8")
    source = source_after(BatchJob(input=src, output=tmp_path / "out.csv"), 2)
    chunks = list(in_chunks(source.raws, 2))
    assert [[line for line, _ in chunk] for chunk in chunks] == [[4, 5], [6, 7], [8]]
    assert chunks[0][0] == (4, ["2", "Name 2"])


def _read(tmp_path: Path, text: str) -> list[tuple[int, dict[str, str] | None, str | None]]:
    src = tmp_path / "in.csv"
    src.write_text(text, encoding="utf-8", newline="")
    return list(read_rows(src, "csv"))


def test_an_unbalanced_quote_costs_its_own_row_only(tmp_path: Path) -> None:
    """The csv module reads rows 1 to 3 below as one name that clears; read a line at a time, the open
    quote is its line's reject and the rows after it are rows of their own."""
    rows = _read(tmp_path, 'id,name\n1,"Acme\n2,Tencent Holdings Ltd\n3,"Bob"\n4,Carl\n')
    assert [(line, fields) for line, fields, _ in rows] == [
        (2, None),
        (3, {"id": "2", "name": "Tencent Holdings Ltd"}),
        (4, {"id": "3", "name": "Bob"}),
        (5, {"id": "4", "name": "Carl"}),
    ]
    reason = rows[0][2]
    assert reason is not None and reason.startswith("an unbalanced quote") and "\n" not in reason


def test_two_stray_quotes_do_not_take_in_the_rows_between_them(tmp_path: Path) -> None:
    """A quote opened on one line and a stray one closing it two lines later make a well-formed record
    of three lines, but the rows between are rows: the first line is the reject."""
    text = 'id,name,date\n1,"Acme,2021-03-01\n2,Bob,2021-03-01\n3,Carl",2021-03-01\n4,Dan,2021-03-01\n'
    rows = _read(tmp_path, text)
    assert [line for line, fields, _ in rows if fields is None] == [2]
    assert [fields["id"] for _, fields, _ in rows if fields] == ["2", "3", "4"]


def test_a_stray_quote_does_not_take_in_a_row_with_a_quoted_line_break(tmp_path: Path) -> None:
    """The stray quote on line 2 is closed by the opening quote of the next row, whose value begins
    with a line break: that row stays whole."""
    rows = _read(tmp_path, 'id,name\n1,"Acme\n2,"\nTencent Holdings Ltd"\n3,x\n')
    assert [(line, fields) for line, fields, _ in rows] == [
        (2, None),
        (3, {"id": "2", "name": "\nTencent Holdings Ltd"}),
        (5, {"id": "3", "name": "x"}),
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_quoted_line_breaks_stay_in_their_value(tmp_path: Path, end: str) -> None:
    """Values over several lines as spreadsheets and the csv module write them (an address, a name and
    a note), whichever line ends the file uses."""
    rows = [
        ("a1", "Acme Ltd\n12 Main Street, Suite 4\nLondon", "2021-03-01"),
        ("a2", 'Kings "Office"\nSupply', ""),
        ("a3", "Tencent Holdings Ltd", "line one,\nline two\n"),
        ("a4", "Bob", "x"),
    ]
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator=end).writerows([("id", "name", "note"), *rows])
    read = list(read_rows(src, "csv"))
    assert [tuple(fields.values()) for _, fields, _ in read if fields] == rows
    assert [problem for _, _, problem in read] == [None] * 4


def test_a_quote_in_the_wrong_place_is_its_rows_reject(tmp_path: Path) -> None:
    """A quote after a closing quote is malformed (the csv module would silently drop it); a quote
    inside a bare field is kept as a character, as spreadsheets write names like O"Brien."""
    rows = _read(tmp_path, 'id,name\n1,"Ac"me\n2,O"Brien\n3,x\n')
    assert rows[0][:2] == (2, None) and rows[0][2] is not None and "stray quote" in rows[0][2]
    assert [fields for _, fields, _ in rows[1:]] == [{"id": "2", "name": 'O"Brien'}, {"id": "3", "name": "x"}]


def test_a_field_over_the_csv_limit_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    big = "x" * (FIELD_LIMIT + 1)
    rows = _read(tmp_path, f'id,name\n1,{big}\n2,"{big}"\n3,"a\n{big}"\n4,Carl\n5,{"y" * FIELD_LIMIT}\n')
    assert [(line, problem is None) for line, _, problem in rows] == [
        (2, False),
        (3, False),
        (4, False),
        (6, True),
        (7, True),
    ]
    assert all("131,072 characters" in (problem or "") for _, _, problem in rows[:2])


# Rows as a careful writer makes them (names with commas and quotes are quoted), each with a letter so
# that it can be screened, and stray quotes to insert: (row, position in its line).
_NAME = st.text(alphabet=st.sampled_from([*"abXY é腾 ", ",", '"']), max_size=12).map(lambda s: "N" + s)
_ROWS = st.lists(st.tuples(_NAME, st.sampled_from(["", "2021-03-01"])), min_size=1, max_size=12)
_STRAYS = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 40)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_ROWS, _STRAYS, st.sampled_from(["\n", "\r\n"]))
@example([("Nab", ""), ("NTencent Holdings Ltd", ""), ('N"Bob"', ""), ("NCarl", "")], [(0, 3)], "\n")
@example([("Na", ""), ("Nb", ""), ("Nc", ""), ("Nd", "")], [(0, 3), (2, 6)], "\n")
def test_stray_quotes_cost_only_their_own_rows(
    engine: Engine, rows: list[tuple[str, str]], strays: list[tuple[int, int]], end: str
) -> None:
    """Any rows, with stray quotes inserted anywhere in some of them: rows read = decisions + rejects, and
    every row without a stray quote gets its decision, with its own values."""
    lines = []
    for i, (name, day) in enumerate(rows):
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator=end).writerow((f"r{i}", name, day))
        lines.append(buffer.getvalue())
    strayed = set()
    for row, at in strays:
        if row < len(lines):
            body = lines[row][: -len(end)]
            at %= len(body) + 1
            lines[row] = body[:at] + '"' + body[at:] + end
            strayed.add(row)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        src.write_text("id,name,date" + end + "".join(lines), encoding="utf-8", newline="")
        job = BatchJob(input=src, output=Path(tmp) / "out.jsonl", id_col="id", as_of="2021-03-01")
        source = Source(src, "csv", name_col="name")  # as the batch reads it (`rows.source_after`)
        raws = list(source.raws)
    chunk = WorkerState(engine).screen(job, source.header, raws)
    chunk.check(len(raws))
    assert chunk.rows + len(chunk.rejects) == len(raws)
    decided = [json.loads(output) for output in chunk.outputs if isinstance(output, str)]
    pairs = {(record["row_id"], record["name"], record["as_of"]) for record in decided}
    for i, (name, day) in enumerate(rows):
        if i not in strayed:
            assert (f"r{i}", name, day or "2021-03-01") in pairs

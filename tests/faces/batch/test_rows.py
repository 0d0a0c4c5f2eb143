"""Reading a batch's input: rows with their lines, blank lines skipped, bad rows with their reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.faces.batch import BatchJob, read_rows
from clearance.faces.batch.rows import Source, in_chunks, parse_row, source_after


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

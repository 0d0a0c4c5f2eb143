"""Reading a user's ownership registry (`datasets.registry`): good rows, each kind of broken row named
by its line, and files that are refused whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.datasets.lists.checks import ImportFailed
from clearance.datasets.registry import read_rows
from fixtures import DATA

GRAPH = DATA / "graph"


def test_the_registry_fixture_reads_whole() -> None:
    read = read_rows(GRAPH / "registry.csv")
    rows, problems = read.rows, read.problems
    assert problems == []
    assert [(r.line, r.parent, r.child, r.relation, r.share) for r in rows][:3] == [
        (2, "Tencent Holdings Limited", "Harbour Lights Games Ltd", "owns", 100.0),
        (3, "BANCO NACIONAL DE CUBA", "Caribe Nickel Trading SA", "owns", 30.0),
        (4, "ANGLO-CARIBBEAN CO. LTD.", "Caribe Nickel Trading SA", "owns", 25.0),
    ]
    assert rows[0].source == "Companies registry extract 2021-02"


def test_every_broken_row_is_named_by_its_line_and_the_good_ones_kept() -> None:
    read = read_rows(GRAPH / "broken.csv")
    rows, problems = read.rows, read.problems
    assert [(r.line, r.child, r.start) for r in rows] == [
        (2, "Harbour Lights Games Ltd", None),
        (12, "West Pier Ltd", date(2021, 1, 1)),
    ]
    said = {p.line: p.message for p in problems}
    assert sorted(said) == list(range(3, 11))
    assert "both a parent and a child" in said[3]
    assert "'150' is not a percentage" in said[4]
    assert "unknown relation 'acquires'" in said[5]
    assert "only for owns" in said[6]
    assert "related to itself" in said[7]
    assert "'2021-13-01' is not a date" in said[8]
    assert "is after end" in said[9]
    assert "'thirty' is not a percentage" in said[10]
    # the same relation with another share: the larger (100%, line 2) kept, the other said
    assert [(n.line, "the larger share is kept" in n.message) for n in read.notes] == [(11, True)]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("parent,child,share", "missing relation"),
        ("parent,child,relation,sahre", "unknown column sahre"),
        ("parent,child,relation,share,share", "named twice"),
    ],
)
def test_a_header_that_is_not_right_refuses_the_file(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\nA Ltd,B Ltd,owns\n")
    with pytest.raises(ImportFailed, match=message):
        read_rows(path)


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ImportFailed, match="empty file"):
        read_rows(tmp_path / "empty.csv")
    with pytest.raises(ImportFailed, match="cannot read"):
        read_rows(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "broken",
    ['A Ltd,"B Ltd,owns,30', 'Acme Holdings,"Acme" Subsidiary Ltd,owns,100'],
    ids=["unclosed", "quote-inside"],
)
def test_a_stray_quote_costs_its_own_row_and_never_the_rows_after_it(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "q.csv"
    after = "".join(f"C{i} Ltd,D{i} Ltd,owns,60\n" for i in range(40))
    path.write_text(f"parent,child,relation,share\n{broken}\n{after}")
    read = read_rows(path)
    assert [p.line for p in read.problems] == [2]
    assert len(read.rows) == 40 and read.rows[-1].child == "D39 Ltd"


def test_each_line_is_decoded_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "parent,child,relation,share\nБанк Россия,Mojibake Sub OOO,owns,60\n".encode()
        + "Société Générale,Filiale SARL,owns,60\n".encode("latin-1")
    )
    read = read_rows(path)
    assert [r.parent for r in read.rows] == ["Банк Россия", "Société Générale"]
    assert [n.line for n in read.notes] == [3] and "cp1252" in read.notes[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("parent,child,relation\nA,B,owns\n".encode("utf-16"), "UTF-16"),
        (b"parent;child;relation\nA;B;owns\n", "not separated by commas"),
        (b"parent\tchild\trelation\nA\tB\towns\n", "not separated by commas"),
    ],
)
def test_files_not_in_utf8_csv_say_what_they_are(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        read_rows(path)


@pytest.mark.parametrize(
    ("start", "read_as"),
    [
        ("2020-01-01", date(2020, 1, 1)),
        ("2020-06-01T10:00:00Z", date(2020, 6, 1)),
        ("20200101", None),
        ("2020-W01-1", None),
    ],
)
def test_dates_are_iso_days_or_datetimes_with_a_zone(
    tmp_path: Path, start: str, read_as: date | None
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"parent,child,relation,share,start\nA Ltd,B Ltd,owns,60,{start}\n")
    read = read_rows(path)
    assert [r.start for r in read.rows] == ([read_as] if read_as else [])
    assert bool(read.problems) == (read_as is None)


def test_one_relation_over_two_stretches_of_days_is_two_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "parent,child,relation,share,source,start,end\n"
        "BNC,History Co Ltd,owns,20,,2010-01-01,2019-12-31\nBNC,History Co Ltd,owns,60,,2020-01-01,\n"
    )
    read = read_rows(path)
    assert [r.share for r in read.rows] == [20, 60] and read.problems == []


def test_the_same_relation_with_two_shares_keeps_the_larger_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("parent,child,relation,share\nBNC,X Ltd,owns,5\nbnc,X LTD,owns,60\nBNC,X Ltd,owns,60\n")
    read = read_rows(path)
    assert [(r.line, r.share) for r in read.rows] == [(3, 60)]
    assert [n.line for n in read.notes] == [2]  # the smaller, kept out, said
    assert [p.line for p in read.problems] == [4]  # the exact repeat


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2)), st.booleans())
def test_any_percentage_reads_as_itself(value: float, percent: bool) -> None:
    from clearance.datasets.registry import _share

    assert _share(f"{value:g}{'%' if percent else ''}") == pytest.approx(value)

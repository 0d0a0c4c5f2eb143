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
    rows, problems = read_rows(GRAPH / "registry.csv")
    assert problems == []
    assert [(r.line, r.parent, r.child, r.relation, r.share) for r in rows][:3] == [
        (2, "Tencent Holdings Limited", "Harbour Lights Games Ltd", "owns", 100.0),
        (3, "BANCO NACIONAL DE CUBA", "Caribe Nickel Trading SA", "owns", 30.0),
        (4, "ANGLO-CARIBBEAN CO. LTD.", "Caribe Nickel Trading SA", "owns", 25.0),
    ]
    assert rows[0].source == "Companies registry extract 2021-02"


def test_every_broken_row_is_named_by_its_line_and_the_good_ones_kept() -> None:
    rows, problems = read_rows(GRAPH / "broken.csv")
    assert [(r.line, r.child, r.start) for r in rows] == [
        (2, "Harbour Lights Games Ltd", None),
        (12, "West Pier Ltd", date(2021, 1, 1)),
    ]
    said = {p.line: p.message for p in problems}
    assert sorted(said) == list(range(3, 12))
    assert "both a parent and a child" in said[3]
    assert "'150' is not a percentage" in said[4]
    assert "unknown relation 'acquires'" in said[5]
    assert "only for owns" in said[6]
    assert "related to itself" in said[7]
    assert "'2021-13-01' is not a date" in said[8]
    assert "is after end" in said[9]
    assert "'thirty' is not a percentage" in said[10]
    assert "the same relation as line 2" in said[11]


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


def test_a_stray_quote_is_reported_never_merged_into_the_next_rows(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('parent,child,relation,share\nA Ltd,"B Ltd,owns,30\nC Ltd,D Ltd,owns,60\n')
    rows, problems = read_rows(path)
    assert rows == []  # the quote swallows the rest: nothing is joined to a party's name
    assert problems and problems[0].line == 2


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2)), st.booleans())
def test_any_percentage_reads_as_itself(value: float, percent: bool) -> None:
    from clearance.datasets.registry import _share

    assert _share(f"{value:g}{'%' if percent else ''}") == pytest.approx(value)

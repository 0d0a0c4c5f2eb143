"""A list file cut short or wrongly encoded never becomes active (issue 16, item 1).

Each reader knows when its file ended early: OFAC's legacy CSV by its end mark (a last line of 0x1A) and
by companion rows whose entry the main file lacks, XML by well-formedness, OFAC XML and the CSL JSON by
the counts they state, the CSV formats by a last row cut inside a quote or without its line end. A file
cut short fails the import (exit 2, one line naming the file and why) and replaces nothing, however many
good rows it still has. The loss check also counts rows a quote left open swallowed, and entries whose
names decode only with replacement characters; its limit is a number from 0 to 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clearance.datasets.lists import csl, dpl, eu_xml, ftm, ofac_csv, ofac_xml, uk_csv, un_xml
from clearance.datasets.lists.checks import share
from clearance.datasets.lists.reading import ImportFailed, read
from clearance.datasets.lists.snapshots import active
from clearance.datasets.lists.updates import import_files
from clearance.errors import InputError
from datasets.lists.list_files import (
    CSL_CSV,
    CSL_JSON,
    DPL,
    EU_XML,
    FTM,
    OFAC_XML,
    SDN,
    UK_CSV,
    UN,
    copy,
    cut,
    lists_cli,
    one_line,
)

# ----------------------------------------------------------------------------- OFAC legacy CSV


def _sdn_cut(tmp_path: Path, name: str, at: int) -> Path:
    folder = copy(SDN, tmp_path / "sdn")
    cut(SDN / name, folder / name, at)
    return folder


def test_sdn_cut_at_a_row_boundary_fails_for_want_of_its_end_mark(tmp_path: Path) -> None:
    raw = (SDN / "sdn.csv").read_bytes()
    at = raw.index(b"\r\n", len(raw) * 6 // 10) + 2  # 60% of the file, after a whole row
    folder = _sdn_cut(tmp_path, "sdn.csv", at)
    data = ofac_csv.READER.read([folder / "sdn.csv"])
    assert 0 < len(data.entities) < 161 and data.bad_rows == 0  # good rows, none broken: what used to pass
    assert data.fatal[0].message == "cut short: the file ends without OFAC's end mark (a 0x1A line)"
    with pytest.raises(ImportFailed, match=r"sdn\.csv:\d+: cut short: .*end mark.*nothing was imported"):
        import_files([folder], tmp_path / "home")
    assert active(tmp_path / "home") == []


def test_sdn_cut_inside_a_quoted_field(tmp_path: Path) -> None:
    raw = (SDN / "sdn.csv").read_bytes()
    at = raw.index(b',"', len(raw) // 100) + 4  # just inside a quoted field, 1% into the file
    folder = _sdn_cut(tmp_path, "sdn.csv", at)
    line = raw[:at].count(b"\n") + 1
    with pytest.raises(
        ImportFailed, match=rf"sdn\.csv:{line}: cut short: the file ends inside a quoted field"
    ):
        import_files([folder], tmp_path / "home")


@pytest.mark.parametrize("name", ["add.csv", "alt.csv"])
def test_a_companion_cut_short_fails_the_whole_list(tmp_path: Path, name: str) -> None:
    raw = (SDN / name).read_bytes()
    folder = _sdn_cut(tmp_path, name, raw.index(b"\r\n", len(raw) // 2) + 2)
    with pytest.raises(ImportFailed, match=rf"{name}:\d+: cut short"):
        import_files([folder], tmp_path / "home")


def test_the_remarks_file_may_lack_the_mark_but_not_its_last_line_end(tmp_path: Path) -> None:
    assert not (SDN / "sdn_comments.csv").read_bytes().endswith(b"\x1a")  # as OFAC published it in 2021
    assert import_files([SDN], tmp_path / "whole")[0].snapshot.entities == 161
    raw = (SDN / "sdn_comments.csv").read_bytes()
    folder = _sdn_cut(tmp_path, "sdn_comments.csv", len(raw) - 2)  # the last CRLF cut off
    with pytest.raises(ImportFailed, match=r"sdn_comments\.csv:5: cut short: the last row has no line end"):
        import_files([folder], tmp_path / "home")


def test_an_end_mark_in_the_middle_is_no_end(tmp_path: Path) -> None:
    """Rows after a 0x1A line are read (they used to be dropped without a word); the file must still end
    with the mark."""
    folder = copy(SDN, tmp_path / "sdn")
    rows = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    (folder / "sdn.csv").write_bytes(b"\r\n".join([*rows[:80], b"\x1a", *rows[80:]]))
    data = ofac_csv.READER.read([folder / "sdn.csv"])
    assert len(data.entities) == 161 and not data.fatal
    (folder / "sdn.csv").write_bytes(b"\r\n".join([*rows[:80], b"\x1a", *rows[80:-1]]))
    assert "end mark" in ofac_csv.READER.read([folder / "sdn.csv"]).fatal[0].message


def test_companion_rows_of_entries_the_main_file_lacks_fail_the_list(tmp_path: Path) -> None:
    """sdn.csv from which an entry's row was removed, its companions whole (a file of another day)."""
    folder = copy(SDN, tmp_path / "sdn")
    rows = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    (folder / "sdn.csv").write_bytes(b"\r\n".join(r for r in rows if not r.startswith(b"306,")))
    with pytest.raises(
        ImportFailed,
        match=r"alt\.csv:\d+: the companion files name 1 entry that sdn\.csv lacks "
        r"\(alias of unknown entry 306",
    ):
        import_files([folder], tmp_path / "home")


def test_companion_rows_of_a_broken_main_row_are_not_taken_for_a_cut(tmp_path: Path) -> None:
    folder = copy(SDN, tmp_path / "sdn")
    rows = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    rows = [b'306,"BANCO NACIONAL DE CUBA","-0-"' if r.startswith(b"306,") else r for r in rows]
    (folder / "sdn.csv").write_bytes(b"\r\n".join(rows))
    (imported,) = import_files([folder], tmp_path / "home")
    assert imported.data.bad_rows == 1 and imported.snapshot.entities == 160
    assert any("alias of unknown entry 306" in p.message for p in imported.data.problems)


# ------------------------------------------------------------------------------------------------ XML


def test_un_xml_cut_in_half_or_before_its_closing_element(tmp_path: Path) -> None:
    raw = UN.read_bytes()
    for at in (len(raw) // 2, raw.rindex(b"</CONSOLIDATED_LIST>")):
        path = cut(UN, tmp_path / f"un-{at}.xml", at)
        data = un_xml.READER.read([path])
        assert data.entities and data.fatal  # records before the cut are read, and the file is refused
        with pytest.raises(ImportFailed, match=rf"un-{at}\.xml:\d+: not well-formed XML"):
            import_files([path], tmp_path / "home")
    assert active(tmp_path / "home") == []


def test_un_xml_reencoded_as_latin1_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(UN.read_bytes().decode("utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(ImportFailed, match=r"un\.xml:\d+: not well-formed XML.*encoding it declares"):
        import_files([path], tmp_path / "home")


def test_ofac_xml_holding_fewer_records_than_it_states_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_text(OFAC_XML.read_text(encoding="utf-8").replace("<Record_Count>7<", "<Record_Count>8<"))
    assert [p.message for p in ofac_xml.READER.read([path]).fatal] == [
        "the file states 8 records, 7 were found: it is incomplete"
    ]
    with pytest.raises(ImportFailed, match="states 8 records"):
        read([path])


def test_ofac_and_eu_xml_cut_short(tmp_path: Path) -> None:
    for source, reader in ((OFAC_XML, ofac_xml.READER), (EU_XML, eu_xml.READER)):
        raw = source.read_bytes()
        path = cut(source, tmp_path / source.name, len(raw) * 3 // 4)
        assert reader.read([path]).fatal
        with pytest.raises(ImportFailed, match="not well-formed XML"):
            read([path])


# --------------------------------------------------------------------------------- CSV and JSON lines


def test_dpl_cut_inside_a_row_is_refused_and_the_whole_file_imports(tmp_path: Path) -> None:
    raw = DPL.read_bytes()
    assert not raw.endswith(b"\n")  # BIS ends the file without a line end: that is whole
    assert not dpl.READER.read([DPL]).fatal
    last = raw.rindex(b"\n") + 1
    for at in (last + 5, raw.index(b'"\t"', last) + 1, len(raw) - 1):  # in a cell, after one, in the last
        path = cut(DPL, tmp_path / f"dpl-{at}.txt", at)
        assert dpl.READER.read([path]).fatal, at
        with pytest.raises(ImportFailed, match=rf"dpl-{at}\.txt:\d+: cut short"):
            read([path])


def test_csl_and_uk_csv_with_a_last_row_cut_short(tmp_path: Path) -> None:
    for source, reader in ((CSL_CSV, csl.CSV_READER), (UK_CSV, uk_csv.READER)):
        raw = source.read_bytes()
        for at in (len(raw) - 40, len(raw) - 2):  # inside the last row; just its line end left out
            path = cut(source, tmp_path / str(at) / source.name, at)
            fatal = reader.read([path]).fatal
            assert fatal and "cut short" in fatal[0].message, (source.name, at)


def test_csv_cut_inside_a_quoted_field_spanning_lines(tmp_path: Path) -> None:
    path = tmp_path / "csl.csv"
    header, first = CSL_CSV.read_bytes().split(b"\n")[:2]
    spanning = first.replace(b'"3037 S.', b'"3037\nS.')  # an address over two lines, cut in its second
    path.write_bytes(header + b"\n" + first + b"\n" + spanning[: spanning.index(b"\nS.") + 3])
    data = csl.CSV_READER.read([path])
    assert [p.message for p in data.fatal] == ["cut short: the file ends inside a quoted field"]


def test_csl_json_cut_or_holding_fewer_results_than_it_states(tmp_path: Path) -> None:
    raw = CSL_JSON.read_bytes()
    path = cut(CSL_JSON, tmp_path / "cut.json", len(raw) // 2)
    with pytest.raises(ImportFailed, match=r"cut\.json:\d+: not valid JSON .*cut short"):
        read([path])
    page = tmp_path / "page.json"
    page.write_bytes(raw.replace(b'"total": 9', b'"total": 120'))
    with pytest.raises(ImportFailed, match="states 120 results and holds 9"):
        read([page])


def test_ftm_last_line_cut_short(tmp_path: Path) -> None:
    raw = FTM.read_bytes()
    path = cut(FTM, tmp_path / "cut.ftm.json", len(raw) - 30)
    assert [p.message for p in ftm.READER.read([path]).fatal] == [
        "cut short: the last line is not whole (no line end)"
    ]
    assert not ftm.READER.read([FTM]).fatal  # a broken line inside the file is only a bad row


# ------------------------------------------------------------------------------------- the loss check


def test_a_quote_left_open_counts_every_row_it_swallows(tmp_path: Path) -> None:
    """A stray quote at the start of a name joins the lines after it into one record, up to the next
    quote (ten rows on): those are rows never reached. Here the record even comes out with the header's
    28 cells, so nothing was reported at all (91 of 100 entries imported); now the ten lines count as
    lost rows."""
    header = CSL_CSV.read_bytes().split(b"\n")[0].decode()
    width = len(header.split(","))

    def row(n: int) -> str:
        address = '"1 Main Street, Shenzhen, CN"' if n % 10 == 0 else "Shenzhen CN"
        cells = ["Entity List (EL) - Bureau of Industry and Security", "", "", "", f"Company {n} Ltd"]
        return ",".join([*cells, "", address] + [""] * (width - len(cells) - 2))

    rows = [row(n) for n in range(1, 101)]
    rows[10] = rows[10].replace(",Company 11", ',"Company 11')
    path = tmp_path / "csl.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    data = csl.CSV_READER.read([path])
    assert len(data.entities) == 90 and data.rows == 100 and data.bad_rows == 10
    (problem,) = data.problems
    assert problem.line == 12 and problem.message == (
        "a quote left open joins lines 12-21 into one record (28 cells where the header has 28): skipped, "
        "10 rows lost"
    )
    with pytest.raises(ImportFailed, match=r"10 of 100 rows \(10\.0%\) could not be read"):
        read([path])


def test_names_that_decode_only_with_replacement_characters_fail(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor cp1252 (here 0x81, 0x8D, 0x8F) in the names of a tenth of the
    entries: the file is in another encoding than it declares."""
    lines = DPL.read_bytes().split(b"\n")
    for n in range(1, len(lines), 10):
        lines[n] = lines[n].replace(b"A", b"\x81\x8d\x8f", 1)
    path = tmp_path / "dpl.txt"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(ImportFailed, match="decode only with replacement characters"):
        read([path])


@pytest.mark.parametrize("value", ["nan", "-0.01", "1.5", "inf", "lots", ""])
def test_the_loss_and_shrink_limits_are_shares(tmp_path: Path, value: str) -> None:
    with pytest.raises(InputError, match="must be a number from 0 to 1"):
        share(value, "--max-loss")
    with pytest.raises(InputError, match="--max-loss must be a number from 0 to 1"):
        import_files([UN], tmp_path / "home", max_loss=value)  # type: ignore[arg-type]
    r = lists_cli(tmp_path / "home", "import", str(UN), "--max-loss", value)
    assert r.exit_code == 2
    assert one_line(r.stderr).startswith(
        "error: --max-loss (CLEARANCE_MAX_LOSS) must be a number from 0 to 1"
    )
    if value:  # an empty variable is no setting
        r = lists_cli(tmp_path / "home", "import", str(UN), env={"CLEARANCE_MAX_SHRINK": value})
        assert r.exit_code == 2 and "--max-shrink (CLEARANCE_MAX_SHRINK)" in one_line(r.stderr)
    assert active(tmp_path / "home") == []
    assert share("0", "x") == 0.0 and share("1", "x") == 1.0 and share(0.05, "x") == 0.05


def test_cli_refuses_a_cut_file_with_one_line_and_keeps_the_active_snapshot(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert lists_cli(home, "import", str(SDN)).exit_code == 0
    before = active(home)
    raw = (SDN / "sdn.csv").read_bytes()
    folder = _sdn_cut(tmp_path, "sdn.csv", raw.index(b"\r\n", len(raw) // 2) + 2)
    r = lists_cli(home, "import", str(folder))
    assert r.exit_code == 2
    assert re.fullmatch(
        r"error: .*/sdn/sdn\.csv:\d+: cut short: .*; nothing was imported", one_line(r.stderr)
    )
    assert active(home) == before

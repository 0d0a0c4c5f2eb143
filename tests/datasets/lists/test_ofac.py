"""OFAC readers on excerpts of the real legacy CSV files (tests/data/lists, cut from ../shared/data: see the
README there), and the XML sample written from them. The whole real files are read by the tests marked
`integration`, which skip with a reason when ../shared/data is absent."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from clearance.datasets.lists import ofac_csv, ofac_programs, ofac_remarks, ofac_xml
from clearance.datasets.lists.base import ListData
from clearance.domain.model import Entity
from fixtures import DATA as FIXTURES

LISTS = FIXTURES / "lists"
SDN = LISTS / "ofac-sdn-2021"  # excerpts of the real files, with their companions
CONS = LISTS / "ofac-consolidated-2025"
SAMPLE = LISTS / "ofac_sdn_sample.xml"


def _data_rows(path: Path) -> int:
    """Lines of a legacy file, less the end-of-file line (the files have no quoted line breaks)."""
    return sum(1 for line in path.read_bytes().split(b"\r\n") if line.strip(b"\x1a \r\n"))


@pytest.fixture(scope="module")
def sdn() -> ListData:
    return ofac_csv.READER.read([SDN / "sdn.csv"])


@pytest.fixture(scope="module")
def cons() -> ListData:
    return ofac_csv.READER.read([CONS / "cons_prim.csv"])


def _alt_names(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8").replace("\x1a", "")
    return [(row[0], row[3].strip()) for row in csv.reader(text.splitlines()) if row]


def _attached(data: ListData, alt: Path) -> int:
    """How many alt.csv rows are a name of their entity."""
    names = {e.id: {n.value for n in e.all_names()} for e in data.entities}
    return sum(1 for ent, name in _alt_names(alt) if name in names.get(f"ofac-{ent}", set()))


def _by_id(data: ListData) -> dict[str, Entity]:
    return {e.id: e for e in data.entities}


def _ids(entity: Entity, scheme: str) -> set[str]:
    return {i.value for i in entity.identifiers if i.scheme == scheme}


# ---------------------------------------------------------------- sniffing and companions


def test_sniff_and_companions() -> None:
    reader = ofac_csv.READER
    for primary in (SDN / "sdn.csv", CONS / "cons_prim.csv"):
        assert reader.sniff(primary, primary.read_bytes()[:65536])
        assert reader.sniff(primary, primary.read_bytes()[:200])  # a first line cut short
        assert not ofac_xml.READER.sniff(primary, primary.read_bytes()[:65536])
    for companion in ("add.csv", "alt.csv", "sdn_comments.csv"):
        assert not reader.sniff(SDN / companion, (SDN / companion).read_bytes()[:65536])
    assert {p.name for p in reader.companions(SDN / "sdn.csv")} == {"add.csv", "alt.csv", "sdn_comments.csv"}
    assert {p.name for p in reader.companions(CONS / "cons_prim.csv")} == {
        "cons_add.csv",
        "cons_alt.csv",
        "cons_comments.csv",
    }
    assert ofac_xml.READER.sniff(SAMPLE, SAMPLE.read_bytes()[:65536])
    assert not reader.sniff(SAMPLE, SAMPLE.read_bytes()[:65536])


# ---------------------------------------------------------------- the SDN list


def _check_sdn(sdn: ListData, folder: Path, entries: int, aliases: int) -> None:
    assert sdn.source == "ofac-sdn"
    assert sdn.format == "ofac-csv"
    assert len(sdn.entities) == _data_rows(folder / "sdn.csv") == entries
    assert sdn.bad_rows == 0
    assert sdn.problems == []
    assert set(sdn.lists) == {"ofac-sdn"}
    assert all(e.lists == ("ofac-sdn",) for e in sdn.entities)
    assert _attached(sdn, folder / "alt.csv") == _data_rows(folder / "alt.csv") == aliases
    assert len({e.id for e in sdn.entities}) == len(sdn.entities)
    kinds = {e.kind for e in sdn.entities}
    assert kinds == {"person", "organization", "vessel", "aircraft"}


def test_sdn_counts(sdn: ListData) -> None:
    _check_sdn(sdn, SDN, entries=161, aliases=88)
    assert sum(1 for e in sdn.entities for n in e.names if n.type == "weak") == 28


@pytest.mark.integration
def test_sdn_whole_file(shared_data: Path) -> None:
    folder = shared_data / "ofac-sdn-2021"
    sdn = ofac_csv.READER.read([folder / "sdn.csv"])
    _check_sdn(sdn, folder, entries=8976, aliases=11910)
    assert sum(1 for e in sdn.entities for n in e.names if n.type == "weak") > 2000


def test_sdn_individual_details(sdn: ListData) -> None:
    e = _by_id(sdn)["ofac-4106"]
    assert e.name == "HERRERA BUITRAGO, Helmer" and e.kind == "person"
    details = set(e.details)
    assert {("dob", "24 Aug 1951"), ("dob", "05 Jul 1951"), ("passport", "J287011 (Colombia)")} <= details
    assert ("address", "Cali, Colombia") in details
    assert _ids(e, "passport") == {"J287011"}
    assert _ids(e, "national_id") == {"16247821"}
    assert {(n.value, n.type) for n in e.names} == {("PACHO", "weak"), ("H7", "weak")}
    abu = _by_id(sdn)["ofac-3754"]
    assert ("pob", "Gaza, Egypt") in abu.details
    assert ("dob", "09 Feb 1951") in abu.details
    assert _ids(abu, "passport") == {"92/664"}


def test_sdn_vessel_and_links(sdn: ListData) -> None:
    by_id = _by_id(sdn)
    vessel = by_id["ofac-15036"]
    assert vessel.kind == "vessel"
    assert _ids(vessel, "imo") == {"9187629"}
    assert ("call_sign", "T2EU4") in vessel.details and ("vessel_flag", "Iran") in vessel.details
    assert {r.target for r in vessel.relations} == {"ofac-15117"}  # NATIONAL IRANIAN TANKER COMPANY
    aircraft = by_id["ofac-15431"]
    assert aircraft.kind == "aircraft"
    assert [(r.type, r.target) for r in aircraft.relations] == [("linked_to", "ofac-13109")]


def test_sdn_comments_continue_the_remarks(sdn: ListData) -> None:
    # 28264's remarks run on in sdn_comments.csv: "...P" + "hone Number 8613314257947; ..."
    e = _by_id(sdn)["ofac-28264"]
    assert ("phone", "8613314257947") in e.details
    assert _ids(e, "national_id") >= {"210302198701102136"}
    assert {"blackjack1987", "khaleesi"} <= {n.value for n in e.names if n.type == "weak"}


# ---------------------------------------------------------------- the consolidated non-SDN lists


def _check_consolidated(
    cons: ListData, folder: Path, entries: int, aliases: int, on_lists: dict[str, int]
) -> None:
    assert cons.source == "ofac-consolidated"
    assert len(cons.entities) == _data_rows(folder / "cons_prim.csv") == entries
    assert cons.problems == [] and cons.bad_rows == 0
    assert _attached(cons, folder / "cons_alt.csv") == _data_rows(folder / "cons_alt.csv") == aliases
    on = {lid: sum(1 for e in cons.entities if lid in e.lists) for lid in cons.lists}
    assert {lid: on[lid] for lid in on_lists} == on_lists
    assert on["ofac-nonsdn-other"] == 0
    assert cons.lists["ofac-ns-cmic"].restricts == frozenset({"securities"})
    assert cons.lists["ofac-ssi"].restricts == frozenset({"securities", "payment"})
    assert "ofac-sdn" not in cons.lists
    cmic = [e for e in cons.entities if "CMIC-EO13959" in e.listings[0].programs]
    assert len(cmic) == on_lists["ofac-ns-cmic"]
    for e in cmic:  # every CMIC entry has its dates
        (cov,) = e.measures
        assert cov.listed and cov.effective and cov.divest_by, e.id


def test_consolidated_counts_and_lists(cons: ListData) -> None:
    on_lists = {"ofac-ns-cmic": 29, "ofac-ssi": 14, "ofac-ns-plc": 20, "ofac-capta": 1, "ofac-nsmbs": 18}
    _check_consolidated(cons, CONS, entries=70, aliases=163, on_lists=on_lists)


@pytest.mark.integration
def test_consolidated_whole_file(shared_data: Path) -> None:
    folder = shared_data / "ofac-consolidated-2025"
    cons = ofac_csv.READER.read([folder / "cons_prim.csv"])
    on_lists = {"ofac-ns-cmic": 68, "ofac-ssi": 286, "ofac-ns-plc": 78, "ofac-capta": 1}
    _check_consolidated(cons, folder, entries=442, aliases=1073, on_lists=on_lists)


def test_smic(cons: ListData) -> None:
    e = _by_id(cons)["ofac-30951"]
    assert e.name == "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION"
    assert e.kind == "organization"
    assert len(_ids(e, "isin")) == 9
    assert "KYG8020E1199" in _ids(e, "isin") and "CND100022N41" in _ids(e, "isin")
    assert _ids(e, "ticker") == {"688981 CN", "00981 HK", "MKN1 DE", "MKN2 DE"}
    assert ("SMIC", "weak") in {(n.value, n.type) for n in e.names}
    assert "SEMICONDUCTOR MFG INTL CORP" in {n.value for n in e.names if n.type == "strong"}
    assert e.lists == ("ofac-ns-cmic",)
    (listing,) = e.listings
    assert listing.source_id == "30951" and listing.programs == ("CMIC-EO13959",)
    assert listing.listed == date(2021, 6, 3)
    (cov,) = e.measures
    assert cov.measure == "us-eo-14032" and cov.basis == "named"
    assert cov.listed == date(2021, 6, 3)
    assert cov.effective == datetime(2021, 8, 2, 0, 1, tzinfo=ZoneInfo("America/New_York"))
    assert cov.effective is not None and cov.effective.utcoffset() is not None
    assert cov.effective.isoformat() == "2021-08-02T00:01:00-04:00"
    assert cov.divest_by == date(2022, 6, 3)
    assert cov.citation == "OFAC consolidated non-SDN list, entry 30951"
    assert ("address", "18, Zhangjiang Road, Pudong New Area, Shanghai 201203, China") in e.details


def test_cnooc_linked_to_its_parent(cons: ListData) -> None:
    by_name = {e.name: e for e in cons.entities}
    cnooc = by_name["CNOOC LIMITED"]
    parent = by_name["CHINA NATIONAL OFFSHORE OIL CORPORATION"]
    assert ("linked_to", parent.id) in {(r.type, r.target) for r in cnooc.relations}
    assert _ids(parent, "lei") == {"300300AY5BEBCYDR2F31"}
    assert _ids(parent, "uscc") == {"91110000100001043E"}
    # a link to an entry that is not on this source stays a detail
    zahhar = _by_id(cons)["ofac-9647"]
    assert ("linked_to", "HAMAS") in zahhar.details and not zahhar.relations


def test_consolidated_comments_and_identifiers(cons: ListData) -> None:
    bank = _by_id(cons)["ofac-17014"]  # remarks cut at "Registration Numbe", continued in cons_comments.csv
    assert "1027700342890" in _ids(bank, "company_number")
    assert _ids(bank, "bic") == {"RUAGRUMM"}
    assert ("weak", "RUSAG") in {(n.type, n.value) for n in bank.names}
    assert set(bank.lists) == {"ofac-ssi", "ofac-nsmbs"}


def test_unknown_items_are_kept() -> None:
    r = ofac_remarks.parse_remarks("Former Minister of Interior; DOB 1962; alt. Executive Order 13662 Foo.")
    assert ("remarks", "Former Minister of Interior") in r.details
    assert ("dob", "1962") in r.details
    assert ("sanctions_info", "alt. Executive Order 13662 Foo") in r.details


# ---------------------------------------------------------------- damaged files


def _copy(tmp_path: Path, folder: Path, prefix: str = "") -> Path:
    for f in folder.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / ("cons_prim.csv" if prefix else "sdn.csv")


def test_cp1252_line_is_read_and_reported(tmp_path: Path) -> None:
    primary = _copy(tmp_path, CONS, "cons_")
    raw = primary.read_bytes()
    assert b"ABU TEIR, Mohammed" in raw
    primary.write_bytes(raw.replace(b"ABU TEIR, Mohammed", "ABU TEIR, Moh\u00e9mmed".encode("cp1252")))
    data = ofac_csv.READER.read([primary])
    assert len(data.entities) == 70 and data.bad_rows == 0
    assert {e.id: e.name for e in data.entities}["ofac-9640"] == "ABU TEIR, Moh\u00e9mmed"
    (problem,) = data.problems
    assert problem.line == 2 and problem.file.endswith("cons_prim.csv") and "cp1252" in problem.message


def test_broken_rows_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    primary = _copy(tmp_path, CONS, "cons_")
    lines = primary.read_bytes().split(b"\r\n")
    assert lines[-1] == b"\x1a"
    lines[4] = lines[4][:-10]  # a row cut inside its quoted remarks
    lines[9] = b'99999,"ONLY THREE","individual"'  # a row with a wrong column count
    lines[-2] = lines[-2][:-10]  # a truncated last row, before the EOF line
    primary.write_bytes(b"\r\n".join(lines))
    data = ofac_csv.READER.read([primary])
    by_line = {p.line: p for p in data.problems if p.file.endswith("cons_prim.csv")}
    assert set(by_line) == {5, 10, len(lines) - 1}
    assert "quote" in by_line[5].message and "columns" in by_line[10].message
    assert "truncated" in by_line[len(lines) - 1].message
    assert len(data.entities) == 70 - 3
    assert data.bad_rows == 3
    ids = {e.id for e in data.entities}
    assert "ofac-9643" not in ids and "ofac-9644" in ids  # the row after the cut one is read


def test_missing_companions_are_reported(tmp_path: Path) -> None:
    shutil.copy(SDN / "sdn.csv", tmp_path / "sdn.csv")
    data = ofac_csv.READER.read([tmp_path / "sdn.csv"])
    assert len(data.entities) == 161
    assert sorted(p.file.rsplit("/", 1)[-1] for p in data.problems) == [
        "add.csv",
        "alt.csv",
        "sdn_comments.csv",
    ]
    assert all(p.line is None for p in data.problems)


def test_source_from_content_when_the_name_says_nothing(tmp_path: Path) -> None:
    shutil.copy(CONS / "cons_prim.csv", tmp_path / "list.csv")
    data = ofac_csv.READER.read([tmp_path / "list.csv"])
    assert data.source == "ofac-consolidated"
    assert ofac_programs.entry_lists("ofac-sdn", ("CMIC-EO13959",)) == ("ofac-sdn",)


# ---------------------------------------------------------------- XML


@pytest.fixture(scope="module")
def xml() -> ListData:
    return ofac_xml.READER.read([SAMPLE])


def _same(a: Entity, b: Entity) -> None:
    assert (a.id, a.kind, a.name) == (b.id, b.kind, b.name)
    assert {(n.value, n.type) for n in a.names} == {(n.value, n.type) for n in b.names}
    assert {(i.scheme, i.value) for i in a.identifiers} == {(i.scheme, i.value) for i in b.identifiers}
    assert [lst.programs for lst in a.listings] == [lst.programs for lst in b.listings]


def test_xml_sample(xml: ListData) -> None:
    assert xml.format == "ofac-xml" and xml.source == "ofac-sdn"
    assert xml.published == "2021-07-01"
    assert xml.rows == 7 and not xml.problems
    by_id = _by_id(xml)
    assert [r.target for r in by_id["ofac-15431"].relations] == ["ofac-13109"]
    assert [r.target for r in by_id["ofac-12625"].relations] == ["ofac-23223"]


def test_xml_gives_the_csv_entities(xml: ListData, sdn: ListData, cons: ListData) -> None:
    from_xml = _by_id(xml)
    from_sdn = _by_id(sdn)
    for eid in ("ofac-4106", "ofac-12625", "ofac-13109", "ofac-15036", "ofac-15431"):  # 23223 is abridged
        _same(from_xml[eid], from_sdn[eid])
        assert set(from_xml[eid].details) <= set(from_sdn[eid].details) | {
            ("linked_to", "NATIONAL IRANIAN TANKER COMPANY")
        }
    assert from_xml["ofac-4106"] == from_sdn["ofac-4106"]
    assert from_xml["ofac-12625"].details and set(from_xml["ofac-12625"].details) == set(
        from_sdn["ofac-12625"].details
    )
    smic_xml, smic_csv = from_xml["ofac-30951"], _by_id(cons)["ofac-30951"]
    _same(smic_xml, smic_csv)
    assert [(c.measure, c.listed, c.effective, c.divest_by) for c in smic_xml.measures] == [
        (c.measure, c.listed, c.effective, c.divest_by) for c in smic_csv.measures
    ]
    assert set(smic_xml.details) == set(smic_csv.details)


def test_xml_consolidated_and_namespace_free(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    start, end = text.index("<sdnEntry>"), text.rindex("<sdnEntry>")
    plain = (text[:start] + text[end:]).replace(
        ' xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"', ""
    )
    (tmp_path / "cons.xml").write_text(plain, encoding="utf-8")
    data = ofac_xml.READER.read([tmp_path / "cons.xml"])
    assert data.source == "ofac-consolidated"
    (smic,) = data.entities
    assert smic.lists == ("ofac-ns-cmic",) and smic.measures[0].measure == "us-eo-14032"
    assert any("states 7 records" in p.message for p in data.problems)


def test_xml_broken_file_keeps_entries_before_the_break(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.index("<sdnEntry>\n    <uid>15036</uid>")
    (tmp_path / "sdn.xml").write_text(text[: cut + 40], encoding="utf-8")
    data = ofac_xml.READER.read([tmp_path / "sdn.xml"])
    assert [e.id for e in data.entities] == ["ofac-4106", "ofac-12625", "ofac-13109"]
    assert data.bad_rows == 1 and any(p.line for p in data.problems)


def test_xml_refuses_entities(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE sdnList [<!ENTITY a "aaaa">]>'
        "<sdnList><sdnEntry><uid>1</uid><lastName>&a;</lastName></sdnEntry></sdnList>"
    )
    (tmp_path / "sdn.xml").write_text(bomb, encoding="utf-8")
    data = ofac_xml.READER.read([tmp_path / "sdn.xml"])
    assert data.entities == [] and data.bad_rows == 1 and data.problems

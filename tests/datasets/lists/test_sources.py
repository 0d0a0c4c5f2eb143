"""Readers for the CSL (CSV and JSON), BIS DPL, UN, EU FSF, UK OFSI and OpenSanctions FtM formats.

Excerpts of the real files in ../shared/data for CSL CSV, DPL and UN (tests/data/lists/other, see the
README there); small samples in tests/data/lists for the rest. The whole real files are read by the tests
marked `integration`, which skip with a reason when ../shared/data is absent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clearance.datasets.lists import csl, dpl, eu_xml, ftm, uk_csv, un_xml
from clearance.datasets.lists.base import ListData
from clearance.domain.model import Entity
from fixtures import DATA as FIXTURES

SAMPLES = FIXTURES / "lists"
EXCERPTS = SAMPLES / "other"  # excerpts of the real files in ../shared/data/other, same names
CSL_CSV = EXCERPTS / "csl-sample-2019.csv"
DPL_TXT = EXCERPTS / "bis-dpl-2019.txt"
UN_XML = EXCERPTS / "un-consolidated-2026.xml"
OFAC_SDN = SAMPLES / "ofac-sdn-2021" / "sdn.csv"
CSL_JSON = SAMPLES / "csl_sample.json"
EU_XML = SAMPLES / "eu_fsf_sample.xml"
UK_CSV = SAMPLES / "uk_conlist_sample.csv"
FTM = SAMPLES / "opensanctions_sample.ftm.json"


def by_name(data: ListData, name: str) -> Entity:
    found = [e for e in data.entities if e.name == name]
    assert len(found) == 1, f"{name}: {len(found)} entities"
    return found[0]


def names(entity: Entity, type: str | None = None) -> set[str]:
    return {n.value for n in entity.names if type is None or n.type == type}


def detail(entity: Entity, key: str) -> list[str]:
    return [v for k, v in entity.details if k == key]


@pytest.fixture(scope="module")
def csl_data() -> ListData:
    return csl.CSV_READER.read([CSL_CSV])


@pytest.fixture(scope="module")
def dpl_data() -> ListData:
    return dpl.READER.read([DPL_TXT])


@pytest.fixture(scope="module")
def un_data() -> ListData:
    return un_xml.READER.read([UN_XML])


# ------------------------------------------------------------------------------------------------- CSL


def _check_csl(csl_data: ListData, rows: int, entities: int) -> None:
    assert csl_data.rows == rows and csl_data.bad_rows == 0 and csl_data.problems == []
    # rows of the same entry (a BIS party listed once per address) are one entity
    assert len(csl_data.entities) == entities
    assert len({e.id for e in csl_data.entities}) == entities
    assert set(csl_data.lists) == {
        "csl-sdn",
        "csl-ssi",
        "csl-el",
        "csl-plc",
        "csl-dtc",
        "csl-dpl",
        "csl-uvl",
        "csl-isn",
        "csl-cap",
    }
    restricts = {k: v.restricts for k, v in csl_data.lists.items()}
    assert restricts["csl-el"] == restricts["csl-dpl"] == restricts["csl-dtc"] == frozenset({"export"})
    assert restricts["csl-sdn"] == frozenset({"all"})
    assert restricts["csl-cap"] == frozenset({"payment"})
    assert csl_data.lists["csl-el"].title == "Entity List"


def test_csl_csv_counts_and_lists(csl_data: ListData) -> None:
    _check_csl(csl_data, rows=48, entities=44)  # "Gunther Migeotte": five rows, one entity


@pytest.mark.integration
def test_csl_csv_whole_file(shared_data: Path) -> None:
    _check_csl(csl.CSV_READER.read([shared_data / "other" / "csl-sample-2019.csv"]), rows=115, entities=110)


def test_csl_sdn_entry(csl_data: ListData) -> None:
    e = by_name(csl_data, "2904977 CANADA, INC.")
    assert e.id == "csl-sdn-8124" and e.kind == "organization"
    assert names(e) == {"CARIBE SOL", "HAVANTUR CANADA INC."}
    assert e.countries == ("ca",)
    assert e.listings[0].list_id == "csl-sdn" and e.listings[0].source_id == "8124"
    assert e.listings[0].programs == ("CUBA",)
    holdings = by_name(csl_data, "200G PSA HOLDINGS LLC")
    assert [(i.scheme, i.value) for i in holdings.identifiers] == [("tax_id", "80-0890696")]
    person = by_name(csl_data, "AKBARI, Mohammadreza Ali")
    assert person.kind == "person"
    assert ("passport", "21795618") in {(i.scheme, i.value) for i in person.identifiers}
    assert detail(person, "dob") == ["1967-10-31"]
    vessel = by_name(csl_data, "7-28")
    assert vessel.kind == "vessel" and ("imo", "8898831") in {(i.scheme, i.value) for i in vessel.identifiers}
    bank = by_name(csl_data, "BANK OF KUNLUN CO LTD")
    assert bank.lists == ("csl-cap",) and ("bic", "CKLBCNBJ") in {
        (i.scheme, i.value) for i in bank.identifiers
    }


def test_csl_entity_list_rows_are_one_entry_with_coverage(csl_data: ListData) -> None:
    e = by_name(csl_data, "Gunther Migeotte")
    assert e.kind == "person"  # no type: a personal name in mixed case on the Entity List
    assert len(detail(e, "address")) == 8
    assert set(e.countries) == {"za", "no"}
    assert {li.listed for li in e.listings} == {
        date(2010, 6, 28),
        date(2010, 6, 29),
        date(2010, 6, 30),
        date(2010, 7, 1),
    }
    (coverage,) = e.measures
    assert coverage.measure == "us-bis-entity-list" and coverage.basis == "named"
    assert coverage.listed == date(2010, 6, 28)
    assert coverage.citation and "75 FR 36516" in coverage.citation
    group = by_name(csl_data, "32 Group China Ltd.")
    assert group.kind == "organization" and group.measures[0].listed == date(2015, 11, 12)
    # a long alias list ending "; and ..." loses the "and"
    inst = by_name(csl_data, "54th Research Institute of China")
    assert "Shijiazhuang Communication Observation and Control Technology Institute" in names(inst)


def test_csl_dpl_row_expires(csl_data: ListData) -> None:
    e = by_name(csl_data, "ADRIAN MANUEL HERNANDEZ")  # the leading space of the source is gone
    assert e.kind == "person"
    (listing,) = e.listings
    assert listing.list_id == "csl-dpl"
    assert (listing.listed, listing.expires) == (date(2017, 10, 16), date(2020, 10, 13))
    assert listing.citation == "82 F.R. 48792 10/20/2017"
    assert not e.measures


def test_csl_json_matches_csv(csl_data: ListData) -> None:
    data = csl.JSON_READER.read([CSL_JSON])
    assert data.format == "csl-json" and data.problems == [] and data.rows == 9
    assert data.published == "2019-06-21T03:00:00Z"
    from_csv = {e.id: e for e in csl_data.entities}
    assert len(data.entities) == 7
    for e in data.entities:
        twin = from_csv[e.id]  # the same ids from either form
        assert (e.name, e.kind, names(e), e.identifiers) == (
            twin.name,
            twin.kind,
            names(twin),
            twin.identifiers,
        )
        assert set(e.countries) == set(twin.countries)
    hernandez = by_name(data, "ADRIAN MANUEL HERNANDEZ")
    assert hernandez.listings[0].expires == date(2020, 10, 13)
    assert detail(hernandez, "address") == ["3037 S. 69TH DRIVE, PHONEIX, AZ, 85043"]


def test_csl_guess_kind() -> None:
    assert csl.guess_kind("A & C International Trade, Inc.", "dtc") == "organization"
    assert csl.guess_kind("Gwendolyn Douglas", "dtc") == "person"
    assert csl.guess_kind("GBNTT", "el") == "organization"
    assert csl.guess_kind("Gulnihal Yegane", "el") == "person"
    assert csl.guess_kind("Gryphon Aerospace", "el") == "organization"


def test_csv_bad_row_and_cp1252_byte(tmp_path: Path) -> None:
    raw = CSL_CSV.read_bytes().split(b"\n")
    header, good = raw[0], raw[4]  # 200G PSA HOLDINGS LLC
    bad = b"Entity List (EL) - Bureau of Industry and Security,,,,Short Row Ltd."
    latin = (
        b"Entity List (EL) - Bureau of Industry and Security,,,,Soci\xe9t\xe9 G\xe9n\xe9rale Test,,"
        b'"Paris, FR",80 FR 1,2015-11-12,,,,,,,,,,,,,,,,,,,'
    )
    path = tmp_path / "csl.csv"
    path.write_bytes(b"\n".join([header, good, bad, latin]) + b"\n")
    data = csl.CSV_READER.read([path])
    assert [e.name for e in data.entities] == ["200G PSA HOLDINGS LLC", "Société Générale Test"]
    assert data.rows == 3 and data.bad_rows == 1
    messages = [str(p) for p in data.problems]
    assert f"{path}:3: 5 cells where the header has 28: skipped" in messages
    assert f"{path}:4: not UTF-8: read as cp1252" in messages


# ------------------------------------------------------------------------------------------------- DPL


def _check_dpl(dpl_data: ListData, rows: int, entities: int) -> None:
    assert dpl_data.rows == rows and dpl_data.bad_rows == 0 and dpl_data.problems == []
    assert len(dpl_data.entities) == entities
    assert len({e.id for e in dpl_data.entities}) == len(dpl_data.entities)
    assert set(dpl_data.lists) == {"bis-dpl"} and dpl_data.lists["bis-dpl"].restricts == frozenset({"export"})


def test_dpl_counts(dpl_data: ListData) -> None:
    # one entity per party: 73 distinct names, less the bracketed forms that join their entry
    # ("(SEAN) NAGHIBI", "SAMMY (IHSAN MEDHAT) ELASHI", "ASMAT (APPLIED SYSTEMS ...)" ...)
    _check_dpl(dpl_data, rows=107, entities=68)


@pytest.mark.integration
def test_dpl_whole_file(shared_data: Path) -> None:
    # 415 distinct names, less the bracketed forms that join their entry
    _check_dpl(dpl.READER.read([shared_data / "other" / "bis-dpl-2019.txt"]), rows=546, entities=410)


def test_dpl_names_cleaned_and_expired_order(dpl_data: ListData) -> None:
    naghibi = by_name(dpl_data, "AFSHIN NAGHIBI")
    assert names(naghibi) == {"SEAN NAGHIBI"}  # "(SEAN) NAGHIBI" joined it
    assert not [e for e in dpl_data.entities if e.name == "SEAN NAGHIBI"]
    (listing,) = naghibi.listings
    assert (listing.listed, listing.expires) == (date(2013, 9, 26), date(2019, 9, 26))
    assert listing.expires < date.today()  # an order that ran out: context only
    assert listing.citation == "78 F.R. 61949 10/8/13"
    assert detail(naghibi, "address") == ["9426 BLESSING DRIVE, PLEASANTON, CA, 94588, US"]
    hernandez = by_name(dpl_data, "ADRIAN MANUEL HERNANDEZ")  # leading space dropped
    assert hernandez.kind == "person"
    # "IHSAN MEDHAT \"SAMMY\" ELASHI" and "SAMMY (IHSAN MEDHAT) ELASHI" under one order: one person
    (elashi,) = [
        e for e in dpl_data.entities if {"SAMMY ELASHI", "IHSAN MEDHAT ELASHI"} <= {e.name, *names(e)}
    ]
    assert elashi.kind == "person"
    asmat = by_name(dpl_data, "APPLIED SYSTEMS METHODS AND TECHNOLOGY")
    assert asmat.kind == "organization" and names(asmat, "weak") == {"ASMAT"}
    assert names(by_name(dpl_data, "NEI-CHIEN CHU")) == {"PEARL LI"}  # "PEARL (A.K.A. NEI-CHIEN CHU) LI"


def test_dpl_one_entity_several_addresses(dpl_data: ListData) -> None:
    hijazi = by_name(dpl_data, "ALI M HIJAZI")
    assert len(detail(hijazi, "address")) == 3
    assert set(hijazi.countries) == {"fr", "ch", "ly"}
    (listing,) = hijazi.listings
    assert listing.listed == date(1981, 9, 1) and listing.expires is None
    airline = by_name(dpl_data, "AIR FREIGHT LTD")
    assert airline.kind == "organization" and set(airline.countries) == {"iq", "ae", "jo"}


# -------------------------------------------------------------------------------------------------- UN


def _check_un(un_data: ListData, persons: int, organizations: int) -> None:
    assert un_data.rows == persons + organizations and un_data.bad_rows == 0 and un_data.problems == []
    kinds = [e.kind for e in un_data.entities]
    assert kinds.count("person") == persons and kinds.count("organization") == organizations
    assert len({e.id for e in un_data.entities}) == persons + organizations
    assert un_data.published == "2026-02-27T00:00:09.554Z"
    assert un_data.lists["un-sc"].restricts == frozenset({"all"})
    assert all(e.listings[0].listed for e in un_data.entities)  # "2015-04-07-04:00" is read as its date


def test_un_counts(un_data: ListData) -> None:
    _check_un(un_data, persons=22, organizations=11)


@pytest.mark.integration
def test_un_whole_file(shared_data: Path) -> None:
    _check_un(un_xml.READER.read([shared_data / "other" / "un-consolidated-2026.xml"]), 730, 273)


def test_un_individual(un_data: ListData) -> None:
    e = next(e for e in un_data.entities if e.id == "un-sc-6908704")
    assert e.name == "Ahmad Oumar Imhamad al-Fitouri" and e.kind == "person"
    assert "احمد عمر امحمد الفيتوري" in names(e, "strong")  # NAME_ORIGINAL_SCRIPT
    assert {"Al-Dabachi", "The Uncle", "Al Dabbashi"} <= names(e, "weak")  # QUALITY Low
    idents = {(i.scheme, i.value) for i in e.identifiers}
    assert {("passport", "LY53FP76"), ("national_id", "119880387067"), ("un_reference", "LYi.023")} <= idents
    (listing,) = e.listings
    assert listing.listed == date(2018, 6, 7) and listing.programs == ("Libya",)
    assert detail(e, "dob") == ["1988-05-07"] and detail(e, "nationality") == ["Libya"]


def test_un_entity_and_dates_with_offset(un_data: ListData) -> None:
    by_id = {e.id: e for e in un_data.entities}
    assert by_id["un-sc-6908452"].listings[0].listed == date(2015, 4, 7)  # LISTED_ON 2015-04-07-04:00
    assert by_id["un-sc-6908451"].listings[0].listed == date(2015, 3, 27)  # an entity's, 2015-03-27-04:00
    adf = by_id["un-sc-6908402"]
    assert adf.name == "ADF" and adf.kind == "organization"
    assert {"Allied Democratic Forces", "ADF/NALU", "NALU"} <= names(adf, "strong")  # a.k.a. / f.k.a.
    assert adf.listings[0].listed == date(2014, 6, 30) and adf.listings[0].citation == "CDe.001"
    assert detail(adf, "address") == ["North Kivu, Democratic Republic of the Congo"]


def test_un_hostile_xml_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&b;</FIRST_NAME>"
        "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n"
    )
    assert un_xml.READER.sniff(bomb, bomb.read_bytes())
    data = un_xml.READER.read([bomb])
    assert data.entities == [] and len(data.problems) == 1
    assert "refused" in data.problems[0].message
    eu = eu_xml.READER.read([bomb])
    assert eu.entities == [] and "refused" in eu.problems[0].message


def test_un_broken_record_and_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">\n<INDIVIDUALS>\n'
        "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>ANNA</FIRST_NAME><LISTED_ON>2020-01-01</LISTED_ON>"
        "</INDIVIDUAL>\n"
        "<INDIVIDUAL><DATAID>2</DATAID><LISTED_ON>2020-01-01</LISTED_ON></INDIVIDUAL>\n"
        "<INDIVIDUAL><DATAID>3</DATAID><FIRST_NAME>BORIS</FIRST_NAME></INDIVIDUAL>\n"
        "<INDIVIDUAL><DATAID>4</DATAID><FIRST_NAME>CUT"
    )
    data = un_xml.READER.read([path])
    assert [e.name for e in data.entities] == ["ANNA", "BORIS"]
    assert data.rows == 3 and data.bad_rows == 1
    messages = {str(p) for p in data.problems}
    assert f"{path}:5: INDIVIDUAL without name: skipped" in messages
    assert any(p.line == 7 and "not well-formed" in p.message for p in data.problems)


# -------------------------------------------------------------------------------------------------- EU


def test_eu_sample() -> None:
    data = eu_xml.READER.read([EU_XML])
    assert data.rows == 6 and data.bad_rows == 1 and len(data.entities) == 5
    assert str(data.problems[0]) == f"{EU_XML}:60: sanctionEntity without name: skipped"
    assert data.published == "2026-02-20T17:04:12.312+01:00"
    saddam = by_name(data, "Saddam Hussein Al-Tikriti")
    assert saddam.id == "eu-fsf-13" and saddam.kind == "person"
    assert names(saddam, "weak") == {"Abou Ali"} and "Abu Ali" in names(saddam, "strong")
    assert any(n.lang == "ar" for n in saddam.names)
    assert saddam.countries == ("iq",) and detail(saddam, "dob") == ["1937-04-28"]
    (listing,) = saddam.listings
    assert listing.listed == date(2003, 7, 8) and listing.programs == ("IRQ",)
    assert listing.citation == "1210/2003 (OJ L169)"
    sechin = by_name(data, "Igor Ivanovich SECHIN")
    assert sechin.listings[0].listed == date(2022, 2, 28)  # designationDate
    assert ("national_id", "4005123456") in {(i.scheme, i.value) for i in sechin.identifiers}
    bank = by_name(data, "Bank Tejarat")
    assert bank.kind == "organization"
    assert {("bic", "BTEJIRTH"), ("company_number", "1234")} <= {
        (i.scheme, i.value) for i in bank.identifiers
    }
    assert data.lists["eu-fsf"].restricts == frozenset({"all"})


# -------------------------------------------------------------------------------------------------- UK


def test_uk_sample() -> None:
    data = uk_csv.READER.read([UK_CSV])
    assert data.published == "2026-02-20"
    assert data.rows == 10 and data.bad_rows == 1 and len(data.entities) == 5
    assert str(data.problems[0]) == f"{UK_CSV}:10: 6 cells where the header has 36: skipped"
    saddam = by_name(data, "HUSSEIN AL-TIKRITI, Saddam")
    assert saddam.id == "uk-ofsi-7412" and saddam.kind == "person"
    assert names(saddam, "weak") == {"ALI, Abou"} and "ALI, Abu" in names(saddam, "strong")
    assert any(n.value == "صدام حسين التكريتي" and n.lang == "ar" for n in saddam.names)
    assert {("uk_reference", "IRQ0001"), ("un_reference", "IQi.001")} <= {
        (i.scheme, i.value) for i in saddam.identifiers
    }
    (listing,) = saddam.listings
    assert listing.listed == date(2003, 7, 7) and listing.programs == ("Iraq",)
    sechin = by_name(data, "SECHIN, Igor Ivanovich")
    assert "SETCHINE, Igor" in names(sechin, "strong")
    assert ("passport", "722706436") in {(i.scheme, i.value) for i in sechin.identifiers}
    ship = by_name(data, "SAMPLE STAR")
    assert ship.kind == "vessel" and ("imo", "9123456") in {(i.scheme, i.value) for i in ship.identifiers}
    assert by_name(data, "BANK TEJARAT").kind == "organization"


# ------------------------------------------------------------------------------------------------- FtM


def test_ftm_sample() -> None:
    data = ftm.READER.read([FTM])
    assert data.rows == 11 and data.bad_rows == 1
    assert str(data.problems[0]).startswith(f"{FTM}:10: not valid JSON")
    assert len(data.entities) == 6
    petrov = by_name(data, "Viktor Ivanovich Petrov")
    assert petrov.id == "os-NK-petrov-viktor" and petrov.kind == "person"
    assert names(petrov, "weak") == {"Vitya"} and "Виктор Иванович Петров" in names(petrov, "strong")
    assert set(petrov.lists) == {"opensanctions-us_ofac_sdn", "opensanctions-gb_hmt_sanctions"}
    rels = {(r.type, r.target) for r in petrov.relations}
    assert rels == {("owns", "os-NK-petrov-holdings"), ("controls", "os-NK-sample-shipping")}
    own = next(r for r in petrov.relations if r.type == "owns")
    assert own.citation and "share 75%" in own.citation
    holdings = by_name(data, "Petrov Holdings Ltd")
    assert holdings.listings == ()  # not a target: in the chain, not listed itself
    assert [(r.type, r.target) for r in holdings.relations] == [("owns", "os-NK-sample-shipping")]
    assert ("lei", "529900SAMPLE0000LEI1") in {(i.scheme, i.value) for i in holdings.identifiers}
    star = by_name(data, "SAMPLE STAR")
    assert star.kind == "vessel" and star.listings[0].listed == date(2024, 5, 9)  # from its Sanction
    micro = by_name(data, "Example Microelectronics Co., Ltd.")
    assert micro.lists == ("opensanctions-us_trade_csl",)
    assert data.lists["opensanctions-us_trade_csl"].restricts == frozenset({"export"})
    assert data.lists["opensanctions-gb_hmt_sanctions"].restricts == frozenset({"all"})
    assert by_name(data, "Ordinary Official").listings == ()  # a PEP is not a restriction


# ------------------------------------------------------------------------------------------- sniffing

READERS = {
    "csl-csv": csl.CSV_READER,
    "csl-json": csl.JSON_READER,
    "dpl-txt": dpl.READER,
    "un-xml": un_xml.READER,
    "eu-xml": eu_xml.READER,
    "uk-csv": uk_csv.READER,
    "ftm-json": ftm.READER,
}
FILES = {
    "csl-csv": CSL_CSV,
    "csl-json": CSL_JSON,
    "dpl-txt": DPL_TXT,
    "un-xml": UN_XML,
    "eu-xml": EU_XML,
    "uk-csv": UK_CSV,
    "ftm-json": FTM,
    "ofac-csv": OFAC_SDN,
}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_sniff_claims_own_format_only(fmt: str, tmp_path: Path) -> None:
    reader = READERS[fmt]
    assert reader.format == fmt
    for other, path in FILES.items():
        head = path.read_bytes()[:65536]
        renamed = tmp_path / "list.dat"  # content decides, not the name
        assert reader.sniff(renamed, head) is (other == fmt), f"{fmt} on {other}"
        assert reader.companions(path) == []

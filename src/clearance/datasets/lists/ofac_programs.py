"""OFAC program codes: which list an entry is on, and which built-in measure its program brings.

OFAC publishes two sources. The SDN list (sdn.csv, sdn.xml) is one list whatever the programs: every entry
is blocked, so all dealings are restricted. The consolidated non-SDN file (cons_prim.csv, cons.xml) holds
several lists whose entries share program codes with SDN entries (an SSI entry carries UKRAINE-EO13662,
as an SDN designated under EO 13662 does), so there the program decides the list: the table below. An
entry may be on two of them (UKRAINE-EO13662 and RUSSIA-EO14024: SSI and NS-MBS); codes such as SDGT or
VENEZUELA-EO13850 that only repeat an SDN program decide nothing.

What a list restricts is what a strong match blocks (`ListInfo.restricts`); any other activity is sent to
review. The restrictions follow each list's OFAC page and directives:

- SSI (EO 13662 Directives 1-4, 31 CFR 589): Directives 1-3 prohibit transacting in, providing financing
  for or otherwise dealing in new debt (over 14 / 60 / 30 days) or new equity of the listed persons:
  securities and lending, so {securities, payment}. Directive 4 (goods, services and technology for deep
  water, Arctic offshore or shale oil projects) concerns exports; an SSI hit on an export is sent to review,
  and the entry's remarks say which directive applies.
- NS-CMIC (EO 13959 as amended by EO 14032): purchase or sale of publicly traded securities: {securities}.
  The program also brings the built-in measure us-eo-14032 with the entry's own dates (`cmic_coverage`).
- NS-MBS: menu-based sanctions, "enumerated on a record-by-record basis" (OFAC's NS-MBS page): EO 14024
  Directives 1a/3 (debt and equity), Directive 2 (correspondent accounts), CAATSA 235 (loans, exports), EO
  14059 (foreign exchange, loans): {securities, payment, export}; the record's remarks say which.
- CAPTA (31 CFR 561.201, 589.209 ...): no correspondent or payable-through accounts: {payment}.
- FSE (EO 13608): US persons may not deal with them at all: {all}.
- NS-PLC: members of the Palestinian Legislative Council elected on a Hamas slate; not blocked, but
  transactions with them are rejected (31 CFR 594): {all}.
"""

from __future__ import annotations

from collections.abc import Iterable

from clearance.datasets.lists.ofac_remarks import Remarks
from clearance.domain.enums import Basis, Restriction
from clearance.domain.model import Coverage, ListInfo

SDN_SOURCE = "ofac-sdn"
CONSOLIDATED_SOURCE = "ofac-consolidated"

_NONSDN = "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists"
_AUTHORITY = "US Treasury, Office of Foreign Assets Control (OFAC)"

SDN_LIST = ListInfo(
    "ofac-sdn",
    "OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
    frozenset({Restriction.ALL}),
    _AUTHORITY,
    "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
    blocks_owned=True,  # the 50 Percent Rule (OFAC guidance of 2014-08-13; `screening.ownership`)
)

# id, title, restricts, url: the lists of the consolidated non-SDN file.
CONSOLIDATED_LISTS: dict[str, ListInfo] = {
    info.id: info
    for info in (
        ListInfo(
            "ofac-ssi",
            "OFAC Sectoral Sanctions Identifications List (SSI)",
            frozenset({Restriction.SECURITIES, Restriction.PAYMENT}),
            _AUTHORITY + "; EO 13662 Directives 1-4",
            f"{_NONSDN}/sectoral-sanctions-identifications-ssi-list",
        ),
        ListInfo(
            "ofac-ns-cmic",
            "OFAC Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)",
            frozenset({Restriction.SECURITIES}),
            _AUTHORITY + "; EO 13959 as amended by EO 14032",
            f"{_NONSDN}/non-sdn-chinese-military-industrial-complex-companies-list",
        ),
        ListInfo(
            "ofac-nsmbs",
            "OFAC Non-SDN Menu-Based Sanctions List (NS-MBS)",
            frozenset({Restriction.SECURITIES, Restriction.PAYMENT, Restriction.EXPORT}),
            _AUTHORITY + "; CAATSA sec. 235 (EO 13849), EO 14024 directives, EO 14014, EO 14059",
            f"{_NONSDN}/non-sdn-menu-based-sanctions-list-ns-mbs-list",
        ),
        ListInfo(
            "ofac-capta",
            "OFAC List of Foreign Financial Institutions Subject to Correspondent Account or Payable-Through"
            " Account Sanctions (CAPTA)",
            frozenset({Restriction.PAYMENT}),
            _AUTHORITY + "; 31 CFR 561.201",
            f"{_NONSDN}/list-of-foreign-financial-institutions-subject-to-correspondent-account-or-payable"
            "-through-account-sanctions-capta-list",
        ),
        ListInfo(
            "ofac-fse",
            "OFAC Foreign Sanctions Evaders List (FSE)",
            frozenset({Restriction.ALL}),
            _AUTHORITY + "; EO 13608",
            f"{_NONSDN}/foreign-sanctions-evaders-fse-list",
        ),
        ListInfo(
            "ofac-ns-plc",
            "OFAC Non-SDN Palestinian Legislative Council List (NS-PLC)",
            frozenset({Restriction.ALL}),
            _AUTHORITY + "; 31 CFR 594",
            f"{_NONSDN}/non-sdn-palestinian-legislative-council-ns-plc-list",
        ),
        ListInfo(
            "ofac-nonsdn-other",
            "OFAC consolidated non-SDN list (program not mapped to a list)",
            frozenset({Restriction.ALL}),
            _AUTHORITY,
            "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
        ),
    )
}
UNMAPPED_LIST = "ofac-nonsdn-other"

# program code (as in the files) -> consolidated list. Codes seen in the late-2025 consolidated file.
PROGRAM_LISTS: dict[str, str] = {
    "UKRAINE-EO13662": "ofac-ssi",
    "CMIC-EO13959": "ofac-ns-cmic",
    "NS-PLC": "ofac-ns-plc",
    "561-Related": "ofac-capta",
    "RUSSIA-EO14024": "ofac-nsmbs",
    "CAATSA - RUSSIA": "ofac-nsmbs",
    "BURMA-EO14014": "ofac-nsmbs",
    "ILLICIT-DRUGS-EO14059": "ofac-nsmbs",
    "IRAN-CON-ARMS-EO": "ofac-nsmbs",
}
_PROGRAM_PREFIXES: tuple[tuple[str, str], ...] = (("FSE-", "ofac-fse"),)  # FSE-IR, FSE-SY, ...

# program code -> built-in measure it brings, with the entry's own dates from its remarks
PROGRAM_MEASURES: dict[str, str] = {"CMIC-EO13959": "us-eo-14032"}

SOURCE_TITLES = {SDN_SOURCE: "OFAC SDN list", CONSOLIDATED_SOURCE: "OFAC consolidated non-SDN list"}


def consolidated_list(program: str) -> str | None:
    """The consolidated non-SDN list a program code puts an entry on, if any."""
    found = PROGRAM_LISTS.get(program)
    if found is None:
        found = next((lid for prefix, lid in _PROGRAM_PREFIXES if program.startswith(prefix)), None)
    return found


def source_lists(source: str) -> dict[str, ListInfo]:
    return {SDN_LIST.id: SDN_LIST} if source == SDN_SOURCE else dict(CONSOLIDATED_LISTS)


def entry_lists(source: str, programs: Iterable[str]) -> tuple[str, ...]:
    """The lists an entry is on: ofac-sdn for any SDN entry; by program on the consolidated file."""
    if source == SDN_SOURCE:
        return (SDN_LIST.id,)
    found: list[str] = []
    for program in programs:
        lid = consolidated_list(program)
        if lid is not None and lid not in found:
            found.append(lid)
    return tuple(found) or (UNMAPPED_LIST,)


def looks_consolidated(programs_of_entries: Iterable[Iterable[str]]) -> bool:
    """Content rule when the file name does not say: on the consolidated file every entry has a program of a
    non-SDN list; an SDN file has many entries with only SDN programs (SDGT, SDNTK, IRAN ...)."""
    seen = False
    for programs in programs_of_entries:
        seen = True
        if not any(consolidated_list(p) for p in programs):
            return False
    return seen


def cmic_coverage(
    programs: Iterable[str], remarks: Remarks, ent_num: str, source: str
) -> tuple[Coverage, ...]:
    """The built-in measures the entry's programs bring: CMIC-EO13959 -> us-eo-14032 with its own dates."""
    out: list[Coverage] = []
    for program in programs:
        measure = PROGRAM_MEASURES.get(program)
        if measure is None or any(c.measure == measure for c in out):
            continue
        out.append(
            Coverage(
                measure=measure,
                basis=Basis.NAMED,
                listed=remarks.cmic_listed,
                effective=remarks.cmic_effective_at,
                divest_by=remarks.cmic_divest_by,
                citation=f"{SOURCE_TITLES.get(source, source)}, entry {ent_num}",
            )
        )
    return tuple(out)

"""The trade.gov Consolidated Screening List's source lists: what each restricts, and why.

Each CSL row names its source list in `source` ("Entity List (EL) - Bureau of Industry and Security");
`source_key` turns that into a key ("el"), and `list_info` into the `ListInfo` the entries are listed on
(`csl-el`). A source list not in the table restricts all dealings until someone looks at it. The CSL reader
is `csl.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearance.domain.enums import Restriction
from clearance.domain.model import ListInfo


@dataclass(frozen=True, slots=True)
class _Source:
    title: str
    authority: str
    restricts: frozenset[Restriction]
    url: str | None = None


_EXPORT = frozenset({Restriction.EXPORT})
_ALL = frozenset({Restriction.ALL})

# What each source list restricts, and why. An export list blocks an export on a strong match and asks for
# review for anything else; a sanctions list blocks every dealing.
SOURCES: dict[str, _Source] = {
    # EAR 15 CFR 744.11 and Supplement No. 4 to Part 744: a licence is needed to export, reexport or
    # transfer items subject to the EAR to a listed party (scope and review policy per entry).
    "el": _Source(
        "Entity List",
        "U.S. Department of Commerce, Bureau of Industry and Security (15 CFR Part 744, Supp. No. 4)",
        _EXPORT,
        "https://www.bis.gov/entity-list",
    ),
    # EAR 15 CFR Part 764 and 766: a denial order takes away the party's export privileges; nobody may
    # take part in an export transaction with it. It does not block payments or holdings.
    "dpl": _Source(
        "Denied Persons List",
        "U.S. Department of Commerce, Bureau of Industry and Security (15 CFR Parts 764, 766)",
        _EXPORT,
        "https://www.bis.gov/dpl",
    ),
    # EAR 15 CFR 744.15: parties whose bona fides BIS could not verify; exports need a UVL statement and
    # may not use licence exceptions.
    "uvl": _Source(
        "Unverified List",
        "U.S. Department of Commerce, Bureau of Industry and Security (15 CFR 744.15, Supp. 6 to Part 744)",
        _EXPORT,
    ),
    # EAR 15 CFR 744.21 and Supplement No. 7 to Part 744: licence needed for listed items to these
    # military end users.
    "meu": _Source(
        "Military End-User List",
        "U.S. Department of Commerce, Bureau of Industry and Security (15 CFR 744.21, Supp. 7 to Part 744)",
        _EXPORT,
    ),
    # IEEPA blocking: all property and interests in property are blocked, no dealings at all.
    "sdn": _Source(
        "Specially Designated Nationals and Blocked Persons List",
        "U.S. Department of the Treasury, Office of Foreign Assets Control",
        _ALL,
        "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
    ),
    # EO 13662 Directives 1-3 bar new debt and equity (securities and financing); Directive 4 bars goods,
    # services and technology for deepwater, Arctic offshore and shale oil projects (export).
    "ssi": _Source(
        "Sectoral Sanctions Identifications List",
        "U.S. Department of the Treasury, Office of Foreign Assets Control (EO 13662 directives)",
        frozenset({Restriction.SECURITIES, Restriction.EXPORT}),
    ),
    # EO 13608: US persons may not deal in goods, services or technology with a foreign sanctions evader
    # (no blocking, but every transaction with them is barred).
    "fse": _Source(
        "Foreign Sanctions Evaders List",
        "U.S. Department of the Treasury, Office of Foreign Assets Control (EO 13608)",
        _ALL,
    ),
    # 31 CFR 594 / NS-PLC: members of the Palestinian Legislative Council elected on the slate of Hamas (an
    # SDGT); dealings may involve a blocked Hamas interest. Treated as all dealings (conservative).
    "plc": _Source(
        "Non-SDN Palestinian Legislative Council List",
        "U.S. Department of the Treasury, Office of Foreign Assets Control",
        _ALL,
    ),
    # CAATSA / 31 CFR 561: US banks may not open or keep correspondent or payable-through accounts for
    # these foreign financial institutions: a payment restriction.
    "cap": _Source(
        "List of Foreign Financial Institutions Subject to Correspondent Account or Payable-Through "
        "Account Sanctions (CAPTA)",
        "U.S. Department of the Treasury, Office of Foreign Assets Control",
        frozenset({Restriction.PAYMENT}),
    ),
    # EO 13959 as amended by EO 14032: purchases and sales of publicly traded securities of listed
    # Chinese military-industrial complex companies.
    "cmic": _Source(
        "Non-SDN Chinese Military-Industrial Complex Companies List",
        "U.S. Department of the Treasury, Office of Foreign Assets Control (EO 13959, EO 14032)",
        frozenset({Restriction.SECURITIES}),
    ),
    # Menu-based sanctions (CAATSA sec. 235, UFSA, EO 14024 directives): chosen measures, mostly bars on
    # banking transactions and on new debt or equity.
    "mbs": _Source(
        "Non-SDN Menu-Based Sanctions List",
        "U.S. Department of the Treasury, Office of Foreign Assets Control",
        frozenset({Restriction.PAYMENT, Restriction.SECURITIES}),
    ),
    # Nonproliferation statutes (INKSNA, EO 12938, CBW Act ...): measures are mainly no US government
    # procurement or assistance and no export licences for controlled items.
    "isn": _Source(
        "Nonproliferation Sanctions",
        "U.S. Department of State, Bureau of International Security and Nonproliferation",
        _EXPORT,
    ),
    # ITAR 22 CFR 127.7: debarred from taking part in exports of defence articles and services.
    "dtc": _Source(
        "ITAR Debarred List",
        "U.S. Department of State, Directorate of Defense Trade Controls (22 CFR 127.7)",
        _EXPORT,
    ),
}
# Former or alternative abbreviations used in some CSL editions.
_ALIASES = {"acn": "isn", "capta": "cap", "ns-cmic": "cmic", "ns-mbs": "mbs", "ns-plc": "plc"}

_ABBREV = re.compile(r"\(([A-Za-z-]+)\)")


def source_key(source: str) -> str:
    """The list key from a `source` value: "Entity List (EL) - Bureau of ..." -> "el"."""
    m = _ABBREV.search(source)
    key = m.group(1).lower() if m else re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:24]
    return _ALIASES.get(key, key)


def list_info(key: str, source: str) -> tuple[ListInfo, bool]:
    """The ListInfo for a source list, and whether it is one we know."""
    known = SOURCES.get(key)
    if known is None:
        # An unknown list: restricting everything is the safe reading until someone looks at it.
        return ListInfo(
            f"csl-{key}", source.strip() or key, _ALL, "trade.gov Consolidated Screening List"
        ), False
    # the SDN entries block what they own (OFAC's 50 Percent Rule, `screening.ownership`)
    info = ListInfo(f"csl-{key}", known.title, known.restricts, known.authority, known.url, key == "sdn")
    return info, True


__all__ = ["SOURCES", "list_info", "source_key"]

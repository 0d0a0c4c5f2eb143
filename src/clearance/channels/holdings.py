"""A holding's identifiers as the lists write them (`ticker_forms`), and what its measures
say about keeping it (`divestment`).

Tickers: OFAC writes a Hong Kong code with five digits and the market ("00981 HK"), a portfolio often
with four or none ("0981 HK", "981 HK", "0981.HK"), and Yahoo's markets for Shanghai and Shenzhen are
SS and SZ where Bloomberg and OFAC write CN. `ticker_forms` gives the forms to look up; a ticker with no
market is looked up only as written (guessing its market would guess the company).

Divestment: EO 13959 and EO 14032 bar purchases of a listed
company's publicly traded securities from the date the listing takes effect, and allow sales to divest
only until a deadline (EO 14032 sec. 1(b): 365 days after the listing; EO 13959 as amended by EO 13974:
2021-11-11 for the first companies). The dates are each entity's own, from the built-in data and OFAC's
CMIC entries (`Coverage.effective`, `Coverage.divest_by`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from clearance.domain.enums import State
from clearance.screening.results import Hit

_TICKER = re.compile(r"^(?P<code>[A-Z0-9]+)(?:[\s.:/-]+(?P<market>[A-Z]{1,4}))?$")
_MARKETS = {"SS": "CN", "SZ": "CN", "SH": "CN", "SHA": "CN", "SHE": "CN", "HKG": "HK"}  # to OFAC's words


def ticker_forms(value: str) -> list[str]:
    """The forms of a ticker to look up, as written first: "0981.HK" -> ["0981.HK", "0981 HK",
    "00981 HK", "981 HK"]; "688981.SS" -> [..., "688981 CN"]."""
    text = " ".join(value.upper().split())
    forms = [text]
    m = _TICKER.match(text)
    if m is None or m["market"] is None:
        return forms
    market = _MARKETS.get(m["market"], m["market"])
    code = m["code"]
    codes = [code]
    if code.isdigit():
        bare = code.lstrip("0") or "0"
        codes += [bare, bare.zfill(4), bare.zfill(5)]
    for each in codes:
        form = f"{each} {market}"
        if form not in forms:
            forms.append(form)
    return forms


_ENDED = (State.NOT_YET, State.REVOKED, State.SUPERSEDED, State.ENJOINED)  # not signed yet, or no more


def divestment(hits: Sequence[tuple[str, Hit]], day: date) -> tuple[dict[str, Any], ...]:
    """For each measure with a divestment deadline on a hit (given with the path of the field it came
    from), unless on `day` the measure was not yet signed, or was revoked, superseded or enjoined (the
    one that replaced it carries its own dates): the entity, the measure, its listing, effective and
    divest-by dates, the field, and `status`: `not_yet` (the listing is not yet effective: nothing to do yet),
    `divest` (effective: purchases are barred and the holding must be sold by `divest_by`, `days_left`
    days after `day`), or `overdue` (the deadline has passed: holding it is itself prohibited). Most
    pressing first."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for path, hit in hits:
        for mf in hit.findings:
            cov = mf.state.coverage
            if (
                cov.divest_by is None
                or mf.state.state in _ENDED
                or (hit.entity.id, mf.state.measure.id) in seen
            ):
                continue
            seen.add((hit.entity.id, mf.state.measure.id))
            effective = cov.effective.date() if cov.effective else None
            if mf.state.state is not State.IN_FORCE or (effective is not None and day < effective):
                status = "not_yet"
            elif day > cov.divest_by:
                status = "overdue"
            else:
                status = "divest"
            out.append(
                {
                    "entity_id": hit.entity.id,
                    "name": hit.entity.name,
                    "measure": mf.state.measure.id,
                    "listed": cov.listed.isoformat() if cov.listed else None,
                    "effective": effective.isoformat() if effective else None,
                    "divest_by": cov.divest_by.isoformat(),
                    "status": status,
                    "days_left": (cov.divest_by - day).days if status == "divest" else None,
                    "field": path,
                }
            )
    order = {"overdue": 0, "divest": 1, "not_yet": 2}
    return tuple(sorted(out, key=lambda d: (order[d["status"]], d["divest_by"])))

"""What a holding's measures say about keeping it: EO 13959 and EO 14032 bar purchases of a listed
company's publicly traded securities from the date the listing takes effect, and allow sales to divest
only until a deadline (EO 14032 sec. 1(b): 365 days after the listing; EO 13959 as amended by EO 13974:
2021-11-11 for the first companies). The dates are each entity's own, from the built-in data and OFAC's
CMIC entries (`Coverage.effective`, `Coverage.divest_by`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from clearance.domain.enums import State
from clearance.screening.results import Hit

_ENDED = (State.NOT_YET, State.REVOKED, State.SUPERSEDED, State.ENJOINED)  # not signed yet, or no more


def divestment(hits: Sequence[tuple[str, Hit]], day: date) -> tuple[dict[str, Any], ...]:
    """For each measure with a divestment deadline on a hit (given with the path of the field it came
    from), unless on `day` the measure was not yet signed, or was revoked, superseded or enjoined (the
    one that replaced it carries its own dates): the entity, the measure, its effective and divest-by
    dates, the field, and `status`: `not_yet` (the listing is not yet effective: nothing to do yet),
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
                    "effective": effective.isoformat() if effective else None,
                    "divest_by": cov.divest_by.isoformat(),
                    "status": status,
                    "days_left": (cov.divest_by - day).days if status == "divest" else None,
                    "field": path,
                }
            )
    order = {"overdue": 0, "divest": 1, "not_yet": 2}
    return tuple(sorted(out, key=lambda d: (order[d["status"]], d["divest_by"])))

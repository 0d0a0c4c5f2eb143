"""What screening does when the data it would decide on is missing or old: never a silent "clear".

A bank screens against sanctions lists. With none loaded (a fresh `CLEARANCE_HOME`, `--lists-as-of`
before the first import), with a source the bank requires missing, or with a list older than it allows,
an answer of "clear" would only mean "nothing was checked". `check` names each such gap in a warning;
the policy says what follows (`OnStale`):

* `warn`: the results stand, each carrying the warnings (the command line prints them on standard
  error);
* `review` (the default, what a bank would choose): any result that would be clear becomes review,
  with the warnings as its reason; hits are decided as usual;
* `refuse`: nothing is screened; every query is a `DataError` naming the gaps.

Settings (README, "Configuration"): `CLEARANCE_ON_STALE` (default review), `CLEARANCE_MAX_LIST_AGE`
in days (default 7: OFAC, the UN and the EU publish changes within days, and a weekly update is the
slowest a screening programme can defend), `CLEARANCE_REQUIRE_LISTS` (sources that must be loaded,
comma-separated, e.g. `ofac-sdn,un-sc`; default none beyond "at least one sanctions list"). A list's
age counts from when it was retrieved or imported (its snapshot's manifest), not from a date inside
the file; list files given directly (`load_dataset(lists=...)`) are read now and count as fresh.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from clearance.datasets.builtin import BUILTIN_LIST
from clearance.domain.enums import OnStale, Restriction, parse
from clearance.domain.model import Entity, ListInfo
from clearance.errors import InputError

DEFAULT_MAX_AGE_DAYS = 7.0


@dataclass(frozen=True, slots=True)
class DataPolicy:
    """When the data is missing or old: `on_stale` what follows, `max_age` the oldest a list may be,
    `required` the sources that must be loaded. Raises `InputError` for a non-positive or non-finite age."""

    on_stale: OnStale = OnStale.REVIEW
    max_age: timedelta = timedelta(days=DEFAULT_MAX_AGE_DAYS)
    required: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.max_age > timedelta(0):
            raise InputError("the maximum list age must be a positive number of days")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DataPolicy:
        """The policy the `CLEARANCE_*` variables set (see the module's doc); raises `InputError` for a
        value that is not one of the allowed ones."""
        env = os.environ if environ is None else environ
        on_stale = parse(OnStale, env.get("CLEARANCE_ON_STALE", OnStale.REVIEW), "CLEARANCE_ON_STALE")
        text = env.get("CLEARANCE_MAX_LIST_AGE", str(DEFAULT_MAX_AGE_DAYS))
        try:
            days = float(text)
        except ValueError:
            raise InputError(f"CLEARANCE_MAX_LIST_AGE must be a number of days, not '{text}'") from None
        if not math.isfinite(days) or days <= 0:
            raise InputError(f"CLEARANCE_MAX_LIST_AGE must be a positive number of days, not '{text}'")
        required = tuple(s.strip() for s in env.get("CLEARANCE_REQUIRE_LISTS", "").split(",") if s.strip())
        return cls(on_stale=on_stale, max_age=timedelta(days=days), required=required)


def check(
    *,
    entities: Sequence[Entity],
    lists: Mapping[str, ListInfo],
    retrieved: Mapping[str, datetime],
    loaded: Sequence[str],
    policy: DataPolicy,
    now: datetime,
) -> tuple[str, ...]:
    """The gaps in the data, one warning each: no sanctions list among the entities' lists, a required
    source not in `loaded`, a snapshot retrieved (`retrieved`, by source) longer than `max_age` before
    `now`."""
    warnings = []
    sanctions = {
        lid for lid, info in lists.items() if Restriction.ALL in info.restricts and lid != BUILTIN_LIST.id
    }
    if not any(lid in sanctions for entity in entities for lid in entity.lists):
        warnings.append(
            "no sanctions list is loaded: only the built-in measures were checked (import lists with "
            "`clearance lists import` or `clearance lists update`)"
        )
    for source in policy.required:
        if source not in loaded:
            warnings.append(f"the required list '{source}' is not loaded (CLEARANCE_REQUIRE_LISTS)")
    for source, when in sorted(retrieved.items()):
        age = now - when
        if age > policy.max_age:
            days = age.total_seconds() / 86400
            limit = policy.max_age.total_seconds() / 86400
            warnings.append(
                f"the list '{source}' was retrieved {days:.1f} days before the screening data's date, more "
                f"than the {limit:g} allowed (CLEARANCE_MAX_LIST_AGE)"
            )
    return tuple(warnings)

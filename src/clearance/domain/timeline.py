"""Measures in time: which state a measure is in at a given moment, and for a given entity.

Time rules (also in the README):
* an event given as a date takes effect at 00:00 of that day in the measure's own time zone; an event
  the law times within the day (EO 13959: 9:30 a.m. EST) keeps its time and zone;
* an `as_of` date means the end of that day (23:59:59.999999) in the measure's own time zone, so a
  measure that takes effect on a day is in force when screening as of that day;
* an `as_of` datetime without a zone is read in the measure's zone; with a zone it is that instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from clearance.domain.enums import EventType, State
from clearance.domain.model import Coverage, Event, Measure, MeasureState

# What each event does to the state. Events absent here (published, amended) change nothing.
_TRANSITIONS = {
    EventType.SIGNED: State.SIGNED,
    EventType.EFFECTIVE: State.IN_FORCE,
    EventType.ENJOINED: State.ENJOINED,
    EventType.REVOKED: State.REVOKED,
    EventType.SUPERSEDED: State.SUPERSEDED,
}
_FINAL = frozenset({State.REVOKED, State.SUPERSEDED})


def instant(as_of: date | datetime, zone: str) -> datetime:
    """The moment an `as_of` stands for in a measure's zone."""
    tz = ZoneInfo(zone)
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=tz)
    return datetime.combine(as_of, time.max, tzinfo=tz)


def start_of(day: date, zone: str) -> datetime:
    """00:00 of a day in a zone: when a date-only event takes effect."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def state_on(measure: Measure, as_of: date | datetime) -> MeasureState:
    at = instant(as_of, measure.timezone)
    state: State = State.NOT_YET
    since: datetime | None = None
    cause: Event | None = None
    implemented = False
    for event in sorted(measure.events, key=lambda e: e.at):
        if event.at > at:
            break
        if event.type is EventType.IMPLEMENTED:
            implemented = True
            continue
        if state in _FINAL:
            continue
        if event.type is EventType.INJUNCTION_LIFTED and state is State.ENJOINED:
            state = State.IN_FORCE if _took_effect(measure, event) else State.SIGNED
            since, cause = event.at, event
            continue
        new = _TRANSITIONS.get(event.type)
        # An injunction holds until lifted: the effective date passing under it does not end it.
        if new is None or (state is State.ENJOINED and new is State.IN_FORCE):
            continue
        state, since, cause = new, event.at, event
    return MeasureState(state=state, since=since, event=cause, implemented=implemented, instant=at)


def _took_effect(measure: Measure, until: Event) -> bool:
    return any(e.type is EventType.EFFECTIVE and e.at <= until.at for e in measure.events)


@dataclass(frozen=True, slots=True)
class EntityState:
    """A measure's state for one covered entity: the measure's own state, narrowed by the entity's dates."""

    measure: Measure
    coverage: Coverage
    state: State
    since: datetime | None
    reason: str
    implemented: bool
    measure_state: MeasureState


def entity_state(measure: Measure, coverage: Coverage, as_of: date | datetime) -> EntityState:
    ms = state_on(measure, as_of)
    state, since = ms.state, ms.since
    reason = _describe(ms)
    listed = coverage.listed
    if (
        listed is not None
        and ms.state in (State.SIGNED, State.IN_FORCE)
        and ms.instant < start_of(listed, measure.timezone)
    ):
        state, since = State.NOT_YET, None
        reason = f"the entity is listed under {measure.short} only from {listed.isoformat()}"
    elif coverage.effective is not None and ms.state is State.IN_FORCE and ms.instant < coverage.effective:
        state = State.SIGNED
        since = ms.since
        reason = (
            f"the entity is listed under {measure.short}"
            + (f" since {listed.isoformat()}" if listed else "")
            + f"; the prohibitions reach it from {_fmt(coverage.effective)}"
        )
    elif coverage.effective is not None and ms.state is State.IN_FORCE:
        since = max(coverage.effective, ms.since) if ms.since else coverage.effective
        reason = f"in force for this entity since {_fmt(since)}"
    return EntityState(measure, coverage, state, since, reason, ms.implemented, ms)


def _fmt(moment: datetime) -> str:
    if moment.time() == time(0):
        return moment.date().isoformat()
    return moment.isoformat(timespec="minutes")


def _describe(ms: MeasureState) -> str:
    event = ms.event
    if event is None:
        return "not yet signed"
    by = f" by {event.by}" if event.by else ""
    when = _fmt(event.at)
    words = {
        State.SIGNED: f"signed on {when}, not yet in effect",
        State.IN_FORCE: f"in force since {when}",
        State.ENJOINED: f"enjoined on {when}",
        State.REVOKED: f"revoked on {when}{by}",
        State.SUPERSEDED: f"superseded on {when}{by}",
    }
    cited = event.citation and ms.state is not State.IN_FORCE
    return words[ms.state] + (f" ({event.citation})" if cited else "")

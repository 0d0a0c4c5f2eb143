"""The closed sets of the domain, each in one place with its order and its valid values.

Every set is a `StrEnum`: a member equals its value (`Decision.BLOCK == "block"`), so documents, CSV
columns and JSON keep the plain words the README and ../shared/CONVENTIONS.md give, while code that reads them
cannot misspell one. `parse(Enum, value, what)` turns a user's word into a member or raises
`InputError` naming the valid values: an unknown kind or activity is an input error, never a fallback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from clearance.errors import InputError


class Kind(StrEnum):
    """What a listed entity is (built-in data and every list reader map their own words to these)."""

    ORGANIZATION = "organization"
    PERSON = "person"
    APP = "app"
    SECURITY = "security"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class QueryKind(StrEnum):
    """What a query is. `party` is any name; `person` and `organization` reach only entities of that
    kind; `app` is an app name or package / bundle id; `text` is free text scanned for listed names."""

    PARTY = "party"
    PERSON = "person"
    ORGANIZATION = "organization"
    APP = "app"
    TEXT = "text"

    def admits(self, kind: Kind) -> bool:
        """Does a query of this kind reach an entity of `kind`? Only `person` and `organization` narrow."""
        if self is QueryKind.PERSON or self is QueryKind.ORGANIZATION:
            return kind == self.value
        return True


class NameRules(StrEnum):
    """Which rules the scorer applies to a pair of names: a person's (initials, middle names weigh a third,
    feminine and masculine forms differ, the weakest part caps the score), a vessel's or an aircraft's
    (a name of one word, "GILDA", "EP-MNT" aside, pairs only with the same word: no typo or variant), or
    any other name's."""

    PERSON = "person"
    CRAFT = "craft"
    OTHER = "other"

    @classmethod
    def of(cls, kind: Kind | QueryKind) -> NameRules:
        if kind == "person":
            return cls.PERSON
        return cls.CRAFT if kind in ("vessel", "aircraft") else cls.OTHER


class Activity(StrEnum):
    """What the user is about to do. Under `any`, only a measure that restricts all dealings blocks."""

    ANY = "any"
    PAYMENT = "payment"
    SECURITIES = "securities"
    EXPORT = "export"
    APP = "app"


class Restriction(StrEnum):
    """What a measure or a list restricts: every dealing, or one activity."""

    ALL = "all"
    PAYMENT = "payment"
    SECURITIES = "securities"
    EXPORT = "export"
    APP = "app"


class Decision(StrEnum):
    """The outcome of a screening, in order of severity: clear < review < block."""

    CLEAR = "clear"
    REVIEW = "review"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @staticmethod
    def most_severe(decisions: list[Decision] | tuple[Decision, ...]) -> Decision:
        """The most severe of several decisions; clear when there are none (CONVENTIONS.md, Decisions)."""
        return max(decisions, key=_SEVERITY.__getitem__, default=Decision.CLEAR)


_SEVERITY = {Decision.CLEAR: 0, Decision.REVIEW: 1, Decision.BLOCK: 2}


class State(StrEnum):
    """A measure's state at an instant (see `domain.timeline`)."""

    NOT_YET = "not_yet"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    ENJOINED = "enjoined"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class EventType(StrEnum):
    """What happens to a measure. `published` and `amended` change no state; `implemented` marks a ban
    that reaches only what an agency identifies as having been applied."""

    SIGNED = "signed"
    PUBLISHED = "published"
    EFFECTIVE = "effective"
    IMPLEMENTED = "implemented"
    ENJOINED = "enjoined"
    INJUNCTION_LIFTED = "injunction_lifted"
    AMENDED = "amended"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class RelationType(StrEnum):
    DEVELOPS = "develops"
    CONTROLS = "controls"
    SUBSIDIARY_OF = "subsidiary_of"
    OWNS = "owns"
    LINKED_TO = "linked_to"
    FEATURE_OF = "feature_of"


class Basis(StrEnum):
    """Why an entity falls under a measure: named in it, or linked to something named (`hosts`: an app
    that carries a named feature, as WeChat carries WeChat Pay)."""

    NAMED = "named"
    DEVELOPS = "develops"
    CONTROLS = "controls"
    SUBSIDIARY_OF = "subsidiary_of"
    HOSTS = "hosts"
    LISTED = "listed"


class NameType(StrEnum):
    """`weak`: a short or generic alias (QQ, SMIC), matched only as the whole query."""

    STRONG = "strong"
    WEAK = "weak"


class OnStale(StrEnum):
    """What screening does when no sanctions list is loaded, a required one is missing, or a list is
    older than allowed (see `datasets.policy`): warn and go on, turn every clear into review, or refuse."""

    WARN = "warn"
    REVIEW = "review"
    REFUSE = "refuse"


class Certainty(StrEnum):
    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNCERTAIN = "uncertain"


E = TypeVar("E", bound=StrEnum)


def parse(enum: type[E], value: object, what: str) -> E:
    """`value` as a member of `enum`; raises `InputError` naming the valid values otherwise."""
    member = (
        enum._value2member_map_.get(value) if isinstance(value, str) else None
    )  # per query: a dict lookup
    if member is None:
        allowed = ", ".join(m.value for m in enum)
        raise InputError(f"unknown {what} '{value}': use one of {allowed}")
    return member  # type: ignore[return-value]  # the map holds members of `enum`

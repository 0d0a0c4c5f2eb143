"""The closed sets of the case store."""

from __future__ import annotations

from enum import StrEnum


class AlertStatus(StrEnum):
    OPEN = "open"  # waiting for its case's disposition
    CLOSED = "closed"  # its case was closed
    SUPPRESSED = "suppressed"  # an allowlist entry covered it: recorded, never queued


class CaseStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"  # open, for a senior analyst
    AWAITING_APPROVAL = "awaiting_approval"  # disposed by one analyst, waiting for a second (four eyes)
    CLOSED = "closed"


class Disposition(StrEnum):
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    ESCALATE = "escalate"


OPEN_CASE = (CaseStatus.OPEN, CaseStatus.ESCALATED, CaseStatus.AWAITING_APPROVAL)

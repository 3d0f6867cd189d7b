"""When a scored candidate becomes a lead for a tracing officer to look at."""

from __future__ import annotations

from enum import StrEnum

from homecoming.tracing.evidence import is_news
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.matching import LEAD_THRESHOLD

# A later candidate for the same person must beat the best earlier one by this much.
STRONGER_BY = 0.05


class LeadKind(StrEnum):
    RECORD = "record"  # a record in the registry (a list, a visit report, a handover)
    SIGHTING = "sighting"  # a released person saw them
    RECOGNITION = "recognition"  # a released person recognised their photo at a debrief
    BELONGINGS = "belongings"  # a family recognised belongings in the remains catalogue
    IDENTIFICATION = "identification"  # remains identified (DNA, forensics), confirmed twice


class LeadState(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Decision(StrEnum):
    """What a tracing officer decides; a row each time, never an update."""

    VERIFY = "verify"
    REJECT = "reject"
    REOPEN = "reopen"  # undoes the last verify or reject


DECISION_STATE = {
    Decision.VERIFY: LeadState.VERIFIED,
    Decision.REJECT: LeadState.REJECTED,
    Decision.REOPEN: LeadState.PENDING,
}


def lead_reason(
    score: float,
    *,
    previous_best: float | None,
    reads_as: FamilyStatus | None,
    status: FamilyStatus,
    threshold: float = LEAD_THRESHOLD,
) -> str | None:
    """Why this candidate becomes a lead ("new candidate", "stronger", "news"), or None.

    `previous_best` is the best earlier lead's score for the same person and inquiry;
    `reads_as` is the family-facing status the evidence's fate would support if verified
    (None when it claims no fate).
    """
    if score < threshold:
        return None
    if previous_best is None:
        return "new candidate"
    if reads_as is not None and is_news(status, reads_as):
        return "news: evidence of a fate the family has not been told"
    if score >= previous_best + STRONGER_BY:
        return "stronger candidate"
    return None


def state_after(decisions: list[Decision]) -> LeadState:
    """A lead's state after its decisions, in the order they were made."""
    return DECISION_STATE[decisions[-1]] if decisions else LeadState.PENDING

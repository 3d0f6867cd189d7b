"""When a candidate becomes a lead, and a lead's state after its decisions."""

from __future__ import annotations

from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.lead_rules import Decision, LeadState, lead_reason, state_after

REGISTERED = FamilyStatus.REGISTERED


def test_new_stronger_news_or_nothing() -> None:
    assert lead_reason(0.9, previous_best=None, reads_as=None, status=REGISTERED) == "new candidate"
    assert lead_reason(0.49, previous_best=None, reads_as=None, status=REGISTERED) is None
    assert lead_reason(0.9, previous_best=0.88, reads_as=None, status=REGISTERED) is None
    assert (
        lead_reason(0.95, previous_best=0.88, reads_as=None, status=REGISTERED)
        == "stronger candidate"
    )
    captive = FamilyStatus.CONFIRMED_CAPTIVITY
    news = lead_reason(0.9, previous_best=0.99, reads_as=FamilyStatus.RELEASED, status=captive)
    assert news is not None and news.startswith("news")
    assert lead_reason(0.9, previous_best=0.99, reads_as=captive, status=captive) is None


def test_state_follows_the_last_decision() -> None:
    assert state_after([]) is LeadState.PENDING
    assert state_after([Decision.VERIFY]) is LeadState.VERIFIED
    assert state_after([Decision.VERIFY, Decision.REOPEN]) is LeadState.PENDING
    assert state_after([Decision.REJECT, Decision.REOPEN, Decision.VERIFY]) is LeadState.VERIFIED

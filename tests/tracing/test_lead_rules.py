"""When a candidate becomes a lead, and a lead's state after its decisions."""

from __future__ import annotations

from homecoming.domain.record import Fate
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.lead_rules import Decision, LeadState, lead_reason, state_after

REGISTERED = FamilyStatus.REGISTERED


def test_new_stronger_news_or_nothing() -> None:
    assert lead_reason(0.9, previous_best=None, fate=None, status=REGISTERED) == "new candidate"
    assert lead_reason(0.49, previous_best=None, fate=None, status=REGISTERED) is None
    assert lead_reason(0.9, previous_best=0.88, fate=None, status=REGISTERED) is None
    assert (
        lead_reason(0.95, previous_best=0.88, fate=None, status=REGISTERED) == "stronger candidate"
    )
    captive = FamilyStatus.CONFIRMED_CAPTIVITY
    news = lead_reason(0.9, previous_best=0.99, fate=Fate.RELEASED, status=captive)
    assert news is not None and news.startswith("news")
    assert lead_reason(0.9, previous_best=0.99, fate=Fate.DETAINED, status=captive) is None


def test_state_follows_the_last_decision() -> None:
    assert state_after([]) is LeadState.PENDING
    assert state_after([Decision.VERIFY]) is LeadState.VERIFIED
    assert state_after([Decision.VERIFY, Decision.REOPEN]) is LeadState.PENDING
    assert state_after([Decision.REJECT, Decision.REOPEN, Decision.VERIFY]) is LeadState.VERIFIED

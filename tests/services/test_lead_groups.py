"""The leads queue grouped by inquiry and person: one card per person, its leads inside,
paged by cards, filtered by state, kind, score and age, with counts per state."""

from __future__ import annotations

from homecoming.services import leads
from homecoming.store.db import Database
from homecoming.tracing.lead_rules import Decision, LeadKind, LeadState

from .test_tracing_path import _handover, _other_party_list, _parties, _ukrainian_inquiry


def _world(db: Database) -> int:
    """An inquiry with two leads on one person (a list, then the handover): the first verified."""
    _parties(db)
    case = _ukrainian_inquiry(db)
    _other_party_list(db)
    (first,) = leads.queue(db)
    leads.decide(db, lead_id=first.id, decision=Decision.VERIFY, reason="dob", actor="tracer")
    assert first.record_id is not None
    _handover(db, first.record_id)
    return case.id


def test_one_card_per_inquiry_and_person(db: Database) -> None:
    inquiry_id = _world(db)
    every = leads.grouped(db, where=leads.LeadFilter(state=None))
    assert every.groups == 1 and every.leads == 2
    (card,) = every.items
    assert card.inquiry_id == inquiry_id and card.person_id is not None and card.count == 2
    assert [lead.person_id for lead in card.leads] == [card.person_id] * 2
    assert card.best == max(lead.score for lead in card.leads)
    assert every.by_state == {"verified": 1, "pending": 1}
    pending = leads.grouped(db)  # the default: what is left to check
    assert pending.groups == 1 and [lead.state for lead in pending.items[0].leads] == ["pending"]


def test_filters_and_pages(db: Database) -> None:
    _world(db)
    assert leads.grouped(db, where=leads.LeadFilter(state=LeadState.REJECTED)).groups == 0
    sightings = leads.grouped(db, where=leads.LeadFilter(state=None, kind=LeadKind.SIGHTING))
    assert sightings.groups == 0 and sightings.by_state == {}
    high = leads.grouped(db, where=leads.LeadFilter(state=None, min_score=1.01))
    assert high.items == [] and high.leads == 0
    waiting = leads.grouped(db, where=leads.LeadFilter(state=None, older_than_days=1))
    assert waiting.groups == 0  # every lead is from today
    assert leads.grouped(db, where=leads.LeadFilter(state=None), offset=1).items == []
    capped = leads.grouped(db, where=leads.LeadFilter(state=None), per_group=1)
    assert capped.items[0].count == 2 and len(capped.items[0].leads) == 1

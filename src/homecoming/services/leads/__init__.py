"""Leads: possible answers to families' inquiries, found by re-matching what lands.

- `matching`: subscribing tracing to a database, re-matching the open inquiries new records may
  answer (incremental, through the inquiries' candidate keys), scoring and writing leads;
- `decisions`: the queue of leads, a lead's detail, decisions and the family's status;
- `grouping`: the queue grouped by inquiry and person.

Everything is re-exported here: `from homecoming.services import leads; leads.decide(...)`."""

from __future__ import annotations

from homecoming.services.leads.decisions import (
    Decided,
    LeadView,
    add_remains_lead,
    decide,
    decide_in,
    queue,
    refresh_status,
    show,
)
from homecoming.services.leads.grouping import (
    LeadFilter,
    LeadGroup,
    LeadGroups,
    grouped,
)
from homecoming.services.leads.matching import (
    CHUNK,
    SEARCH_LIMIT,
    _load_evidence,
    _pairs,
    add_recognition_lead,
    match_inquiries,
    rematch_for_records,
    subscribe,
    warm,
)

__all__ = [
    "CHUNK",
    "SEARCH_LIMIT",
    "Decided",
    "LeadFilter",
    "LeadGroup",
    "LeadGroups",
    "LeadView",
    "_load_evidence",
    "_pairs",
    "add_recognition_lead",
    "add_remains_lead",
    "decide",
    "decide_in",
    "grouped",
    "match_inquiries",
    "queue",
    "refresh_status",
    "rematch_for_records",
    "show",
    "subscribe",
    "warm",
]

"""Merging a field desk's log at the centre, and the conflicts a person decides.

`merge_log` verifies the desk's signature (a key the centre trusts), keeps every entry once
(`field_entries`, keyed by desk and entry: merging the same log again changes nothing), and
settles each person it touched with the pure rules of `exchange.fieldmerge`: what stands is
a function of all the desks' claims, never of the order logs arrive in. A written handover
carries the field operator and field time; its audit entry names them and who merged.
Disagreements, unlisted arrivals and outcomes for people no longer in the stage become
`field_conflicts` for a person to decide (`resolve`). One merge is one transaction.

Split along its sections; everything is re-exported here:
- `settling`: what merging and deciding share: a desk's entries and claims, settling a person;
- `merging`: merge one signed field desk log into the centre's record, in one transaction;
- `conflicts`: the conflicts a person decides: listing, resolving, a stage's field log and outcomes;
"""

from __future__ import annotations

from homecoming.services.field_merge.conflicts import (
    ClaimView,
    ConflictView,
    field_log,
    list_conflicts,
    person_outcomes,
    resolve,
)
from homecoming.services.field_merge.merging import (
    merge_log,
)
from homecoming.services.field_merge.settling import (
    DECIDED,
    MergeReport,
    _substitute,
)

__all__ = [
    "DECIDED",
    "ClaimView",
    "ConflictView",
    "MergeReport",
    "_substitute",
    "field_log",
    "list_conflicts",
    "merge_log",
    "person_outcomes",
    "resolve",
]

"""/disclosures and /access-review: what personal data left the system, and who read it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query

from homecoming.api.schemas import GUARDED
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import access_review, disclosures

router = Router(
    tags=["privacy"],
    dependencies=[requires(Capability.DISCLOSURES_READ)],
    responses=GUARDED,
)
Since = Annotated[dt.datetime | None, Query(description="From (default: 30 days ago)")]
Until = Annotated[dt.datetime | None, Query(description="Until (default: now)")]


@router.get("/disclosures")
def list_disclosures(
    db: DatabaseDep, since: Since = None, until: Until = None
) -> list[dict[str, Any]]:
    """Every export or transfer of personal data: what, to whom, legal basis, who, when."""
    return [row.as_json() for row in disclosures.list_disclosures(db, since=since, until=until)]


@router.get("/access-review")
def review(db: DatabaseDep, since: Since = None, until: Until = None) -> dict[str, Any]:
    """Who read families' contact details in the period, and why; and the disclosures."""
    until = until or dt.datetime.now(dt.UTC)
    since = since or until - dt.timedelta(days=30)
    return access_review.review(db, since=since, until=until).as_json()

"""The queue of leads grouped by inquiry and by person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.services.leads.decisions import LeadView, _view
from homecoming.store.db import Database
from homecoming.store.tracing_models import Lead
from homecoming.tracing.lead_rules import (
    LeadKind,
    LeadState,
)


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """What the leads page narrows to: state, kind, a lowest score, waiting at least N days."""

    state: LeadState | None = LeadState.PENDING
    kind: LeadKind | None = None
    min_score: float = 0.0
    older_than_days: int = 0


@dataclass(frozen=True, slots=True)
class LeadGroup:
    """One person found for one inquiry: its strongest leads first, and how many there are."""

    inquiry_id: int
    reference: str
    person_id: int | None
    best: float
    count: int
    leads: list[LeadView]


@dataclass(frozen=True, slots=True)
class LeadGroups:
    """A page of groups, with the totals the page's navigation shows."""

    groups: int  # groups that match the filter
    leads: int  # leads that match the filter
    by_state: dict[str, int]  # leads per state, under the same kind/score/age filter
    items: list[LeadGroup]


def grouped(
    db: Database,
    *,
    where: LeadFilter = LeadFilter(),
    limit: int = 20,
    offset: int = 0,
    per_group: int = 5,
) -> LeadGroups:
    """The queue as one card per inquiry and person (a lead without a person is its own),
    strongest first, a page of groups at a time; each card holds up to `per_group` leads."""
    who = func.coalesce(Lead.person_id, -Lead.id)
    conditions = _conditions(where)
    stated = [*conditions, *([Lead.state == where.state.value] if where.state else [])]
    with db.reading() as session:
        by_state = {
            state: n
            for state, n in session.execute(
                select(Lead.state, func.count()).where(*conditions).group_by(Lead.state)
            )
        }
        base = select(Lead.inquiry_id, who.label("who"), func.max(Lead.score).label("best"))
        groups = base.where(*stated).group_by(Lead.inquiry_id, who).subquery()
        total = session.scalar(select(func.count()).select_from(groups)) or 0
        page = session.execute(
            select(groups.c.inquiry_id, groups.c.who, groups.c.best)
            .order_by(groups.c.best.desc(), groups.c.inquiry_id, groups.c.who)
            .limit(limit)
            .offset(offset)
        ).all()
        items = _groups(session, page, stated, who, per_group)
    count = sum(by_state.values()) if where.state is None else by_state.get(where.state.value, 0)
    return LeadGroups(total, count, by_state, items)


def _conditions(where: LeadFilter) -> list[Any]:
    conditions: list[Any] = []
    if where.kind is not None:
        conditions.append(Lead.kind == where.kind.value)
    if where.min_score > 0:
        conditions.append(Lead.score >= where.min_score)
    if where.older_than_days > 0:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=where.older_than_days)
        conditions.append(Lead.created_at <= since)
    return conditions


def _groups(
    session: Session, page: Sequence[Any], stated: list[Any], who: Any, per_group: int
) -> list[LeadGroup]:
    if not page:
        return []
    wanted = {(inquiry_id, key) for inquiry_id, key, _ in page}
    rows = session.execute(
        select(Lead, who)
        .where(*stated, Lead.inquiry_id.in_({i for i, _ in wanted}))
        .order_by(Lead.score.desc(), Lead.id)
    ).all()
    members: dict[tuple[int, int], list[Lead]] = defaultdict(list)
    for lead, key in rows:
        if (lead.inquiry_id, key) in wanted:
            members[(lead.inquiry_id, key)].append(lead)
    items = []
    for inquiry_id, key, best in page:
        found = members[(inquiry_id, key)]
        views = [_view(session, lead) for lead in found[:per_group]]
        items.append(
            LeadGroup(
                inquiry_id=inquiry_id,
                reference=views[0].reference,
                person_id=key if key > 0 else None,
                best=float(best),
                count=len(found),
                leads=views,
            )
        )
    return items

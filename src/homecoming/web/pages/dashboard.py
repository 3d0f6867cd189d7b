"""The dashboard: a grid of cards, each shown to the roles that hold its capability.

A card is a template under `templates/cards/` and a function that loads what it shows:
the registry's counts and statuses, the newest agreement's progress per stage and category
(a chart), recent handovers, open inquiries, the review queue's size and the latest imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from homecoming.domain.roles import Capability, allows
from homecoming.http.deps import DatabaseDep
from homecoming.http.routing import Router
from homecoming.services import agreements, overview, reconciliation, review
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import labels
from homecoming.web.pages.exchanges import OUTCOME_LABELS
from homecoming.web.security import page_requires
from homecoming.web.templating import render, translator

router = Router(prefix="/ui", include_in_schema=False)
Loader = Callable[[Database, Principal, Request], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Card:
    """One dashboard card: its template, who may see it, and what it shows."""

    key: str
    template: str
    capability: Capability
    load: Loader
    wide: bool = False


def _counts(db: Database, user: Principal, _request: Request) -> dict[str, Any]:
    return {"counts": overview.registry_counts(db, scope=user.scope)}


def _statuses(db: Database, user: Principal, request: Request) -> dict[str, Any]:
    words = translator(request)
    rows = overview.records_by_fate(db, scope=user.scope)
    bars = [
        {
            "fate": fate or "",
            "label": words.gettext(labels.FATES.get(fate, fate) if fate else labels.NO_STATUS),
            "count": count,
        }
        for fate, count in rows
    ]
    return {"bars": bars, "total": sum(bar["count"] for bar in bars)}


def _recent_imports(db: Database, user: Principal, _request: Request) -> dict[str, Any]:
    return {"sources": overview.recent_sources(db, scope=user.scope)}


def _exchange_progress(db: Database, user: Principal, _request: Request) -> dict[str, Any]:
    """The newest agreement's progress: per stage and category, each side delivered vs agreed."""
    views = agreements.list_agreements(db, scope=user.scope)
    if not views:
        return {"view": None}
    view = views[0]
    figures = reconciliation.reconciliation(db, agreement_id=view.id, scope=user.scope)
    bars = [
        {
            "stage": line.stage,
            "label": line.label,
            "agreed": line.sides[0].agreed,
            "delivered": [side.delivered for side in line.sides],
            "listed": [side.listed for side in line.sides],
        }
        for line in figures.lines
        if line.stage is not None
    ]
    return {"view": view, "bars": bars, "running": figures.running_figures}


def _recent_handovers(db: Database, user: Principal, _request: Request) -> dict[str, Any]:
    return {"rows": overview.recent_handovers(db, scope=user.scope), "labels": OUTCOME_LABELS}


def _review_queue(db: Database, _user: Principal, _request: Request) -> dict[str, Any]:
    page = review.queue(db, limit=1)
    return {"total": page.total, "run": page.run}


def _tracing(db: Database, _user: Principal, _request: Request) -> dict[str, Any]:
    return {"counts": overview.tracing_counts(db)}


CARDS: list[Card] = [
    Card("registry", "cards/registry.html", Capability.PERSONS_READ, _counts),
    Card("statuses", "cards/statuses.html", Capability.PERSONS_READ, _statuses, wide=True),
    Card("exchange", "cards/exchange.html", Capability.EXCHANGES_READ, _exchange_progress, True),
    Card("handovers", "cards/handovers.html", Capability.EXCHANGES_READ, _recent_handovers, True),
    Card("inquiries", "cards/inquiries.html", Capability.INQUIRIES_READ, _tracing),
    Card("review", "cards/review.html", Capability.REVIEW_READ, _review_queue),
    Card("imports", "cards/imports.html", Capability.SOURCES_READ, _recent_imports, wide=True),
]


@router.get("/")
def dashboard(
    request: Request,
    db: DatabaseDep,
    user: Annotated[Principal, page_requires(Capability.PERSONS_READ)],
) -> HTMLResponse:
    """Counts of the registry, records by status as a chart, the latest imports."""
    shown = [
        (card, card.load(db, user, request)) for card in CARDS if allows(user.role, card.capability)
    ]
    return render(request, "dashboard.html", user=user, active="dashboard", cards=shown)

"""The review queue: uncertain pairs side by side with Splink's explanation, decided by a person.

A decision is a judgement (`services.review.decide`): persons regroup at once and the pair
leaves the queue; the page then offers the next pair.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Conflict, InvalidInput
from homecoming.http.deps import DatabaseDep
from homecoming.http.routing import Router
from homecoming.services import review
from homecoming.services.judgements import Decision
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.labels import N_
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.REVIEW_READ)]
Judge = Annotated[Principal, page_requires(Capability.JUDGEMENTS_WRITE)]
PAGE = 25
DECISIONS: dict[str, str] = {
    "same": N_("The same person"),
    "not_same": N_("Not the same person"),
    "unsure": N_("Unsure"),
}
STATUSES: dict[str, str] = {
    "open": N_("waiting for a decision"),
    "decided": N_("decided"),
    "superseded": N_("from an earlier linkage run"),
}
# The comparisons of the linkage model (linkage/comparisons.py), as a reviewer reads them.
COMPARISONS: dict[str, str] = {
    "name": N_("name"),
    "patronymic": N_("patronymic"),
    "date_of_birth": N_("date of birth"),
    "sex": N_("sex"),
    "place_of_birth": N_("place of birth"),
    "service_number": N_("service number"),
    "unit": N_("unit"),
    "Prior": N_("prior (two records at random)"),
    "Final score": N_("final score"),
}


@router.get("/review")
def queue_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
    decided: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """Open pairs of the latest run, the one whose decision changes most first."""
    page = review.queue(db, limit=PAGE, offset=offset)
    return render(
        request,
        "review.html",
        user=user,
        active="review",
        page=page,
        offset=offset,
        size=PAGE,
        decided=decided,
    )


@router.get("/review/{pair_id}")
def pair_page(request: Request, db: DatabaseDep, user: Reader, pair_id: int) -> HTMLResponse:
    """Both records side by side, each comparison's weight, Splink's waterfall, the decision."""
    return _pair_page(request, db, user, pair_id)


def _pair_page(
    request: Request,
    db: Database,
    user: Principal,
    pair_id: int,
    *,
    error: InvalidInput | Conflict | None = None,
    reason: str = "",
    status: int = 200,
) -> HTMLResponse:
    detail = review.show(db, pair_id)
    chart = review.waterfall(db, pair_id)
    return render(
        request,
        "review_pair.html",
        user=user,
        active="review",
        status=status,
        detail=detail,
        item=detail.item,
        bars=waterfall_bars(chart.bars),
        probability=chart.probability,
        may_decide=allows(user.role, Capability.JUDGEMENTS_WRITE) and detail.status == "open",
        decisions=DECISIONS,
        statuses=STATUSES,
        comparisons=COMPARISONS,
        error=error,
        reason=reason,
    )


def waterfall_bars(bars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Splink's waterfall as floating bars: where each comparison starts and ends (weights)."""
    drawn = []
    running = 0.0
    for bar in bars:
        weight = float(bar.get("log2_bayes_factor") or 0.0)
        name = str(bar.get("column_name", ""))
        final = name == "Final score"
        start = 0.0 if final or name == "Prior" else running
        end = weight if final else running + weight
        if not final:
            running = end
        drawn.append(
            {
                "name": name,
                "level": str(bar.get("label_for_charts") or ""),
                "left": "" if bar.get("value_l") is None else str(bar.get("value_l")),
                "right": "" if bar.get("value_r") is None else str(bar.get("value_r")),
                "weight": round(weight, 3),
                "start": round(start, 3),
                "end": round(end, 3),
                "probability": bar.get("cumulative_probability"),
                "kind": "total" if final or name == "Prior" else ("up" if weight >= 0 else "down"),
            }
        )
    return drawn


@router.post("/review/{pair_id}/decision")
async def decide(request: Request, db: DatabaseDep, user: Judge, pair_id: int) -> Response:
    """Decide the pair with a reason; then the next pair of the queue."""
    form = await request.form()
    decision = forms.text(form, "decision")
    reason = forms.text(form, "reason", limit=1_000)
    try:
        if decision not in DECISIONS:
            raise InvalidInput("choose: the same person, not the same person, or unsure")
        if not reason:
            raise InvalidInput("say why (the reason is kept with the judgement)")
        review.decide(
            db, pair_id=pair_id, decision=Decision(decision), reason=reason, actor=user.username
        )
    except (InvalidInput, Conflict) as refused:
        return _pair_page(
            request, db, user, pair_id, error=refused, reason=reason, status=refused.status_code
        )
    following = review.queue(db, limit=1).items
    target = f"/ui/review/{following[0].pair_id}" if following else "/ui/review"
    return RedirectResponse(f"{target}?decided={pair_id}", status_code=303)

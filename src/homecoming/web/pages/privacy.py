"""Privacy: erase an inquiry's personal data (a confirm page), the disclosure log, the access
review. The same services as `homecoming inquiries erase|disclosures list|access review`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.roles import Capability
from homecoming.errors import Conflict, InvalidInput
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.services import access_review, disclosures, erasure
from homecoming.services.users import Principal
from homecoming.web import forms
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Eraser = Annotated[Principal, page_requires(Capability.PERSONAL_DATA_ERASE)]
Auditor = Annotated[Principal, page_requires(Capability.DISCLOSURES_READ)]
Day = Annotated[dt.date | None, Query()]


@router.get("/inquiries/{inquiry_id}/erase")
def erase_page(request: Request, db: DatabaseDep, user: Eraser, inquiry_id: str) -> HTMLResponse:
    """What erasing this inquiry would do, and the form that does it."""
    return _confirm(request, db, user, inquiry_id)


def _confirm(
    request: Request,
    db: DatabaseDep,
    user: Principal,
    inquiry_id: str,
    *,
    error: InvalidInput | Conflict | None = None,
    status: int = 200,
) -> HTMLResponse:
    plan = erasure.plan(db, inquiry=inquiry_id)
    return render(
        request,
        "erase.html",
        user=user,
        active="inquiries",
        status=status,
        plan=plan,
        error=error,
    )


@router.post("/inquiries/{inquiry_id}/erase")
async def erase(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: Eraser, inquiry_id: str
) -> Response:
    """Erase, with the reason given; back to the case, now a tombstone."""
    form = await request.form()
    try:
        if forms.text(form, "confirm", limit=10) != "yes":
            raise InvalidInput("tick the box to confirm: an erasure cannot be undone")
        done = erasure.erase(
            db,
            inquiry=inquiry_id,
            reason=forms.text(form, "reason", limit=500),
            actor=user.username,
            data_dir=settings.data_dir,
        )
    except (InvalidInput, Conflict) as refused:
        return _confirm(request, db, user, inquiry_id, error=refused, status=422)
    return RedirectResponse(f"/ui/inquiries/{done.plan.inquiry_id}?erased=1", status_code=303)


def _period(since: dt.date | None, until: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    end = (
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        if until
        else dt.datetime.now(dt.UTC)
    )
    start = dt.datetime.combine(since, dt.time(), dt.UTC) if since else end - dt.timedelta(days=30)
    return start, end


@router.get("/disclosures")
def disclosures_page(
    request: Request, db: DatabaseDep, user: Auditor, since: Day = None, until: Day = None
) -> HTMLResponse:
    """Every export or transfer of personal data in the period."""
    start, end = _period(since, until)
    rows = disclosures.list_disclosures(db, since=start, until=end)
    return render(
        request,
        "disclosures.html",
        user=user,
        active="disclosures",
        rows=rows,
        since=start.date(),
        until=(end - dt.timedelta(seconds=1)).date(),
    )


@router.get("/access-review")
def access_review_page(
    request: Request, db: DatabaseDep, user: Auditor, since: Day = None, until: Day = None
) -> HTMLResponse:
    """Who read families' contact details in the period, and why."""
    start, end = _period(since, until)
    report = access_review.review(db, since=start, until=end)
    return render(
        request,
        "access_review.html",
        user=user,
        active="disclosures",
        report=report,
        since=start.date(),
        until=(end - dt.timedelta(seconds=1)).date(),
    )

"""Case management pages: the queues (follow-ups due, families without news for too long)
and a case file (owner and office, hand-over, follow-up date, the contact log).
The logic is services/cases.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.roles import Capability, allows
from homecoming.errors import InvalidInput, RowProblem
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.services import cases
from homecoming.services.cases import ContactKind
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.labels import N_
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.INQUIRIES_READ)]
Writer = Annotated[Principal, page_requires(Capability.INQUIRIES_WRITE)]
CONTACT_KINDS: dict[str, str] = {
    "call": N_("call"),
    "visit": N_("visit"),
    "letter": N_("letter"),
}


@router.get("/cases")
def queues(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: Reader,
    office: Annotated[str, Query(max_length=100)] = "",
    owner: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """Follow-ups due today or before, and open cases whose family has heard nothing lately."""
    days = settings.case_contact_interval_days
    return render(
        request,
        "cases.html",
        user=user,
        active="inquiries",
        office=office,
        owner=owner,
        days=days,
        follow_ups=cases.follow_ups_due(db, office=office.strip(), owner=owner.strip()),
        no_news=cases.no_news_due(
            db, interval_days=days, office=office.strip(), owner=owner.strip()
        ),
    )


def _file(
    request: Request,
    db: Database,
    user: Principal,
    inquiry_id: int,
    *,
    error: InvalidInput | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = cases.show(db, inquiry=inquiry_id, actor=user.username)
    return render(
        request,
        "case.html",
        user=user,
        active="inquiries",
        status=status,
        case=view,
        error=error,
        done=request.query_params.get("done", ""),
        may_write=allows(user.role, Capability.INQUIRIES_WRITE),
        kinds=CONTACT_KINDS,
        now=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M"),
    )


@router.get("/cases/{inquiry_id}")
def case_file(request: Request, db: DatabaseDep, user: Reader, inquiry_id: int) -> HTMLResponse:
    """A case file: owner, office, follow-up, the contact log and hand-overs."""
    return _file(request, db, user, inquiry_id)


def _done(inquiry_id: int, what: str) -> RedirectResponse:
    return RedirectResponse(f"/ui/cases/{inquiry_id}?done={what}", status_code=303)


@router.post("/cases/{inquiry_id}/owner")
async def assign(request: Request, db: DatabaseDep, user: Writer, inquiry_id: int) -> Response:
    """Name the case's owner and office."""
    form = await request.form()
    try:
        cases.assign(
            db,
            inquiry=inquiry_id,
            owner=forms.text(form, "owner", limit=100),
            office=forms.text(form, "office", limit=200),
            actor=user.username,
        )
    except InvalidInput as refused:
        return _file(request, db, user, inquiry_id, error=refused, status=422)
    return _done(inquiry_id, "owner")


@router.post("/cases/{inquiry_id}/handover")
async def hand_over(request: Request, db: DatabaseDep, user: Writer, inquiry_id: int) -> Response:
    """Hand the case to another office, with the reason."""
    form = await request.form()
    try:
        cases.hand_over(
            db,
            inquiry=inquiry_id,
            to_office=forms.text(form, "to_office", limit=200),
            to_owner=forms.text(form, "to_owner", limit=100),
            reason=forms.text(form, "reason", limit=2_000),
            actor=user.username,
        )
    except InvalidInput as refused:
        return _file(request, db, user, inquiry_id, error=refused, status=422)
    return _done(inquiry_id, "handover")


def _date(text: str, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{field}: a date like 2026-12-20, not {text!r}", [RowProblem(0, field, "a date")]
        ) from None


def _moment(text: str) -> dt.datetime:
    if not text:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"when: a date and time like 2026-12-03T14:30, not {text!r}",
            [RowProblem(0, "happened_at", "a date and time")],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@router.post("/cases/{inquiry_id}/follow-up")
async def follow_up(request: Request, db: DatabaseDep, user: Writer, inquiry_id: int) -> Response:
    """Set or clear the follow-up date."""
    form = await request.form()
    try:
        cases.set_follow_up(
            db,
            inquiry=inquiry_id,
            on=_date(forms.text(form, "on", limit=20), "on"),
            note=forms.text(form, "note", limit=2_000),
            actor=user.username,
        )
    except InvalidInput as refused:
        return _file(request, db, user, inquiry_id, error=refused, status=422)
    return _done(inquiry_id, "follow_up")


@router.post("/cases/{inquiry_id}/contacts")
async def log_contact(request: Request, db: DatabaseDep, user: Writer, inquiry_id: int) -> Response:
    """Log a call, visit or letter with the family."""
    form = await request.form()
    try:
        kind = forms.text(form, "kind", limit=20)
        if kind not in CONTACT_KINDS:
            raise InvalidInput(
                "choose a call, a visit or a letter", [RowProblem(0, "kind", "call/visit/letter")]
            )
        cases.log_contact(
            db,
            inquiry=inquiry_id,
            kind=ContactKind(kind),
            happened_at=_moment(forms.text(form, "happened_at", limit=40)),
            summary=forms.text(form, "summary", limit=2_000),
            no_news=forms.text(form, "no_news", limit=5) == "1",
            actor=user.username,
        )
    except InvalidInput as refused:
        return _file(request, db, user, inquiry_id, error=refused, status=422)
    return _done(inquiry_id, "contact")

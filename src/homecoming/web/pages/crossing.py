"""The crossing page of a stage: what happened beyond the listed handovers (arrivals on no
list with their identity check, lists that differed, persons taken or sent back), and forms to
record an arrival on no list, a person taken back and one sent back after handover."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Capability, allows
from homecoming.errors import HomecomingError, InvalidInput, NotFound
from homecoming.http.deps import DatabaseDep, SearchDep
from homecoming.http.routing import Router
from homecoming.services import agreements, crossing, handovers
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.EXCHANGES_READ)]
Recorder = Annotated[Principal, page_requires(Capability.HANDOVERS_RECORD)]
PAGE = "/ui/exchanges/{agreement_id}/stages/{number}/crossing"


@router.get("/exchanges/{agreement_id}/stages/{number}/crossing")
def crossing_page(
    request: Request, db: DatabaseDep, user: Reader, agreement_id: int, number: int
) -> HTMLResponse:
    """A stage's crossing events, and (for those who record handovers) the forms."""
    return _page(request, db, user, agreement_id, number)


def _page(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    number: int,
    *,
    error: HomecomingError | None = None,
    posted: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = agreements.get_agreement(db, agreement_id, scope=user.scope)
    agreements_stage = next((s for s in view.stages if s.number == number), None)
    if agreements_stage is None:
        raise NotFound(f"agreement {agreement_id} has no stage {number}")
    events = crossing.list_events(db, agreement_id=agreement_id, number=number, scope=user.scope)
    return render(
        request,
        "crossing.html",
        user=user,
        active="exchanges",
        status=status,
        view=view,
        number=number,
        day=agreements_stage.day,
        events=events,
        may_record=allows(user.role, Capability.HANDOVERS_RECORD),
        error=error,
        posted=posted or {},
        methods=("documents", "photo", "questions"),
    )


@router.post("/exchanges/{agreement_id}/stages/{number}/crossing/unlisted")
async def record_unlisted(
    request: Request,
    db: DatabaseDep,
    search: SearchDep,
    user: Recorder,
    agreement_id: int,
    number: int,
) -> Response:
    """Record an arrival on no list with its identity check."""
    form = await request.form()
    posted = {k: forms.text(form, k) for k in ("party", "name", "born", "checked_by", "notes")}
    chosen = [str(m) for m in form.getlist("method")]
    try:
        words = posted["name"].split()
        if not words:
            raise InvalidInput("give the name the person gave")
        crossing.record_unlisted_arrival(
            db,
            search,
            agreement_id=agreement_id,
            number=number,
            party=posted["party"],
            arrival=handovers.Substitute(
                words[0],
                " ".join(words[1:2]),
                " ".join(words[2:]),
                date_of_birth=PartialDate.parse(posted["born"]),
            ),
            checked_by=posted["checked_by"],
            methods=chosen,
            notes=posted["notes"],
            actor=user.username,
            scope=user.scope,
        )
    except HomecomingError as problem:
        return _refused(request, db, user, agreement_id, number, problem, posted)
    return _done(agreement_id, number)


@router.post("/exchanges/{agreement_id}/stages/{number}/crossing/taken-back")
async def record_taken_back(
    request: Request, db: DatabaseDep, user: Recorder, agreement_id: int, number: int
) -> Response:
    """Record a listed person brought to the crossing and taken back."""
    return await _not_handed_over(
        request, db, user, agreement_id, number, crossing.record_taken_back
    )


@router.post("/exchanges/{agreement_id}/stages/{number}/crossing/sent-back")
async def record_sent_back(
    request: Request, db: DatabaseDep, user: Recorder, agreement_id: int, number: int
) -> Response:
    """Record a person handed over and then sent back across (the handover no longer stands)."""
    return await _not_handed_over(request, db, user, agreement_id, number, crossing.record_returned)


async def _not_handed_over(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    number: int,
    record: Callable[..., object],
) -> Response:
    """A listed person not handed over after all (taken back, or sent back): one form's shape."""
    form = await request.form()
    posted = {k: forms.text(form, k) for k in ("party", "reason")}
    try:
        person = forms.whole(form, "person", label="person")
        if person is None:
            raise InvalidInput("give the person's id (from the stage's members)")
        record(
            db,
            agreement_id=agreement_id,
            number=number,
            party=posted["party"],
            person_id=person,
            reason=posted["reason"],
            actor=user.username,
            scope=user.scope,
        )
    except HomecomingError as problem:
        return _refused(request, db, user, agreement_id, number, problem, posted)
    return _done(agreement_id, number)


def _refused(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    number: int,
    problem: HomecomingError,
    posted: dict[str, str],
) -> HTMLResponse:
    """The page again with what was wrong (a missing agreement or stage is a 404 page)."""
    if isinstance(problem, NotFound) and "no agreement" in problem.message:
        raise problem
    return _page(
        request,
        db,
        user,
        agreement_id,
        number,
        error=problem,
        posted=posted,
        status=problem.status_code,
    )


def _done(agreement_id: int, number: int) -> RedirectResponse:
    url = PAGE.format(agreement_id=agreement_id, number=number) + "?recorded=1"
    return RedirectResponse(url, status_code=303)

"""The seriously wounded and sick on the person page (GCIII Art. 109-113): forms for the
referral, the examination and its decision, the prisoner's consent, and the repatriation,
calling the same services (and needing the same capabilities) as the API's /wounded."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from homecoming.domain.roles import Capability
from homecoming.errors import HomecomingError, InvalidInput, NotFound
from homecoming.exchange.wounded import Consent, ExaminingBody, MedicalDecision, Referrer
from homecoming.http.deps import DatabaseDep
from homecoming.http.routing import Router
from homecoming.services import wounded
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.pages.registry import person_view
from homecoming.web.security import page_requires

router = Router(prefix="/ui", include_in_schema=False)
Writer = Annotated[Principal, page_requires(Capability.EXCHANGES_WRITE)]
Recorder = Annotated[Principal, page_requires(Capability.HANDOVERS_RECORD)]


def _needed(form: Any, field: str, what: str) -> dt.date:
    """A date the step cannot go without."""
    value = forms.day(form, field, label=what)
    if value is None:
        raise InvalidInput(f"give {what} (YYYY-MM-DD, field {field})")
    return value


@router.post("/persons/{person_id}/wounded/referral")
async def refer(request: Request, db: DatabaseDep, user: Writer, person_id: int) -> Response:
    """A referral for examination: by himself, a doctor, the protecting power or the ICRC."""
    form = await request.form()
    keys = ("referred_by", "referrer", "referred_on", "examine_by", "notes")
    posted = {k: forms.text(form, k) for k in keys}
    try:
        by = forms.choice(form, "referred_by", label="who referred", among=list(Referrer))
        wounded.refer(
            db,
            person_id=person_id,
            referred_by=Referrer(by),
            referrer=posted["referrer"],
            referred_on=_needed(form, "referred_on", "the referral's date"),
            examine_by=forms.day(form, "examine_by", label="the examination's deadline"),
            notes=posted["notes"],
            actor=user.username,
            scope=user.scope,
        )
    except HomecomingError as problem:
        return _refused(request, db, user, person_id, problem, posted)
    return _done(person_id)


@router.post("/persons/{person_id}/wounded/examination")
async def examine(request: Request, db: DatabaseDep, user: Writer, person_id: int) -> Response:
    """An examination by a mixed medical commission or the detaining power's doctors."""
    form = await request.form()
    keys = ("body", "examined_on", "decision", "repatriate_by", "notes")
    posted = {k: forms.text(form, k) for k in keys}
    try:
        body = forms.choice(form, "body", label="who examined", among=list(ExaminingBody))
        decision = forms.choice(form, "decision", label="the decision", among=list(MedicalDecision))
        wounded.examine(
            db,
            person_id=person_id,
            body=ExaminingBody(body),
            examined_on=_needed(form, "examined_on", "the examination's date"),
            decision=MedicalDecision(decision),
            repatriate_by=forms.day(form, "repatriate_by", label="the repatriation's deadline"),
            notes=posted["notes"],
            actor=user.username,
            scope=user.scope,
        )
    except HomecomingError as problem:
        return _refused(request, db, user, person_id, problem, posted)
    return _done(person_id)


@router.post("/persons/{person_id}/wounded/consent")
async def consent(request: Request, db: DatabaseDep, user: Writer, person_id: int) -> Response:
    """The prisoner's consent to repatriation, or his refusal (Art. 109 §3)."""
    form = await request.form()
    posted = {k: forms.text(form, k) for k in ("consent", "given_on", "witnessed_by", "notes")}
    try:
        answer = forms.choice(form, "consent", label="his answer", among=list(Consent))
        wounded.consent(
            db,
            person_id=person_id,
            answer=Consent(answer),
            given_on=_needed(form, "given_on", "the answer's date"),
            witnessed_by=posted["witnessed_by"],
            notes=posted["notes"],
            actor=user.username,
            scope=user.scope,
        )
    except HomecomingError as problem:
        return _refused(request, db, user, person_id, problem, posted)
    return _done(person_id)


@router.post("/persons/{person_id}/wounded/repatriation")
async def repatriate(request: Request, db: DatabaseDep, user: Recorder, person_id: int) -> Response:
    """The repatriation: only after a decision to repatriate and with his consent."""
    form = await request.form()
    posted = {k: forms.text(form, k) for k in ("repatriated_on", "place")}
    try:
        wounded.repatriate(
            db,
            person_id=person_id,
            repatriated_on=_needed(form, "repatriated_on", "the repatriation's date"),
            place=posted["place"],
            actor=user.username,
            scope=user.scope,
        )
    except HomecomingError as problem:
        return _refused(request, db, user, person_id, problem, posted)
    return _done(person_id)


def _refused(
    request: Request,
    db: Database,
    user: Principal,
    person_id: int,
    problem: HomecomingError,
    posted: dict[str, str],
) -> Response:
    """The person page again with what was wrong (a person not seen is the 404 page)."""
    if isinstance(problem, NotFound):
        raise problem
    return person_view(
        request, db, user, person_id, error=problem, posted=posted, status=problem.status_code
    )


def _done(person_id: int) -> RedirectResponse:
    return RedirectResponse(f"/ui/persons/{person_id}?recorded=wounded#wounded", status_code=303)

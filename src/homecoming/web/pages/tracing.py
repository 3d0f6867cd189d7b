"""Tracing: the inquiry form, cases, the leads queue, messages to families (gallery: `gallery.py`).

The same services as `homecoming inquiries|leads|testimonies|notifications` and the API.
Contact details of families are shown only to roles that hold `contacts.read`, and only
through `contacts.read_contacts`, which writes who read them and why to the audit log. A
message to a family is approved by a second person: its preparer cannot.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.record import Category, Contact, RecordFields, Sex
from homecoming.domain.roles import Capability, allows
from homecoming.errors import Conflict, Forbidden, HomecomingError, InvalidInput
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.notify.channels import sms_configured
from homecoming.services import (
    contacts,
    family,
    inquiries,
    leads,
    notifications,
    overview,
    users,
)
from homecoming.services.notifications import NotificationState
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.tracing.inquiry import SharingScope
from homecoming.tracing.lead_rules import Decision, LeadKind, LeadState
from homecoming.web import forms, labels
from homecoming.web.labels import N_
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.INQUIRIES_READ)]
Writer = Annotated[Principal, page_requires(Capability.INQUIRIES_WRITE)]
Verifier = Annotated[Principal, page_requires(Capability.LEADS_VERIFY)]
Approver = Annotated[Principal, page_requires(Capability.NOTIFICATIONS_APPROVE)]
ContactReader = Annotated[Principal, page_requires(Capability.CONTACTS_READ)]
PAGE = 50
FAMILY_CODE_COOKIE = "family_code"
GROUPS_PAGE = 20  # persons (cards) per page of the leads queue

LEAD_STATES: dict[str, str] = {
    "pending": N_("to check"),
    "verified": N_("verified"),
    "rejected": N_("rejected"),
}
LEAD_KINDS: dict[str, str] = {
    "record": N_("a record in the registry"),
    "sighting": N_("a sighting in a testimony"),
    "recognition": N_("recognised in the family's photo"),
}
NOTIFICATION_STATES: dict[str, str] = {
    "prepared": N_("waiting for a second person"),
    "approved": N_("approved, in the outbox"),
    "sent": N_("sent"),
    "failed": N_("failed, will be retried"),
    "cancelled": N_("cancelled"),
}
# The sides of a lead, in the order a tracing officer compares them.
SIDE_FIELDS: dict[str, str] = {
    "name": N_("Name"),
    "date_of_birth": N_("Date of birth"),
    "sex": N_("Sex"),
    "unit": N_("Unit"),
    "rank": N_("Rank"),
    "service_number": N_("Service number"),
    "call_sign": N_("Call sign"),
    "place_of_detention": N_("Place of detention"),
    "event_date": N_("Last seen / event date"),
    "event_place": N_("Last seen / event place"),
    "fate": N_("Status"),
    "fate_date": N_("Status date"),
    "source": N_("Source"),
    "as_heard": N_("As heard"),
    "nickname": N_("Nickname"),
    "seen_when": N_("Seen when"),
    "condition": N_("Condition"),
    "debrief_answer": N_("Debrief answer"),
    "testimony": N_("Testimony"),
    "photo": N_("Photo"),
    "notes": N_("Notes"),
}


# --- inquiries ------------------------------------------------------------------------------


@router.get("/inquiries")
def inquiries_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    open: Annotated[bool, Query()] = False,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Inquiries, newest first, a page at a time (open ones only, if asked)."""
    total, views = inquiries.list_inquiries(db, open_only=open, limit=PAGE, offset=offset)
    return render(
        request,
        "inquiries.html",
        user=user,
        active="inquiries",
        total=total,
        views=views,
        open_only=open,
        offset=offset,
        size=PAGE,
        may_write=allows(user.role, Capability.INQUIRIES_WRITE),
    )


@router.get("/inquiries/new")
def inquiry_form(request: Request, db: DatabaseDep, user: Writer) -> HTMLResponse:
    """The inquiry form: who is sought, who asks, consent and how far it may be shared."""
    return _form(request, db, user, values={})


def _form(
    request: Request,
    db: Database,
    user: Principal,
    *,
    values: dict[str, str],
    error: InvalidInput | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "inquiry_form.html",
        user=user,
        active="inquiries",
        status=status,
        values=values,
        error=error,
        parties=overview.parties(db),
        scopes=labels.SCOPES,
    )


FORM_FIELDS = (
    "family_name",
    "given_names",
    "patronymic",
    "sex",
    "date_of_birth",
    "place_of_birth",
    "category",
    "rank",
    "unit",
    "service_number",
    "last_seen",
    "last_seen_place",
    "distinguishing_marks",
    "call_sign",
    "circumstances",
    "contact_name",
    "contact_relation",
    "contact_phone",
    "contact_email",
    "contact_address",
    "consent",
    "sharing_scope",
    "harm_risk",
    "language",
    "party",
    "received_via",
)


@router.post("/inquiries")
async def register_inquiry(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: Writer
) -> Response:
    """Register the inquiry; the case reference and the family's access code are shown next.

    The code is shown once: it rides a short-lived cookie of that case page, which the page
    clears as it shows the code (only its hash is kept).
    """
    form = await request.form()
    values = {name: forms.text(form, name, limit=1_000) for name in FORM_FIELDS}
    hasher = users.password_hasher(settings)
    code, code_hash = await run_in_threadpool(family.new_code_and_hash, hasher)
    try:
        found = inquiries.register(
            db, request=inquiry_request(values), actor=user.username, family_code_hash=code_hash
        )
    except InvalidInput as refused:
        return _form(request, db, user, values=values, error=refused, status=422)
    response = RedirectResponse(f"/ui/inquiries/{found.id}?registered=1", status_code=303)
    response.set_cookie(
        FAMILY_CODE_COOKIE,
        code,
        max_age=600,
        path=f"/ui/inquiries/{found.id}",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def inquiry_request(values: dict[str, str]) -> inquiries.InquiryRequest:
    """The service's request from the form's fields; InvalidInput naming each bad field."""
    problems = []
    dates: dict[str, PartialDate] = {}
    for name in ("date_of_birth", "last_seen"):
        try:
            dates[name] = PartialDate.parse(values[name]) if values[name] else PartialDate()
        except DateParseError as error:
            problems.append((name, f"cannot read the date: {error}"))
            dates[name] = PartialDate()
    if values["sharing_scope"] and values["sharing_scope"] not in labels.SCOPES:
        problems.append(("sharing_scope", "choose one of the offered scopes"))
    if problems:
        from homecoming.errors import RowProblem

        raise InvalidInput(
            "the inquiry cannot be registered", [RowProblem(0, f, r) for f, r in problems]
        )
    return inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=values["family_name"],
            given_names=values["given_names"],
            patronymic=values["patronymic"],
            sex=Sex(values["sex"]) if values["sex"] in {s.value for s in Sex} else None,
            date_of_birth=dates["date_of_birth"],
            place_of_birth=values["place_of_birth"],
            category=(
                Category(values["category"])
                if values["category"] in {c.value for c in Category}
                else None
            ),
            rank=values["rank"],
            unit=values["unit"],
            service_number=values["service_number"],
            event_date=dates["last_seen"],
            event_place=values["last_seen_place"],
            distinguishing_marks=values["distinguishing_marks"],
        ),
        inquirer=Contact(
            name=values["contact_name"],
            relation=values["contact_relation"],
            phone=values["contact_phone"],
            email=values["contact_email"],
            address=values["contact_address"],
        ),
        consent=values["consent"] == "1",
        scope=SharingScope(values["sharing_scope"] or SharingScope.BUREAU.value),
        harm_risk=values["harm_risk"] == "1",
        language=values["language"] or "uk",
        call_sign=values["call_sign"],
        circumstances=values["circumstances"],
        party=values["party"].upper() or None,
        received_via=values["received_via"],
    )


@router.get("/inquiries/{inquiry_id}")
def inquiry_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    inquiry_id: str,
) -> HTMLResponse:
    """A case: who is sought, consent and scope, status, its leads, messages and photos."""
    return _case(request, db, user, inquiry_id)


def _case(
    request: Request,
    db: Database,
    user: Principal,
    inquiry_id: str,
    *,
    found_contacts: list[contacts.ContactView] | None = None,
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = inquiries.show(db, inquiry_id)
    registered = request.query_params.get("registered") == "1"
    code = request.cookies.get(FAMILY_CODE_COOKIE, "") if registered else ""
    letter = ""
    if code and family.normalise_code(code) == code.replace("-", ""):
        settings = request.app.state.settings
        letter = family.letter(
            settings, language=view.language, reference=view.reference, code=code
        )
    response = render(
        request,
        "inquiry.html",
        user=user,
        active="inquiries",
        status=status,
        view=view,
        registered=registered,
        family_code=code if letter else "",
        letter=letter,
        erased=request.query_params.get("erased") == "1",
        may_erase=allows(user.role, Capability.PERSONAL_DATA_ERASE),
        leads=leads.queue(db, state=None, inquiry=view.id, limit=100),
        messages=notifications.list_notifications(db, inquiry=view.id, limit=100),
        contacts=found_contacts,
        error=error,
        may_read_contacts=allows(user.role, Capability.CONTACTS_READ),
        may_write=allows(user.role, Capability.INQUIRIES_WRITE),
        lead_states=LEAD_STATES,
        lead_kinds=LEAD_KINDS,
        notification_states=NOTIFICATION_STATES,
    )
    if code:  # shown once
        response.delete_cookie(FAMILY_CODE_COOKIE, path=f"/ui/inquiries/{inquiry_id}")
    return response


@router.post("/inquiries/{inquiry_id}/contacts")
async def read_contacts(
    request: Request, db: DatabaseDep, user: ContactReader, inquiry_id: str
) -> HTMLResponse:
    """The inquirer's contact details, read with a purpose that goes to the audit log."""
    form = await request.form()
    view = inquiries.show(db, inquiry_id)
    try:
        found = contacts.read_contacts(
            db,
            record_id=view.record_id,
            actor=user.username,
            purpose=forms.text(form, "purpose", limit=300),
        )
    except InvalidInput as refused:
        return _case(request, db, user, inquiry_id, error=refused, status=422)
    response = _case(request, db, user, inquiry_id, found_contacts=found)
    return response


@router.post("/inquiries/{inquiry_id}/photos")
async def add_photo(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: Writer, inquiry_id: str
) -> Response:
    """Keep a photo the family gave, for the debrief gallery."""
    form = await request.form()
    upload = form.get("photo")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("choose the photo (JPEG, PNG or WebP)")
        data = await upload.read(inquiries.MAX_PHOTO_BYTES + 1)
        inquiries.add_photo(
            db,
            data_dir=settings.data_dir,
            inquiry=inquiry_id,
            data=data,
            file_name=upload.filename,
            caption=forms.text(form, "caption", limit=300),
            actor=user.username,
        )
    except InvalidInput as refused:
        return _case(request, db, user, inquiry_id, error=refused, status=422)
    return RedirectResponse(f"/ui/inquiries/{inquiry_id}#photos", status_code=303)


# --- leads ----------------------------------------------------------------------------------


@router.get("/leads")
def leads_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    state: Annotated[str, Query(max_length=16)] = "pending",
    kind: Annotated[str, Query(max_length=16)] = "",
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
    days: Annotated[int, Query(ge=0, le=3650)] = 0,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The leads queue as one card per inquiry and person, strongest first, a page at a time;
    filtered by state, kind, lowest score and days waiting, with counts per state."""
    chosen = LeadState(state) if state in LEAD_STATES else None
    where = leads.LeadFilter(
        state=chosen,
        kind=LeadKind(kind) if kind in LEAD_KINDS else None,
        min_score=min_score,
        older_than_days=days,
    )
    page = leads.grouped(db, where=where, limit=GROUPS_PAGE, offset=offset)
    filters: dict[str, object] = {
        "kind": kind if where.kind else "",
        "min_score": min_score or "",
        "days": days or "",
    }
    return _leads(
        request,
        user,
        [],
        state=state if chosen else "",
        offset=offset,
        page=page,
        filters=filters,
    )


def _leads(
    request: Request,
    user: Principal,
    found: list[leads.LeadView],
    *,
    state: str,
    offset: int = 0,
    single: bool = False,
    error: HomecomingError | None = None,
    status: int = 200,
    page: leads.LeadGroups | None = None,
    filters: dict[str, object] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "leads.html",
        user=user,
        active="leads",
        status=status,
        leads=found,
        page=page,
        filters=filters or {},
        state=state,
        offset=offset,
        size=GROUPS_PAGE,
        single=single,
        error=error,
        decided=request.query_params.get("decided"),
        notification=request.query_params.get("notification"),
        may_verify=allows(user.role, Capability.LEADS_VERIFY),
        lead_states=LEAD_STATES,
        lead_kinds=LEAD_KINDS,
        side_fields=SIDE_FIELDS,
    )


@router.get("/leads/{lead_id}")
def lead_page(request: Request, db: DatabaseDep, user: Reader, lead_id: int) -> HTMLResponse:
    """One lead, with its decisions."""
    return _leads(request, user, [leads.show(db, lead_id)], state="", single=True)


@router.post("/leads/{lead_id}/decision")
async def decide_lead(request: Request, db: DatabaseDep, user: Verifier, lead_id: int) -> Response:
    """Verify, reject (with a reason) or reopen; a verified fate prepares the family's message."""
    form = await request.form()
    decision = forms.text(form, "decision")
    try:
        if decision not in {d.value for d in Decision}:
            raise InvalidInput("choose verify, reject or reopen")
        done = leads.decide(
            db,
            lead_id=lead_id,
            decision=Decision(decision),
            reason=forms.text(form, "reason", limit=1_000),
            actor=user.username,
        )
    except (InvalidInput, Conflict) as refused:
        return _leads(
            request,
            user,
            [leads.show(db, lead_id)],
            state="",
            single=True,
            error=refused,
            status=refused.status_code,
        )
    query = f"decided={lead_id}"
    if done.notification_id is not None:
        query += f"&notification={done.notification_id}"
    return RedirectResponse(f"/ui/leads?{query}", status_code=303)


# --- messages to families -------------------------------------------------------------------


@router.get("/notifications")
def notifications_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    state: Annotated[str, Query(max_length=16)] = "prepared",
) -> HTMLResponse:
    """Messages to families; by default those waiting for a second person's approval."""
    return _messages(request, db, user, state)


def _messages(
    request: Request,
    db: Database,
    user: Principal,
    state: str,
    *,
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    chosen = NotificationState(state) if state in NOTIFICATION_STATES else None
    found = notifications.list_notifications(db, state=chosen, limit=PAGE)
    return render(
        request,
        "notifications.html",
        user=user,
        active="notifications",
        status=status,
        messages=found,
        state=state if chosen else "",
        error=error,
        done=request.query_params.get("done"),
        may_approve=allows(user.role, Capability.NOTIFICATIONS_APPROVE),
        notification_states=NOTIFICATION_STATES,
    )


@router.post("/notifications/{notification_id}/approve")
async def approve(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: Approver, notification_id: int
) -> Response:
    """A second person approves: the message goes to the outbox. Its preparer cannot."""
    try:
        notifications.approve(
            db,
            notification_id=notification_id,
            actor=user.username,
            sms=sms_configured(settings),
        )
    except (Conflict, Forbidden) as refused:
        return _messages(request, db, user, "prepared", error=refused, status=refused.status_code)
    return RedirectResponse(f"/ui/notifications?done={notification_id}", status_code=303)


@router.post("/notifications/{notification_id}/cancel")
async def cancel(
    request: Request, db: DatabaseDep, user: Approver, notification_id: int
) -> Response:
    """Withdraw a message not yet sent, with the reason (e.g. told in person instead)."""
    form = await request.form()
    try:
        notifications.cancel(
            db,
            notification_id=notification_id,
            reason=forms.text(form, "reason", limit=1_000),
            actor=user.username,
        )
    except (Conflict, InvalidInput) as refused:
        return _messages(request, db, user, "prepared", error=refused, status=refused.status_code)
    return RedirectResponse(f"/ui/notifications?done={notification_id}", status_code=303)

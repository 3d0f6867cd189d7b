"""A stage's pages and the handover desk: parity per category, members, changes, outcomes.

The handover desk is built for the crossing: type a name or service number, pick the person,
one key or click per outcome; the tallies follow live (htmx). The same services and scope as
`homecoming stages|handovers` and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Conflict, Forbidden, HomecomingError, InvalidInput, NotFound
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.parity import Severity
from homecoming.exchange.reconciliation import Outcome
from homecoming.http.deps import DatabaseDep, SearchDep
from homecoming.http.routing import Router
from homecoming.services import (
    agreements,
    handovers,
    overview,
    stages,
)
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.pages.exchanges import (
    OUTCOME_LABELS,
    OUTCOMES,
    PARITY,
    Reader,
    Writer,
    _agreement,
)
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Recorder = Annotated[Principal, page_requires(Capability.HANDOVERS_RECORD)]


# --- stages --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParityRow:
    """One category of a stage: planned, each side's count, and whether it keeps parity."""

    code: str
    label: str
    parity: str
    planned: int
    counts: tuple[tuple[str, int], ...]
    broken: bool
    messages: tuple[str, ...]


def parity_rows(agreement: Agreement, stage: stages.StageView) -> list[ParityRow]:
    """The stage's parity table: a row per category, broken when a breach names it."""
    rows = []
    for spec in agreement.categories:
        counts = tuple((p, stage.counts.get(p, {}).get(spec.code, 0)) for p in agreement.parties)
        planned = stage.planned.get(spec.code, 0)
        if not planned and not any(n for _, n in counts):
            continue
        mine = [f for f in stage.findings if f.category == spec.code]
        rows.append(
            ParityRow(
                code=spec.code,
                label=spec.label,
                parity=str(spec.parity),
                planned=planned,
                counts=counts,
                broken=any(f.severity is Severity.BREACH for f in mine),
                messages=tuple(f.message for f in mine),
            )
        )
    return rows


@router.get("/exchanges/{agreement_id}/stages/{number}")
def stage_page(
    request: Request, db: DatabaseDep, user: Reader, agreement_id: int, number: int
) -> HTMLResponse:
    """A stage: the parity table per category (red when broken), its members, changes."""
    return _stage_page(request, db, user, agreement_id, number)


def _stage_page(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    number: int,
    *,
    error: HomecomingError | None = None,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = _agreement(db, user, agreement_id)
    stage = stages.show(db, agreement_id=agreement_id, number=number, scope=user.scope)
    roster = overview.stage_roster(db, agreement_id=agreement_id, number=number, scope=user.scope)
    return render(
        request,
        "stage.html",
        user=user,
        active="exchanges",
        status=status,
        view=view,
        stage=stage,
        rows=parity_rows(view.agreement, stage),
        running=[f for f in stage.findings if f.stage is None],
        roster=roster,
        error=error,
        posted=posted or {},
        may_change=allows(user.role, Capability.EXCHANGES_WRITE),
        may_override=allows(user.role, Capability.PARITY_OVERRIDE),
        may_trace=allows(user.role, Capability.INQUIRIES_READ),
        parity=PARITY,
        outcome_labels=OUTCOME_LABELS,
    )


@router.post("/exchanges/{agreement_id}/stages/{number}/changes")
async def change_stage(
    request: Request, db: DatabaseDep, user: Writer, agreement_id: int, number: int
) -> Response:
    """Add and remove people in one step; refused if parity breaks, unless overridden."""
    form = await request.form()
    _agreement(db, user, agreement_id)
    posted: dict[str, Any] = {
        "add_party": forms.text(form, "add_party"),
        "add_person": forms.text(form, "add_person", limit=20),
        "add_category": forms.text(form, "add_category"),
        "remove": [v for v in form.getlist("remove") if isinstance(v, str)],
        "reason": forms.text(form, "reason", limit=1_000),
        "override_reason": forms.text(form, "override_reason", limit=1_000),
    }
    try:
        add, remove = _changes(form, posted)
        override = posted["override_reason"] or None
        if override is not None and not allows(user.role, Capability.PARITY_OVERRIDE):
            raise Forbidden(
                f"a {user.role.value} may not override parity ({Capability.PARITY_OVERRIDE.value})"
            )
        stages.change(
            db,
            agreement_id=agreement_id,
            number=number,
            add=add,
            remove=remove,
            reason=posted["reason"],
            override_reason=override,
            may_override=override is not None,
            actor=user.username,
            scope=user.scope,
        )
    except (InvalidInput, Conflict, NotFound) as refused:
        return _stage_page(
            request,
            db,
            user,
            agreement_id,
            number,
            error=refused,
            posted=posted,
            status=refused.status_code,
        )
    return RedirectResponse(
        f"/ui/exchanges/{agreement_id}/stages/{number}?changed=1", status_code=303
    )


def _changes(
    form: Any, posted: dict[str, Any]
) -> tuple[list[stages.MemberChange], list[stages.MemberChange]]:
    add = []
    person = forms.whole(form, "add_person", label="the person to add")
    if person is not None:
        if not posted["add_party"]:
            raise InvalidInput("say on whose side the person is added")
        add.append(
            stages.MemberChange(
                posted["add_party"].upper(), person, category=posted["add_category"] or None
            )
        )
    remove = []
    for value in posted["remove"]:
        party, _, person_id = value.partition(":")
        if not person_id.isdigit():
            raise InvalidInput(f"cannot read the member {value!r} to remove")
        remove.append(stages.MemberChange(party, int(person_id)))
    return add, remove


# --- the handover desk ---------------------------------------------------------------------


def _side(view: agreements.AgreementView, user: Principal, party: str) -> str:
    """The side the desk records for: the one asked for, else the user's, else the first."""
    parties = view.agreement.parties
    if party.upper() in parties:
        return party.upper()
    if user.scope.party in parties:
        return str(user.scope.party)
    return parties[0]


def _desk(
    db: Database, user: Principal, view: agreements.AgreementView, number: int, side: str, q: str
) -> dict[str, Any]:
    """What every view of the desk shows: the side, the outcome buttons, who fits the query."""
    roster = overview.stage_roster(
        db, agreement_id=view.id, number=number, scope=user.scope, side=side
    )
    return {
        "view": view,
        "stage_number": number,
        "side": side,
        "q": q,
        "may_record": allows(user.role, Capability.HANDOVERS_RECORD),
        "outcomes": OUTCOMES,
        "outcome_labels": OUTCOME_LABELS,
        "candidates": overview.matching(roster, q),
        "side_total": len(roster),
        "side_pending": sum(1 for r in roster if r.outcome is None),
    }


def _tally(
    db: Database, user: Principal, view: agreements.AgreementView, number: int
) -> dict[str, Any]:
    """The stage's tally (`overview.tally_table`) with what the template needs around it."""
    table = overview.tally_table(
        db, agreement=view.agreement, agreement_id=view.id, number=number, scope=user.scope
    )
    return {
        "rows": table.rows,
        "parties": view.agreement.parties,
        "totals": table.totals,
        "number": number,
        "agreement_id": view.id,
        "labels": OUTCOME_LABELS,
    }


@dataclass(frozen=True, slots=True)
class DeskTarget:
    """The agreement, stage, side and query the handover desk was opened on."""

    view: agreements.AgreementView
    number: int
    side: str
    q: str


def _desk_target(
    db: DatabaseDep,
    user: Reader,
    agreement_id: int,
    number: int,
    party: Annotated[str, Query(max_length=8)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> DeskTarget:
    view = _agreement(db, user, agreement_id)
    return DeskTarget(view=view, number=number, side=_side(view, user, party), q=q)


DeskDep = Annotated[DeskTarget, Depends(_desk_target)]


@router.get("/exchanges/{agreement_id}/stages/{number}/handovers")
def handover_desk(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    desk: DeskDep,
    recorded: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """The handover desk: find a member, record their outcome, watch the tally."""
    view, number = desk.view, desk.number
    stage = stages.show(db, agreement_id=view.id, number=number, scope=user.scope)
    last = None
    if recorded is not None:
        rows = handovers.list_handovers(db, agreement_id=view.id, number=number, scope=user.scope)
        last = next((h for h in rows if h.id == recorded), None)
    return render(
        request,
        "handovers.html",
        user=user,
        active="exchanges",
        stage=stage,
        last=last,
        last_name=_name_of(db, user, last.person_id) if last else "",
        error=None,
        tally=_tally(db, user, view, number),
        **_desk(db, user, view, number, desk.side, desk.q),
    )


def _name_of(db: Database, user: Principal, person_id: int) -> str:
    return overview.person_name(db, person_id, scope=user.scope)


@router.get("/exchanges/{agreement_id}/stages/{number}/handovers/find")
def handover_candidates(
    request: Request, db: DatabaseDep, user: Reader, desk: DeskDep
) -> HTMLResponse:
    """The people who fit what was typed, for htmx to swap in as the operator types."""
    response = render(
        request,
        "_handover_candidates.html",
        user=user,
        **_desk(db, user, desk.view, desk.number, desk.side, desk.q),
    )
    query = urlencode({"party": desk.side, "q": desk.q})
    response.headers["HX-Replace-Url"] = (
        f"/ui/exchanges/{desk.view.id}/stages/{desk.number}/handovers?{query}"
    )
    return response


@router.get("/exchanges/{agreement_id}/stages/{number}/tally")
def tally_fragment(
    request: Request, db: DatabaseDep, user: Reader, agreement_id: int, number: int
) -> HTMLResponse:
    """The live tally alone (the desk polls it, so other operators' recordings show)."""
    view = _agreement(db, user, agreement_id)
    return render(request, "_tally.html", user=user, tally=_tally(db, user, view, number))


@router.post("/exchanges/{agreement_id}/stages/{number}/handovers")
async def record_handover(
    request: Request,
    db: DatabaseDep,
    search: SearchDep,
    user: Recorder,
    agreement_id: int,
    number: int,
) -> Response:
    """Record one person's outcome; htmx gets the message, the fresh list and the tally."""
    form = await request.form()
    view = _agreement(db, user, agreement_id)
    side = _side(view, user, forms.text(form, "party"))
    outcome_text = forms.text(form, "outcome")
    note = forms.text(form, "note", limit=1_000)
    error: HomecomingError | None = None
    done = None
    try:
        if outcome_text not in OUTCOME_LABELS:
            raise InvalidInput(f"choose an outcome ({', '.join(OUTCOME_LABELS)})")
        outcome = Outcome(outcome_text)
        person_id = forms.whole(form, "person_id", label="the person")
        if person_id is None:
            raise InvalidInput("pick the person from the list first")
        done = handovers.record_handover(
            db,
            search,
            agreement_id=agreement_id,
            number=number,
            party=side,
            person_id=person_id,
            outcome=outcome,
            evidence=note if outcome is not Outcome.SUBSTITUTED else "",
            substitute=handovers.substitute_of(note) if outcome is Outcome.SUBSTITUTED else None,
            correct=forms.text(form, "correct") == "1",
            actor=user.username,
            scope=user.scope,
        )
    except (InvalidInput, Conflict, NotFound) as refused:
        error = refused
    if not forms.is_htmx(request):
        if error is not None:
            raise error
        assert done is not None
        query = urlencode({"party": side, "recorded": done.id})
        return RedirectResponse(
            f"/ui/exchanges/{agreement_id}/stages/{number}/handovers?{query}", status_code=303
        )
    return render(
        request,
        "_handover_recorded.html",
        user=user,
        status=error.status_code if error else 200,
        error=error,
        last=done,
        last_name=_name_of(db, user, done.person_id) if done else "",
        tally=_tally(db, user, view, number),
        tally_oob=True,
        **_desk(db, user, view, number, side, ""),
    )

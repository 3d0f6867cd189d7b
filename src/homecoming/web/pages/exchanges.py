"""Exchanges: agreements, list versions and their diffs, findings, stages, handovers, figures.

Every page calls the same services as `homecoming agreements|lists|stages|handovers|reconcile`
and the API, with the same need-to-know: a negotiator sees the agreements of their party, both
parties' lists as received, the validation only of their own party's lists, and changes only
their own side. The handover desk is built for the crossing: type a name or service number,
pick the person, one key or click per outcome; the tallies follow live (htmx).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import service_number_key
from homecoming.domain.roles import Capability, allows
from homecoming.errors import Conflict, Forbidden, HomecomingError, InvalidInput, NotFound
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.findings import Decision
from homecoming.exchange.parity import Severity
from homecoming.exchange.reconciliation import Outcome
from homecoming.http.deps import DatabaseDep, SearchDep
from homecoming.names.parse import tokenize
from homecoming.names.token import name_token
from homecoming.services import (
    agreements,
    exchange_lists,
    handovers,
    overview,
    reconciliation,
    stages,
)
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.labels import N_
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = APIRouter(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, page_requires(Capability.EXCHANGES_WRITE)]
Recorder = Annotated[Principal, page_requires(Capability.HANDOVERS_RECORD)]
CANDIDATES = 12  # people offered at the handover desk for one query

# The desk's outcome buttons: (outcome, key to press, label). Declined needs the evidence and
# substituted who came instead: both are typed into the row's note first.
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("delivered", "1", N_("Delivered")),
    ("not_delivered", "2", N_("Not delivered")),
    ("substituted", "3", N_("Substituted")),
    ("declined", "4", N_("Declined")),
    ("deceased", "5", N_("Deceased")),
)
OUTCOME_LABELS = {outcome: label for outcome, _, label in OUTCOMES}
DECISIONS: dict[str, str] = {
    "accept": N_("Accept"),
    "reject": N_("Reject"),
    "correct": N_("Correct"),
}
PARITY: dict[str, str] = {
    "n_for_n": N_("N for N"),
    "all_for_all": N_("all for all"),
    "none": N_("regardless of number"),
}
FINDINGS: dict[str, str] = {
    "not_found": N_("not found in the registry"),
    "ambiguous": N_("ambiguous match"),
    "already_released": N_("already released"),
    "deceased": N_("deceased"),
    "listed_twice": N_("listed twice"),
    "on_both_lists": N_("on both parties' lists"),
    "wrong_category": N_("wrong category"),
    "conflicting_date_of_birth": N_("date of birth conflicts"),
    "conflicting_unit": N_("unit conflicts"),
}
DIRECTIONS: dict[str, str] = {"offer": N_("offer"), "request": N_("request")}


# --- agreements ----------------------------------------------------------------------------


@router.get("/exchanges")
def agreements_page(request: Request, db: DatabaseDep, user: Reader) -> HTMLResponse:
    """Every agreement this user may see, with the running total of each side."""
    views = agreements.list_agreements(db, scope=user.scope)
    running = {
        v.id: reconciliation.reconciliation(db, agreement_id=v.id, scope=user.scope).running_figures
        for v in views
    }
    return render(
        request, "exchanges.html", user=user, active="exchanges", views=views, running=running
    )


def _agreement(db: Database, user: Principal, agreement_id: int) -> agreements.AgreementView:
    return agreements.get_agreement(db, agreement_id, scope=user.scope)


@router.get("/exchanges/{agreement_id}")
def agreement_page(
    request: Request, db: DatabaseDep, user: Reader, agreement_id: int
) -> HTMLResponse:
    """An agreement: categories and parity, stages, both parties' list versions, the totals."""
    view = _agreement(db, user, agreement_id)
    versions = exchange_lists.list_versions(db, agreement_id=agreement_id, scope=user.scope)
    previous: dict[int, int] = {}
    last: dict[tuple[str, str, str | None], int] = {}
    for v in versions:
        key = (v.party, v.direction, v.category)
        if key in last:
            previous[v.id] = last[key]
        last[key] = v.id
    figures = reconciliation.reconciliation(db, agreement_id=agreement_id, scope=user.scope)
    return render(
        request,
        "agreement.html",
        user=user,
        active="exchanges",
        view=view,
        versions=versions,
        previous=previous,
        figures=figures,
        parity=PARITY,
        directions=DIRECTIONS,
    )


# --- list versions, diffs and findings -----------------------------------------------------


def _version(
    db: Database, user: Principal, version_id: int
) -> tuple[exchange_lists.ListVersionView, agreements.AgreementView]:
    version = exchange_lists.get_version(db, version_id, scope=user.scope)
    return version, _agreement(db, user, version.agreement_id)


def _sees_validation(user: Principal, party: str) -> bool:
    """Whether to offer the validation (the services refuse it outside the scope anyway)."""
    return exchange_lists.sees_validation(user.scope, party)


@router.get("/lists/{version_id}")
def version_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    version_id: int,
    show: Annotated[str, Query(max_length=16)] = "findings",
) -> HTMLResponse:
    """A list version: its validation (findings to decide), or its entries as received."""
    return _version_page(request, db, user, version_id, show=show)


def _version_page(
    request: Request,
    db: Database,
    user: Principal,
    version_id: int,
    *,
    show: str = "findings",
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    version, view = _version(db, user, version_id)
    report = None
    if _sees_validation(user, version.party):
        try:
            report = exchange_lists.validation_report(db, version_id=version_id, scope=user.scope)
        except NotFound:
            report = None
    lines = []
    if report is not None:
        lines = [ln for ln in report.lines if ln.findings] if show == "findings" else report.lines
    others = [
        v
        for v in exchange_lists.list_versions(
            db, agreement_id=version.agreement_id, scope=user.scope
        )
        if (v.party, v.direction, v.category)
        == (version.party, version.direction, version.category)
        and v.id != version.id
    ]
    may_decide = allows(user.role, Capability.EXCHANGES_WRITE) and _sees_validation(
        user, version.party
    )
    return render(
        request,
        "list_version.html",
        user=user,
        active="exchanges",
        status=status,
        version=version,
        view=view,
        report=report,
        lines=lines,
        show=show,
        entries=exchange_lists.entries(db, version_id, scope=user.scope) if report is None else [],
        others=others,
        may_decide=may_decide,
        sees_validation=_sees_validation(user, version.party),
        error=error,
        findings=FINDINGS,
        decisions=DECISIONS,
        directions=DIRECTIONS,
    )


@router.get("/lists/{version_id}/diff/{other_id}")
def diff_page(
    request: Request, db: DatabaseDep, user: Reader, version_id: int, other_id: int
) -> HTMLResponse:
    """What changed from one version of a list to another: added, removed, changed entries."""
    old, view = _version(db, user, version_id)
    new, _ = _version(db, user, other_id)
    result = exchange_lists.diff_versions(db, old_id=version_id, new_id=other_id, scope=user.scope)
    return render(
        request,
        "list_diff.html",
        user=user,
        active="exchanges",
        old=old,
        new=new,
        view=view,
        diff=result,
        directions=DIRECTIONS,
    )


@router.post("/lists/{version_id}/validate")
async def validate_version(
    request: Request, db: DatabaseDep, search: SearchDep, user: Writer, version_id: int
) -> Response:
    """Resolve every entry against the registry now, then show the findings."""
    exchange_lists.validate_version(
        db, search, version_id=version_id, actor=user.username, scope=user.scope
    )
    return RedirectResponse(f"/ui/lists/{version_id}", status_code=303)


@router.post("/lists/findings/{finding_id}/decision")
async def decide_finding(
    request: Request, db: DatabaseDep, user: Writer, finding_id: int
) -> Response:
    """Accept, reject or correct a finding (a new row; the latest counts), with a reason."""
    form = await request.form()
    version_id = forms.whole(form, "version_id", label="the list version") or 0
    decision = forms.text(form, "decision")
    try:
        if decision not in DECISIONS:
            raise InvalidInput(f"decide with accept, reject or correct, not {decision!r}")
        exchange_lists.decide_finding(
            db,
            finding_id=finding_id,
            decision=Decision(decision),
            reason=forms.text(form, "reason", limit=1_000),
            corrected_person_id=forms.whole(form, "corrected_person_id", label="the person"),
            corrected_category=forms.text(form, "corrected_category") or None,
            actor=user.username,
            scope=user.scope,
        )
    except (InvalidInput, Conflict) as refused:
        if not version_id:
            raise
        if forms.is_htmx(request):
            return _finding_fragment(request, db, user, version_id, finding_id, refused)
        return _version_page(
            request, db, user, version_id, error=refused, status=refused.status_code
        )
    if forms.is_htmx(request) and version_id:
        return _finding_fragment(request, db, user, version_id, finding_id, None)
    target = f"/ui/lists/{version_id}#finding-{finding_id}" if version_id else "/ui/exchanges"
    return RedirectResponse(target, status_code=303)


def _finding_fragment(
    request: Request,
    db: Database,
    user: Principal,
    version_id: int,
    finding_id: int,
    error: HomecomingError | None,
) -> HTMLResponse:
    """The finding's row again, as decided now (or with the refusal above it)."""
    version, view = _version(db, user, version_id)
    report = exchange_lists.validation_report(db, version_id=version_id, scope=user.scope)
    for line in report.lines:
        for finding in line.findings:
            if finding.id == finding_id:
                return render(
                    request,
                    "_finding.html",
                    user=user,
                    status=error.status_code if error else 200,
                    line=line,
                    f=finding,
                    version=version,
                    view=view,
                    may_decide=True,
                    error=error,
                    findings=FINDINGS,
                    decisions=DECISIONS,
                )
    raise NotFound(f"finding {finding_id} is not in the latest validation of {version_id}")


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


def matching(roster: Sequence[overview.RosterEntry], q: str) -> list[overview.RosterEntry]:
    """Members whose name (in either alphabet, word beginnings) or service number fit `q`.

    Without a query, the people nobody has recorded yet. Unrecorded people come first.
    """
    words = [w for w in tokenize(q) if w]
    number = service_number_key(q)
    if not words and not number:
        found = [r for r in roster if r.outcome is None]
    else:
        wanted = [_forms(w) for w in words]
        found = [
            r
            for r in roster
            if (len(number) >= 3 and number in service_number_key(r.service_number))
            or (wanted and _name_fits(wanted, r.name))
        ]
    return sorted(found, key=lambda r: (r.outcome is not None, r.name))[:CANDIDATES]


def _forms(word: str) -> frozenset[str]:
    token = name_token(word)
    return frozenset({*token.forms, token.primary, word.casefold()} - {""})


def _name_fits(wanted: list[frozenset[str]], name: str) -> bool:
    have = [_forms(w) for w in tokenize(name)]
    return all(
        any(form.startswith(prefix) for forms_ in have for form in forms_ for prefix in query)
        for query in wanted
    )


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
        "candidates": matching(roster, q),
        "side_total": len(roster),
        "side_pending": sum(1 for r in roster if r.outcome is None),
    }


def _tally(
    db: Database, user: Principal, view: agreements.AgreementView, number: int
) -> dict[str, Any]:
    """The stage's tally as a table: per category and side, crossed of listed, and the rest."""
    result = handovers.tally(db, agreement_id=view.id, number=number, scope=user.scope)
    stage = stages.show(db, agreement_id=view.id, number=number, scope=user.scope)
    rows = []
    for spec in view.agreement.categories:
        cells: list[dict[str, Any]] = []
        for party in view.agreement.parties:
            listed = stage.counts.get(party, {}).get(spec.code, 0)
            outcomes = result.counts.get(party, {}).get(spec.code, {})
            cells.append(
                {
                    "party": party,
                    "listed": listed,
                    "crossed": result.crossed(party, spec.code),
                    "outcomes": {o: outcomes.get(o, 0) for o, _, _ in OUTCOMES},
                    "pending": result.pending.get(party, {}).get(spec.code, 0),
                }
            )
        if any(c["listed"] or any(c["outcomes"].values()) for c in cells):
            rows.append({"code": spec.code, "label": spec.label, "cells": cells})
    totals = {
        party: sum(
            result.crossed(party, spec.code) for spec in view.agreement.categories if spec.total
        )
        for party in view.agreement.parties
    }
    return {
        "rows": rows,
        "parties": view.agreement.parties,
        "totals": totals,
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
            substitute=substitute_of(note) if outcome is Outcome.SUBSTITUTED else None,
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


def substitute_of(note: str) -> handovers.Substitute:
    """Who came instead, as typed: "Family Given Patronymic, 1992-10-10" (the date optional)."""
    name, _, born = note.partition(",")
    words = name.split()
    if not words:
        raise InvalidInput(
            "a substitution names who came instead: type their name in the note "
            "(family name first; a date of birth after a comma)"
        )
    return handovers.Substitute(
        family_name=words[0],
        given_names=words[1] if len(words) > 1 else "",
        patronymic=" ".join(words[2:]),
        date_of_birth=PartialDate.parse(born.strip()) if born.strip() else PartialDate(),
    )


# --- reconciliation ------------------------------------------------------------------------


@router.get("/exchanges/{agreement_id}/reconciliation")
def reconciliation_page(
    request: Request, db: DatabaseDep, user: Reader, agreement_id: int
) -> HTMLResponse:
    """Both parties' figures side by side, per stage and category, and the running total."""
    return _reconciliation_page(request, db, user, agreement_id)


def _reconciliation_page(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    *,
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = _agreement(db, user, agreement_id)
    figures = reconciliation.reconciliation(db, agreement_id=agreement_id, scope=user.scope)
    return render(
        request,
        "reconciliation.html",
        user=user,
        active="exchanges",
        status=status,
        view=view,
        figures=figures,
        error=error,
        may_declare=allows(user.role, Capability.EXCHANGES_WRITE),
        outcome_labels=OUTCOME_LABELS,
    )


@router.post("/exchanges/{agreement_id}/declared-counts")
async def declare_count(
    request: Request, db: DatabaseDep, user: Writer, agreement_id: int
) -> Response:
    """Keep a party's own count of what one side handed over, beside ours."""
    form = await request.form()
    _agreement(db, user, agreement_id)
    try:
        reconciliation.declare_count(
            db,
            agreement_id=agreement_id,
            number=forms.whole(form, "stage", label="the stage") or 0,
            declared_by=forms.text(form, "declared_by"),
            handing_party=forms.text(form, "handing_party"),
            category=forms.text(form, "category"),
            count=_count(forms.text(form, "count", limit=20)),
            note=forms.text(form, "note", limit=1_000),
            actor=user.username,
            scope=user.scope,
        )
    except (InvalidInput, NotFound, Forbidden) as refused:
        return _reconciliation_page(
            request, db, user, agreement_id, error=refused, status=refused.status_code
        )
    return RedirectResponse(f"/ui/exchanges/{agreement_id}/reconciliation", status_code=303)


def _count(value: str) -> int:
    if not value.isdigit():
        raise InvalidInput(f"a declared count is a whole number, not {value!r}")
    return int(value)

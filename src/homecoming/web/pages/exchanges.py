"""Exchanges: agreements, list versions and their diffs, findings, and the figures.

Every page calls the same services as `homecoming agreements|lists|stages|handovers|reconcile`
and the API, with the same need-to-know: a negotiator sees the agreements of their party, both
parties' lists as received, the validation only of their own party's lists, and changes only
their own side. A stage's pages and the handover desk are in `exchange_stages.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from homecoming.domain.roles import Capability, allows
from homecoming.errors import (
    Conflict,
    Forbidden,
    HomecomingError,
    InvalidInput,
    NotFound,
    RowProblem,
)
from homecoming.exchange.findings import Decision
from homecoming.formats import tabular
from homecoming.http.deps import DatabaseDep, SearchDep
from homecoming.http.routing import Router
from homecoming.services import (
    agreements,
    exchange_lists,
    reconciliation,
)
from homecoming.services.exchange_lists import Direction
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import forms
from homecoming.web.labels import N_
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, page_requires(Capability.EXCHANGES_WRITE)]

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
    return _agreement_page(request, db, user, agreement_id)


@router.post("/exchanges/{agreement_id}/lists")
async def import_list(
    request: Request, db: DatabaseDep, user: Writer, agreement_id: int
) -> Response:
    """Import a list version as received (CSV or XLSX): every row or none, or every bad row
    shown by line on the agreement's page with what was chosen kept."""
    form = await request.form()
    chosen = ListForm.of(form)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput(
                "choose the list's file (CSV or XLSX) to import",
                [RowProblem(0, "file", "a CSV or XLSX file")],
            )
        direction = forms.choice(form, "direction", label="the direction", among=[*DIRECTIONS])
        version = exchange_lists.import_upload(
            db,
            data=await upload.read(),
            file_name=tabular.upload_name(upload.filename, "list.csv"),
            agreement_id=agreement_id,
            party=chosen.party,
            direction=Direction(direction),
            received_from=chosen.received_from,
            category=chosen.category or None,
            actor=user.username,
            scope=user.scope,
        )
    except (InvalidInput, Conflict) as refused:
        return _agreement_page(
            request,
            db,
            user,
            agreement_id,
            error=refused,
            chosen=chosen,
            status=refused.status_code,
        )
    return RedirectResponse(f"/ui/lists/{version.id}", status_code=303)


@dataclass(slots=True)
class ListForm:
    """What the operator chose for a list being imported (kept when the import is refused)."""

    party: str = ""
    direction: str = "offer"
    category: str = ""
    received_from: str = ""

    @classmethod
    def of(cls, form: Any) -> ListForm:
        return cls(
            party=forms.text(form, "party", limit=20).upper(),
            direction=forms.text(form, "direction", limit=20) or "offer",
            category=forms.text(form, "category", limit=100),
            received_from=forms.text(form, "received_from", limit=500),
        )


def _agreement_page(
    request: Request,
    db: Database,
    user: Principal,
    agreement_id: int,
    *,
    error: HomecomingError | None = None,
    chosen: ListForm | None = None,
    status: int = 200,
) -> HTMLResponse:
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
        may_import=allows(user.role, Capability.EXCHANGES_WRITE),
        chosen=chosen or ListForm(),
        error=error,
        status=status,
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

"""The pages of remains: handovers with declared beside received, cases and their steps.

The same services as `homecoming remains …` and `/remains`. A match or an identification is
confirmed by a second person: the one who recorded it sees that someone else must.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from homecoming.domain.roles import Capability, allows
from homecoming.errors import Conflict, Forbidden, HomecomingError, InvalidInput
from homecoming.http.deps import DatabaseDep
from homecoming.http.routing import Router
from homecoming.services import remains
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web.labels import N_
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.REMAINS_READ)]
Forensic = Annotated[Principal, page_requires(Capability.FORENSICS_WRITE)]

STEPS: dict[str, str] = {
    "received": N_("received"),
    "examined": N_("examined"),
    "sample_taken": N_("sample taken"),
    "dna_profile": N_("DNA profile"),
    "dna_match": N_("DNA match"),
    "identified": N_("identified"),
    "family_informed": N_("family told in person"),
    "handed_to_family": N_("handed to the family"),
}


@router.get("/remains")
def remains_page(
    request: Request,
    db: DatabaseDep,
    user: Reader,
    handover: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    """Handovers of remains, declared beside received, and the cases of one handover."""
    found = remains.handovers(db)
    chosen = handover or (found["handovers"][0]["id"] if found["handovers"] else None)
    cases = remains.cases(db, handover_id=chosen) if chosen else []
    return render(
        request,
        "remains.html",
        user=user,
        active="remains",
        handovers=found["handovers"],
        by_party=found["by_party"],
        chosen=chosen,
        cases=cases,
        steps=STEPS,
    )


@router.get("/remains/cases/{case}")
def case_page(request: Request, db: DatabaseDep, user: Reader, case: str) -> HTMLResponse:
    """One case: its bag, its steps with who and when, and who confirmed them."""
    return _case(request, db, user, case)


def _case(
    request: Request,
    db: Database,
    user: Principal,
    case: str,
    *,
    error: HomecomingError | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = remains.show(db, case[:32])
    return render(
        request,
        "remains_case.html",
        user=user,
        active="remains",
        status=status,
        case=view,
        steps=STEPS,
        error=error,
        may_confirm=allows(user.role, Capability.FORENSICS_WRITE),
    )


@router.post("/remains/cases/{case}/steps/{step_id}/confirm")
async def confirm(
    request: Request, db: DatabaseDep, user: Forensic, case: str, step_id: int
) -> Response:
    """A second person confirms a match or an identification; the recorder cannot."""
    try:
        remains.confirm_step(db, step_id=step_id, actor=user.username)
    except (Conflict, Forbidden, InvalidInput) as refused:
        return _case(request, db, user, case, error=refused, status=refused.status_code)
    return RedirectResponse(f"/ui/remains/cases/{case[:32]}", status_code=303)

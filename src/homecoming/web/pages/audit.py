"""The audit log for auditors and administrators: recent entries and the chain's verification."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep
from homecoming.http.routing import Router
from homecoming.services import audit, overview
from homecoming.services.users import Principal
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Auditor = Annotated[Principal, page_requires(Capability.AUDIT_VERIFY)]


@router.get("/audit")
def audit_page(
    request: Request,
    db: DatabaseDep,
    user: Auditor,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """The newest audit entries, fifty at a time, with a button to verify the chain."""
    entries = overview.audit_entries(db, before=before)
    older = entries[-1].id if len(entries) == overview.AUDIT_PAGE and entries[-1].id > 1 else None
    rows = [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "subject": e.subject,
            "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True),
            "hash": e.hash,
        }
        for e in entries
    ]
    return render(
        request, "audit.html", user=user, active="audit", entries=rows, older=older, before=before
    )


@router.get("/audit/verify")
def verify_chain(request: Request, db: DatabaseDep, user: Auditor) -> HTMLResponse:
    """Re-hash the whole chain; the outcome as a fragment (or a page without script)."""
    report = audit.verify(db)
    fragment = request.headers.get("hx-request") == "true"
    template = "_audit_verify.html" if fragment else "audit_verify.html"
    return render(request, template, user=user, active="audit", report=report)

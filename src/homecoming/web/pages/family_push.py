"""Web Push from the family page: the service worker, subscribing a browser, removing one.

Public like the rest of /family: each form must come with the visit's token (the one the
page's other forms carry), and what it changes is the visiting family's own case.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from homecoming.errors import InvalidInput, NotFound
from homecoming.http.deps import MAX_ID, DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.services import push
from homecoming.settings import Settings
from homecoming.web.pages.family import PATH, _leave, _posting_visit
from homecoming.web.templating import STATIC

router = Router(prefix="/family", include_in_schema=False)
SERVICE_WORKER = STATIC / "family-sw.js"


def push_key(settings: Settings) -> str:
    """The VAPID public key browsers subscribe to; empty when Web Push is not set up."""
    from homecoming.notify.webpush import VapidKeys

    keys = VapidKeys(settings.data_dir)
    return keys.public_key() if keys.exists() else ""


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker that shows the family's notices (scope: /family/)."""
    return Response(
        SERVICE_WORKER.read_bytes(),
        media_type="text/javascript",
        headers={
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Service-Worker-Allowed": f"{PATH}/",
        },
    )


@router.post("/push")
def subscribe(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    endpoint: Annotated[str, Form()] = "",
    p256dh: Annotated[str, Form()] = "",
    auth: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Keep this browser's push subscription for the visiting family's case."""
    visit = _posting_visit(request, db, settings, csrf_token)
    if visit is None:
        return JSONResponse(
            {"detail": "the family page is closed: open it again with the reference and code"},
            status_code=401,
        )
    client = request.client.host if request.client else "unknown"
    try:
        view = push.subscribe(
            db,
            inquiry_id=visit.inquiry_id,
            endpoint=endpoint[:4000],
            p256dh=p256dh[:400],
            auth=auth[:400],
            client=client,
        )
    except InvalidInput as refused:
        return JSONResponse(
            {
                "detail": str(refused),
                "problems": [{"field": p.field, "reason": p.reason} for p in refused.problems],
            },
            status_code=422,
        )
    return JSONResponse({"id": view.id, "service": view.service}, status_code=201)


@router.post("/push/{subscription_id}/remove")
def remove(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    subscription_id: int,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Stop notices to one of the family's devices."""
    visit = _posting_visit(request, db, settings, csrf_token)
    if visit is None:
        return _leave(RedirectResponse(PATH, status_code=303))
    client = request.client.host if request.client else "unknown"
    try:
        if not 1 <= subscription_id <= MAX_ID:
            raise NotFound("no such device")
        push.remove(
            db,
            inquiry_id=visit.inquiry_id,
            subscription_id=subscription_id,
            actor="family",
            client=client,
        )
    except NotFound:
        return RedirectResponse(f"{PATH}/case", status_code=303)
    return RedirectResponse(f"{PATH}/case?done=push_removed", status_code=303)

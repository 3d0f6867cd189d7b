"""Errors as RFC 9457 problem details."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from homecoming.errors import HomecomingError, InvalidInput

PROBLEM_JSON = "application/problem+json"


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HomecomingError)
    body: dict[str, object] = {
        "type": "about:blank",
        "title": exc.title,
        "status": exc.status_code,
        "detail": exc.message,
        "instance": request.url.path,
    }
    if isinstance(exc, InvalidInput):
        body["errors"] = [
            {"line": p.line, "field": p.field, "reason": p.reason} for p in exc.problems
        ]
    headers: dict[str, str] | None = getattr(exc, "headers", None)
    return JSONResponse(body, status_code=exc.status_code, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    """Map every HomecomingError onto its status and a problem document."""
    app.add_exception_handler(HomecomingError, _problem)

"""Every error as RFC 9457 problem details, and the OpenAPI document saying so.

Four sources of errors, one shape (`Problem`, `application/problem+json`):
- `HomecomingError` raised by services and routes: its status, title and message; an
  `InvalidInput` lists its bad rows as `errors` (line, field, reason).
- FastAPI's request validation (422): one `errors` item per bad field (`query.limit`).
- Starlette's HTTP errors: unknown routes (404), methods a route does not take (405, `Allow`).
- Anything else (500): a request id is logged with the traceback and sent to the client,
  never the exception's text, which may hold internals or personal data.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homecoming.errors import HomecomingError, InvalidInput

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-ID"
log = logging.getLogger("homecoming.api")


class FieldProblem(BaseModel):
    """One thing wrong with the input: where (a file's line, a field) and why."""

    line: int | None = Field(
        default=None,
        description="The line of an uploaded file (header = line 1); absent for request fields.",
        examples=[7],
    )
    field: str = Field(
        description="The offending field: `query.limit`, `body.password`, or a file's column.",
        examples=["body.limit", "date_of_birth"],
    )
    reason: str = Field(examples=["Input should be less than or equal to 500"])


class Problem(BaseModel):
    """RFC 9457 problem details, as every error is sent (`application/problem+json`)."""

    type: str = Field(
        description="A URI naming the kind of problem; `about:blank` when the status says it all.",
        examples=["urn:homecoming:problem:invalid-input", "about:blank"],
    )
    title: str = Field(description="A short summary of the kind.", examples=["Invalid input"])
    status: int = Field(description="The HTTP status code.", examples=[422])
    detail: str = Field(
        description="What was wrong in this request, and what to do about it.",
        examples=["query.limit: Input should be less than or equal to 500"],
    )
    instance: str = Field(description="The path that was asked for.", examples=["/persons"])
    errors: list[FieldProblem] = Field(
        default_factory=list,
        description="Every bad field or file row, when there are any (422).",
    )
    request_id: str = Field(
        default="",
        description="For a server error (500): quote it to the operators; the log has the rest.",
        examples=["3f2a9c1e7b4d4f0a"],
    )


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


# A client's own request id is kept when it is short and plain; otherwise we make one.
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TYPE_WORDS = re.compile(r"(?<!^)(?=[A-Z])")


def problem_type(error: HomecomingError) -> str:
    """`urn:homecoming:problem:invalid-input` for InvalidInput, and so on for each error class."""
    return "urn:homecoming:problem:" + _TYPE_WORDS.sub("-", type(error).__name__).lower()


def problem_response(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    type_: str = "about:blank",
    errors: Sequence[FieldProblem] = (),
    headers: dict[str, str] | None = None,
    request_id: str = "",
) -> JSONResponse:
    """A problem document; `errors` and `request_id` only when there are any."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [e.model_dump(exclude_none=True) for e in errors]
    if request_id:
        body["request_id"] = request_id
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def _homecoming_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HomecomingError)
    errors = (
        [
            FieldProblem(line=p.line if p.line > 0 else None, field=p.field, reason=p.reason)
            for p in exc.problems
        ]
        if isinstance(exc, InvalidInput)
        else []
    )
    return problem_response(
        request,
        status=exc.status_code,
        title=exc.title,
        detail=exc.message,
        type_=problem_type(exc),
        errors=errors,
        headers=getattr(exc, "headers", None),
    )


def validation_errors(raw: Sequence[Any]) -> list[FieldProblem]:
    """FastAPI's validation errors as `field` (`body.limit`) and `reason`."""
    return [
        FieldProblem(field=".".join(str(part) for part in e.get("loc", ())), reason=e["msg"])
        for e in raw
    ]


async def _validation_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc.errors())
    first = f"{errors[0].field}: {errors[0].reason}" if errors else "the request is invalid"
    more = f" (and {len(errors) - 1} more: see errors)" if len(errors) > 1 else ""
    return problem_response(
        request,
        status=422,
        title="Invalid request",
        detail=first + more,
        type_="urn:homecoming:problem:invalid-request",
        errors=errors,
    )


async def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = _phrase(exc.status_code)
    given = str(exc.detail) if exc.detail and exc.detail != phrase else ""
    if given:
        detail = given
    elif exc.status_code == 404:
        detail = f"no route {request.url.path}: /docs lists every route"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        detail = f"{request.method} is not allowed on {request.url.path}" + (
            f"; use {allowed}" if allowed else ""
        )
    else:
        detail = phrase
    return problem_response(
        request,
        status=exc.status_code,
        title=phrase,
        detail=detail,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
    """A number or text the database cannot hold: the request's fault, not a crash."""
    request_id = _request_id_of(request.scope) or _new_request_id()
    log.warning(
        "value out of range, request %s: %s %s: %s",
        request_id,
        request.method,
        request.url.path,
        type(exc).__name__,
    )
    return problem_response(
        request,
        status=422,
        title="Invalid request",
        detail="a value in the request is out of range: ids and numbers are below 2147483648, "
        "texts within the lengths the API documents",
        type_="urn:homecoming:problem:out-of-range",
        request_id=request_id,
    )


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = _request_id_of(request.scope) or _new_request_id()
    # The traceback goes to the log only; the client gets the id to quote.
    log.error(
        "unhandled error, request %s: %s %s",
        request_id,
        request.method,
        request.url.path,
        exc_info=exc,
    )
    return problem_response(
        request,
        status=500,
        title="Internal server error",
        detail=f"something went wrong on our side; the operators can find it in the log "
        f"by request id {request_id}",
        request_id=request_id,
        headers={REQUEST_ID_HEADER: request_id},
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# A random prefix per process and a counter: unique across the workers and restarts, without
# asking the system for random bytes on every request.
_ID_PREFIX = secrets.token_hex(4)
_ID_COUNTER = itertools.count(1)


def _new_request_id() -> str:
    return f"{_ID_PREFIX}{next(_ID_COUNTER):08x}"


def _request_id_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    value = state.get("request_id", "") if isinstance(state, dict) else ""
    return str(value)


class RequestIdMiddleware:
    """Give every request an id (the client's X-Request-ID if plain, else a new one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, REQUEST_ID_HEADER.lower().encode())
        request_id = given if _CLIENT_REQUEST_ID.match(given) else _new_request_id()
        # The same scope dict reaches the server-error handler, which quotes this id.
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyLimitMiddleware:
    """Refuse a request body over HOMECOMING_MAX_UPLOAD_MB (413) before it is read whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit_mb = _max_upload_mb(scope)
        limit = limit_mb * 1024 * 1024
        message = (
            f"the request body is larger than the {limit_mb} MiB this server accepts "
            "(HOMECOMING_MAX_UPLOAD_MB): split the file, or ask the operators to raise the limit"
        )
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > limit:
            response = problem_response(
                Request(scope), status=413, title="Content too large", detail=message
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:  # a chunked body that never said its length
                    raise StarletteHTTPException(413, detail=message)
            return event

        await self.app(scope, counted, send)


def _max_upload_mb(scope: Scope) -> int:
    app = scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    return int(getattr(settings, "max_upload_mb", 100))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


# --- the OpenAPI document --------------------------------------------------------------------

_DEFAULT_RESPONSE = {
    "description": "Any other error, as RFC 9457 problem details",
    "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
}
_INVALID_RESPONSE = {
    "description": "The request or its input is invalid: `errors` names each field or row",
    "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every error response of every operation as a Problem; a `default` one on each."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _document_operation(operation)
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    return schema


def _document_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    if operation.get("parameters") or operation.get("requestBody"):
        responses.setdefault("422", dict(_INVALID_RESPONSE))
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
            if status == "422" and "Validation Error" in response.get("description", ""):
                response["description"] = _INVALID_RESPONSE["description"]
    responses["default"] = dict(_DEFAULT_RESPONSE)


def _documented_openapi(app: FastAPI, build: Callable[[], dict[str, Any]]) -> Callable[[], Any]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(build())
        return app.openapi_schema

    return openapi


def install(app: FastAPI) -> None:
    """Problem details for every error, request ids, and the OpenAPI document that says so."""
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: the 413 above carries an id too
    app.add_exception_handler(HomecomingError, _homecoming_problem)
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    # Ids beyond the database's integers (SQLite raises OverflowError, PostgreSQL DataError).
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(Exception, _server_error)
    app.openapi = _documented_openapi(app, app.openapi)  # type: ignore[method-assign]

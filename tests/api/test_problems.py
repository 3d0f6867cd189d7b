"""Every error is RFC 9457 problem details: ours, request validation, unknown routes, crashes."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.errors import AlreadyImported, InvalidInput
from homecoming.http.problems import PROBLEM_JSON, REQUEST_ID_HEADER, problem_type
from homecoming.settings import Settings

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status
    return body


def _admin(client: TestClient, tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['admin']}"}


def test_request_validation_names_each_field(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    response = app_client.get(
        "/persons", params={"limit": 0, "offset": -1}, headers=_admin(app_client, tokens)
    )
    body = _problem(response, 422)
    assert body["type"] == "urn:homecoming:problem:invalid-request"
    assert {e["field"] for e in body["errors"]} == {"query.limit", "query.offset"}
    assert all(e["reason"] and "line" not in e for e in body["errors"])
    assert body["detail"].startswith("query.") and "and 1 more" in body["detail"]
    assert body["instance"] == "/persons"


def test_a_bad_json_body_is_a_problem_too(app_client: TestClient, tokens: dict[str, str]) -> None:
    response = app_client.post(
        "/users",
        content=b"{not json",
        headers={**_admin(app_client, tokens), "content-type": "application/json"},
    )
    body = _problem(response, 422)
    assert body["errors"][0]["field"].startswith("body")


def test_row_problems_keep_their_lines(app_client: TestClient, tokens: dict[str, str]) -> None:
    csv = "Прізвище,Ім'я,Дата народження\nНехір,Олександр,31.02.1987\nТарасов,Петро,1990\n"
    response = app_client.post(
        "/sources",
        files={"file": ("list.csv", csv.encode(), "text/csv")},
        data={"party": "UA"},
        headers=_admin(app_client, tokens),
    )
    body = _problem(response, 422)
    assert body["type"] == "urn:homecoming:problem:invalid-input"
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(2, "Дата народження")]


def test_unknown_routes_and_methods(app_client: TestClient) -> None:
    missing = _problem(app_client.get("/nowhere"), 404)
    assert missing == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no route /nowhere: /docs lists every route",
        "instance": "/nowhere",
    }
    wrong = app_client.delete("/health")
    body = _problem(wrong, 405)
    assert wrong.headers["allow"] == "GET" and "use GET" in body["detail"]


def test_our_errors_carry_their_type_and_headers(app_client: TestClient) -> None:
    assert problem_type(AlreadyImported("x")) == "urn:homecoming:problem:already-imported"
    assert problem_type(InvalidInput("x")) == "urn:homecoming:problem:invalid-input"
    anonymous = app_client.get("/persons")
    body = _problem(anonymous, 401)
    assert body["type"] == "urn:homecoming:problem:unauthorized"
    assert anonymous.headers["www-authenticate"].startswith("Bearer")


def test_a_crash_is_a_problem_with_a_request_id_and_no_internals(
    api_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(api_settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: phone +380 44 000 0000")

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="homecoming.api"):
        response = client.get("/boom", headers={REQUEST_ID_HEADER: "trace-42"})
    body = _problem(response, 500)
    assert "secret" not in response.text and "+380" not in response.text
    assert body["request_id"] == "trace-42" == response.headers[REQUEST_ID_HEADER]
    logged = [r for r in caplog.records if "trace-42" in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_every_response_has_a_request_id(app_client: TestClient) -> None:
    first = app_client.get("/health").headers[REQUEST_ID_HEADER]
    second = app_client.get("/health").headers[REQUEST_ID_HEADER]
    assert first != second and len(first) == 16
    odd = app_client.get("/health", headers={REQUEST_ID_HEADER: "<script>"})
    assert odd.headers[REQUEST_ID_HEADER] != "<script>"


def test_an_oversize_body_is_refused_before_it_is_read(
    api_settings: Settings, tokens: dict[str, str]
) -> None:
    client = TestClient(create_app(api_settings.model_copy(update={"max_upload_mb": 1})))
    big = b"a,b\n" + b"x,y\n" * 300_000  # 1.2 MiB
    response = client.post(
        "/sources",
        files={"file": ("big.csv", big, "text/csv")},
        headers={"Authorization": f"Bearer {tokens['registrar']}"},
    )
    body = _problem(response, 413)
    assert "HOMECOMING_MAX_UPLOAD_MB" in body["detail"] and "1 MiB" in body["detail"]

    def chunks() -> Any:
        yield b"x" * 700_000
        yield b"x" * 700_000

    streamed = client.post(
        "/sources",
        content=chunks(),
        headers={
            "Authorization": f"Bearer {tokens['registrar']}",
            "content-type": "multipart/form-data; boundary=zzz",
        },
    )
    _problem(streamed, 413)


def test_the_openapi_document_describes_problems(app_client: TestClient) -> None:
    document = app_client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"Problem", "FieldProblem"} <= set(schemas)
    assert "HTTPValidationError" not in schemas
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert responses["default"]["content"][PROBLEM_JSON]["schema"] == ref, (path, method)
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    assert response["content"] == {PROBLEM_JSON: {"schema": ref}}, (path, status)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, (path, method)

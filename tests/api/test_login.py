"""Logins over HTTP: cookies and their flags, CSRF, logout, the rate limit, API tokens."""

from __future__ import annotations

import json

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select

from homecoming.app import create_app
from homecoming.services import users
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

PASSWORD = "correct horse battery staple"


def _login(client: TestClient, username: str = "registrar", password: str = PASSWORD) -> int:
    response = client.post("/auth/login", json={"username": username, "password": password})
    status: int = response.status_code
    return status


def _set_cookies(response_headers: list[str]) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response_headers}


def test_login_sets_strict_cookies_and_me_answers(
    api_settings: Settings, tokens: dict[str, str]
) -> None:
    client = TestClient(create_app(api_settings), base_url="https://testserver")
    response = client.post("/auth/login", json={"username": "negotiator-ua", "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookies = _set_cookies(response.headers.get_list("set-cookie"))
    session, csrf = cookies["homecoming_session"], cookies["csrf"]
    for flag in ("HttpOnly", "SameSite=strict", "Secure", "Max-Age=28800"):
        assert flag.lower() in session.lower(), session
    assert "httponly" not in csrf.lower() and "samesite=strict" in csrf.lower()
    assert response.json()["csrf_token"] == client.cookies["csrf"]
    me = client.get("/auth/me").json()
    assert (me["username"], me["role"], me["party"], me["via"]) == (
        "negotiator-ua",
        "negotiator",
        "UA",
        "session",
    )
    assert "audit.verify" not in me["capabilities"]


def test_cookies_are_not_secure_over_plain_http(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    response = app_client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 200, response.text  # a form works like JSON
    session = _set_cookies(response.headers.get_list("set-cookie"))["homecoming_session"]
    assert "secure" not in session.lower() and "httponly" in session.lower()


def test_logout_needs_the_csrf_header_and_ends_the_session(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    assert _login(app_client) == 200
    stolen = app_client.cookies["homecoming_session"]
    refused = app_client.post("/auth/logout")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    wrong = app_client.post("/auth/logout", headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    done = app_client.post("/auth/logout", headers={"X-CSRF-Token": app_client.cookies["csrf"]})
    assert done.status_code == 204
    assert app_client.get("/auth/me").status_code == 401
    # The old cookie, kept by whoever copied it, no longer works either.
    assert _me_with_cookie(app_client, stolen.encode()).status_code == 401


def _me_with_cookie(client: TestClient, cookie: bytes) -> httpx2.Response:
    client.cookies.clear()
    response: httpx2.Response = client.get(
        "/auth/me", headers={"Cookie": b"homecoming_session=" + cookie}
    )
    return response


def test_a_forged_or_tampered_cookie_is_refused(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    assert _login(app_client) == 200
    cookie = app_client.cookies["homecoming_session"]
    assert _me_with_cookie(app_client, cookie.encode()).status_code == 200
    secret, signature = cookie.rsplit(".", 1)
    for forged in (f"{secret}x.{signature}", f"{secret}.{signature[::-1]}", secret, "é.é"):
        response = _me_with_cookie(app_client, forged.encode("latin-1"))
        assert response.status_code == 401, forged
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_password_is_401_and_audited_without_the_password(
    db: Database, app_client: TestClient, tokens: dict[str, str]
) -> None:
    assert _login(app_client, password="not the password at all") == 401
    assert _login(app_client, username="nobody", password="not the password at all") == 401
    with db.reading() as session:
        rows = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action.like("auth.%"), AuditEntry.action != "auth.login_attempt"
            )
        ).all()
    assert [(r.action, r.subject, r.details["reason"]) for r in rows] == [
        ("auth.login_failed", "user:registrar", "wrong password"),
        ("auth.login_failed", "user:nobody", "unknown user"),
    ]
    dumped = json.dumps([r.details for r in rows])
    assert "not the password" not in dumped and PASSWORD not in dumped


def test_five_failures_then_429_even_with_the_right_password(
    api_settings: Settings, tokens: dict[str, str]
) -> None:
    app = create_app(api_settings)
    client = TestClient(app, client=("203.0.113.7", 5000))
    for _ in range(5):
        assert _login(client, password="guessing-guessing") == 401
    throttled = client.post("/auth/login", json={"username": "registrar", "password": PASSWORD})
    assert throttled.status_code == 429
    assert throttled.headers["content-type"] == "application/problem+json"
    assert 0 < int(throttled.headers["retry-after"]) <= 300
    # Another user from the same address is not held back; the same user from another
    # address is (a client may claim any address it likes).
    assert _login(client, username="admin") == 200
    assert _login(TestClient(app, client=("198.51.100.2", 5000))) == 429


def test_a_login_posted_from_another_site_is_refused(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    body = {"username": "admin", "password": PASSWORD}
    refused = app_client.post("/auth/login", data=body, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and "homecoming_session" not in refused.cookies
    same = app_client.post("/auth/login", data=body, headers={"Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


def test_bad_login_bodies_are_problem_details(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    for body in ({"username": "admin"}, {"password": PASSWORD}):
        response = app_client.post("/auth/login", json=body)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
    assert app_client.post("/auth/login", content=b"{not json").status_code == 422


def test_tokens_authenticate_until_revoked(
    db: Database, app_client: TestClient, tokens: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {tokens['auditor']}"}
    me = app_client.get("/auth/me", headers=headers).json()
    assert (me["username"], me["via"]) == ("auditor", "token")
    # Bearer requests need no CSRF header.
    assert app_client.post("/auth/logout", headers=headers).status_code == 204
    (token,) = users.list_tokens(db, username="auditor")
    users.revoke_token(db, token_id=token.id, actor="admin")
    assert app_client.get("/auth/me", headers=headers).status_code == 401
    assert app_client.get("/auth/me", headers={"Authorization": "Basic YTpi"}).status_code == 401


def test_a_disabled_user_is_shut_out(
    db: Database, app_client: TestClient, tokens: dict[str, str]
) -> None:
    assert _login(app_client, username="tracer") == 200
    users.set_active(db, username="tracer", active=False, actor="admin")
    assert app_client.get("/auth/me").status_code == 401
    headers = {"Authorization": f"Bearer {tokens['tracer']}"}
    assert app_client.get("/auth/me", headers=headers).status_code == 401
    assert _login(app_client, username="tracer") == 401

"""User administration over HTTP: accounts, roles, passwords, tokens; every change audited."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

from .conftest import PASSWORD

NEW_PASSWORD = "ferry lantern quiet orchard"


def _as(tokens: dict[str, str], username: str = "admin") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[username]}"}


def _audit(db: Database) -> list[tuple[str, str, str, dict[str, Any]]]:
    with db.reading() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(r.actor, r.action, r.subject, r.details) for r in rows]


def test_create_list_show_and_audit(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    created = app_client.post(
        "/users",
        json={
            "username": "olena.k",
            "role": "negotiator",
            "party": "ua",
            "display_name": "Олена К.",
            "password": NEW_PASSWORD,
        },
        headers=_as(tokens),
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert (user["role"], user["party"], user["active"], user["tokens"]) == (
        "negotiator",
        "UA",
        True,
        0,
    )
    assert "password" not in created.text and "argon2" not in created.text
    listed = app_client.get("/users", headers=_as(tokens)).json()
    assert "olena.k" in [u["username"] for u in listed]
    assert app_client.get("/users/olena.k", headers=_as(tokens)).json()["display_name"] == (
        "Олена К."
    )
    actor, action, subject, details = _audit(db)[-1]
    assert (actor, action, subject) == ("admin", "user.created", "user:olena.k")
    assert NEW_PASSWORD not in json.dumps(details)
    login = app_client.post("/auth/login", json={"username": "olena.k", "password": NEW_PASSWORD})
    assert login.status_code == 200


def test_bad_users_are_refused_with_the_reason(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    def create(**body: Any) -> Any:
        payload = {"username": "taras", "role": "registrar", "password": NEW_PASSWORD, **body}
        return app_client.post("/users", json=payload, headers=_as(tokens))

    short = create(password="short")
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "body.password"
    assert create(username="Taras!").status_code == 422
    assert create(role="emperor").json()["errors"][0]["field"] == "body.role"
    no_party = create(role="negotiator")
    assert no_party.status_code == 422 and "--party" in no_party.json()["detail"]
    assert "only negotiators" in create(party="UA").json()["detail"]
    assert create(role="negotiator", party="XX").status_code == 404
    assert create(username="registrar").status_code == 409


def test_disable_enable_and_the_token_stops(app_client: TestClient, tokens: dict[str, str]) -> None:
    assert app_client.get("/auth/me", headers=_as(tokens, "tracer")).status_code == 200
    disabled = app_client.post("/users/tracer/disable", headers=_as(tokens))
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert app_client.get("/auth/me", headers=_as(tokens, "tracer")).status_code == 401
    enabled = app_client.post("/users/tracer/enable", headers=_as(tokens))
    assert enabled.json()["active"] is True
    assert app_client.get("/auth/me", headers=_as(tokens, "tracer")).status_code == 200


def test_nobody_locks_the_administrators_out(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    yourself = app_client.post("/users/admin/disable", headers=_as(tokens))
    assert yourself.status_code == 409 and "your own" in yourself.json()["detail"]
    demoted = app_client.put("/users/admin/role", json={"role": "auditor"}, headers=_as(tokens))
    assert demoted.status_code == 409 and "no active administrator" in demoted.json()["detail"]
    promoted = app_client.put(
        "/users/registrar/role", json={"role": "administrator"}, headers=_as(tokens)
    )
    assert promoted.json()["role"] == "administrator"
    # With a second administrator, the first may step down.
    stepped = app_client.put("/users/admin/role", json={"role": "auditor"}, headers=_as(tokens))
    assert stepped.status_code == 200 and stepped.json()["role"] == "auditor"
    assert app_client.get("/users", headers=_as(tokens)).status_code == 403  # at once


def test_change_role_moves_a_negotiator_between_parties(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    moved = app_client.put(
        "/users/negotiator-ua/role",
        json={"role": "negotiator", "party": "RU"},
        headers=_as(tokens),
    )
    assert moved.json()["party"] == "RU"
    me = app_client.get("/auth/me", headers=_as(tokens, "negotiator-ua")).json()
    assert me["party"] == "RU"
    assert _audit(db)[-1][1:3] == ("user.role_changed", "user:negotiator-ua")
    assert _audit(db)[-1][3]["was_party"] == "UA"
    missing_party = app_client.put(
        "/users/negotiator-ua/role", json={"role": "negotiator"}, headers=_as(tokens)
    )
    assert missing_party.status_code == 422


def test_reset_password_ends_sessions(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    login = app_client.post("/auth/login", json={"username": "liaison", "password": PASSWORD})
    assert login.status_code == 200
    cookies = dict(app_client.cookies)
    assert app_client.get("/auth/me").status_code == 200
    app_client.cookies.clear()
    reset = app_client.put(
        "/users/liaison/password", json={"password": NEW_PASSWORD}, headers=_as(tokens)
    )
    assert reset.status_code == 204, reset.text
    app_client.cookies.update(cookies)
    assert app_client.get("/auth/me").status_code == 401  # the old session ended
    app_client.cookies.clear()
    old = app_client.post("/auth/login", json={"username": "liaison", "password": PASSWORD})
    assert old.status_code == 401
    new = app_client.post("/auth/login", json={"username": "liaison", "password": NEW_PASSWORD})
    assert new.status_code == 200
    entry = next(e for e in _audit(db) if e[1] == "user.password_reset")
    assert entry[3] == {"sessions_ended": 1} and NEW_PASSWORD not in json.dumps(_audit(db))


def test_tokens_are_issued_once_listed_and_revoked(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    issued = app_client.post(
        "/users/registrar/tokens", json={"name": "nightly import"}, headers=_as(tokens)
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()
    assert token["secret"].startswith("hc_") and token["username"] == "registrar"
    bearer = {"Authorization": f"Bearer {token['secret']}"}
    assert app_client.get("/auth/me", headers=bearer).json()["username"] == "registrar"
    listed = app_client.get("/users/registrar/tokens", headers=_as(tokens)).json()
    assert [t["name"] for t in listed] == ["test", "nightly import"]
    assert token["secret"] not in json.dumps(listed) + json.dumps(_audit(db))
    # A token id of another user is not this user's token.
    other = app_client.post(f"/users/auditor/tokens/{token['id']}/revoke", headers=_as(tokens))
    assert other.status_code == 404
    revoked = app_client.post(f"/users/registrar/tokens/{token['id']}/revoke", headers=_as(tokens))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert app_client.get("/auth/me", headers=bearer).status_code == 401
    again = app_client.post(f"/users/registrar/tokens/{token['id']}/revoke", headers=_as(tokens))
    assert again.status_code == 409
    assert app_client.get("/users/nobody/tokens", headers=_as(tokens)).status_code == 404
    assert app_client.get("/users/registrar", headers=_as(tokens)).json()["tokens"] == 1


def test_only_administrators_manage_users(app_client: TestClient, tokens: dict[str, str]) -> None:
    for username in ("registrar", "negotiator-ua", "tracer", "liaison", "auditor"):
        response = app_client.post(
            "/users/admin/disable", headers={"Authorization": f"Bearer {tokens[username]}"}
        )
        assert response.status_code == 403, username

"""`homecoming users …` and the demo's logins, through the CLI runner on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.cli.demo import DEMO_USERS
from homecoming.domain.roles import Role
from homecoming.services import audit, registry, users
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

runner = CliRunner()
# Cheap Argon2 for the tests only; production keeps argon2-cffi's defaults.
FAST = {"HOMECOMING_PASSWORD_HASH_TIME_COST": "1", "HOMECOMING_PASSWORD_HASH_MEMORY_KIB": "8192"}
PASSWORD = "correct horse battery staple"


def _run(db: Database, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", db.url, *args], input=stdin, env=FAST)
    return result.exit_code, result.stdout, result.stderr


def test_add_list_disable_enable(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    code, out, err = _run(
        db, "users", "add", "olena", "--role", "registrar", "--password-stdin", stdin=PASSWORD
    )
    assert code == 0, err
    assert "added olena (registrar)" in out
    code, out, err = _run(
        db,
        "users",
        "add",
        "taras",
        "--role",
        "negotiator",
        "--party",
        "ua",
        "--display-name",
        "Тарас",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",  # prompted twice
    )
    assert code == 0, err
    assert "added taras (negotiator for UA)" in out
    listed = json.loads(_run(db, "users", "list", "--json")[1])
    assert [(u["username"], u["role"], u["party"]) for u in listed] == [
        ("olena", "registrar", None),
        ("taras", "negotiator", "UA"),
    ]
    assert "taras" in _run(db, "users", "list")[1]
    assert _run(db, "users", "disable", "olena")[0] == 0
    assert json.loads(_run(db, "users", "list", "--json")[1])[0]["active"] is False
    assert _run(db, "users", "enable", "olena")[0] == 0
    assert PASSWORD not in json.dumps(_audit_details(db))
    assert audit.verify(db).ok


def _audit_details(db: Database) -> list[object]:
    with db.reading() as session:
        return [e.details for e in session.scalars(select(AuditEntry))]


def test_bad_adds_say_why(db: Database) -> None:
    code, _, err = _run(
        db, "users", "add", "taras", "--role", "negotiator", "--password-stdin", stdin=PASSWORD
    )
    assert code == 1 and "--party" in err
    code, _, err = _run(
        db, "users", "add", "olena", "--role", "registrar", "--password-stdin", stdin="short"
    )
    assert code == 1 and "12" in err
    code, _, err = _run(db, "users", "add", "olena", "--role", "king", "--password-stdin")
    assert code == 2 and "king" in err


def test_token_is_printed_once_and_revoked(db: Database) -> None:
    _run(db, "users", "add", "bot", "--role", "registrar", "--password-stdin", stdin=PASSWORD)
    code, out, err = _run(db, "users", "token", "bot", "--name", "importer")
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("hc_") and "revoke-token 1" in err
    assert users.authenticate_token(db, secret).username == "bot"
    tokens = json.loads(_run(db, "users", "tokens", "bot", "--json")[1])
    assert [(t["id"], t["name"], t["revoked_at"]) for t in tokens] == [(1, "importer", None)]
    assert secret not in _run(db, "users", "tokens")[1]
    code, out, _ = _run(db, "users", "revoke-token", "1")
    assert code == 0 and "revoked token 1 of bot" in out
    assert json.loads(_run(db, "users", "tokens", "--json")[1])[0]["revoked_at"]
    assert _run(db, "users", "revoke-token", "1")[0] == 1
    assert _run(db, "users", "token", "nobody")[0] == 1


def test_demo_creates_one_login_per_role(db: Database, tmp_path: Path) -> None:
    # its own data directory: the demo makes a Web Push key there, which other tests must not find
    data = ("--data-dir", str(tmp_path / "var"))
    code, out, err = _run(db, *data, "demo", "--people", "100", "--no-link")
    assert code == 0, err
    logins = out[out.index("Demo logins") :].splitlines()[1:]
    assert len(logins) == len(DEMO_USERS) == 8  # one per role, a negotiator per party
    listed = {u.username: u for u in users.list_users(db)}
    for line, (username, role, party) in zip(logins, DEMO_USERS, strict=True):
        name, password = line.split()[:2]
        assert name == username and listed[username].role == role
        assert listed[username].party == party
        assert len(password) >= 16
    assert {u.role for u in listed.values()} == set(Role)

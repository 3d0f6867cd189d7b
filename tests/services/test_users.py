"""Users, tokens and logins: Argon2 hashes only, every change audited without secrets."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from pydantic import ValidationError
from sqlalchemy import select

from homecoming.domain.roles import Role
from homecoming.errors import Conflict, InvalidInput, NotFound, TooManyRequests, Unauthorized
from homecoming.services import audit, registry, users
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import ApiToken, AuditEntry, User

PASSWORD = "correct horse battery staple"
HASHER = PasswordHasher(time_cost=1, memory_cost=8192)  # cheap for tests only
POLICY = users.LoginPolicy(max_failures=3, window=dt.timedelta(minutes=5))


def _add(db: Database, username: str = "olena", role: Role = Role.REGISTRAR, **kw: str) -> None:
    users.add_user(
        db, username=username, role=role, password=PASSWORD, hasher=HASHER, actor="admin", **kw
    )


def _audit_text(db: Database) -> str:
    with db.reading() as session:
        rows = session.scalars(select(AuditEntry)).all()
        return json.dumps([[r.actor, r.action, r.subject, r.details] for r in rows])


def _login(db: Database, password: str = PASSWORD, client: str = "10.0.0.1") -> users.Login:
    return users.login(
        db, username="olena", password=password, client=client, hasher=HASHER, policy=POLICY
    )


def test_a_user_is_stored_with_an_argon2_hash_and_audited_without_it(db: Database) -> None:
    _add(db, display_name="Олена К.")
    with db.reading() as session:
        row = session.scalars(select(User)).one()
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert HASHER.verify(row.password_hash, PASSWORD)
    text = _audit_text(db)
    assert "user.created" in text and "registrar" in text
    assert PASSWORD not in text and "argon2" not in text
    (info,) = users.list_users(db)
    assert (info.username, info.role, info.party, info.active, info.tokens) == (
        "olena",
        Role.REGISTRAR,
        None,
        True,
        0,
    )


@pytest.mark.parametrize(
    ("username", "role", "party", "password", "error"),
    [
        ("Olena", Role.REGISTRAR, None, PASSWORD, InvalidInput),  # upper case
        ("o", Role.REGISTRAR, None, PASSWORD, InvalidInput),
        ("olena k", Role.REGISTRAR, None, PASSWORD, InvalidInput),
        ("olena", Role.REGISTRAR, None, "short", InvalidInput),
        ("olena", Role.NEGOTIATOR, None, PASSWORD, InvalidInput),  # a negotiator needs a party
        ("olena", Role.REGISTRAR, "UA", PASSWORD, InvalidInput),  # only negotiators have one
        ("olena", Role.NEGOTIATOR, "XX", PASSWORD, NotFound),
    ],
)
def test_bad_users_are_refused(
    db: Database,
    username: str,
    role: Role,
    party: str | None,
    password: str,
    error: type[Exception],
) -> None:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    with pytest.raises(error):
        users.add_user(
            db,
            username=username,
            role=role,
            party=party,
            password=password,
            hasher=HASHER,
            actor="admin",
        )
    assert users.list_users(db) == []


def test_usernames_are_unique(db: Database) -> None:
    _add(db)
    with pytest.raises(Conflict, match="exists already"):
        _add(db, role=Role.AUDITOR)


def test_negotiators_belong_to_a_party(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    _add(db, role=Role.NEGOTIATOR, party="UA")
    principal = _login(db).principal
    assert (principal.role, principal.party, principal.party_scope) == (
        Role.NEGOTIATOR,
        "UA",
        "UA",
    )


def test_tokens_are_stored_hashed_listed_and_revoked(db: Database) -> None:
    _add(db)
    issued = users.issue_token(db, username="olena", name="importer", actor="admin")
    assert issued.secret.startswith("hc_") and len(issued.secret) > 40
    with db.reading() as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == users.digest(issued.secret) != issued.secret
    assert users.authenticate_token(db, issued.secret).username == "olena"
    assert users.list_users(db)[0].tokens == 1

    users.revoke_token(db, token_id=issued.id, actor="admin")
    with pytest.raises(Unauthorized):
        users.authenticate_token(db, issued.secret)
    with pytest.raises(Conflict, match="revoked already"):
        users.revoke_token(db, token_id=issued.id, actor="admin")
    with pytest.raises(NotFound):
        users.revoke_token(db, token_id=999, actor="admin")
    (listed,) = users.list_tokens(db, username="olena")
    assert listed.revoked_at is not None and users.list_users(db)[0].tokens == 0
    assert issued.secret not in _audit_text(db) and stored.token_hash not in _audit_text(db)


def test_login_opens_a_session_and_logout_ends_it(db: Database) -> None:
    _add(db)
    done = _login(db)
    assert users.authenticate_session(db, done.secret).username == "olena"
    users.logout(db, secret=done.secret)
    with pytest.raises(Unauthorized):
        users.authenticate_session(db, done.secret)
    assert '"auth.login"' in _audit_text(db) and '"auth.logout"' in _audit_text(db)
    assert audit.verify(db).ok


def test_an_expired_session_is_refused(db: Database) -> None:
    _add(db)
    expired = users.LoginPolicy(session_age=dt.timedelta(seconds=-1))
    done = users.login(
        db, username="olena", password=PASSWORD, client="c", hasher=HASHER, policy=expired
    )
    with pytest.raises(Unauthorized, match="ended"):
        users.authenticate_session(db, done.secret)


def test_failures_are_counted_per_client_and_a_success_resets_them(db: Database) -> None:
    _add(db)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            _login(db, password="wrong password!")
    _login(db)  # the third try succeeds and wipes the slate
    for _ in range(3):
        with pytest.raises(Unauthorized):
            _login(db, password="wrong password!")
    with pytest.raises(TooManyRequests) as throttled:
        _login(db)
    assert 0 < throttled.value.retry_after <= 300
    with pytest.raises(TooManyRequests):
        _login(db, client="10.0.0.2")  # another address does not help: users are counted too
    assert "wrong password!" not in _audit_text(db)


def test_attempts_are_counted_per_username_from_any_address(db: Database) -> None:
    """A client that rotates its (claimed) address gets no more guesses."""
    _add(db)
    for n in range(3):
        with pytest.raises(Unauthorized):
            _login(db, password="wrong password!", client=f"198.51.100.{n}")
    with pytest.raises(TooManyRequests, match="olena"):
        _login(db, client="198.51.100.99")


def test_attempts_are_counted_per_address_for_any_username(db: Database) -> None:
    policy = users.LoginPolicy(max_failures=3, max_failures_per_address=4)
    for n in range(4):
        with pytest.raises(Unauthorized):
            users.login(
                db, username=f"guess{n}", password="x", client="c", hasher=HASHER, policy=policy
            )
    with pytest.raises(TooManyRequests, match="this address"):
        users.login(db, username="other", password="x", client="c", hasher=HASHER, policy=policy)


def test_parallel_guesses_are_counted_before_the_password_is_checked(db: Database) -> None:
    """Ten guesses at once: only the allowed number reach Argon2, the rest are refused."""
    _add(db)
    slow = PasswordHasher(time_cost=3, memory_cost=32_768)  # slow enough for guesses to overlap
    start = threading.Barrier(10)

    def guess(n: int) -> str:
        start.wait()
        try:
            users.login(
                db,
                username="olena",
                password=f"guess number {n}",
                client=f"203.0.113.{n}",
                hasher=slow,
                policy=POLICY,
            )
        except Unauthorized:
            return "401"
        except TooManyRequests:
            return "429"
        return "200"

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = sorted(pool.map(guess, range(10)))
    assert answers == ["401"] * POLICY.max_failures + ["429"] * (10 - POLICY.max_failures)


def test_a_changed_cost_rehashes_at_the_next_login(db: Database) -> None:
    _add(db)
    stronger = PasswordHasher(time_cost=2, memory_cost=8192)
    users.login(db, username="olena", password=PASSWORD, client="c", hasher=stronger, policy=POLICY)
    with db.reading() as session:
        assert "t=2" in session.scalars(select(User.password_hash)).one()


def test_disabling_ends_sessions_and_is_audited(db: Database) -> None:
    _add(db)
    done = _login(db)
    users.set_active(db, username="olena", active=False, actor="admin")
    with pytest.raises(Unauthorized):
        users.authenticate_session(db, done.secret)
    with pytest.raises(Unauthorized):
        _login(db)
    users.set_active(db, username="olena", active=True, actor="admin")
    _login(db)
    assert '"user.disabled"' in _audit_text(db) and '"user.enabled"' in _audit_text(db)
    with pytest.raises(NotFound):
        users.set_active(db, username="nobody", active=False, actor="admin")


def test_production_refuses_cheap_password_hashes() -> None:
    secret = "s" * 48
    assert Settings(environment="production", secret_key=secret).password_hash_time_cost == 3
    with pytest.raises(ValidationError, match="cheap hashes"):
        Settings(environment="production", secret_key=secret, password_hash_memory_kib=8192)
    with pytest.raises(ValidationError, match="cheap hashes"):
        Settings(environment="production", secret_key=secret, password_hash_time_cost=1)

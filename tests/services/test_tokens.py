"""The principal cache: a token or session looked up once, every change to it honoured at once."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from homecoming.domain.roles import Role
from homecoming.errors import Unauthorized
from homecoming.services import audit, registry, tokens, users
from homecoming.services.tokens import PrincipalCache
from homecoming.store.db import Database

PASSWORD = "correct horse battery staple"
HASHER = PasswordHasher(time_cost=1, memory_cost=8192)  # cheap for tests only
POLICY = users.LoginPolicy(max_failures=3, window=dt.timedelta(minutes=5))


def _add(db: Database, username: str = "olena", role: Role = Role.REGISTRAR) -> None:
    users.add_user(
        db, username=username, role=role, password=PASSWORD, hasher=HASHER, actor="admin"
    )


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every lookup that reaches the tokens or sessions table."""
    seen: list[str] = []
    token, session = users.authenticate_token, users.authenticate_session_until

    def counted_token(db: Database, secret: str) -> users.Principal:
        seen.append("token")
        return token(db, secret)

    def counted_session(db: Database, secret: str) -> tuple[users.Principal, dt.datetime]:
        seen.append("session")
        return session(db, secret)

    monkeypatch.setattr(users, "authenticate_token", counted_token)
    monkeypatch.setattr(users, "authenticate_session_until", counted_session)
    return seen


def test_a_token_is_looked_up_once_while_nothing_about_users_changes(
    db: Database, lookups: list[str]
) -> None:
    _add(db)
    secret = users.issue_token(db, username="olena", name="laptop", actor="admin").secret
    cache = PrincipalCache(db)
    assert cache.token(secret).username == "olena"
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")  # not about users
    for _ in range(3):
        assert cache.token(secret).role is Role.REGISTRAR
    assert lookups == ["token"]


def test_a_revoked_token_is_refused_at_once(db: Database) -> None:
    _add(db)
    issued = users.issue_token(db, username="olena", name="laptop", actor="admin")
    cache = PrincipalCache(db)
    assert cache.token(issued.secret).username == "olena"
    users.revoke_token(db, token_id=issued.id, actor="admin")
    with pytest.raises(Unauthorized):
        cache.token(issued.secret)


def test_a_disabled_user_is_refused_and_a_new_role_seen_at_once(db: Database) -> None:
    _add(db)
    _add(db, "admin", Role.ADMINISTRATOR)
    secret = users.issue_token(db, username="olena", name="laptop", actor="admin").secret
    cache = PrincipalCache(db)
    assert cache.token(secret).role is Role.REGISTRAR
    users.change_role(db, username="olena", role=Role.AUDITOR, party=None, actor="admin")
    assert cache.token(secret).role is Role.AUDITOR
    users.set_active(db, username="olena", active=False, actor="admin")
    with pytest.raises(Unauthorized):
        cache.token(secret)


def test_an_unknown_token_is_never_remembered(db: Database, lookups: list[str]) -> None:
    cache = PrincipalCache(db)
    for _ in range(2):
        with pytest.raises(Unauthorized):
            cache.token("hc_unknown")
    assert lookups == ["token", "token"]


def test_a_session_ends_at_logout_and_at_its_expiry(
    db: Database, lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(db)
    cache = PrincipalCache(db)
    first = users.login(
        db, username="olena", password=PASSWORD, client="10.0.0.1", hasher=HASHER, policy=POLICY
    )
    assert cache.session(first.secret).username == "olena"
    users.logout(db, secret=first.secret)
    with pytest.raises(Unauthorized):
        cache.session(first.secret)

    second = users.login(
        db, username="olena", password=PASSWORD, client="10.0.0.1", hasher=HASHER, policy=POLICY
    )
    assert cache.session(second.secret).username == "olena"
    assert cache.session(second.secret).username == "olena"
    assert lookups.count("session") == 3  # the second session's second use was remembered
    later = second.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(tokens, "_now", lambda: later)
    monkeypatch.setattr(users, "_now", lambda: later)
    with pytest.raises(Unauthorized):
        cache.session(second.secret)


def test_a_lookup_that_raced_a_revocation_is_not_kept(db: Database) -> None:
    """A principal read before a revocation, stored after the cache saw it, is dropped."""
    _add(db)
    issued = users.issue_token(db, username="olena", name="laptop", actor="admin")
    cache = PrincipalCache(db)
    generation, _ = cache._fresh(("token", users.digest(issued.secret)))
    stale = users.authenticate_token(db, issued.secret)
    users.revoke_token(db, token_id=issued.id, actor="admin")
    cache._fresh(("token", "another"))  # another request sees the revocation first
    cache._remember(generation, ("token", users.digest(issued.secret)), stale, None)
    with pytest.raises(Unauthorized):
        cache.token(issued.secret)


def test_other_writes_leave_the_authentication_mark_and_user_changes_move_it(
    db: Database,
) -> None:
    """The cache reads one mark: a write about anything but users never empties it."""
    _add(db)
    issued = users.issue_token(db, username="olena", name="laptop", actor="admin")
    mark = audit.authentication_mark(db)
    assert mark[0] == audit.head(db)[0]  # the token's issue was the last entry
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    assert audit.head(db)[0] == mark[0] + 1
    assert audit.authentication_mark(db) == mark
    users.revoke_token(db, token_id=issued.id, actor="admin")
    assert audit.authentication_mark(db) == audit.head(db) != mark


def test_a_restore_to_another_chain_empties_the_cache(
    db: Database, lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same mark's id with another hash (another chain restored): looked up again."""
    _add(db)
    secret = users.issue_token(db, username="olena", name="laptop", actor="admin").secret
    cache = PrincipalCache(db)
    cache.token(secret)
    mark = audit.authentication_mark(db)
    monkeypatch.setattr(audit, "authentication_mark", lambda _db: (mark[0], "0" * 64))
    cache.token(secret)
    assert lookups == ["token", "token"]

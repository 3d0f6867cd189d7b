"""Who is behind a token or a session, remembered between requests; revocation honoured at once.

Looking a token's digest up (a join of tokens and users) on every request costs more than
most requests do. The cache keeps the principal per digest, valid as of the audit log's
authentication mark: every change that can end or alter an authentication (a token revoked, a
user disabled or given another role, a password reset, a logout) writes an audit entry, and
the audit head keeps the id and hash of the last such entry (`audit.authentication_mark`, one
row). Before every use the cache reads that mark; when it has moved, the cache starts afresh.
Other writes (a handover, an import) leave it where it was, so they cost the cache nothing. A
restore that changes what the log says about users moves it too (the hash chains every entry
before it). A session is remembered only until it expires. Unknown or refused secrets are
never remembered: each such request asks the database.
"""

from __future__ import annotations

import datetime as dt
import threading

from homecoming.services import audit, users
from homecoming.services.users import Principal
from homecoming.store.db import Database

MAX_REMEMBERED = 10_000


class PrincipalCache:
    """Principals by (kind, secret's digest), valid as of the authentication mark last seen."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._seen: tuple[int, str] | None = None
        self._generation = 0  # bumped when emptied: a lookup begun before may not be stored
        self._known: dict[tuple[str, str], tuple[Principal, dt.datetime | None]] = {}

    def token(self, secret: str, *, mark: tuple[int, str] | None = None) -> Principal:
        """The active user behind a live API token, or Unauthorized.

        `mark`: the authentication mark as read during the caller's request (the HTTP edge
        reads it with the search's head, `audit.marks`); read here when not given."""
        key = ("token", users.digest(secret))
        generation, known = self._fresh(key, mark)
        if known is not None:
            return known
        principal = users.authenticate_token(self.db, secret)
        self._remember(generation, key, principal, None)
        return principal

    def session(self, secret: str, *, mark: tuple[int, str] | None = None) -> Principal:
        """The active user of a live browser session, or Unauthorized (`mark`: as `token`)."""
        key = ("session", users.digest(secret))
        generation, known = self._fresh(key, mark)
        if known is not None:
            return known
        principal, expires = users.authenticate_session_until(self.db, secret)
        self._remember(generation, key, principal, expires)
        return principal

    def _fresh(
        self, key: tuple[str, str], mark: tuple[int, str] | None = None
    ) -> tuple[int, Principal | None]:
        """Catch up with the authentication mark, then what is known of `key` (if valid)."""
        if mark is None:
            mark = audit.authentication_mark(self.db)
        with self._lock:
            if mark != self._seen:
                self._known.clear()
                self._generation += 1
                self._seen = mark
            found = self._known.get(key)
            if found is not None and found[1] is not None and found[1] <= _now():
                del self._known[key]
                found = None
            return self._generation, found[0] if found is not None else None

    def _remember(
        self,
        generation: int,
        key: tuple[str, str],
        principal: Principal,
        expires: dt.datetime | None,
    ) -> None:
        with self._lock:
            if generation != self._generation:
                return  # emptied since the lookup began: it may be stale already
            if len(self._known) >= MAX_REMEMBERED:
                self._known.clear()
            self._known[key] = (principal, expires)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)

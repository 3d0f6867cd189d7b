"""Who is behind a token or a session, remembered between requests; revocation honoured at once.

Looking a token's digest up (a join of tokens and users) on every request costs more than
most requests do. The cache keeps the principal per digest and, before every use, reads the
audit log's head (one row): every change that can end or alter an authentication (a token
revoked, a user disabled or given another role, a password reset, a logout) writes an audit
entry, so when the head has moved, the entries since say whether one of them concerned users,
and then the cache starts afresh. A restore (the head goes back, or another chain) empties it
too. A session is remembered only until it expires. Unknown or refused secrets are never
remembered: each such request asks the database.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import select

from homecoming.services import audit, users
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

# Entries after which a remembered principal may be wrong: anything about a user or a token,
# and every login or logout.
_USER_SUBJECT = "user:"
_USER_ACTIONS = ("user.", "token.", "auth.", "session.")
MAX_REMEMBERED = 10_000


class PrincipalCache:
    """Principals by (kind, secret's digest), valid as of the audit head last seen."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._seen: tuple[int, str] | None = None
        self._generation = 0  # bumped when emptied: a lookup begun before may not be stored
        self._known: dict[tuple[str, str], tuple[Principal, dt.datetime | None]] = {}

    def token(self, secret: str) -> Principal:
        """The active user behind a live API token, or Unauthorized."""
        key = ("token", users.digest(secret))
        generation, known = self._fresh(key)
        if known is not None:
            return known
        principal = users.authenticate_token(self.db, secret)
        self._remember(generation, key, principal, None)
        return principal

    def session(self, secret: str) -> Principal:
        """The active user of a live browser session, or Unauthorized."""
        key = ("session", users.digest(secret))
        generation, known = self._fresh(key)
        if known is not None:
            return known
        principal, expires = users.authenticate_session_until(self.db, secret)
        self._remember(generation, key, principal, expires)
        return principal

    def _fresh(self, key: tuple[str, str]) -> tuple[int, Principal | None]:
        """Catch up with the audit head, then what is known of `key` (if still valid)."""
        head = audit.head(self.db)
        with self._lock:
            if head != self._seen:
                if self._seen is None or self._concerns_users(self._seen, head):
                    self._known.clear()
                    self._generation += 1
                self._seen = head
            found = self._known.get(key)
            if found is not None and found[1] is not None and found[1] <= _now():
                del self._known[key]
                found = None
            return self._generation, found[0] if found is not None else None

    def _concerns_users(self, seen: tuple[int, str], head: tuple[int, str]) -> bool:
        if head[0] <= seen[0]:  # the same length with another hash, or shorter: a restore
            return True
        with self.db.reading() as session:
            rows = session.execute(
                select(AuditEntry.action, AuditEntry.subject).where(
                    AuditEntry.id > seen[0], AuditEntry.id <= head[0]
                )
            ).all()
        return any(
            subject.startswith(_USER_SUBJECT) or action.startswith(_USER_ACTIONS)
            for action, subject in rows
        )

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

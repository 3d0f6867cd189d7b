"""Append to and verify the tamper-evident audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from homecoming.domain.audit import (
    GENESIS,
    AuditLink,
    ChainFault,
    check_chain,
    payload_digest,
    redaction,
)
from homecoming.store.db import (
    Database,
    Prepared,
    connection_of,
    insert_missing,
    transaction_memo,
)
from homecoming.store.models import AuditEntry, AuditHead

HEAD_ID = 1


# Built once: constructing a statement costs more than SQLite takes to run it, and every write
# of the system appends here (a prebuilt statement on the session's connection costs about a
# fifth of an ORM load and flush, measured in process).
_AUDIT = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_LOCK_HEAD = Prepared(
    select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
)
_INSERT_ENTRY = Prepared(insert(_AUDIT))
_MOVE_HEAD_STATEMENT = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))
)
_MOVE_HEAD = Prepared(_MOVE_HEAD_STATEMENT)
_MOVE_HEAD_AND_MARK = Prepared(
    _MOVE_HEAD_STATEMENT.values(auth_id=bindparam("new_id"), auth_hash=bindparam("new_hash"))
)


def append(
    session: Session, *, actor: str, action: str, subject: str = "", details: dict[str, Any]
) -> AuditEntry:
    """Append one entry in the caller's transaction. Details must hold no contact data.

    The entry returned is not in the session: its columns are what was written."""
    session.flush()  # what the caller added lands first, as when this flushed the entry itself
    last_id, last_hash = _locked_head(session)
    link = AuditLink(
        id=last_id + 1,
        at=dt.datetime.now(dt.UTC),
        actor=actor,
        action=action,
        subject=subject,
        details=details,
        prev_hash=last_hash,
    )
    values = {
        "id": link.id,
        "at": link.at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
        "prev_hash": link.prev_hash,
        "payload_digest": payload_digest(details),
        "hash": link.digest(),
    }
    connection = connection_of(session)
    # Sent with the transaction's next statement or its commit (on PostgreSQL one round trip
    # for them all: `Prepared.later`); the head stays locked until the end either way.
    _INSERT_ENTRY.later(connection, values)
    moved = _MOVE_HEAD_AND_MARK if concerns_authentication(action, subject) else _MOVE_HEAD
    # The head's last move alone counts: a batch of entries moves it once (`last_by`).
    moved.later(connection, {"new_id": link.id, "new_hash": values["hash"]}, last_by=())
    memo = transaction_memo(session)
    if memo is not None:  # the head stays locked, and is what this entry made it, until the end
        memo[_HEAD_MOVED] = (link.id, values["hash"])
    return AuditEntry(**values)


_HEAD_MOVED = "homecoming_audit_head"  # the head a write transaction locked and moved


# Entries after which a remembered principal (services/tokens.py) may be wrong: anything about a
# user or a token, and every login or logout. Migration 0015 holds a copy of this rule.
_USER_SUBJECT = "user:"
_USER_ACTIONS = ("user.", "token.", "auth.", "session.")


def concerns_authentication(action: str, subject: str) -> bool:
    """Whether an entry may end or alter an authentication: the head marks the last such."""
    return subject.startswith(_USER_SUBJECT) or action.startswith(_USER_ACTIONS)


def authentication_mark(db: Database) -> tuple[int, str]:
    """The id and hash of the last entry about users, tokens or sessions (0, "" before any):
    one row, read cheaply. It moves only with such an entry, and a restore that changes what
    the entries say about users moves it too (the hash chains every entry before it)."""
    return marks(db).authentication


def hash_of(db: Database, entry_id: int) -> str:
    """The hash of one entry of the chain ('' when there is none with that id)."""
    row = db.read_one(f"SELECT hash FROM audit_log WHERE id = {int(entry_id)}")
    return str(row[0]) if row is not None else ""


def head(db: Database) -> tuple[int, str]:
    """The chain's last id and hash, (0, "") before the first entry: one row, read cheaply."""
    return marks(db).head


@dataclass(frozen=True, slots=True)
class Marks:
    """The head (`head`) and the authentication mark (`authentication_mark`), read together."""

    head: tuple[int, str]
    authentication: tuple[int, str]


def marks(db: Database) -> Marks:
    """Both marks of the audit head in one read: what a request's user and its search need."""
    row = db.read_one(
        f"SELECT last_id, last_hash, auth_id, auth_hash FROM audit_head WHERE id = {HEAD_ID}"
    )
    if row is None:
        return Marks(head=(0, ""), authentication=(0, ""))
    return Marks(head=(int(row[0]), str(row[1])), authentication=(int(row[2]), str(row[3])))


def head_lock() -> tuple[Prepared, dict[str, Any]]:
    """The statement that reads and locks the head (`_locked_head`), for a caller that sends
    it with others in one round trip (`store.db.together`); `took_head` keeps what it read."""
    return _LOCK_HEAD, {}


def took_head(session: Session, rows: list[Any]) -> None:
    """Keep the head the caller read and locked by `head_lock` in this write transaction: its
    next entry chains on it (as `_locked_head` would have read it). No row: nothing kept
    (the first append creates the head)."""
    memo = transaction_memo(session)
    if memo is not None and rows and _HEAD_MOVED not in memo:
        memo[_HEAD_MOVED] = (int(rows[0][0]), str(rows[0][1]))


def head_known(session: Session) -> bool:
    """Whether this write transaction holds the head's lock and knows it (`_locked_head`)."""
    memo = transaction_memo(session)
    return memo is not None and _HEAD_MOVED in memo


def _locked_head(session: Session) -> tuple[int, str]:
    """The head's (last id, last hash), its row locked until the transaction ends.

    Read and locked in one statement (`FOR UPDATE` on PostgreSQL; SQLite's writers are
    serial already): a lock taken before a read would miss a head another writer creates
    between the two, and the read would then go on unlocked. A write transaction that has
    appended already holds the lock and knows the head it left (`transaction_memo`): the
    entries of a batch of recordings (`Database.grouped`) after the first read nothing."""
    memo = transaction_memo(session)
    moved: tuple[int, str] | None = memo.get(_HEAD_MOVED) if memo is not None else None
    if moved is not None:
        return moved
    connection = connection_of(session)
    head = _LOCK_HEAD.first(connection)
    if head is None:
        # The first append ever: two writers may race to create the head; one row results.
        insert_missing(session, _HEAD, {"id": HEAD_ID, "last_id": 0, "last_hash": GENESIS})
        head = _LOCK_HEAD.first(connection)
        assert head is not None, "the audit head was just created"
    return int(head[0]), str(head[1])


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of `homecoming audit verify`."""

    entries: int
    head_hash: str
    faults: list[ChainFault] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults


def verify(db: Database) -> ChainReport:
    """Re-hash the whole chain and compare it with what is stored."""
    with db.reading() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        head = session.get(AuditHead, HEAD_ID)
        links = [(_link(row), row.hash) for row in rows]
        stored_head = (head.last_id, head.last_hash) if head else None
    faults = check_chain(links, stored_head)
    return ChainReport(
        entries=len(links), head_hash=links[-1][1] if links else GENESIS, faults=faults
    )


def _link(row: AuditEntry) -> AuditLink:
    return AuditLink(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        details=row.details,
        prev_hash=row.prev_hash,
        payload_digest=row.payload_digest or "",
    )


def redact(session: Session, entry_ids: list[int], *, erasure_entry_id: int) -> None:
    """Replace these entries' details by a marker naming the erasure; their digests stay."""
    for row in session.scalars(select(AuditEntry).where(AuditEntry.id.in_(entry_ids))):
        row.details = redaction(erasure_entry_id)
    session.flush()

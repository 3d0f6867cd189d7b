"""Migration 0008 re-hashes an existing chain over payload digests, and says so in the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from alembic import command
from sqlalchemy import text

from homecoming.services import audit
from homecoming.store.db import Database, _alembic_config


def _old_hash(entry_id: int, at: dt.datetime, details: dict[str, object], prev: str) -> str:
    fields = [
        entry_id,
        at.isoformat(timespec="microseconds"),
        "admin",
        "party.created",
        "",
        details,
        prev,
    ]
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_an_old_chain_verifies_after_the_migration(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with db.engine.begin() as connection:
        config = _alembic_config(db.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    at = dt.datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC)
    prev = "0" * 64
    with db.engine.begin() as connection:
        for entry_id in (1, 2):
            details = {"name": f"party {entry_id}"}
            digest = _old_hash(entry_id, at, details, prev)
            connection.execute(
                text(
                    "INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash,"
                    " hash) VALUES (:i, :at, 'admin', 'party.created', '', :d, :p, :h)"
                ),
                {"i": entry_id, "at": at, "d": json.dumps(details), "p": prev, "h": digest},
            )
            prev = digest
        connection.execute(
            text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 2, :h)"), {"h": prev}
        )
    db.upgrade()
    report = audit.verify(db)
    assert report.ok and report.entries == 3
    with db.reading() as session:
        note = session.execute(text("SELECT action, details FROM audit_log WHERE id = 3")).one()
    assert note[0] == "audit.rehashed" and prev in note[1]


def test_migration_0015_marks_the_last_entry_about_users(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'mark.sqlite3'}")
    db.upgrade()
    with db.transaction() as session:
        user = audit.append(session, actor="admin", action="user.added", details={})
        audit.append(session, actor="admin", action="party.created", details={})
    with db.engine.begin() as connection:
        config = _alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
    db.upgrade()
    assert audit.authentication_mark(db) == (user.id, user.hash)
    assert audit.head(db)[0] == user.id + 1

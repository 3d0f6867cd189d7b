"""Retention: personal data past its time is erased, by source kind, inquiry state, PFIF expiry.

A dry run (the default) says what would go and why; `apply` erases it. An inquiry past its
time is erased as `homecoming inquiries erase` would (its case, contacts and photos with it);
other records become tombstones, with one audit entry for the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from homecoming.domain.audit import EXPIRY_ACTION
from homecoming.domain.record import SourceKind
from homecoming.forgetting import forget_personal_data
from homecoming.services import audit, erasure
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry, Record, Source
from homecoming.store.tracing_models import Inquiry


@dataclass(frozen=True, slots=True)
class Expired:
    """One inquiry or record past its time, and the rule that says so."""

    kind: str  # inquiry / record
    id: int
    reference: str
    rule: str


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What a run found and, when applied, what it did."""

    applied: bool
    expired: list[Expired]
    audit_entries: list[int] = field(default_factory=list)
    scrub: str = ""

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "expired": [asdict(e) for e in self.expired]}


def run(
    db: Database,
    *,
    by_source_kind: Mapping[str, int],
    by_inquiry_state: Mapping[str, int],
    now: dt.datetime | None = None,
    apply: bool = False,
    actor: str = "retention",
    data_dir: Path | None = None,
) -> RetentionReport:
    """Find what has expired; with apply, erase it."""
    now = now or dt.datetime.now(dt.UTC)
    expired = _dedupe([
        *_inquiries_past(db, by_inquiry_state, now),
        *_records_past(db, by_source_kind, now),
        *_pfif_expired(db, now),
    ])  # fmt: skip
    if not apply or not expired:
        return RetentionReport(applied=apply, expired=expired)
    entries = []
    for item in expired:
        if item.kind == "inquiry":
            done = erasure.erase(
                db,
                inquiry=item.id,
                reason=f"retention: {item.rule}",
                actor=actor,
                data_dir=data_dir,
                scrub=False,
            )
            entries.append(done.audit_entry)
    records = [e for e in expired if e.kind == "record"]
    if records:
        entries.append(_expire_records(db, records, actor=actor))
    return RetentionReport(True, expired, entries, db.scrub(erasure.SCRUBBED_TABLES))


def _dedupe(items: list[Expired]) -> list[Expired]:
    seen: dict[tuple[str, int], Expired] = {}
    for item in items:
        seen.setdefault((item.kind, item.id), item)
    return list(seen.values())


def _inquiries_past(db: Database, days: Mapping[str, int], now: dt.datetime) -> Iterator[Expired]:
    if not days:
        return
    with db.reading() as session:
        rows = session.execute(
            select(Inquiry, Record.redacted_at)
            .join(Record, Record.id == Inquiry.record_id)
            .where(Inquiry.status.in_(list(days)), Record.redacted_at.is_(None))
        ).all()
        for row, _ in rows:
            last = session.scalar(
                select(func.max(AuditEntry.at)).where(AuditEntry.subject == f"inquiry:{row.id}")
            )
            since = _aware(last or row.created_at)
            limit = days[row.status]
            if now - since > dt.timedelta(days=limit):
                rule = f"{row.status} since {since.date()}, kept {limit} days"
                yield Expired("inquiry", row.id, row.reference, rule)


def _records_past(db: Database, days: Mapping[str, int], now: dt.datetime) -> Iterator[Expired]:
    with db.reading() as session:
        for kind, limit in days.items():
            cutoff = now - dt.timedelta(days=limit)
            query = (
                select(Record.id, Source.kind, Source.received_at, Inquiry.id, Inquiry.reference)
                .join(Source)
                .outerjoin(Inquiry, Inquiry.record_id == Record.id)
                .where(
                    Source.kind == kind,
                    Source.received_at < cutoff,
                    Record.redacted_at.is_(None),
                )
                .order_by(Record.id)
            )
            for record_id, _, received, inquiry_id, reference in session.execute(query):
                rule = f"{kind} received {_aware(received).date()}, kept {limit} days"
                if inquiry_id is not None:
                    yield Expired("inquiry", inquiry_id, reference, rule)
                else:
                    yield Expired("record", record_id, "", rule)


def _pfif_expired(db: Database, now: dt.datetime) -> Iterator[Expired]:
    """PFIF records whose expiry_date has passed: the source wants them gone."""
    with db.reading() as session:
        query = (
            select(Record.id, Record.raw)
            .join(Source)
            .where(Source.kind == str(SourceKind.PFIF_FEED), Record.redacted_at.is_(None))
            .order_by(Record.id)
            .execution_options(yield_per=5_000)
        )
        for record_id, raw in session.execute(query):
            expiry = _pfif_date(str(raw.get("expiry_date", "")))
            if expiry is not None and expiry <= now:
                yield Expired("record", record_id, "", f"PFIF expiry_date {expiry.isoformat()}")


def _pfif_date(text: str) -> dt.datetime | None:
    try:
        return _aware(dt.datetime.fromisoformat(text.replace("Z", "+00:00"))) if text else None
    except ValueError:
        return None


def _expire_records(db: Database, records: list[Expired], *, actor: str) -> int:
    ids = [e.id for e in records]
    at = dt.datetime.now(dt.UTC)
    with db.transaction() as session:
        contacts = erasure.tombstone(session, ids, at=at)
        subjects = [f"record:{i}" for i in ids]
        redacted = list(
            session.scalars(
                select(AuditEntry.id)
                .where(AuditEntry.subject.in_(subjects))
                .order_by(AuditEntry.id)
            )
        )
        rules = sorted({e.rule for e in records})
        entry = audit.append(
            session,
            actor=actor,
            action=EXPIRY_ACTION,
            subject=f"records:{len(ids)}",
            details={
                "records": ids,
                "rules": rules,
                "contacts_deleted": contacts,
                "audit_entries_redacted": redacted,
            },
        )
        audit.redact(session, redacted, erasure_entry_id=entry.id)
        entry_id = entry.id
    forget_personal_data()  # what this process made of the expired names goes with them
    return entry_id


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

"""Merge one signed field desk log into the centre's record, in one transaction."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from homecoming.errors import InvalidInput
from homecoming.formats.signed import Keyring, open_sealed
from homecoming.services import agreements, audit, handovers, stages
from homecoming.services.desk import LOG_KIND, LOG_VERSION
from homecoming.services.field_merge.settling import (
    MergeReport,
    _ask,
    _entry,
    _field_details,
    _settle,
    _substitute,
)
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database, lock_row
from homecoming.store.field_models import FieldEntry


def merge_log(
    db: Database,
    search: SearchService | None,
    *,
    data_dir: Path,
    data: bytes,
    source: str,
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> MergeReport:
    """Merge one desk log: idempotent, one transaction, conflicts kept for a person."""
    opened = open_sealed(
        data, kind=LOG_KIND, source=source, trusted=Keyring(data_dir).trusted(), identity=None
    )
    log = opened.payload
    if log.get("version") != LOG_VERSION:
        raise InvalidInput(f"{source}: desk log version {log.get('version')!r} is not one we read")
    try:
        desk_id = str(log["desk_id"])
        agreement_id = int(log["agreement_id"])
        number = int(log["stage"])
        entries = [_entry(e, source) for e in log["entries"]]
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput(f"{source}: the desk log lacks or garbles {error}") from None
    substitute_ids = {
        e["key"]: handovers.resolve_substitute(search, sub, scope)
        for e in entries
        if (sub := _substitute(e.get("substitute"))) is not None
    }
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        lock_row(session, "exchange_stages", stage.id)
        known = set(
            session.scalars(select(FieldEntry.entry_key).where(FieldEntry.desk_id == desk_id))
        )
        fresh = [e for e in entries if e["key"] not in known]
        rows = []
        for e in fresh:
            row = FieldEntry(
                desk_id=desk_id,
                entry_key=e["key"],
                seq=e["seq"],
                desk_name=str(log.get("desk_name", "")),
                pack_id=str(log.get("pack_id", "")),
                stage_id=stage.id,
                kind=e["kind"],
                party=e["party"],
                person_id=e["person_id"],
                outcome=e["outcome"],
                substitute=e["substitute"],
                text=e["text"],
                operator=e["operator"],
                field_at=e["at"],
                log_sha256=opened.sha256,
                merged_by=actor,
            )
            session.add(row)
            rows.append(row)
        session.flush()
        members = stages.current_members(session, stage.id)
        member_ids = {pid for (_, pid) in members}
        opened_n = closed_n = written = notes = 0
        for row in rows:
            if row.kind == "outcome" and row.person_id not in member_ids:
                _ask(session, stage, "not_in_stage", row, actor)
                opened_n += 1
            elif row.kind == "arrival":
                _ask(session, stage, "arrival", row, actor)
                opened_n += 1
            elif row.kind == "note":
                notes += 1
                audit.append(
                    session,
                    actor=actor,
                    action="field.noted",
                    subject=f"field_entry:{row.id}",
                    details=_field_details(row, opened.signer.fingerprint),
                )
        touched = sorted(
            {r.person_id for r in rows if r.kind == "outcome" and r.person_id in member_ids}
        )
        for person_id in touched:
            assert person_id is not None
            result = _settle(
                session,
                agreement,
                agreement_id,
                stage,
                person_id,
                actor=actor,
                substitute_ids=substitute_ids,
                signer=opened.signer.fingerprint,
            )
            written += result[0]
            opened_n += result[1]
            closed_n += result[2]
        audit.append(
            session,
            actor=actor,
            action="handovers.merged",
            subject=f"agreement:{agreement_id}/stage:{number}",
            details={
                "desk": desk_id,
                "desk_name": str(log.get("desk_name", "")),
                "signed_by": opened.signer.fingerprint,
                "sha256": opened.sha256,
                "entries": len(entries),
                "new": len(rows),
                "written": written,
                "conflicts_opened": opened_n,
                "conflicts_closed": closed_n,
            },
        )
    return MergeReport(
        desk_id=desk_id,
        desk_name=str(log.get("desk_name", "")),
        signed_by=f"{opened.signer.name} ({opened.signer.fingerprint})",
        agreement_id=agreement_id,
        stage=number,
        entries=len(entries),
        new=len(rows),
        already=len(entries) - len(rows),
        written=written,
        conflicts_opened=opened_n,
        conflicts_closed=closed_n,
        notes=notes,
    )

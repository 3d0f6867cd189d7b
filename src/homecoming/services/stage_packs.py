"""The stage pack: one stage for a field desk, to carry where the network isn't.

It holds what the desk needs and no more: the agreement (categories, stages), the stage's
members with the agreed fields only (GCIII Art. 17: names, date of birth, rank, service
number, category; no contacts, no raw evidence), and photos given by families who consented
to sharing and whose case carries no harm risk. It is signed with the bureau's Ed25519 key
and may be encrypted to the field laptop's age key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from homecoming.exchange.agreement import agreement_to_mapping
from homecoming.formats.signed import Keyring, seal
from homecoming.services import agreements, audit, handovers, persons, stages
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import Handover
from homecoming.store.models import Party, Record
from homecoming.store.tracing_models import Inquiry, InquiryPhoto

PACK_KIND = "homecoming-stage-pack"
PACK_VERSION = 1
# What a desk learns about each member: the agreed fields (stages.AGREED_FIELDS).
MEMBER_FIELDS = ("full_name", *stages.AGREED_FIELDS)


@dataclass(frozen=True, slots=True)
class PackResult:
    pack_id: str
    data: bytes
    sha256: str
    members: int
    photos: int
    encrypted: bool
    signed_by: str


def pack_stage(
    db: Database,
    *,
    data_dir: Path,
    agreement_id: int,
    number: int,
    actor: str,
    encrypt_to: str | None = None,
    scope: Scope = EVERY_PARTY,
) -> PackResult:
    """The signed pack of one stage, and an audit entry saying who packed what for whom."""
    keyring = Keyring(data_dir)
    key = keyring.signing_key()
    payload = _payload(db, data_dir, agreement_id, number, actor, scope)
    data = seal(payload, kind=PACK_KIND, key=key, encrypt_to=encrypt_to)
    sha = hashlib.sha256(data).hexdigest()
    members = len(payload["members"])
    photos = sum(len(m["photos"]) for m in payload["members"])
    signed_by = keyring.public().fingerprint
    with db.transaction() as session:
        audit.append(
            session,
            actor=actor,
            action="stage.packed",
            subject=f"agreement:{agreement_id}/stage:{number}",
            details={
                "pack": payload["pack_id"],
                "sha256": sha,
                "members": members,
                "photos": photos,
                "signed_by": signed_by,
                "encrypted_to": encrypt_to or "",
            },
        )
    return PackResult(
        pack_id=payload["pack_id"],
        data=data,
        sha256=sha,
        members=members,
        photos=photos,
        encrypted=encrypt_to is not None,
        signed_by=signed_by,
    )


def _payload(
    db: Database, data_dir: Path, agreement_id: int, number: int, actor: str, scope: Scope
) -> dict[str, Any]:
    with db.reading() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        members = sorted(
            stages.current_members(session, stage.id).values(),
            key=lambda m: (m.party, m.category_code, m.person_id),
        )
        records = stages.listed_records(session, members, scope=scope)
        parties = {
            p.code: p.name
            for p in session.scalars(select(Party).where(Party.code.in_(agreement.parties)))
        }
        photos = _photos(session, data_dir, [m.person_id for m in members])
        recorded = {r.person_id: r for r in handovers.latest_rows(session, stage.id)}
        listed = []
        for member in members:
            record = records.get(member.person_id)
            fields = persons.record_fields(record) if record is not None else None
            values: dict[str, str] = {}
            for name in MEMBER_FIELDS:
                value = getattr(fields, name) if fields is not None else ""
                values[name] = _text(value)
            listed.append(
                {
                    "party": member.party,
                    "person_id": member.person_id,
                    "category": member.category_code,
                    "fields": values,
                    "photos": photos.get(member.person_id, []),
                    "recorded": _recorded(recorded.get(member.person_id)),
                }
            )
        return {
            "version": PACK_VERSION,
            "pack_id": uuid.uuid4().hex,
            "packed_at": dt.datetime.now(dt.UTC).isoformat(),
            "packed_by": actor,
            "agreement": {"id": agreement_id, "definition": agreement_to_mapping(agreement)},
            "parties": parties,
            "stage": {"number": stage.number, "day": stage.day.isoformat()},
            "members": listed,
        }


def _recorded(row: Handover | None) -> dict[str, str] | None:
    """What the centre already holds for a member, so the desk does not ask again."""
    if row is None:
        return None
    return {
        "outcome": row.outcome,
        "substitute_name": row.substitute_name,
        "recorded_by": row.recorded_by,
        "recorded_at": row.recorded_at.isoformat(),
    }


def _text(value: object) -> str:
    if value is None:
        return ""
    iso = getattr(value, "iso", None)
    return str(iso()) if callable(iso) else str(value)


def _photos(session: Any, data_dir: Path, person_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """Photos of members that families gave with consent to share, on cases without harm risk."""
    found: dict[int, list[dict[str, str]]] = {}
    for start in range(0, len(person_ids), 2_000):
        rows = session.execute(
            select(InquiryPhoto, Record.person_id)
            .join(Inquiry, Inquiry.id == InquiryPhoto.inquiry_id)
            .join(Record, Record.id == Inquiry.record_id)
            .where(
                Record.person_id.in_(person_ids[start : start + 2_000]),
                Inquiry.consent.is_(True),
                Inquiry.harm_risk.is_(False),
            )
            .order_by(InquiryPhoto.id)
        )
        for photo, person_id in rows:
            path = data_dir / photo.path
            if not path.is_file():
                continue
            found.setdefault(person_id, []).append(
                {
                    "sha256": photo.sha256,
                    "media_type": photo.media_type,
                    "data": base64.b64encode(path.read_bytes()).decode(),
                }
            )
    return found

"""The belongings catalogue: photos of what came with the remains, and a family's recognition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from homecoming.errors import NotFound
from homecoming.services import audit, inquiries, leads
from homecoming.services.remains.views import PHOTO_DIR, _case, _photo_dict
from homecoming.store.db import Database
from homecoming.store.remains_models import (
    BelongingPhoto,
    RemainsCase,
)
from homecoming.tracing.lead_rules import LeadKind


def add_photo(
    db: Database,
    *,
    data_dir: Path,
    case: str,
    data: bytes,
    file_name: str,
    description: str = "",
    consent: bool = False,
    actor: str,
) -> dict[str, Any]:
    """A photo of belongings found with a case; shown to families only with consent."""
    media_type = inquiries.checked_photo(data, file_name)
    with db.transaction() as session:
        row = _case(session, case)
        relative, digest = inquiries.keep_photo(
            data_dir / PHOTO_DIR, row.reference, data, media_type
        )
        photo = BelongingPhoto(
            case_id=row.id,
            path=(Path(PHOTO_DIR) / relative).as_posix(),
            sha256=digest,
            media_type=media_type,
            description=description,
            consent=consent,
            recorded_by=actor,
        )
        session.add(photo)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="remains.photo_added",
            subject=f"remains_case:{row.id}",
            details={"photo": photo.id, "sha256": digest, "consent": consent},
        )
        return _photo_dict(session, photo)


def catalogue(db: Database, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Photos of belongings that families may browse: only with consent, only of cases not
    yet identified and not the other side's own dead."""
    with db.reading() as session:
        rows = session.scalars(
            select(BelongingPhoto)
            .join(RemainsCase, RemainsCase.id == BelongingPhoto.case_id)
            .where(BelongingPhoto.consent.is_(True), RemainsCase.other_side.is_(False))
            .order_by(BelongingPhoto.id)
            .limit(limit)
            .offset(offset)
        ).all()
        return [_photo_dict(session, r) for r in rows]


def photo(db: Database, photo_id: int) -> dict[str, Any]:
    with db.reading() as session:
        row = session.get(BelongingPhoto, photo_id)
        if row is None:
            raise NotFound(f"no belongings photo {photo_id}")
        return _photo_dict(session, row)


def read_photo(db: Database, *, data_dir: Path, photo_id: int) -> tuple[bytes, str]:
    """A catalogue photo's bytes and type (only photos shown with consent)."""
    with db.reading() as session:
        row = session.get(BelongingPhoto, photo_id)
        if row is None or not row.consent:
            raise NotFound(f"no belongings photo {photo_id} in the catalogue")
        path, media_type = row.path, row.media_type
    target = data_dir / path
    if not target.is_file():
        raise NotFound(f"the file of belongings photo {photo_id} is missing")
    return target.read_bytes(), media_type


def recognise(
    db: Database, *, photo_id: int, inquiry: str, notes: str = "", actor: str
) -> dict[str, Any]:
    """A family recognised belongings: a lead on their case, to verify (no status by itself)."""
    with db.transaction() as session:
        row = session.get(BelongingPhoto, photo_id)
        if row is None or not row.consent:
            raise NotFound(f"no belongings photo {photo_id} in the catalogue")
        case = session.get(RemainsCase, row.case_id)
        assert case is not None
        target = inquiries.find(session, inquiry)
        lead_id = leads.add_remains_lead(
            session,
            inquiry=target,
            kind=LeadKind.BELONGINGS,
            fate=None,
            reason=f"belongings recognised in remains case {case.reference}",
            explanation={
                "remains_case": case.reference,
                "photo": row.id,
                "description": row.description,
                "notes": notes,
            },
            actor=actor,
        )
        audit.append(
            session,
            actor=actor,
            action="remains.recognised",
            subject=f"remains_case:{case.id}",
            details={"photo": row.id, "inquiry": target.id, "lead": lead_id},
        )
        return {"lead": lead_id, "case": case.reference, "inquiry": target.reference}

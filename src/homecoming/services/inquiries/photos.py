"""Photos: the one check and keeper of a photo file (families' and belongings'), a case's
photos, and the debrief gallery.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import InvalidInput, NotFound
from homecoming.services import audit
from homecoming.services.inquiries.reading import find
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.models import Record
from homecoming.store.tracing_models import Inquiry, InquiryPhoto, Lead
from homecoming.tracing.units import parse_unit, unit_agreement

PHOTO_DIR = "inquiry-photos"
PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def checked_photo(data: bytes, file_name: str) -> str:
    """The photo's media type, by its contents; refused unless a JPEG, PNG or WebP image of
    1 byte to 10 MiB named like one (an HTML page named .png is not served as an image)."""
    named = mimetypes.guess_type(file_name)[0] or ""
    if named not in PHOTO_TYPES:
        raise InvalidInput(
            f"{file_name}: a photo must be JPEG, PNG or WebP (got {named or 'unknown'})"
        )
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(f"{file_name}: a photo must hold 1 byte to 10 MiB ({len(data)} bytes)")
    media_type = image_type(data)
    if media_type is None:
        raise InvalidInput(
            f"{file_name} is named like a photo but its contents are not a JPEG, PNG or WebP "
            "image: open it in an image viewer and save it as JPEG or PNG, then add it again"
        )
    return media_type


def keep_photo(folder: Path, reference: str, data: bytes, media_type: str) -> tuple[Path, str]:
    """Write a checked photo under `folder/reference/`, named by its SHA-256; its path
    relative to `folder`, and the digest."""
    digest = hashlib.sha256(data).hexdigest()
    relative = Path(reference) / f"{digest}{PHOTO_TYPES[media_type]}"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative, digest


def image_type(data: bytes) -> str | None:
    """The image type the bytes themselves say (their magic numbers), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True, slots=True)
class PhotoView:
    id: int
    inquiry_id: int
    reference: str
    name: str
    unit: str
    last_seen_place: str
    media_type: str
    caption: str
    path: str


def add_photo(
    db: Database,
    *,
    data_dir: Path,
    inquiry: int | str,
    data: bytes,
    file_name: str,
    caption: str = "",
    actor: str,
) -> PhotoView:
    """Keep a photo the family gave, under the data directory; the table holds its path.

    What the bytes are decides, not the file's name: anything but a JPEG, PNG or WebP image
    is refused (an HTML page named .png would otherwise be served as an image).
    """
    media_type = checked_photo(data, file_name)
    with db.transaction() as session:
        row = find(session, inquiry)
        relative, digest = keep_photo(data_dir / PHOTO_DIR, row.reference, data, media_type)
        photo = InquiryPhoto(
            inquiry_id=row.id,
            path=(Path(PHOTO_DIR) / relative).as_posix(),
            sha256=digest,
            media_type=media_type,
            caption=caption,
            added_by=actor,
        )
        session.add(photo)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="inquiry.photo_added",
            subject=f"inquiry:{row.id}",
            details={"photo": photo.id, "sha256": digest, "media_type": media_type},
        )
        photo_id = photo.id
    return gallery(db, photo_ids=[photo_id], open_only=False)[0]


def gallery(
    db: Database,
    *,
    unit: str = "",
    region: str = "",
    facility: str = "",
    open_only: bool = True,
    photo_ids: Sequence[int] | None = None,
) -> list[PhotoView]:
    """Photos of open inquiries to show a released person: by unit, region (place last seen)
    or facility (where a record or sighting of the case places the person)."""
    query = (
        select(InquiryPhoto, Inquiry, Record)
        .join(Inquiry, Inquiry.id == InquiryPhoto.inquiry_id)
        .join(Record, Record.id == Inquiry.record_id)
    )
    query = query.where(InquiryPhoto.path != "")  # an erased inquiry's photos are gone
    if open_only:
        query = query.where(Inquiry.open.is_(True))
    if photo_ids is not None:
        query = query.where(InquiryPhoto.id.in_(list(photo_ids)))
    wanted_unit = parse_unit(unit)
    with db.reading() as session:
        rows = list(session.execute(query.order_by(InquiryPhoto.id)))
        places = _facilities(session, [i.id for _, i, _ in rows]) if facility else {}
    found = []
    for photo, inquiry, record in rows:
        if unit and unit_agreement(wanted_unit, parse_unit(record.unit))[0] <= 0:
            continue
        if region and region.casefold() not in record.event_place.casefold():
            continue
        if facility and not any(
            facility.casefold() in place.casefold() for place in places.get(inquiry.id, [])
        ):
            continue
        found.append(
            PhotoView(
                id=photo.id,
                inquiry_id=inquiry.id,
                reference=inquiry.reference,
                name=record_fields(record).display_name(),
                unit=record.unit,
                last_seen_place=record.event_place,
                media_type=photo.media_type,
                caption=photo.caption,
                path=photo.path,
            )
        )
    return found


def _facilities(session: Session, inquiry_ids: list[int]) -> dict[int, list[str]]:
    """Places of detention that the inquiry's own record or its leads' evidence name."""
    places: dict[int, list[str]] = {}
    own = select(Inquiry.id, Record.place_of_detention).join(Record, Record.id == Inquiry.record_id)
    leads = select(Lead.inquiry_id, Record.place_of_detention).join(
        Record, Record.id == Lead.record_id
    )
    for query, column in ((own, Inquiry.id), (leads, Lead.inquiry_id)):
        for inquiry_id, place in session.execute(query.where(column.in_(inquiry_ids))):
            if place:
                places.setdefault(inquiry_id, []).append(place)
    return places


def read_photo(db: Database, *, data_dir: Path, photo_id: int) -> tuple[bytes, str]:
    """A photo's bytes and media type."""
    with db.reading() as session:
        photo = session.get(InquiryPhoto, photo_id)
        if photo is None:
            raise NotFound(f"no photo {photo_id}")
        data = (data_dir / photo.path).read_bytes()
    media_type = image_type(data)
    if media_type is None:  # kept before contents were checked: never serve it
        raise NotFound(
            f"photo {photo_id} is not an image (it was kept before photos were checked): "
            "ask the family for the photo again"
        )
    return data, media_type

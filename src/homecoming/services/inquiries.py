"""Families' inquiries: registration (one or a file of them), cases, photos, sharing, withdrawal.

The sought person's details land in the registry as a `family_inquiry` record (so linkage and
search see them) with the inquirer's contact details in the protected `contacts` table; the
inquiry row holds the case around it: reference, consent, sharing scope, status.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import mimetypes
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.normalise import RawValue, cell_text
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import AlreadyImported, Conflict, InvalidInput, NotFound, RowProblem
from homecoming.services import audit, disclosures, family, registry
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.models import Party, Record, Source
from homecoming.store.tracing_models import Inquiry, InquiryKey, InquiryPhoto, Lead
from homecoming.tracing.evidence import CLOSED
from homecoming.tracing.inquiry import (
    LANGUAGES,
    FamilyStatus,
    Recipient,
    Sharing,
    SharingScope,
    case_reference,
    effective_scope,
    may_share,
    parse_reference,
)
from homecoming.tracing.matching import Described, inquiry_keys
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
class InquiryRequest:
    """What a family tells the bureau: who is sought, who asks, and how far it may be shared."""

    sought: RecordFields
    inquirer: Contact
    consent: bool
    scope: SharingScope = SharingScope.BUREAU
    harm_risk: bool = False
    language: str = "uk"
    call_sign: str = ""
    circumstances: str = ""
    party: str | None = None  # the family's side, e.g. UA
    received_via: str = ""  # hotline, in person, letter...


@dataclass(frozen=True, slots=True)
class Registered:
    """A registered inquiry: the case reference the family is given."""

    id: int
    reference: str
    record_id: int


@dataclass(frozen=True, slots=True)
class InquiryView:
    """An inquiry as tracing officers see it (never the inquirer's contact details)."""

    id: int
    reference: str
    record_id: int
    person_id: int | None
    party: str | None
    name: str
    date_of_birth: str
    unit: str
    last_seen: str
    last_seen_place: str
    call_sign: str
    circumstances: str
    distinguishing_marks: str
    consent: bool
    sharing_scope: str
    effective_scope: str
    harm_risk: bool
    language: str
    status: str
    open: bool
    created_at: dt.datetime
    created_by: str
    leads: dict[str, int] = field(default_factory=dict)
    photos: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- validation ------------------------------------------------------------------------------


def check_request(request: InquiryRequest, *, line: int = 0) -> list[RowProblem]:
    """Every reason the request cannot be registered (empty when it can)."""
    problems = []
    sought = request.sought
    if not (sought.family_name or sought.full_name or sought.given_names):
        problems.append(RowProblem(line, "family_name", "say whom the family is looking for"))
    contact = request.inquirer
    if not contact.name.strip():
        problems.append(RowProblem(line, "contact_name", "the inquirer's name is missing"))
    if not (contact.phone or contact.email or contact.address):
        problems.append(
            RowProblem(line, "contact_phone", "give a phone, an e-mail or an address to reply to")
        )
    if request.language not in LANGUAGES:
        problems.append(
            RowProblem(line, "language", f"{request.language!r}: use {', '.join(LANGUAGES)}")
        )
    if not request.consent and request.scope is not SharingScope.BUREAU:
        problems.append(
            RowProblem(
                line,
                "sharing_scope",
                f"the family did not consent, so the report stays with the bureau; "
                f"scope {request.scope.value!r} needs consent",
            )
        )
    return problems


# --- registration ---------------------------------------------------------------------------


def register(
    db: Database, *, request: InquiryRequest, actor: str, family_code_hash: str = ""
) -> Registered:
    """Register one inquiry; the family is given the case reference. Re-matching follows.

    With `family_code_hash` (from `family.new_code_and_hash`), the family's access code is kept
    in the same transaction.
    """
    problems = check_request(request)
    if problems:
        raise InvalidInput("the inquiry cannot be registered", problems)
    with db.transaction() as session:
        source = _inquiry_source(session, name="Family inquiry", request=request, actor=actor)
        evidence = _evidence(request, line=1)
        (record_id,) = registry.add_evidence(
            session, source_id=source.id, evidence=[evidence], actor=actor
        )
        inquiry = open_case(session, record_id=record_id, request=request, actor=actor)
        source.name = f"Family inquiry {inquiry.reference}"
        source.row_count = 1
        if family_code_hash:
            family.add_access(
                session, inquiry_id=inquiry.id, code_hash=family_code_hash, actor=actor
            )
        result = Registered(inquiry.id, inquiry.reference, record_id)
    return result


def register_many(
    db: Database,
    *,
    requests: Iterable[tuple[int, InquiryRequest] | list[RowProblem]],
    file_name: str,
    content_hash: str = "",
    party: str | None = None,
    actor: str,
    force: bool = False,
) -> list[Registered]:
    """Register a file of inquiries as one source: every row or none."""
    rows: list[tuple[int, InquiryRequest]] = []
    problems: list[RowProblem] = []
    for item in requests:
        if isinstance(item, list):
            problems.extend(item)
        else:
            line, request = item
            problems.extend(check_request(request, line=line))
            rows.append(item)
    if problems:
        raise InvalidInput(
            f"{len({p.line for p in problems})} row(s) of {file_name} are invalid; "
            "no inquiry was registered. Fix them and import the file again",
            problems,
        )
    with db.transaction() as session:
        _refuse_reimport(session, content_hash, file_name, force)
        first = rows[0][1] if rows else None
        source = _inquiry_source(
            session,
            name=f"Family inquiries: {file_name}",
            request=first,
            actor=actor,
            party=party,
            file_name=file_name,
            content_hash=content_hash,
        )
        record_ids = registry.add_evidence(
            session,
            source_id=source.id,
            evidence=[_evidence(request, line=line) for line, request in rows],
            actor=actor,
        )
        source.row_count = len(record_ids)
        found = open_cases(
            session,
            [(rid, request) for rid, (_, request) in zip(record_ids, rows, strict=True)],
            actor=actor,
        )
        audit.append(
            session,
            actor=actor,
            action="inquiries.imported",
            subject=f"source:{source.id}",
            details={
                "file_name": file_name,
                "content_hash": content_hash,
                "inquiries": len(found),
                "first": found[0].reference if found else "",
                "last": found[-1].reference if found else "",
            },
        )
    return found


def _refuse_reimport(session: Session, content_hash: str, file_name: str, force: bool) -> None:
    if not content_hash or force:
        return
    earlier = session.scalars(
        select(Source).where(Source.content_hash == content_hash).limit(1)
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            f"{file_name} was already imported as source {earlier.id} ({earlier.name!r}); "
            "use --force to register its inquiries again"
        )


def _inquiry_source(
    session: Session,
    *,
    name: str,
    request: InquiryRequest | None,
    actor: str,
    party: str | None = None,
    file_name: str = "",
    content_hash: str = "",
) -> Source:
    party = party or (request.party if request else None)
    if party is not None and session.get(Party, party) is None:
        raise NotFound(f"unknown party {party!r}; register it first (`homecoming parties add`)")
    source = Source(
        kind=str(SourceKind.FAMILY_INQUIRY),
        name=name,
        party_code=party,
        received_at=dt.datetime.now(dt.UTC),
        received_from=(request.received_via if request else "") or "family inquiry",
        file_name=file_name,
        content_hash=content_hash,
        row_count=0,
        created_by=actor,
    )
    session.add(source)
    session.flush()
    return source


def _evidence(request: InquiryRequest, *, line: int) -> Evidence:
    sought = request.sought
    # The circumstances stay on the inquiry (read with inquiries.read), never in the
    # record, which every role reads.
    fields = dataclasses.replace(sought, fate=sought.fate or Fate.MISSING)
    raw = {k: v for k, v in _raw(fields).items() if v}
    return Evidence(line=line, raw=raw, fields=fields, contact=request.inquirer)


def _raw(fields: RecordFields) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in dataclasses.fields(fields):
        value = getattr(fields, item.name)
        if isinstance(value, PartialDate):
            values[item.name] = value.iso()
        elif isinstance(value, bool):
            values[item.name] = "yes" if value else ""
        elif value is None:
            values[item.name] = ""
        else:
            values[item.name] = str(getattr(value, "value", value))
    return values


def open_case(session: Session, *, record_id: int, request: InquiryRequest, actor: str) -> Inquiry:
    """An inquiry case around a `family_inquiry` record already in the registry."""
    (inquiry,) = open_cases(session, [(record_id, request)], actor=actor, rows=True)
    assert isinstance(inquiry, Inquiry)
    audit.append(
        session,
        actor=actor,
        action="inquiry.registered",
        subject=f"inquiry:{inquiry.id}",
        details={
            "reference": inquiry.reference,
            "record": inquiry.record_id,
            "consent": inquiry.consent,
            "sharing_scope": inquiry.sharing_scope,
            "harm_risk": inquiry.harm_risk,
            "language": inquiry.language,
        },
    )
    return inquiry


def open_cases(
    session: Session,
    items: Sequence[tuple[int, InquiryRequest]],
    *,
    actor: str,
    rows: bool = False,
) -> list[Any]:
    """Cases for many records in one go (ids, references, keys); the caller audits them."""
    now = dt.datetime.now(dt.UTC)
    created: list[Inquiry] = []
    for record_id, request in items:
        inquiry = Inquiry(
            reference=f"pending-{record_id}",
            record_id=record_id,
            party_code=request.party,
            consent=request.consent,
            sharing_scope=request.scope.value,
            harm_risk=request.harm_risk,
            language=request.language,
            call_sign=request.call_sign,
            circumstances=request.circumstances,
            status=FamilyStatus.REGISTERED.value,
            open=True,
            created_at=now,
            created_by=actor,
        )
        session.add(inquiry)
        created.append(inquiry)
    session.flush()
    keys: list[dict[str, int | None]] = []
    for inquiry, (_, request) in zip(created, items, strict=True):
        inquiry.reference = case_reference(now.year, inquiry.id)
        sought = described(request.sought, call_sign=request.call_sign)
        born = sought.date_of_birth.year
        keys.extend(
            {"inquiry_id": inquiry.id, "key": key, "born": born} for key in inquiry_keys(sought)
        )
    for start in range(0, len(keys), 5_000):
        session.execute(insert(InquiryKey), keys[start : start + 5_000])
    session.flush()
    if rows:
        return created
    return [Registered(i.id, i.reference, i.record_id) for i in created]


# --- reading -------------------------------------------------------------------------------


def described(fields: RecordFields, *, call_sign: str = "", nickname: str = "") -> Described:
    """What the matcher compares, from a record's fields."""
    return Described(
        family_name=fields.family_name,
        given_names=fields.given_names,
        patronymic=fields.patronymic,
        full_name=fields.full_name,
        date_of_birth=fields.date_of_birth,
        sex=fields.sex.value if fields.sex else None,
        unit=fields.unit,
        service_number=fields.service_number,
        call_sign=call_sign,
        nickname=nickname,
        fate=fields.fate,
    )


def find(session: Session, inquiry: int | str) -> Inquiry:
    """An inquiry by id or case reference (HC-2026-000123), or NotFound."""
    number = parse_reference(inquiry) if isinstance(inquiry, str) else inquiry
    row = session.get(Inquiry, number) if number is not None else None
    if row is None:
        raise NotFound(
            f"no inquiry {inquiry!r}; `homecoming inquiries list` shows the registered ones"
        )
    return row


def show(db: Database, inquiry: int | str) -> InquiryView:
    """One inquiry with its lead counts and photos."""
    with db.reading() as session:
        row = find(session, inquiry)
        return _views(session, [row])[0]


def list_inquiries(
    db: Database,
    *,
    status: FamilyStatus | None = None,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[InquiryView]]:
    """Inquiries, newest first, a page at a time, with the total that match."""
    query = select(Inquiry)
    if status is not None:
        query = query.where(Inquiry.status == status.value)
    if open_only:
        query = query.where(Inquiry.open.is_(True))
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Inquiry.id.desc()).limit(limit).offset(offset)).all()
        return total, _views(session, list(rows))


def _views(session: Session, rows: list[Inquiry]) -> list[InquiryView]:
    ids = [r.id for r in rows]
    records = {
        r.id: r
        for r in session.scalars(select(Record).where(Record.id.in_([i.record_id for i in rows])))
    }
    counts: dict[int, dict[str, int]] = {}
    for inquiry_id, state, n in session.execute(
        select(Lead.inquiry_id, Lead.state, func.count())
        .where(Lead.inquiry_id.in_(ids))
        .group_by(Lead.inquiry_id, Lead.state)
    ):
        counts.setdefault(inquiry_id, {})[state] = n
    photos: dict[int, list[int]] = {}
    for photo_id, inquiry_id in session.execute(
        select(InquiryPhoto.id, InquiryPhoto.inquiry_id)
        .where(InquiryPhoto.inquiry_id.in_(ids), InquiryPhoto.path != "")
        .order_by(InquiryPhoto.id)
    ):
        photos.setdefault(inquiry_id, []).append(photo_id)
    return [
        _view(r, records[r.record_id], counts.get(r.id, {}), photos.get(r.id, [])) for r in rows
    ]


def _view(row: Inquiry, record: Record, leads: dict[str, int], photos: list[int]) -> InquiryView:
    fields = record_fields(record)
    return InquiryView(
        id=row.id,
        reference=row.reference,
        record_id=row.record_id,
        person_id=record.person_id,
        party=row.party_code,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        unit=fields.unit,
        last_seen=fields.event_date.iso(),
        last_seen_place=fields.event_place,
        call_sign=row.call_sign,
        circumstances=row.circumstances,
        distinguishing_marks=fields.distinguishing_marks,
        consent=row.consent,
        sharing_scope=row.sharing_scope,
        effective_scope=effective_scope(sharing_of(row)).value,
        harm_risk=row.harm_risk,
        language=row.language,
        status=row.status,
        open=row.open,
        created_at=row.created_at,
        created_by=row.created_by,
        leads=leads,
        photos=photos,
    )


def sharing_of(row: Inquiry) -> Sharing:
    return Sharing(
        consent=row.consent, scope=SharingScope(row.sharing_scope), harm_risk=row.harm_risk
    )


def shareable(
    db: Database, *, recipient: Recipient, inquiry_ids: Sequence[int] | None = None
) -> list[tuple[Inquiry, Record]]:
    """The inquiries (with their records) that may go to this recipient, and only those."""
    query = (
        select(Inquiry, Record)
        .join(Record, Record.id == Inquiry.record_id)
        .where(Record.redacted_at.is_(None))
    )
    if inquiry_ids is not None:
        query = query.where(Inquiry.id.in_(list(inquiry_ids)))
    with db.reading() as session:
        pairs = [(i, r) for i, r in session.execute(query.order_by(Inquiry.id))]
    return [(i, r) for i, r in pairs if may_share(sharing_of(i), recipient)]


# --- changing a case ---------------------------------------------------------------------------


def withdraw(db: Database, *, inquiry: int | str, reason: str, actor: str) -> InquiryView:
    """The family closes the inquiry: no more re-matching, leads stay as they were."""
    if not reason.strip():
        raise InvalidInput("say why the inquiry is withdrawn (the family's words, briefly)")
    with db.transaction() as session:
        row = find(session, inquiry)
        if row.status == FamilyStatus.WITHDRAWN.value:
            raise Conflict(f"inquiry {row.reference} is already withdrawn")
        previous = row.status
        row.status = FamilyStatus.WITHDRAWN.value
        set_open(session, row, open_=False)
        audit.append(
            session,
            actor=actor,
            action="inquiry.withdrawn",
            subject=f"inquiry:{row.id}",
            details={"reference": row.reference, "previous_status": previous, "reason": reason},
        )
        inquiry_id = row.id
    return show(db, inquiry_id)


def set_open(session: Session, row: Inquiry, *, open_: bool) -> None:
    """Open inquiries keep their candidate keys; closed ones drop them (no more re-matching)."""
    if row.open == open_:
        return
    row.open = open_
    session.execute(delete(InquiryKey).where(InquiryKey.inquiry_id == row.id))
    if open_:
        record = session.get(Record, row.record_id)
        assert record is not None
        sought = described(record_fields(record), call_sign=row.call_sign)
        born = sought.date_of_birth.year
        keys = [{"inquiry_id": row.id, "key": k, "born": born} for k in inquiry_keys(sought)]
        if keys:
            session.execute(insert(InquiryKey), keys)


def status_is_closed(status: str) -> bool:
    return FamilyStatus(status) in CLOSED


# --- photos and the debrief gallery ----------------------------------------------------------


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


# --- reading a file of inquiries -------------------------------------------------------------

_TRUE = {"yes", "y", "true", "1", "так", "да", "+", "x"}
_FALSE = {"no", "n", "false", "0", "ні", "нет", "-", ""}
_SCOPES = {
    "bureau": SharingScope.BUREAU,
    "бюро": SharingScope.BUREAU,
    "icrc": SharingScope.ICRC,
    "мкчх": SharingScope.ICRC,
    "мккк": SharingScope.ICRC,
    "other_party": SharingScope.OTHER_PARTY,
    "other party": SharingScope.OTHER_PARTY,
    "інша сторона": SharingScope.OTHER_PARTY,
    "другая сторона": SharingScope.OTHER_PARTY,
}
# Columns of the inquiry itself (not of the sought person's record), by header in any language.
TRACING_COLUMNS: dict[str, tuple[str, ...]] = {
    "consent": ("consent", "згода", "согласие"),
    "sharing_scope": ("sharing_scope", "sharing", "scope", "поширення", "передача"),
    "harm_risk": ("harm_risk", "ризик", "риск"),
    "language": ("language", "мова", "язык"),
    "call_sign": ("call_sign", "callsign", "позивний", "позывной"),
    "circumstances": ("circumstances", "обставини", "обстоятельства"),
}
_COLUMN_OF = {alias: name for name, aliases in TRACING_COLUMNS.items() for alias in aliases}


def requests_from_rows(
    rows: Iterable[tuple[int, Mapping[str, RawValue]]],
    *,
    party: str | None,
    file_name: str,
    mapping: Mapping[str, str] | None = None,
    received_via: str = "",
) -> Iterator[tuple[int, InquiryRequest] | list[RowProblem]]:
    """Read table rows (headers in Ukrainian, Russian or English) into inquiry requests."""
    extras: dict[int, dict[str, str]] = {}

    def split() -> Iterator[tuple[int, dict[str, RawValue]]]:
        for line, row in rows:
            own: dict[str, str] = {}
            rest: dict[str, RawValue] = {}
            for header, value in row.items():
                name = _COLUMN_OF.get(header.strip().casefold())
                if name:
                    own[name] = cell_text(value)
                else:
                    rest[header] = month_first_date(value)
            extras[line] = own
            yield line, rest

    for item in registry.evidence_from_rows(split(), mapping=mapping, file_name=file_name):
        if isinstance(item, list):
            yield item
            continue
        yield _request(item, extras.pop(item.line, {}), party=party, received_via=received_via)


_MONTH_FIRST = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{4})\s*$")


def month_first_date(value: RawValue) -> RawValue:
    """A date written month first by relatives abroad (03.14.1979, 11/25/1990) in ISO form.

    Only where no other reading exists: the first number a month, the second past 12 and a
    day of that month. Anything else is left as written (03.04.1999 stays the 3rd of April).
    """
    if not isinstance(value, str):
        return value
    found = _MONTH_FIRST.match(value)
    if found is None:
        return value
    month, day, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
    if not (1 <= month <= 12 and day > 12):
        return value
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return value


def _request(
    evidence: Evidence, own: dict[str, str], *, party: str | None, received_via: str
) -> tuple[int, InquiryRequest] | list[RowProblem]:
    line = evidence.line
    problems: list[RowProblem] = []
    consent = _flag(own.get("consent", ""), line, "consent", problems)
    harm = _flag(own.get("harm_risk", ""), line, "harm_risk", problems)
    scope_text = own.get("sharing_scope", "").strip().casefold() or "bureau"
    scope = _SCOPES.get(scope_text)
    if scope is None:
        problems.append(
            RowProblem(line, "sharing_scope", f"{scope_text!r}: use bureau, icrc or other_party")
        )
    if problems:
        return problems
    assert scope is not None
    return line, InquiryRequest(
        sought=evidence.fields,
        inquirer=evidence.contact or Contact(),
        consent=consent,
        scope=scope,
        harm_risk=harm,
        language=own.get("language", "").strip().casefold() or "uk",
        call_sign=own.get("call_sign", "").strip(),
        circumstances=own.get("circumstances", "").strip(),
        party=party,
        received_via=received_via,
    )


def _flag(text: str, line: int, name: str, problems: list[RowProblem]) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        problems.append(RowProblem(line, name, f"{text!r}: answer yes or no (так/ні, да/нет)"))
    return False


# --- exports --------------------------------------------------------------------------------


def export_pfif_notes(
    db: Database,
    *,
    recipient: Recipient,
    domain: str,
    author: str,
    actor: str,
) -> tuple[bytes, int]:
    """PFIF 1.4 notes of tracing status for the inquiries this recipient may see; audited.

    A death is exported only once the family's message about it was sent: nobody should learn
    it from a feed before the family does. Until then the case shows as information added.
    """
    from homecoming.formats.pfif_notes import TracingEntry, write_tracing_notes
    from homecoming.store.tracing_models import Notification

    allowed = shareable(db, recipient=recipient)
    with db.reading() as session:
        told = set(
            session.scalars(
                select(Notification.inquiry_id).where(
                    Notification.template == FamilyStatus.DECEASED.value,
                    Notification.state == "sent",
                )
            )
        )
    entries = []
    for inquiry, record in allowed:
        status = FamilyStatus(inquiry.status)
        if status is FamilyStatus.DECEASED and inquiry.id not in told:
            status = FamilyStatus.INFORMATION_ADDED
        entries.append(
            TracingEntry(
                reference=inquiry.reference,
                fields=record_fields(record),
                status=status,
                registered_at=inquiry.created_at,
                status_at=dt.datetime.now(dt.UTC),
            )
        )
    document = write_tracing_notes(entries, domain=domain, author=author)
    with db.transaction() as session:
        audit.append(
            session,
            actor=actor,
            action="inquiries.exported",
            subject=f"recipient:{recipient.value}",
            details={
                "format": "pfif-1.4-notes",
                "inquiries": [i.id for i, _ in allowed],
                "domain": domain,
            },
        )
        disclosures.record_in(
            session,
            actor=actor,
            kind="inquiries",
            what="inquiries' tracing status (PFIF 1.4 notes)",
            recipient=recipient.value,
            legal_basis="each family's consent and sharing scope",
            items=len(entries),
            details={"inquiries": [i.id for i, _ in allowed]},
        )
    return document, len(entries)

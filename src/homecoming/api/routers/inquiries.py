"""/inquiries: families asking after someone, with consent and sharing scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import File, Form, Path, Query, Response, UploadFile

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_tracing import (
    ContactOut,
    EraseIn,
    ErasureOut,
    InquiryIn,
    InquiryOut,
    InquiryPage,
    PhotoOut,
    RegisteredOut,
    WithdrawIn,
)
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.domain.roles import Capability
from homecoming.http.deps import PERSONAL_FILE_HEADERS, DatabaseDep, IdPath, SettingsDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import contacts, erasure, family, inquiries, users
from homecoming.services.users import Principal
from homecoming.tracing.inquiry import FamilyStatus, Recipient

router = Router(prefix="/inquiries", tags=["inquiries"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.INQUIRIES_READ)]
Writer = Annotated[Principal, requires(Capability.INQUIRIES_WRITE)]
ContactReader = Annotated[Principal, requires(Capability.CONTACTS_READ)]
Eraser = Annotated[Principal, requires(Capability.PERSONAL_DATA_ERASE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such inquiry")}
# An inquiry by its row id or its case reference; nothing else (so /inquiries/gallery is never
# read as an inquiry named "gallery").
InquiryId = Annotated[
    str,
    Path(
        pattern=r"^([0-9]{1,10}|[Hh][Cc]-[0-9]{4}-[0-9]{6,})$",
        description="The inquiry's id or case reference",
        examples=["HC-2026-000123"],
    ),
]


def _out(view: inquiries.InquiryView) -> InquiryOut:
    values = view.to_dict()
    values["created_at"] = view.created_at.isoformat()
    return InquiryOut(**values)


def _photo(view: inquiries.PhotoView) -> PhotoOut:
    return PhotoOut(
        id=view.id,
        inquiry_id=view.inquiry_id,
        reference=view.reference,
        name=view.name,
        unit=view.unit,
        last_seen_place=view.last_seen_place,
        media_type=view.media_type,
        caption=view.caption,
        url=f"/inquiries/photos/{view.id}",
    )


@router.get("")
def list_inquiries(
    db: DatabaseDep,
    user: Reader,
    status: FamilyStatus | None = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> InquiryPage:
    """Inquiries, newest first, a page at a time."""
    total, views = inquiries.list_inquiries(
        db, status=status, open_only=open_only, limit=limit, offset=offset
    )
    return InquiryPage(total=total, items=[_out(v) for v in views])


@router.post("", status_code=201, responses={422: problem("The inquiry is incomplete")})
def register_inquiry(
    db: DatabaseDep, settings: SettingsDep, user: Writer, body: InquiryIn
) -> RegisteredOut:
    """Register an inquiry; the answer carries the case reference and the family access code
    to give the family (the code only here, once)."""
    sought = body.sought
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=sought.family_name,
            given_names=sought.given_names,
            patronymic=sought.patronymic,
            full_name=sought.full_name,
            sex=sought.sex,
            date_of_birth=PartialDate.parse(sought.date_of_birth),
            place_of_birth=sought.place_of_birth,
            category=sought.category,
            rank=sought.rank,
            unit=sought.unit,
            service_number=sought.service_number,
            event_date=PartialDate.parse(sought.last_seen),
            event_place=sought.last_seen_place,
            distinguishing_marks=sought.distinguishing_marks,
        ),
        inquirer=Contact(**body.inquirer.model_dump()),
        consent=body.consent,
        scope=body.sharing_scope,
        harm_risk=body.harm_risk,
        language=body.language,
        call_sign=body.call_sign,
        circumstances=body.circumstances,
        party=body.party.upper() if body.party else None,
        received_via=body.received_via,
    )
    code, code_hash = family.new_code_and_hash(users.password_hasher(settings))
    found = inquiries.register(db, request=request, actor=user.username, family_code_hash=code_hash)
    return RegisteredOut(
        id=found.id,
        reference=found.reference,
        record_id=found.record_id,
        family_access_code=code,
    )


@router.get("/gallery")
def photo_gallery(
    db: DatabaseDep,
    user: Reader,
    unit: str = "",
    region: str = "",
    facility: str = "",
) -> list[PhotoOut]:
    """Photos of open inquiries to show a released person, by unit, region or facility."""
    return [_photo(p) for p in inquiries.gallery(db, unit=unit, region=region, facility=facility)]


@router.get(
    "/photos/{photo_id}",
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
        404: problem("No photo"),
    },
    response_class=Response,
)
def photo(db: DatabaseDep, settings: SettingsDep, user: Reader, photo_id: IdPath) -> Response:
    """The image itself."""
    data, media_type = inquiries.read_photo(db, data_dir=settings.data_dir, photo_id=photo_id)
    return Response(content=data, media_type=media_type, headers=PERSONAL_FILE_HEADERS)


@router.get(
    "/export/pfif",
    responses={200: {"content": {"application/xml": {}}}},
    response_class=Response,
)
def export_pfif(
    db: DatabaseDep,
    user: Reader,
    to: Recipient,
    domain: str = "homecoming.local",
    author: str = "National Information Bureau",
) -> Response:
    """PFIF 1.4 notes of tracing status, only of inquiries the families let `to` see."""
    document, _ = inquiries.export_pfif_notes(
        db, recipient=to, domain=domain, author=author, actor=user.username
    )
    return Response(content=document, media_type="application/xml")


@router.get("/{inquiry_id}", responses=NOT_FOUND)
def show_inquiry(db: DatabaseDep, user: Reader, inquiry_id: InquiryId) -> InquiryOut:
    """One inquiry by id or case reference (never the inquirer's contact details)."""
    return _out(inquiries.show(db, inquiry_id))


@router.post("/{inquiry_id}/withdraw", responses=NOT_FOUND)
def withdraw(db: DatabaseDep, user: Writer, inquiry_id: InquiryId, body: WithdrawIn) -> InquiryOut:
    """The family closes the inquiry: no more re-matching."""
    return _out(inquiries.withdraw(db, inquiry=inquiry_id, reason=body.reason, actor=user.username))


@router.post("/{inquiry_id}/erase", responses={**NOT_FOUND, 409: problem("Already erased")})
def erase(
    db: DatabaseDep, settings: SettingsDep, user: Eraser, inquiry_id: InquiryId, body: EraseIn
) -> ErasureOut:
    """Erase the inquiry's personal data (a tombstone stays), or with dry_run say what."""
    if body.dry_run:
        plan = erasure.plan(db, inquiry=inquiry_id)
        return ErasureOut(dry_run=True, **_plan_values(plan))
    done = erasure.erase(
        db, inquiry=inquiry_id, reason=body.reason, actor=user.username, data_dir=settings.data_dir
    )
    return ErasureOut(
        dry_run=False, audit_entry=done.audit_entry, scrub=done.scrub, **_plan_values(done.plan)
    )


def _plan_values(plan: erasure.ErasurePlan) -> dict[str, Any]:
    return {
        "inquiry_id": plan.inquiry_id,
        "reference": plan.reference,
        "record_id": plan.record_id,
        "contacts": plan.contacts,
        "photos": plan.photos,
        "leads": plan.leads,
        "notifications": plan.notifications,
        "audit_entries": plan.audit_entries,
    }


@router.get("/{inquiry_id}/contacts", responses=NOT_FOUND)
def inquirer_contacts(
    db: DatabaseDep,
    user: ContactReader,
    inquiry_id: InquiryId,
    purpose: Annotated[str, Query(min_length=1, description="Why you read them (audited)")],
) -> list[ContactOut]:
    """The inquirer's contact details; the read is in the audit log with its purpose."""
    view = inquiries.show(db, inquiry_id)
    found = contacts.read_contacts(
        db, record_id=view.record_id, actor=user.username, purpose=purpose
    )
    return [
        ContactOut(
            id=c.id,
            name=c.name,
            relation=c.relation,
            phone=c.phone,
            email=c.email,
            address=c.address,
        )
        for c in found
    ]


@router.post("/{inquiry_id}/photos", status_code=201, responses=NOT_FOUND)
def add_photo(
    db: DatabaseDep,
    settings: SettingsDep,
    user: Writer,
    inquiry_id: InquiryId,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP, up to 10 MiB")],
    caption: Annotated[str, Form()] = "",
) -> PhotoOut:
    """Keep a photo the family gave, for debriefs of released people."""
    data = file.file.read(inquiries.MAX_PHOTO_BYTES + 1)
    return _photo(
        inquiries.add_photo(
            db,
            data_dir=settings.data_dir,
            inquiry=inquiry_id,
            data=data,
            file_name=file.filename or "photo",
            caption=caption,
            actor=user.username,
        )
    )

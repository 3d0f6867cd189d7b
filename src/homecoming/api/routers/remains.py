"""/remains: handovers of bodies by count, cases, identification steps, DNA references and
the belongings catalogue (docs/remains.md)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import Path, Query, Response

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_remains import (
    CaseOut,
    ConfirmedOut,
    DeclareIn,
    HandoverOut,
    PhotoOut,
    QueueItemOut,
    ReceiveIn,
    RecognisedOut,
    RecogniseIn,
    ReferenceIn,
    ReferenceOut,
    ReferencesOut,
    RemainsOut,
    StepIn,
    StepOut,
)
from homecoming.domain.roles import Capability, allows
from homecoming.errors import Forbidden
from homecoming.http.deps import PERSONAL_FILE_HEADERS, DatabaseDep, IdPath, SettingsDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import remains
from homecoming.services.users import Principal
from homecoming.tracing.remains import FORENSIC_STEPS

router = Router(prefix="/remains", tags=["remains"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.REMAINS_READ)]
Recorder = Annotated[Principal, requires(Capability.REMAINS_RECORD)]
Forensic = Annotated[Principal, requires(Capability.FORENSICS_WRITE)]
CaseRef = Annotated[
    str, Path(max_length=32, description="RC-2025-000001 or the case id", examples=["1"])
]
InquiryRef = Annotated[
    str, Path(max_length=32, description="HC-2026-000001 or the inquiry id", examples=["1"])
]
NO_CASE: dict[int | str, dict[str, Any]] = {404: problem("No such case")}


def _photo(item: dict[str, Any]) -> PhotoOut:
    return PhotoOut(
        id=item["id"],
        case=item["case"],
        description=item["description"],
        media_type=item["media_type"],
        consent=item["consent"],
        url=f"/remains/photos/{item['id']}",
    )


def _case(view: remains.CaseView) -> CaseOut:
    data = view.to_dict()
    data["photos"] = [_photo(p) for p in view.photos]
    return CaseOut(**data)


@router.get("")
def list_handovers(db: DatabaseDep, user: Reader) -> RemainsOut:
    """Handovers of remains; per handing party, declared beside received."""
    return RemainsOut(**remains.handovers(db))


@router.post("/handovers", status_code=201, responses={404: problem("Unknown party")})
def receive(db: DatabaseDep, user: Recorder, body: ReceiveIn) -> HandoverOut:
    """Record remains received: one case (RC-…) per bag."""
    view = remains.receive(
        db,
        day=body.day,
        from_party=body.from_party,
        to_party=body.to_party,
        bags=[remains.Bag(**b.model_dump()) for b in body.bags],
        declared=body.declared,
        agreement_id=body.agreement_id,
        category=body.category,
        stage=body.stage,
        place=body.place,
        note=body.note,
        actor=user.username,
    )
    return HandoverOut(**view.to_dict())


@router.post("/handovers/{handover_id}/declared", responses={404: problem("No such handover")})
def declare(db: DatabaseDep, user: Recorder, handover_id: IdPath, body: DeclareIn) -> HandoverOut:
    """The handing side's declared count."""
    view = remains.declare(db, handover_id=handover_id, count=body.count, actor=user.username)
    return HandoverOut(**view.to_dict())


@router.get("/cases")
def list_cases(
    db: DatabaseDep,
    user: Reader,
    handover: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    unidentified: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CaseOut]:
    """Cases (bags) and where each stands."""
    found = remains.cases(
        db, handover_id=handover, unidentified=unidentified, limit=limit, offset=offset
    )
    return [_case(v) for v in found]


@router.get("/cases/{case}", responses=NO_CASE)
def show_case(db: DatabaseDep, user: Reader, case: CaseRef) -> CaseOut:
    """One case with its steps and photos."""
    return _case(remains.show(db, case))


@router.post("/cases/{case}/steps", status_code=201, responses=NO_CASE)
def record_step(db: DatabaseDep, user: Recorder, case: CaseRef, body: StepIn) -> StepOut:
    """One step; the forensic ones need `forensics.write` (a liaison records the family's)."""
    if body.step in FORENSIC_STEPS and not allows(user.role, Capability.FORENSICS_WRITE):
        raise Forbidden(f"a {body.step.value} step is recorded by a forensic expert")
    view = remains.record_step(
        db,
        case=case,
        step=body.step,
        individual=body.individual,
        inquiry=body.inquiry,
        method=body.method,
        institution=body.institution,
        lab_reference=body.lab_reference,
        notes=body.notes,
        actor=user.username,
    )
    return _step(view)


def _step(view: remains.StepView) -> StepOut:
    return StepOut(**dataclasses.asdict(view))


@router.post(
    "/steps/{step_id}/confirm",
    responses={404: problem("No such step"), 409: problem("Already confirmed")},
)
def confirm(db: DatabaseDep, user: Forensic, step_id: IdPath) -> ConfirmedOut:
    """A second person confirms a match or an identification (403 for the one who recorded it)."""
    done = remains.confirm_step(db, step_id=step_id, actor=user.username)
    return ConfirmedOut(
        step=_step(done.step),
        inquiry_status=done.inquiry_status,
        notification_id=done.notification_id,
    )


@router.get("/references/queue")
def reference_queue(db: DatabaseDep, user: Reader) -> list[QueueItemOut]:
    """Open inquiries whose families have given no DNA reference, or not enough."""
    return [QueueItemOut(**q) for q in remains.reference_queue(db)]


@router.get("/references/{inquiry}", responses={404: problem("No such inquiry")})
def references(db: DatabaseDep, user: Reader, inquiry: InquiryRef) -> ReferencesOut:
    """A case's reference samples (metadata only) and whether they are enough."""
    return ReferencesOut(**remains.references(db, inquiry=inquiry))


@router.post("/references", status_code=201, responses={404: problem("No such inquiry")})
def add_reference(db: DatabaseDep, user: Recorder, body: ReferenceIn) -> ReferenceOut:
    """Register a reference sample's metadata; refused without the donor's consent."""
    view = remains.add_reference(
        db,
        inquiry=body.inquiry,
        relation=body.relation,
        taken_on=body.taken_on,
        institution=body.institution,
        institution_reference=body.institution_reference,
        place=body.place,
        investigator_order=body.investigator_order,
        consent=body.consent,
        actor=user.username,
    )
    return ReferenceOut(**dataclasses.asdict(view))


@router.get("/catalogue")
def catalogue(
    db: DatabaseDep,
    user: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[PhotoOut]:
    """Photos of belongings families may browse (with consent only)."""
    return [_photo(p) for p in remains.catalogue(db, limit=limit, offset=offset)]


@router.get(
    "/photos/{photo_id}",
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
        404: problem("No photo"),
    },
    response_class=Response,
)
def photo(db: DatabaseDep, settings: SettingsDep, user: Reader, photo_id: IdPath) -> Response:
    """The image of a catalogue photo."""
    data, media_type = remains.read_photo(db, data_dir=settings.data_dir, photo_id=photo_id)
    return Response(content=data, media_type=media_type, headers=PERSONAL_FILE_HEADERS)


@router.post(
    "/catalogue/{photo_id}/recognitions",
    status_code=201,
    responses={404: problem("No such photo or inquiry")},
)
def recognise(
    db: DatabaseDep, user: Recorder, photo_id: IdPath, body: RecogniseIn
) -> RecognisedOut:
    """A family recognised belongings: a lead on their case."""
    found = remains.recognise(
        db, photo_id=photo_id, inquiry=body.inquiry, notes=body.notes, actor=user.username
    )
    return RecognisedOut(**found)

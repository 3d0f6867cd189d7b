"""/testimonies: released people's sightings and photo-debrief answers."""

from __future__ import annotations

from typing import Annotated, Any

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_tracing import (
    AnswerIn,
    AnswerOut,
    TestimonyIn,
    TestimonyOut,
    TestimonyRecorded,
)
from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import testimonies
from homecoming.services.users import Principal

router = Router(prefix="/testimonies", tags=["testimonies"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.INQUIRIES_READ)]
Writer = Annotated[Principal, requires(Capability.INQUIRIES_WRITE)]


@router.post("", status_code=201, responses={422: problem("A sighting names nobody")})
def record_testimony(db: DatabaseDep, user: Writer, body: TestimonyIn) -> TestimonyRecorded:
    """Record a testimony; each sighting is matched against the open inquiries."""
    sightings = []
    for s in body.sightings:
        heard = testimonies.sighting_from_words(
            s.as_heard, facility=s.facility, seen_when=s.seen_when, condition=s.condition
        )
        given = {
            k: v
            for k, v in {
                "family_name": s.family_name,
                "given_names": s.given_names,
                "nickname": s.nickname,
                "call_sign": s.call_sign,
                "unit": s.unit,
            }.items()
            if v is not None
        }
        sightings.append(_replace(heard, given))
    result = testimonies.record_testimony(
        db,
        witness=body.witness,
        sightings=sightings,
        actor=user.username,
        party=body.party.upper() if body.party else None,
        place=body.place,
        notes=body.notes,
    )
    return TestimonyRecorded(
        id=result.id,
        source_id=result.source_id,
        sightings=result.sightings,
        record_ids=result.record_ids,
        leads=result.leads,
    )


def _replace(heard: testimonies.SightingInput, given: dict[str, str]) -> testimonies.SightingInput:
    import dataclasses

    changes: dict[str, Any] = dict(given)
    return dataclasses.replace(heard, **changes) if changes else heard


@router.get("/{testimony_id}", responses={404: problem("No such testimony")})
def show_testimony(db: DatabaseDep, user: Reader, testimony_id: IdPath) -> TestimonyOut:
    """A testimony with its sightings and debrief answers."""
    return TestimonyOut(**testimonies.show(db, testimony_id).to_dict())


@router.post(
    "/{testimony_id}/answers",
    status_code=201,
    responses={404: problem("No such testimony or photo")},
)
def answer_photo(db: DatabaseDep, user: Writer, testimony_id: IdPath, body: AnswerIn) -> AnswerOut:
    """What the released person said on seeing a photo; a recognition becomes a lead."""
    if body.seen_when:
        PartialDate.parse(body.seen_when)
    result = testimonies.record_answer(
        db,
        testimony_id=testimony_id,
        photo_id=body.photo_id,
        answer=testimonies.Answer(body.answer),
        facility=body.facility,
        seen_when=body.seen_when,
        notes=body.notes,
        actor=user.username,
    )
    return AnswerOut(id=result.id, lead_id=result.lead_id)

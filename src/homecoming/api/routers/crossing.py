"""/crossing: what happens at the crossing beyond a listed person's handover."""

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import File, Form, UploadFile

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_history import (
    CrossingOut,
    ListCheckOut,
    NotHandedOverIn,
    UnlistedArrivalIn,
)
from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Capability
from homecoming.formats import tabular
from homecoming.http.deps import DatabaseDep, IdPath, SearchDep, StageNumber
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import crossing, handovers, registry
from homecoming.services.users import Principal

router = Router(prefix="/crossing", tags=["crossing"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Recorder = Annotated[Principal, requires(Capability.HANDOVERS_RECORD)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such agreement, stage or member")}


def _out(view: crossing.CrossingView) -> CrossingOut:
    return CrossingOut.model_validate(dataclasses.asdict(view))


@router.get("/{agreement_id}/{number}", responses=NOT_FOUND)
def list_events(
    db: DatabaseDep, user: Reader, agreement_id: IdPath, number: StageNumber
) -> list[CrossingOut]:
    """A stage's crossing events in the order recorded."""
    views = crossing.list_events(db, agreement_id=agreement_id, number=number, scope=user.scope)
    return [_out(v) for v in views]


@router.post("/{agreement_id}/{number}/unlisted", status_code=201, responses=NOT_FOUND)
def unlisted_arrival(
    db: DatabaseDep,
    search: SearchDep,
    user: Recorder,
    agreement_id: IdPath,
    number: StageNumber,
    body: UnlistedArrivalIn,
) -> CrossingOut:
    """An arrival on no list, kept as evidence with its identity check (who, and how)."""
    arrival = handovers.Substitute(
        family_name=body.family_name,
        given_names=body.given_names,
        patronymic=body.patronymic,
        date_of_birth=PartialDate.parse(body.date_of_birth),
        service_number=body.service_number,
    )
    view = crossing.record_unlisted_arrival(
        db,
        search,
        agreement_id=agreement_id,
        number=number,
        party=body.party,
        arrival=arrival,
        checked_by=body.checked_by,
        methods=body.methods,
        notes=body.notes,
        actor=user.username,
        scope=user.scope,
    )
    return _out(view)


@router.post(
    "/{agreement_id}/{number}/taken-back",
    status_code=201,
    responses={**NOT_FOUND, 409: problem("Already handed over: that is a return")},
)
def taken_back(
    db: DatabaseDep,
    user: Recorder,
    agreement_id: IdPath,
    number: StageNumber,
    body: NotHandedOverIn,
) -> CrossingOut:
    """A listed person brought to the crossing and taken back (recorded as not handed over)."""
    return _not_handed_over(db, user, agreement_id, number, body, crossing.record_taken_back)


@router.post(
    "/{agreement_id}/{number}/returned",
    status_code=201,
    responses={**NOT_FOUND, 409: problem("Not recorded as handed over")},
)
def returned(
    db: DatabaseDep,
    user: Recorder,
    agreement_id: IdPath,
    number: StageNumber,
    body: NotHandedOverIn,
) -> CrossingOut:
    """A person handed over and then sent back across (the handover no longer stands)."""
    return _not_handed_over(db, user, agreement_id, number, body, crossing.record_returned)


@router.post(
    "/{agreement_id}/{number}/received-list",
    responses={**NOT_FOUND, 422: problem("Bad rows"), 413: problem("Too large")},
)
async def received_list(
    db: DatabaseDep,
    user: Recorder,
    agreement_id: IdPath,
    number: StageNumber,
    file: Annotated[UploadFile, File(description="The list brought to the crossing")],
    party: Annotated[str, Form(description="The side that brought it", examples=["RU"])],
) -> ListCheckOut:
    """Compare the list a side brought to the crossing with the agreed one; a difference is
    kept as an event with the diff."""
    data = await file.read()
    name = tabular.upload_name(file.filename, "list.csv")
    table = tabular.read_data(data, name=name)
    result = crossing.check_received_list(
        db,
        agreement_id=agreement_id,
        number=number,
        party=party,
        rows=registry.evidence_from_rows(table, file_name=name),
        file_name=name,
        content_hash=tabular.content_hash(data),
        actor=user.username,
        scope=user.scope,
    )
    return ListCheckOut(
        agreed=result.agreed,
        received=result.received,
        differs=result.event is not None,
        event=_out(result.event) if result.event is not None else None,
    )


def _not_handed_over(
    db: DatabaseDep,
    user: Principal,
    agreement_id: int,
    number: int,
    body: NotHandedOverIn,
    record: Callable[..., crossing.CrossingView],
) -> CrossingOut:
    """A listed person not handed over after all (taken back, or sent back): one body's shape."""
    return _out(
        record(
            db,
            agreement_id=agreement_id,
            number=number,
            party=body.party,
            person_id=body.person_id,
            reason=body.reason,
            actor=user.username,
            scope=user.scope,
        )
    )

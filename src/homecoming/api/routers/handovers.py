"""/handovers: what happened at the crossing, person by person."""

import asyncio
import dataclasses
from typing import Annotated, Any

from fastapi import Query, Request

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_exchanges import (
    DeclaredCountIn,
    DeclaredCountOut,
    HandoverIn,
    HandoverOut,
    TallyOut,
)
from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Capability
from homecoming.http.deps import MAX_ID, DatabaseDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import handovers, reconciliation
from homecoming.services.search import SearchService
from homecoming.services.users import Principal
from homecoming.store.db import Database

router = Router(prefix="/handovers", tags=["handovers"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Recorder = Annotated[Principal, requires(Capability.HANDOVERS_RECORD)]
Writer = Annotated[Principal, requires(Capability.EXCHANGES_WRITE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such agreement, stage or member")}
AgreementId = Annotated[int, Query(description="The agreement's id", ge=1, le=MAX_ID, examples=[1])]
StageNumber = Annotated[int, Query(description="The stage's number", ge=1, le=1000, examples=[1])]


@router.post(
    "",
    status_code=201,
    responses={**NOT_FOUND, 409: problem("Already recorded: send a correction")},
)
async def record_handover(request: Request, user: Recorder, body: HandoverIn) -> HandoverOut:
    """Record one person's handover; a delivered person's status becomes released."""
    # In the event loop, not a worker thread each: the write is queued for the database's
    # writer thread, which commits what waits together (`Database.grouped_later`). Shielded:
    # a client that hangs up does not take back a recording already queued. The database and
    # the search index are read off the app (as `DatabaseDep` and `SearchDep` read them), not
    # solved as dependencies: FastAPI's solving of each costs more than the read, on the
    # busiest write's every request.
    db: Database = request.app.state.db
    search: SearchService = request.app.state.search
    substitute = None
    if body.substitute is not None:
        s = body.substitute
        substitute = handovers.Substitute(
            family_name=s.family_name,
            given_names=s.given_names,
            patronymic=s.patronymic,
            date_of_birth=PartialDate.parse(s.date_of_birth),
            service_number=s.service_number,
        )
    written = handovers.record_handover_later(
        db,
        search,
        agreement_id=body.agreement_id,
        number=body.stage,
        party=body.party,
        person_id=body.person_id,
        outcome=body.outcome,
        evidence=body.evidence,
        substitute=substitute,
        correct=body.correct,
        actor=user.username,
        scope=user.scope,
    )
    view = await asyncio.shield(asyncio.wrap_future(written))
    # Read off the view's attributes: `dataclasses.asdict` deep-copies every field first.
    return HandoverOut.model_validate(view, from_attributes=True)


@router.get("", responses=NOT_FOUND)
def list_handovers(
    db: DatabaseDep,
    user: Reader,
    agreement_id: AgreementId,
    stage: StageNumber,
    latest: Annotated[bool, Query(description="Only the latest row per person")] = False,
) -> list[HandoverOut]:
    """A stage's handover rows in the order recorded, corrections included."""
    rows = handovers.list_handovers(
        db, agreement_id=agreement_id, number=stage, latest_only=latest, scope=user.scope
    )
    return [HandoverOut.model_validate(dataclasses.asdict(r)) for r in rows]


@router.get("/tally", responses=NOT_FOUND)
def tally(db: DatabaseDep, user: Reader, agreement_id: AgreementId, stage: StageNumber) -> TallyOut:
    """Live counts per side, category and outcome, and who is still to come."""
    result = handovers.tally(db, agreement_id=agreement_id, number=stage, scope=user.scope)
    return TallyOut(stage=result.stage, counts=result.counts, pending=result.pending)


@router.post("/declared-counts", status_code=201, responses=NOT_FOUND)
def declare_count(db: DatabaseDep, user: Writer, body: DeclaredCountIn) -> DeclaredCountOut:
    """Keep a party's own count of what one side handed over, beside ours."""
    view = reconciliation.declare_count(
        db,
        agreement_id=body.agreement_id,
        number=body.stage,
        declared_by=body.declared_by,
        handing_party=body.handing_party,
        category=body.category,
        count=body.count,
        note=body.note,
        actor=user.username,
        scope=user.scope,
    )
    return DeclaredCountOut.model_validate(dataclasses.asdict(view))

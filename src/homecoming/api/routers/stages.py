"""/stages: one day's batch per category, its composition and parity."""

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import Query, Response

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_exchanges import (
    MemberIn,
    MemberOut,
    ParityFindingOut,
    PlanOut,
    StageChangeIn,
    StageDetail,
    StageOverrideIn,
)
from homecoming.domain.roles import Capability
from homecoming.formats import export
from homecoming.http.deps import DatabaseDep, IdPath, StageNumber
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import stages
from homecoming.services.users import Principal
from homecoming.store.db import Database

router = Router(prefix="/stages", tags=["stages"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, requires(Capability.EXCHANGES_WRITE)]
Overrider = Annotated[Principal, requires(Capability.PARITY_OVERRIDE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such agreement or stage")}
REFUSED: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: problem("The change would break parity (the message says how)"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stage_out(view: stages.StageView) -> StageDetail:
    """The response model of a stage."""
    return StageDetail(
        id=view.id,
        agreement_id=view.agreement_id,
        number=view.number,
        day=view.day,
        planned=view.planned,
        counts=view.counts,
        findings=[
            ParityFindingOut(
                kind=str(f.kind),
                severity=str(f.severity),
                stage=f.stage,
                category=f.category,
                counts=dict(f.counts),
                expected=f.expected,
                message=f.message,
            )
            for f in view.findings
        ],
        members=[MemberOut.model_validate(dataclasses.asdict(m)) for m in view.members],
    )


@router.post("/{agreement_id}/plan", responses=REFUSED)
def plan(db: DatabaseDep, user: Writer, agreement_id: IdPath) -> PlanOut:
    """Compose every stage not yet composed (CP-SAT) from the accepted list entries."""
    result = stages.plan(db, agreement_id=agreement_id, actor=user.username, scope=user.scope)
    return PlanOut(
        stages=[stage_out(s) for s in result.stages],
        left_out=result.left_out,
        solver_status=result.solver_status,
        seconds=result.seconds,
    )


@router.get("/{agreement_id}/{number}", responses=NOT_FOUND)
def show_stage(
    db: DatabaseDep, user: Reader, agreement_id: IdPath, number: StageNumber
) -> StageDetail:
    """A stage: who is in it on each side, the counts and the parity findings."""
    return stage_out(stages.show(db, agreement_id=agreement_id, number=number, scope=user.scope))


def _changes(items: list[MemberIn]) -> list[stages.MemberChange]:
    return [stages.MemberChange(m.party.upper(), m.person_id, category=m.category) for m in items]


@router.post("/{agreement_id}/{number}/changes", responses=REFUSED)
def change_stage(
    db: DatabaseDep, user: Writer, agreement_id: IdPath, number: StageNumber, body: StageChangeIn
) -> StageDetail:
    """Add and remove people in one step; refused (409) if parity would break."""
    return _change(db, user, agreement_id, number, body)


@router.post("/{agreement_id}/{number}/overrides", responses=REFUSED)
def override_stage(
    db: DatabaseDep,
    user: Overrider,
    agreement_id: IdPath,
    number: StageNumber,
    body: StageOverrideIn,
) -> StageDetail:
    """The same change, accepted even if it breaks parity, with the override's reason kept."""
    return _change(db, user, agreement_id, number, body, override_reason=body.override_reason)


def _change(
    db: Database,
    user: Principal,
    agreement_id: int,
    number: int,
    body: StageChangeIn,
    *,
    override_reason: str | None = None,
) -> StageDetail:
    view = stages.change(
        db,
        agreement_id=agreement_id,
        number=number,
        add=_changes(body.add),
        remove=_changes(body.remove),
        reason=body.reason,
        override_reason=override_reason,
        may_override=override_reason is not None,
        actor=user.username,
        scope=user.scope,
    )
    return stage_out(view)


@router.get(
    "/{agreement_id}/{number}/export",
    responses={**NOT_FOUND, 200: {"content": {"text/csv": {}, XLSX: {}}}},
    response_class=Response,
)
def export_stage(
    db: DatabaseDep,
    user: Reader,
    agreement_id: IdPath,
    number: StageNumber,
    party: Annotated[str, Query(description="The side whose people are listed")],
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
    to: Annotated[
        str, Query(max_length=200, description="Who receives it (default: the other party)")
    ] = "",
    legal_basis: Annotated[
        str, Query(max_length=200, description="Why they may have it (default: the agreement)")
    ] = "",
) -> Response:
    """Who one side hands over, carrying only the agreed fields, for the other party; logged
    as a disclosure (`GET /disclosures`)."""
    name = f"stage-{number}-{party.upper()}.{format}"
    rows = stages.disclose_side(
        db,
        agreement_id=agreement_id,
        number=number,
        party=party,
        actor=user.username,
        recipient=to,
        legal_basis=legal_basis,
        scope=user.scope,
        file=name,
    )
    headers = ("stage", *stages.AGREED_FIELDS)
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(export.csv_bytes(rows, headers), media_type="text/csv", headers=disposition)
    body = export.xlsx_bytes(rows, headers, sheet_title=f"Stage {number}")
    return Response(body, media_type=XLSX, headers=disposition)

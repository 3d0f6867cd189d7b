"""/judgements: human decisions that two records are or are not one person."""

from typing import Annotated

from fastapi import Query

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_review import JudgementIn, JudgementOut, JudgementPage, UndoIn
from homecoming.domain.roles import Capability
from homecoming.http.deps import MAX_ID, DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import judgements, review
from homecoming.services.judgements import Decision
from homecoming.services.users import Principal

router = Router(prefix="/judgements", tags=["judgements"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.REVIEW_READ)]
Judge = Annotated[Principal, requires(Capability.JUDGEMENTS_WRITE)]


@router.get("")
def list_judgements(
    db: DatabaseDep,
    user: Reader,
    record: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only judgements about this record")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JudgementPage:
    """Judgements newest first: who decided what about which two records, and why."""
    total, rows = review.list_judgements(db, limit=limit, offset=offset, record_id=record)
    return JudgementPage(total=total, items=[JudgementOut(**r) for r in rows])


@router.post("", status_code=201, responses={404: problem("No such record")})
def add_judgement(db: DatabaseDep, user: Judge, body: JudgementIn) -> JudgementOut:
    """Judge any two records the same person, not the same, or unsure; persons follow at once."""
    row = judgements.judge(
        db,
        record_a=body.record_a,
        record_b=body.record_b,
        decision=Decision(body.decision.value),
        reason=body.reason,
        actor=user.username,
    )
    return JudgementOut(**review.judgement_summary(row))


@router.post(
    "/{judgement_id}/undo",
    status_code=201,
    responses={404: problem("No such judgement"), 409: problem("Already undone")},
)
def undo_judgement(
    db: DatabaseDep, user: Judge, judgement_id: IdPath, body: UndoIn
) -> JudgementOut:
    """Take a judgement back with a new row; a merge it made is split, its pair reopens."""
    row = review.undo(db, judgement_id=judgement_id, reason=body.reason, actor=user.username)
    return JudgementOut(**review.judgement_summary(row))

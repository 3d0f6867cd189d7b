"""/review: candidate pairs in the uncertain band, with Splink's explanation."""

import dataclasses
from typing import Annotated

from fastapi import Query

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_review import (
    DecisionIn,
    JudgementOut,
    PairDetailOut,
    QueuePageOut,
    WaterfallOut,
)
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import review
from homecoming.services.judgements import Decision
from homecoming.services.users import Principal

router = Router(prefix="/review", tags=["review"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.REVIEW_READ)]
Judge = Annotated[Principal, requires(Capability.JUDGEMENTS_WRITE)]


@router.get("")
def review_queue(
    db: DatabaseDep,
    user: Reader,
    limit: Annotated[int, Query(ge=1, le=500, description="Pairs per page")] = 50,
    offset: Annotated[int, Query(ge=0, description="Pairs to skip")] = 0,
) -> QueuePageOut:
    """Open pairs of the latest linkage run, the one whose decision changes most first."""
    page = review.queue(db, limit=limit, offset=offset)
    return QueuePageOut.model_validate(
        {
            "run": page.run,
            "total": page.total,
            "items": [dataclasses.asdict(i) for i in page.items],
        }
    )


@router.get("/{pair_id}", responses={404: problem("No such pair")})
def review_pair(db: DatabaseDep, user: Reader, pair_id: IdPath) -> PairDetailOut:
    """A pair's records, each comparison's match weight, and Splink's waterfall chart."""
    detail = review.show(db, pair_id)
    chart = review.waterfall(db, pair_id)
    waterfall = WaterfallOut(
        probability=chart.probability,
        match_weight=chart.match_weight,
        bars=chart.bars,
        vega_lite=chart.spec,
    )
    return PairDetailOut.model_validate(
        {**dataclasses.asdict(detail), "waterfall": waterfall.model_dump()}
    )


@router.post(
    "/{pair_id}/decision",
    status_code=201,
    responses={
        404: problem("No such pair"),
        409: problem("The pair was already decided, or belongs to an earlier run"),
    },
)
def decide_pair(db: DatabaseDep, user: Judge, pair_id: IdPath, body: DecisionIn) -> JudgementOut:
    """Decide a pair: a judgement row; persons are regrouped at once and the pair closes."""
    row = review.decide(
        db,
        pair_id=pair_id,
        decision=Decision(body.decision.value),
        reason=body.reason,
        actor=user.username,
    )
    return JudgementOut(**review.judgement_summary(row))

"""The review queue: uncertain pairs from the latest linkage run, the most consequential first.

A pair is open while its run is the latest and no standing judgement (same, not same or
unsure, not undone) covers its two records. The queue is ordered when it is read, with the
persons as they are then: priority = uncertainty × records affected, where uncertainty is
1 − 2·|p − 0.5| (1 at a coin toss, 0 at certainty) and records affected are both persons'
records when the pair sits in two persons (a "same" would merge them) or the one person's
when it sits in one (a "not the same" would split it). Deciding a pair is a judgement
(`services.judgements.judge`), which regroups persons at once and closes the pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, union, update
from sqlalchemy.orm import Session, aliased, selectinload

from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.linkage.review import uncertainty
from homecoming.services import audit, judgements
from homecoming.services.judgements import Decision
from homecoming.services.linkage import covered_pairs, input_record
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.store.models import Judgement, LinkageRun, Record, ReviewPair

DECISIONS = (Decision.SAME, Decision.NOT_SAME, Decision.UNSURE)


@dataclass(frozen=True, slots=True)
class RecordSide:
    """One record of a pair, as a reviewer sees it."""

    id: int
    person_id: int | None
    source: str
    name: str
    date_of_birth: str
    sex: str
    place_of_birth: str
    service_number: str
    unit: str


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A pair waiting for a decision, and why it is where it is in the queue."""

    pair_id: int
    probability: float
    match_weight: float
    records_affected: int
    priority: float
    left: RecordSide
    right: RecordSide


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A page of the queue and what it comes from."""

    run: dict[str, Any] | None
    total: int
    items: list[QueueItem]


@dataclass(frozen=True, slots=True)
class PairDetail:
    """A pair with its explanation, its place in the queue and how it was decided."""

    item: QueueItem
    status: str  # open, decided (a judgement covers it) or superseded (an earlier run's)
    run_id: int
    explanation: list[dict[str, Any]]
    judgement: dict[str, Any] | None
    decided_at: dt.datetime | None = None  # when a reviewer last decided it here


def run_summary(run: LinkageRun) -> dict[str, Any]:
    """A linkage run in one line (its model left out)."""
    return {
        "id": run.id,
        "finished_at": run.finished_at.isoformat(),
        "actor": run.actor,
        "engine": run.engine,
        "threshold": run.threshold,
        "review_floor": round(run.review_floor, 6),
        "records": run.records,
        "persons": run.persons,
        "links": run.links,
        "review_pairs": run.review_pairs,
    }


def _latest_run(session: Session) -> LinkageRun | None:
    return session.scalars(select(LinkageRun).order_by(LinkageRun.id.desc()).limit(1)).first()


def queue(db: Database, *, limit: int = 50, offset: int = 0) -> QueuePage:
    """Open pairs of the latest run, highest priority first (persons as they are now)."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0")
    covered = covered_pairs(db)
    with db.reading() as session:
        run = _latest_run(session)
        if run is None:
            return QueuePage(run=None, total=0, items=[])
        ranked = _ranked(session, run.id, covered)
        page = ranked[offset : offset + limit]
        sides = _sides(session, [i for row in page for i in (row[1], row[2])])
        items = [
            _item(pair_id, p, w, affected, priority, sides[a], sides[b])
            for pair_id, a, b, p, w, affected, priority in page
        ]
        return QueuePage(run=run_summary(run), total=len(ranked), items=items)


_Ranked = tuple[int, int, int, float, float, int, float]


def _ranked(session: Session, run_id: int, covered: set[frozenset[int]]) -> list[_Ranked]:
    """(pair, a, b, probability, weight, records affected, priority) of open pairs, in order."""
    a, b = aliased(Record), aliased(Record)
    rows = session.execute(
        select(
            ReviewPair.id,
            ReviewPair.record_a_id,
            ReviewPair.record_b_id,
            ReviewPair.probability,
            ReviewPair.match_weight,
            a.person_id,
            b.person_id,
        )
        .join(a, a.id == ReviewPair.record_a_id)
        .join(b, b.id == ReviewPair.record_b_id)
        .where(ReviewPair.run_id == run_id)
    ).all()
    sizes = _person_sizes(session, run_id)
    ranked = []
    for pair_id, left, right, p, weight, person_a, person_b in rows:
        if frozenset((left, right)) in covered:
            continue
        affected = _affected(sizes, person_a, person_b)
        ranked.append((pair_id, left, right, p, weight, affected, uncertainty(p) * affected))
    ranked.sort(key=lambda r: (-r[6], abs(r[3] - 0.5), r[0]))
    return ranked


def _affected(sizes: dict[int, int], person_a: int | None, person_b: int | None) -> int:
    size_a = sizes.get(person_a, 1) if person_a is not None else 1
    if person_a is not None and person_a == person_b:
        return size_a
    return size_a + (sizes.get(person_b, 1) if person_b is not None else 1)


def _person_sizes(session: Session, run_id: int) -> dict[int, int]:
    """Records per person, for the persons the run's pairs touch."""
    a, b = aliased(Record), aliased(Record)
    touched = union(
        select(a.person_id)
        .join(ReviewPair, ReviewPair.record_a_id == a.id)
        .where(ReviewPair.run_id == run_id),
        select(b.person_id)
        .join(ReviewPair, ReviewPair.record_b_id == b.id)
        .where(ReviewPair.run_id == run_id),
    ).subquery()
    rows = session.execute(
        select(Record.person_id, func.count())
        .where(Record.person_id.in_(select(touched.c.person_id)))
        .group_by(Record.person_id)
    ).all()
    return {int(person): int(count) for person, count in rows if person is not None}


def _sides(session: Session, record_ids: Sequence[int]) -> dict[int, RecordSide]:
    if not record_ids:
        return {}
    rows = session.scalars(
        select(Record).where(Record.id.in_(set(record_ids))).options(selectinload(Record.source))
    ).all()
    return {r.id: _side(r) for r in rows}


def _side(row: Record) -> RecordSide:
    fields = record_fields(row)
    return RecordSide(
        id=row.id,
        person_id=row.person_id,
        source=row.source.name,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        sex=row.sex or "",
        place_of_birth=row.place_of_birth,
        service_number=row.service_number,
        unit=row.unit,
    )


def _item(
    pair_id: int,
    probability: float,
    weight: float,
    affected: int,
    priority: float,
    left: RecordSide,
    right: RecordSide,
) -> QueueItem:
    return QueueItem(
        pair_id=pair_id,
        probability=round(probability, 6),
        match_weight=round(weight, 4),
        records_affected=affected,
        priority=round(priority, 6),
        left=left,
        right=right,
    )


def show(db: Database, pair_id: int) -> PairDetail:
    """One pair: both records, its explanation, whether it is open, and its decision."""
    covered = covered_pairs(db)
    with db.reading() as session:
        pair = _pair(session, pair_id)
        latest = _latest_run(session)
        sides = _sides(session, [pair.record_a_id, pair.record_b_id])
        left, right = sides[pair.record_a_id], sides[pair.record_b_id]
        sizes = {
            int(p): int(n)
            for p, n in session.execute(
                select(Record.person_id, func.count())
                .where(Record.person_id.in_({left.person_id, right.person_id} - {None}))
                .group_by(Record.person_id)
            ).all()
            if p is not None
        }
        affected = _affected(sizes, left.person_id, right.person_id)
        decided = frozenset((pair.record_a_id, pair.record_b_id)) in covered
        superseded = latest is None or latest.id != pair.run_id
        status = "decided" if decided else "superseded" if superseded else "open"
        item = _item(
            pair.id,
            pair.probability,
            pair.match_weight,
            affected,
            uncertainty(pair.probability) * affected,
            left,
            right,
        )
        return PairDetail(
            item=item,
            status=status,
            run_id=pair.run_id,
            explanation=list(pair.explanation),
            judgement=_judgement_of(session, pair),
            decided_at=pair.decided_at,
        )


def _pair(session: Session, pair_id: int) -> ReviewPair:
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise NotFound(
            f"no review pair {pair_id}: list the open ones with `homecoming review list`"
        )
    return pair


def _judgement_of(session: Session, pair: ReviewPair) -> dict[str, Any] | None:
    """The latest judgement on the pair's two records, whichever way it was made."""
    low, high = pair.record_a_id, pair.record_b_id
    row = session.scalars(
        select(Judgement)
        .where(
            ((Judgement.record_a_id == low) & (Judgement.record_b_id == high))
            | ((Judgement.record_a_id == high) & (Judgement.record_b_id == low))
        )
        .order_by(Judgement.id.desc())
        .limit(1)
    ).first()
    return judgement_summary(row) if row is not None else None


def judgement_summary(row: Judgement) -> dict[str, Any]:
    """A judgement as JSON."""
    return {
        "id": row.id,
        "record_a": row.record_a_id,
        "record_b": row.record_b_id,
        "decision": row.decision,
        "reason": row.reason,
        "undoes": row.undoes_id,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat(),
    }


def waterfall(db: Database, pair_id: int) -> Any:
    """Splink's waterfall for a stored pair, rescored with its run's saved model."""
    from homecoming.linkage.explain import waterfall as draw

    with db.reading() as session:
        pair = _pair(session, pair_id)
        run = session.get(LinkageRun, pair.run_id)
        assert run is not None  # a foreign key
        a, b = session.get(Record, pair.record_a_id), session.get(Record, pair.record_b_id)
        assert a is not None and b is not None
        left, right, model = input_record(a), input_record(b), dict(run.model)
        tf = (pair.family_tf_a, pair.family_tf_b)
    return draw(model, left, right, family_tf=tf)


def decide(db: Database, *, pair_id: int, decision: Decision, reason: str, actor: str) -> Judgement:
    """Decide an open pair: a judgement row (persons regrouped at once); the pair closes."""
    if decision not in DECISIONS:
        raise InvalidInput(
            f"decide with same, not_same or unsure, not {decision.value!r} "
            "(take a judgement back with `homecoming review undo` or POST /judgements/{id}/undo)"
        )
    detail = show(db, pair_id)
    if detail.status != "open":
        why = (
            f"was already decided (judgement {detail.judgement['id']})"
            if detail.status == "decided" and detail.judgement
            else f"belongs to linkage run {detail.run_id}, not the latest"
        )
        raise Conflict(f"review pair {pair_id} {why}: take the next pair from the queue")
    before = _claim(db, pair_id, detail.decided_at)
    try:
        row = judgements.judge(
            db,
            record_a=detail.item.left.id,
            record_b=detail.item.right.id,
            decision=decision,
            reason=reason,
            actor=actor,
        )
    except BaseException:
        _release(db, pair_id, before)
        raise
    with db.transaction() as session:
        pair = _pair(session, pair_id)
        pair.judgement_id = row.id
        pair.decided_at = dt.datetime.now(dt.UTC)
        audit.append(
            session,
            actor=actor,
            action="review.decided",
            subject=f"review_pair:{pair_id}",
            details={"judgement": row.id, "decision": decision.value},
        )
    return row


CLAIM_TIMEOUT = dt.timedelta(minutes=5)  # a claim older than this was left by a crash


def _claim(db: Database, pair_id: int, seen: dt.datetime | None) -> tuple[Any, Any]:
    """Mark the pair as being decided, unless someone else is at it (then Conflict).

    A pair is free when nobody decided it here, when its last decision finished (it was
    since undone, or the queue would not offer it), or when a claim was left by a crash.
    `seen` (decided_at as read) makes two claims from the same reading exclusive. Returns
    what the claim replaced, for `_release`.
    """
    now = dt.datetime.now(dt.UTC)
    free = or_(
        ReviewPair.decided_at.is_(None),
        ReviewPair.judgement_id.is_not(None),
        ReviewPair.decided_at < now - CLAIM_TIMEOUT,
    )
    unchanged = ReviewPair.decided_at.is_(None) if seen is None else ReviewPair.decided_at == seen
    with db.transaction() as session:
        before = session.execute(
            select(ReviewPair.decided_at, ReviewPair.judgement_id).where(ReviewPair.id == pair_id)
        ).one()
        done = cast(
            CursorResult[Any],
            session.execute(
                update(ReviewPair)
                .where(ReviewPair.id == pair_id, free, unchanged)
                .values(decided_at=now, judgement_id=None)
                .execution_options(synchronize_session=False)
            ),
        )
        if done.rowcount != 1:
            raise Conflict(
                f"review pair {pair_id} is being decided by someone else: reload it in a moment"
            )
    return before[0], before[1]


def _release(db: Database, pair_id: int, before: tuple[Any, Any]) -> None:
    """Undo a claim whose judgement failed, so that the pair can be decided again."""
    with db.transaction() as session:
        session.execute(
            update(ReviewPair)
            .where(ReviewPair.id == pair_id, ReviewPair.judgement_id.is_(None))
            .values(decided_at=before[0], judgement_id=before[1])
            .execution_options(synchronize_session=False)
        )


def undo(db: Database, *, judgement_id: int, reason: str, actor: str) -> Judgement:
    """Take a judgement back (a new row); a pair it closed reopens in the queue."""
    if not reason.strip():
        raise InvalidInput("say why: an undo without a reason cannot be reviewed later")
    return judgements.undo(db, judgement_id=judgement_id, reason=reason, actor=actor)


def list_judgements(
    db: Database, *, limit: int = 50, offset: int = 0, record_id: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Judgements newest first (optionally those about one record), and how many there are."""
    condition = (
        (Judgement.record_a_id == record_id) | (Judgement.record_b_id == record_id)
        if record_id is not None
        else None
    )
    with db.reading() as session:
        query = select(Judgement)
        counted = select(func.count()).select_from(Judgement)
        if condition is not None:
            query, counted = query.where(condition), counted.where(condition)
        total = int(session.scalar(counted) or 0)
        rows = session.scalars(
            query.order_by(Judgement.id.desc()).limit(limit).offset(offset)
        ).all()
        return total, [judgement_summary(r) for r in rows]

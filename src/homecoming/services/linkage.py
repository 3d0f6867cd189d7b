"""Linking the registry: cluster every record into persons, honouring human judgements."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.linkage.inputs import InputRecord
from homecoming.linkage.judgements import PairJudgement
from homecoming.services import audit
from homecoming.services.judgements import Decision
from homecoming.store.db import Database, allocate_ids
from homecoming.store.models import PERSONS, RECORDS, Judgement, Record


@dataclass(frozen=True, slots=True)
class LinkageSummary:
    """What a linkage run changed."""

    records: int
    persons: int
    moved: int
    links: int


def effective_judgements(db: Database) -> list[PairJudgement]:
    """The decisions in force: every same / not-same judgement that was not undone."""
    with db.reading() as session:
        rows = session.scalars(select(Judgement).order_by(Judgement.id)).all()
    undone = {r.undoes_id for r in rows if r.undoes_id is not None}
    return [
        PairJudgement(str(r.record_a_id), str(r.record_b_id), r.decision == Decision.SAME)
        for r in rows
        if r.id not in undone and r.decision in (Decision.SAME, Decision.NOT_SAME)
    ]


def link_persons(
    db: Database,
    *,
    actor: str,
    threshold: float = 0.9,
    engine: str = "duckdb",
    stage: Any = None,
) -> LinkageSummary:
    """Re-cluster every record into persons with Splink; the writes are one transaction."""
    from homecoming.linkage.pipeline import dedupe

    records = _input_records(db)
    run = dedupe(
        records,
        engine=engine,
        threshold=threshold,
        judgements=effective_judgements(db),
        stage=stage,
    )
    clusters: dict[str, list[int]] = {}
    for record_id, cluster_id in run.clusters.items():
        clusters.setdefault(cluster_id, []).append(int(record_id))
    with db.transaction() as session:
        current = {rid: pid for rid, pid in session.execute(select(Record.id, Record.person_id))}
        target = _assign(session, clusters.values(), current)
        moves = [{"rid": r, "pid": p} for r, p in target.items() if current.get(r) != p]
        if moves:
            session.execute(
                update(RECORDS)
                .where(RECORDS.c.id == bindparam("rid"))
                .values(person_id=bindparam("pid")),
                moves,
            )
        summary = LinkageSummary(
            records=len(records), persons=len(clusters), moved=len(moves), links=len(run.links())
        )
        audit.append(
            session,
            actor=actor,
            action="linkage.run",
            subject="registry",
            details={"threshold": threshold, "engine": engine, **dataclasses.asdict(summary)},
        )
    return summary


def _input_records(db: Database) -> list[InputRecord]:
    with db.reading() as session:
        rows = session.scalars(select(Record).order_by(Record.id)).all()
        return [
            InputRecord(
                id=str(r.id),
                full_name=r.full_name,
                family_name=r.family_name,
                given_name=r.given_names,
                patronymic=r.patronymic,
                date_of_birth=PartialDate(r.dob_year, r.dob_month, r.dob_day),
                sex=r.sex or "",
                place_of_birth=r.place_of_birth,
                service_number=r.service_number,
                unit=r.unit,
            )
            for r in rows
        ]


def _assign(
    session: Session, clusters: Iterable[list[int]], current: dict[int, int | None]
) -> dict[int, int]:
    """Each cluster keeps the person most of its records already had, while it is free."""
    taken: set[int] = set()
    target: dict[int, int] = {}
    homeless: list[list[int]] = []
    for members in sorted(clusters, key=len, reverse=True):
        votes = Counter(p for r in members if (p := current.get(r)) is not None)
        keep = next((p for p, _ in votes.most_common() if p not in taken), None)
        if keep is None:
            homeless.append(members)
            continue
        taken.add(keep)
        target.update(dict.fromkeys(members, keep))
    new_ids = allocate_ids(session, "persons", len(homeless))
    if homeless:
        now = dt.datetime.now(dt.UTC)
        session.execute(insert(PERSONS), [{"id": p, "created_at": now} for p in new_ids])
    for members, person_id in zip(homeless, new_ids, strict=True):
        target.update(dict.fromkeys(members, person_id))
    return target

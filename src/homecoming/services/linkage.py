"""Linking the registry: cluster every record into persons, honouring human judgements.

Each run also leaves the review queue behind: the pairs it scored in the uncertain band
(between the review floor and the match threshold), each with the weight every comparison
added, and the trained model (Splink's settings) that explains them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.linkage import frequencies
from homecoming.linkage.inputs import InputRecord
from homecoming.linkage.judgements import PairJudgement
from homecoming.services import audit
from homecoming.services.judgements import Decision
from homecoming.store.db import Database, allocate_ids
from homecoming.store.models import PERSONS, RECORDS, Judgement, LinkageRun, Record, ReviewPair

REVIEW_PAIRS = cast(Table, ReviewPair.__table__)
# At most this many uncertain pairs are kept per run, the most consequential first: more than
# anyone reviews before the next run.
REVIEW_LIMIT = 50_000
MODEL_FILE = "linkage-model.json"


@dataclass(frozen=True, slots=True)
class LinkageSummary:
    """What a linkage run changed."""

    records: int
    persons: int
    moved: int
    links: int
    review_pairs: int = 0
    run_id: int = 0


def _standing(db: Database) -> list[Judgement]:
    """Every judgement that was not undone (undo rows themselves excluded), oldest first."""
    with db.reading() as session:
        rows = session.scalars(select(Judgement).order_by(Judgement.id)).all()
    undone = {r.undoes_id for r in rows if r.undoes_id is not None}
    return [r for r in rows if r.id not in undone and r.decision != Decision.UNDO]


def effective_judgements(db: Database) -> list[PairJudgement]:
    """The decisions in force: every same / not-same judgement that was not undone."""
    return [
        PairJudgement(str(r.record_a_id), str(r.record_b_id), r.decision == Decision.SAME)
        for r in _standing(db)
        if r.decision in (Decision.SAME, Decision.NOT_SAME)
    ]


def covered_pairs(db: Database) -> set[frozenset[int]]:
    """Pairs of records a standing judgement covers (same, not same or unsure)."""
    return {frozenset((r.record_a_id, r.record_b_id)) for r in _standing(db)}


def link_persons(
    db: Database,
    *,
    actor: str,
    threshold: float = 0.9,
    engine: str = "duckdb",
    stage: Any = None,
    data_dir: Path | None = None,
) -> LinkageSummary:
    """Re-cluster every record into persons with Splink and renew the review queue.

    The writes (persons, the run with its model, its uncertain pairs) are one transaction.
    With `data_dir`, the trained model is also written there as Splink's settings JSON.
    """
    from homecoming.linkage.pipeline import dedupe

    started = dt.datetime.now(dt.UTC)
    records = _input_records(db)
    covered = covered_pairs(db)
    run = dedupe(
        records,
        engine=engine,
        threshold=threshold,
        judgements=effective_judgements(db),
        stage=stage,
    )
    try:
        model = run.model.model_json()
        pairs = _review_pairs(run, covered, threshold, stage)
        floor = _floor(run, threshold)
    finally:
        run.model.engine.close()
    clusters: dict[str, list[int]] = {}
    for record_id, cluster_id in run.clusters.items():
        clusters.setdefault(cluster_id, []).append(int(record_id))
    with db.transaction() as session:
        moved = _move(session, clusters.values())
        row = LinkageRun(
            started_at=started,
            actor=actor,
            engine=engine,
            threshold=threshold,
            review_floor=floor,
            records=len(records),
            persons=len(clusters),
            links=len(run.links()),
            moved=moved,
            review_pairs=len(pairs),
            model=model,
        )
        session.add(row)
        session.flush()
        _store_pairs(session, row.id, pairs)
        summary = LinkageSummary(
            records=len(records),
            persons=len(clusters),
            moved=moved,
            links=len(run.links()),
            review_pairs=len(pairs),
            run_id=row.id,
        )
        audit.append(
            session,
            actor=actor,
            action="linkage.run",
            subject=f"linkage_run:{row.id}",
            details={"threshold": threshold, "engine": engine, **dataclasses.asdict(summary)},
        )
    if data_dir is not None:
        save_model(model, data_dir)
    return summary


def save_model(model: dict[str, Any], data_dir: Path) -> Path:
    """Write the trained model as Splink's settings JSON (`Linker(df, path)` reloads it)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / MODEL_FILE
    path.write_text(json.dumps(model, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _floor(run: Any, threshold: float) -> float:
    from homecoming.linkage.pipeline import REVIEW_FLOOR

    return float(min(REVIEW_FLOOR, threshold))


def _review_pairs(
    run: Any, covered: set[frozenset[int]], threshold: float, stage: Any
) -> list[dict[str, Any]]:
    """Uncertain pairs no judgement covers, most consequential first, with explanations."""
    from homecoming.linkage.explain import explain_pairs
    from homecoming.linkage.review import review_queue

    queue = [
        item
        for item in review_queue(run.pairs, run.clusters, band=(_floor(run, threshold), threshold))
        if frozenset((int(item.left_id), int(item.right_id))) not in covered
    ][:REVIEW_LIMIT]
    if not queue:
        return []
    features = run.model.tables[0]
    with (stage or _quiet)("explaining pairs for review", len(queue)) as advance:
        explained = explain_pairs(
            run.model.model_json(), features, [(i.left_id, i.right_id) for i in queue]
        )
        advance(len(queue))
    tf = _family_tf(run.model, {i for item in queue for i in (item.left_id, item.right_id)})
    rows = []
    for item in queue:
        found = explained.get((item.left_id, item.right_id))
        a, b = sorted((int(item.left_id), int(item.right_id)))
        rows.append(
            {
                "record_a_id": a,
                "record_b_id": b,
                "probability": item.probability,
                "match_weight": found.match_weight if found else _weight(item.probability),
                "explanation": [c.to_dict() for c in found.comparisons] if found else [],
                "family_tf_a": tf.get(str(a)),
                "family_tf_b": tf.get(str(b)),
                "records_affected": item.records_affected,
                "priority": item.priority,
            }
        )
    return rows


@contextmanager
def _quiet(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    yield lambda done: None


def _weight(probability: float) -> float:
    import math

    p = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def _family_tf(model: Any, ids: set[str]) -> dict[str, float]:
    """Each record's family-name term frequency in the run (its waterfall needs it later)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    features = model.tables[0]
    rows = features.filter(
        pc.is_in(features.column("unique_id"), value_set=pa.array(sorted(ids), pa.string()))
    )
    lookup = dict(
        zip(
            model.frequencies.column(0).to_pylist(),
            model.frequencies.column(1).to_pylist(),
            strict=True,
        )
    )
    families = rows.column(frequencies.COLUMN).to_pylist()
    found = zip(rows.column("unique_id").to_pylist(), families, strict=True)
    return {i: lookup[f] for i, f in found if f is not None and f in lookup}


def _store_pairs(session: Session, run_id: int, pairs: Sequence[dict[str, Any]]) -> None:
    """Replace the open pairs of earlier runs by this run's (decided ones stay as history)."""
    session.execute(
        delete(REVIEW_PAIRS).where(
            REVIEW_PAIRS.c.run_id != run_id, REVIEW_PAIRS.c.judgement_id.is_(None)
        )
    )
    if pairs:
        session.execute(insert(REVIEW_PAIRS), [{"run_id": run_id, **p} for p in pairs])


def _move(session: Session, clusters: Iterable[list[int]]) -> int:
    """Point every record at its cluster's person; how many records moved."""
    current = {rid: pid for rid, pid in session.execute(select(Record.id, Record.person_id))}
    target = _assign(session, clusters, current)
    moves = [{"rid": r, "pid": p} for r, p in target.items() if current.get(r) != p]
    if moves:
        session.execute(
            update(RECORDS)
            .where(RECORDS.c.id == bindparam("rid"))
            .values(person_id=bindparam("pid")),
            moves,
        )
    return len(moves)


def _input_records(db: Database) -> list[InputRecord]:
    with db.reading() as session:
        rows = session.scalars(select(Record).order_by(Record.id)).all()
        return [input_record(r) for r in rows]


def input_record(row: Record) -> InputRecord:
    """A stored record as the linkage reads it."""
    return InputRecord(
        id=str(row.id),
        full_name=row.full_name,
        family_name=row.family_name,
        given_name=row.given_names,
        patronymic=row.patronymic,
        date_of_birth=PartialDate(row.dob_year, row.dob_month, row.dob_day),
        sex=row.sex or "",
        place_of_birth=row.place_of_birth,
        service_number=row.service_number,
        unit=row.unit,
    )


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

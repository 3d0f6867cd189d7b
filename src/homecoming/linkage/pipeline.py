"""Batch linkage and deduplication end to end: features, Splink, clusters honouring judgements."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from homecoming.linkage import rivals
from homecoming.linkage.clustering import Edge, Edges, cluster
from homecoming.linkage.engine import LinkageEngine, create_engine
from homecoming.linkage.features import features_table, narrow_common_keys
from homecoming.linkage.inputs import Records, dates_of_birth, record_ids
from homecoming.linkage.judgements import PairJudgement, latest_per_pair

DEFAULT_THRESHOLD = 0.9
# Pairs down to this probability are kept for the review queue.
REVIEW_FLOOR = 0.2

Advance = Callable[[int], None]
# A stage of work: (description, total or None) -> context yielding a progress callback.
StageReporter = Callable[[str, int | None], AbstractContextManager[Advance]]


@contextmanager
def _silent(description: str, total: int | None) -> Iterator[Advance]:
    yield lambda done: None


@dataclass(slots=True)
class LinkageRun:
    """What a run found: scored pairs (probability >= the review floor; `Edges` as Splink gave
    them, a list once judgements have changed some), clusters, the model, and the (left, right)
    links withheld though they reach the threshold (`linkage.rivals`)."""

    pairs: Sequence[Edge]
    threshold: float
    model: Any
    clusters: dict[str, str] = field(default_factory=dict)
    withheld: frozenset[tuple[str, str]] = frozenset()

    def links(self) -> list[Edge]:
        """Pairs at or above the threshold, but those withheld."""
        return [
            p for p in self.pairs if p[2] >= self.threshold and (p[0], p[1]) not in self.withheld
        ]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the block runs, as it was after.

    A run makes millions of objects that live to its end (the names engine's tokens, parsed
    names, the grader's caches); each time they grow by a quarter, the collector walks all of
    them, and in a forked worker that walk copies every page of the heap it inherited (at
    300,000 records, 14 full collections took ~10 s of the main process's time). The run's
    objects are freed by reference counting as before; nothing the run computes reads the
    collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _features(records: Records, label: str, stage: StageReporter) -> Any:
    count = len(records) if isinstance(records, Sequence) else records.num_rows
    with stage(f"preparing names ({label})", count) as advance:
        table = features_table(records, progress=advance)
        advance(count)
    return table


def _scored_pairs(model: Any, stage: StageReporter, floor: float) -> Edges:
    with stage("scoring candidate pairs", None) as advance:
        table = model.predict(threshold=floor)
        advance(table.num_rows)
    return Edges(*(table.column(c) for c in ("unique_id_l", "unique_id_r", "match_probability")))


def _train(model: Any, judgements: Sequence[PairJudgement], stage: StageReporter, em: bool) -> None:
    if not em and not any(j.same for j in judgements):
        return  # the shipped model scores as it is
    with stage("refining the model (m by EM and from judgements)", None):
        model.train(judgements=judgements, em=em)


def run_linkage(
    tables: Sequence[Records],
    *,
    engine: LinkageEngine | str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    judgements: Sequence[PairJudgement] = (),
    stage: StageReporter | None = None,
    em: bool = False,
    trained: dict[str, Any] | None = None,
    withhold_rivals: bool = False,
) -> LinkageRun:
    """Deduplicate one table or link two; the run keeps its engine open for explanations.

    With `trained` (a model another run saved, on any engine) nothing is trained: the same
    parameters score the pairs, so two engines given one model find the same links. With
    `withhold_rivals` (two tables), a record's links to rivals are withheld as
    `linkage.rivals` says.
    """
    from homecoming.linkage.model import LinkageModel

    report = stage or _silent
    labels = ("left", "right") if len(tables) == 2 else ("records",)
    with collector_paused():
        features = narrow_common_keys(
            [_features(t, label, report) for t, label in zip(tables, labels, strict=True)]
        )
        runner = create_engine(engine) if isinstance(engine, str) else engine
        model = LinkageModel(runner, features, log_level=logging.ERROR, trained=trained)
        decided = latest_per_pair(judgements)
        if trained is None:
            _train(model, decided, report, em)
        pairs = _apply_judgements(
            _scored_pairs(model, report, min(REVIEW_FLOOR, threshold)), decided
        )
        withheld: frozenset[tuple[str, str]] = frozenset()
        if withhold_rivals and len(features) == 2:
            withheld = rivals.withheld(
                (p for p in pairs if p[2] >= threshold),
                lambda side, ids: rivals.stated_in(features[side], ids),
                judged_same=frozenset((j.left_id, j.right_id) for j in decided if j.same),
            )
    return LinkageRun(pairs=pairs, threshold=threshold, model=model, withheld=withheld)


def _apply_judgements(pairs: Sequence[Edge], judgements: Sequence[PairJudgement]) -> Sequence[Edge]:
    """A judged pair scores 1 (same) or leaves (not the same), whatever the model said."""
    verdicts = {frozenset((j.left_id, j.right_id)): j.same for j in judgements}
    if not verdicts:
        return pairs
    kept = [p for p in pairs if frozenset(p[:2]) not in verdicts]
    same = [(j.left_id, j.right_id, 1.0) for j in judgements if j.same]
    return kept + same


def dedupe(
    records: Records,
    *,
    engine: LinkageEngine | str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    judgements: Sequence[PairJudgement] = (),
    stage: StageReporter | None = None,
    em: bool = False,
    trained: dict[str, Any] | None = None,
) -> LinkageRun:
    """Cluster records into persons; judgements hold as must-link and cannot-link."""
    run = run_linkage(
        [records],
        engine=engine,
        threshold=threshold,
        judgements=judgements,
        stage=stage,
        em=em,
        trained=trained,
    )
    report = stage or _silent
    with report("clustering", None), collector_paused():
        run.clusters = cluster(
            record_ids(records) if isinstance(records, Sequence) else records.column("unique_id"),
            run.pairs,
            threshold=threshold,
            judgements=judgements,
            born=dates_of_birth(records),
        )
    return run


def link(
    left: Records,
    right: Records,
    *,
    engine: LinkageEngine | str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    judgements: Sequence[PairJudgement] = (),
    stage: StageReporter | None = None,
    em: bool = False,
    trained: dict[str, Any] | None = None,
) -> LinkageRun:
    """Pairs of a left and a right record that are the same person (judgements: left id first).

    A record's links to rivals, records of the other file that cannot both be it, are withheld
    as `linkage.rivals` says (`LinkageRun.withheld`; their scores stay in `pairs`)."""
    return run_linkage(
        [left, right],
        engine=engine,
        threshold=threshold,
        judgements=judgements,
        stage=stage,
        em=em,
        trained=trained,
        withhold_rivals=True,
    )

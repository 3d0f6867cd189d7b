"""The review queue: stored from a linkage run, ordered by impact, decided by judgements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from homecoming.domain.dates import PartialDate
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.services import audit, judgements, review
from homecoming.services.judgements import Decision
from homecoming.services.linkage import MODEL_FILE, link_persons
from homecoming.store.db import Database
from homecoming.store.models import Judgement, Record, ReviewPair

from .test_linkage import load_people

# One man in three records; his namesake born another year; a woman; filler to train on.
ROWS = [
    ("Нехір", "Олександр", "Іванович", PartialDate(1987, 5, 23), "ВТ-444079"),
    ("Nekhir", "Oleksandr", "", PartialDate(1987, 5, 23), "BT444079"),
    ("Нехир", "Александр", "Иванович", PartialDate(1987, 5), ""),
    ("Нехір", "Олександр", "", PartialDate(1988), ""),
    ("Астапенко", "Оксана", "", PartialDate(1995, 3, 3), ""),
]


def _load(db: Database) -> None:
    load_people(db, ROWS, filler=800, seed=5)


@pytest.fixture
def linked(db: Database, tmp_path: Path) -> Database:
    _load(db)
    summary = link_persons(db, actor="registrar", data_dir=tmp_path / "var")
    assert summary.review_pairs > 0, "the generated data should leave uncertain pairs"
    return db


def _person(db: Database, record_id: int) -> int | None:
    with db.reading() as session:
        row = session.get(Record, record_id)
        assert row is not None
        return row.person_id


def test_a_run_stores_the_uncertain_band_with_explanations(
    linked: Database, tmp_path: Path
) -> None:
    page = review.queue(linked, limit=1000)
    assert page.run is not None and page.total == page.run["review_pairs"] == len(page.items)
    floor, threshold = page.run["review_floor"], page.run["threshold"]
    with linked.reading() as session:
        pairs = session.scalars(select(ReviewPair)).all()
        for pair in pairs:
            assert floor - 1e-6 <= pair.probability < threshold
            assert pair.record_a_id < pair.record_b_id
            comparisons = [c["comparison"] for c in pair.explanation]
            assert comparisons[:3] == ["name", "patronymic", "date_of_birth"]
    priorities = [i.priority for i in page.items]
    assert priorities == sorted(priorities, reverse=True)
    for item in page.items:  # priority = uncertainty × records affected, persons as they are
        same_person = item.left.person_id == item.right.person_id
        assert item.records_affected >= (1 if same_person else 2)
        expected = (1 - 2 * abs(item.probability - 0.5)) * item.records_affected
        assert item.priority == pytest.approx(expected, abs=1e-5)
    saved = json.loads((tmp_path / "var" / MODEL_FILE).read_text(encoding="utf-8"))
    assert saved["link_type"] == "dedupe_only" and len(saved["comparisons"]) == 7


def test_a_decision_is_a_judgement_that_regroups_and_closes_the_pair(linked: Database) -> None:
    page = review.queue(linked, limit=1000)
    item = next(i for i in page.items if i.left.person_id != i.right.person_id)
    row = review.decide(
        linked, pair_id=item.pair_id, decision=Decision.SAME, reason="same unit", actor="olena"
    )
    assert row.decision == "same" and row.decided_by == "olena"
    assert _person(linked, item.left.id) == _person(linked, item.right.id)
    after = review.queue(linked, limit=1000)
    assert item.pair_id not in {i.pair_id for i in after.items}
    assert after.total == page.total - 1
    detail = review.show(linked, item.pair_id)
    assert detail.status == "decided" and detail.judgement and detail.judgement["id"] == row.id
    with pytest.raises(Conflict, match="already decided"):
        review.decide(
            linked, pair_id=item.pair_id, decision=Decision.NOT_SAME, reason="x", actor="b"
        )
    assert audit.verify(linked).ok


def test_two_reviewers_cannot_both_decide_a_pair(linked: Database) -> None:
    item = review.queue(linked, limit=1).items[0]
    seen = review.show(linked, item.pair_id).decided_at
    review._claim(linked, item.pair_id, seen)  # the first reviewer is deciding
    with pytest.raises(Conflict, match="someone else"):
        review._claim(linked, item.pair_id, seen)  # a second, from the same reading
    with pytest.raises(Conflict, match="someone else"):  # a second, reading after the claim
        review.decide(linked, pair_id=item.pair_id, decision=Decision.SAME, reason="r", actor="b")
    with linked.reading() as session:
        assert session.scalars(select(Judgement)).all() == []


def test_a_failed_judgement_frees_the_pair(linked: Database) -> None:
    item = review.queue(linked, limit=1).items[0]
    with pytest.raises(InvalidInput, match="say why"):
        review.decide(linked, pair_id=item.pair_id, decision=Decision.SAME, reason=" ", actor="b")
    review.decide(linked, pair_id=item.pair_id, decision=Decision.SAME, reason="r", actor="b")


def test_undo_reopens_and_a_new_run_keeps_judged_pairs_out(linked: Database) -> None:
    item = review.queue(linked, limit=1).items[0]
    row = review.decide(
        linked, pair_id=item.pair_id, decision=Decision.UNSURE, reason="ask HQ", actor="olena"
    )
    assert item.pair_id not in {i.pair_id for i in review.queue(linked, limit=1000).items}
    judgements.undo(linked, judgement_id=row.id, reason="HQ answered", actor="olena")
    assert item.pair_id in {i.pair_id for i in review.queue(linked, limit=1000).items}
    judgements.judge(
        linked,
        record_a=item.left.id,
        record_b=item.right.id,
        decision=Decision.NOT_SAME,
        reason="different fathers",
        actor="olena",
    )
    summary = link_persons(linked, actor="registrar")
    page = review.queue(linked, limit=1000)
    assert page.run is not None and page.run["id"] == summary.run_id
    pairs = {frozenset((i.left.id, i.right.id)) for i in page.items}
    assert frozenset((item.left.id, item.right.id)) not in pairs
    assert review.show(linked, item.pair_id).status in {"decided", "superseded"}
    with linked.reading() as session:  # the earlier run's open pairs were replaced
        runs = set(
            session.scalars(select(ReviewPair.run_id).where(ReviewPair.judgement_id.is_(None)))
        )
    assert runs <= {summary.run_id}


def test_the_waterfall_is_splinks_and_adds_up(linked: Database) -> None:
    item = review.queue(linked, limit=1).items[0]
    chart = review.waterfall(linked, item.pair_id)
    assert chart.probability == pytest.approx(item.probability, abs=1e-4)
    bars = chart.bars
    assert bars[0]["column_name"] == "Prior" and bars[-1]["column_name"] == "Final score"
    total = sum(b["log2_bayes_factor"] or 0.0 for b in bars[:-1])
    assert total == pytest.approx(bars[-1]["log2_bayes_factor"], abs=1e-6)
    assert bars[-1]["cumulative_probability"] == pytest.approx(item.probability, abs=1e-4)
    stored = {
        c["comparison"]: c["match_weight"] for c in review.show(linked, item.pair_id).explanation
    }
    shown: dict[str, float] = {}
    for bar in bars[1:-1]:  # a comparison's bar, and its term-frequency bar ("tf_name")
        name = bar["column_name"].removeprefix("tf_")
        shown[name] = shown.get(name, 0.0) + (bar["log2_bayes_factor"] or 0.0)
    for name, weight in shown.items():
        assert weight == pytest.approx(stored[name], abs=1e-3)
    assert chart.spec["data"]["values"] and "$schema" in chart.spec
    json.dumps(chart.spec, allow_nan=False)


def test_bad_requests_say_what_to_do(db: Database) -> None:
    with pytest.raises(NotFound, match="review list"):
        review.show(db, 10**6)
    with pytest.raises(InvalidInput, match="same, not_same or unsure"):
        review.decide(db, pair_id=1, decision=Decision.UNDO, reason="r", actor="a")
    with pytest.raises(InvalidInput, match="say why"):
        review.undo(db, judgement_id=1, reason=" ", actor="a")


def test_an_empty_registry_has_an_empty_queue(db: Database) -> None:
    page = review.queue(db)
    assert page.run is None and page.total == 0 and page.items == []


def test_judgements_are_listed_newest_first(db: Database) -> None:
    _load(db)
    linked = db
    judgements.judge(linked, record_a=1, record_b=2, decision=Decision.SAME, reason="r", actor="a")
    judgements.judge(
        linked, record_a=1, record_b=5, decision=Decision.NOT_SAME, reason="r", actor="a"
    )
    total, rows = review.list_judgements(linked)
    assert total == 2 and [r["record_b"] for r in rows] == [5, 2]
    total, rows = review.list_judgements(linked, record_id=5)
    assert total == 1 and rows[0]["decision"] == "not_same"
    with linked.reading() as session:
        assert len(session.scalars(select(Judgement)).all()) == 2

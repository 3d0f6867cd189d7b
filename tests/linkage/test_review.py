"""The review queue: uncertain pairs, the most consequential first."""

from __future__ import annotations

from homecoming.linkage.judgements import PairJudgement
from homecoming.linkage.review import review_queue, uncertainty


def test_uncertainty_peaks_at_a_coin_toss() -> None:
    assert uncertainty(0.5) == 1.0
    assert uncertainty(0.0) == uncertainty(1.0) == 0.0
    assert uncertainty(0.6) > uncertainty(0.8)


def test_orders_by_closeness_to_half_times_records_affected() -> None:
    clusters = {"a": "a", "b": "a", "c": "a", "d": "d", "e": "e", "f": "f"}
    edges = [
        ("d", "e", 0.5),  # two singletons: 2 records, uncertainty 1 -> 2
        ("a", "d", 0.7),  # cluster of 3 + 1: 4 records, uncertainty 0.6 -> 2.4
        ("e", "f", 0.99),  # outside the band
        ("a", "b", 0.45),  # inside one cluster of 3: 3 x 0.9 -> 2.7
    ]
    queue = review_queue(edges, clusters, band=(0.2, 0.95))
    assert [(i.left_id, i.right_id) for i in queue] == [("a", "b"), ("a", "d"), ("d", "e")]
    assert queue[0].records_affected == 3
    assert queue[0].to_dict()["priority"] == 2.7


def test_judged_pairs_leave_the_queue() -> None:
    queue = review_queue(
        [("a", "b", 0.5), ("c", "d", 0.6)],
        {},
        judgements=[PairJudgement("b", "a", False)],
    )
    assert [(i.left_id, i.right_id) for i in queue] == [("c", "d")]

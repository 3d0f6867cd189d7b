"""The review queue: uncertain pairs, the ones whose decision would change the most first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from homecoming.linkage.clustering import Edge, cluster_sizes
from homecoming.linkage.judgements import PairJudgement

DEFAULT_BAND = (0.2, 0.95)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A pair for a human to judge, and why it is where it is in the queue."""

    left_id: str
    right_id: str
    probability: float
    records_affected: int  # records whose person would change with the decision
    priority: float

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON."""
        return {
            "left_id": self.left_id,
            "right_id": self.right_id,
            "probability": round(self.probability, 6),
            "records_affected": self.records_affected,
            "priority": round(self.priority, 6),
        }


def uncertainty(probability: float) -> float:
    """1 at a coin toss (0.5), 0 at certainty either way."""
    return 1.0 - 2.0 * abs(probability - 0.5)


def review_queue(
    edges: Iterable[Edge],
    clusters: Mapping[str, str],
    *,
    band: tuple[float, float] = DEFAULT_BAND,
    judgements: Iterable[PairJudgement] = (),
    limit: int | None = None,
) -> list[ReviewItem]:
    """Pairs with low <= probability < high, not yet judged, by uncertainty × records affected.

    Records affected: both clusters when the pair sits in two (a "same" would merge them),
    the one cluster when it sits in one (a "not the same" would split it).
    """
    low, high = band
    judged = {frozenset((j.left_id, j.right_id)) for j in judgements}
    sizes = cluster_sizes(clusters)
    items = []
    for left, right, probability in edges:
        if not low <= probability < high or frozenset((left, right)) in judged:
            continue
        a, b = clusters.get(left, left), clusters.get(right, right)
        affected = sizes.get(a, 1) if a == b else sizes.get(a, 1) + sizes.get(b, 1)
        items.append(
            ReviewItem(left, right, probability, affected, uncertainty(probability) * affected)
        )
    items.sort(key=lambda i: (-i.priority, abs(i.probability - 0.5), i.left_id, i.right_id))
    return items[:limit] if limit is not None else items

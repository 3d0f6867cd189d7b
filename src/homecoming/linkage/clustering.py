"""Clusters from scored pairs that respect human judgements.

Splink's connected components cannot refuse a link. Here edges join clusters strongest
first (union-find); a "same" judgement always joins, and a union that would put two records a
human called "not the same" into one cluster is refused, however strong the edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from homecoming.errors import HomecomingError
from homecoming.linkage.judgements import PairJudgement, latest_per_pair

Edge = tuple[str, str, float]


class JudgementConflict(HomecomingError):
    """Judgements that cannot all hold: "same" chains joining a "not the same" pair."""

    status_code = 409
    title = "Judgements conflict"


@dataclass(slots=True)
class _Forest:
    parent: dict[str, str]
    size: dict[str, int]
    cannot: dict[str, set[str]]  # root -> records its cluster may never contain

    def find(self, node: str) -> str:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def blocked(self, a: str, b: str) -> bool:
        """Whether joining the clusters of roots a and b would join a "not the same" pair."""
        small, large = (a, b) if len(self.cannot[a]) <= len(self.cannot[b]) else (b, a)
        return any(self.find(other) == large for other in self.cannot[small])

    def union(self, a: str, b: str) -> str:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.cannot[a] |= self.cannot.pop(b)
        return a


def _forest(ids: Iterable[str]) -> _Forest:
    parent = {i: i for i in ids}
    return _Forest(parent, dict.fromkeys(parent, 1), {i: set() for i in parent})


def cluster(
    ids: Iterable[str],
    edges: Iterable[Edge],
    *,
    threshold: float,
    judgements: Iterable[PairJudgement] = (),
) -> dict[str, str]:
    """Cluster id (the smallest record id in it) of every record.

    Edges at or above the threshold join clusters in order of falling probability; "same"
    judgements join first and always; no cluster ever holds a "not the same" pair.
    """
    forest = _forest(ids)
    decided = latest_per_pair(
        j for j in judgements if j.left_id in forest.parent and j.right_id in forest.parent
    )
    for j in decided:
        if not j.same:
            forest.cannot[j.left_id].add(j.right_id)
            forest.cannot[j.right_id].add(j.left_id)
    for j in decided:
        if j.same:
            a, b = forest.find(j.left_id), forest.find(j.right_id)
            if a != b:
                if forest.blocked(a, b):
                    raise JudgementConflict(
                        f"judging {j.left_id} and {j.right_id} the same joins records judged "
                        "not the same: review these judgements"
                    )
                forest.union(a, b)
    strong = sorted(
        (e for e in edges if e[2] >= threshold and e[0] in forest.parent and e[1] in forest.parent),
        key=lambda e: (-e[2], e[0], e[1]),
    )
    for left, right, _ in strong:
        a, b = forest.find(left), forest.find(right)
        if a != b and not forest.blocked(a, b):
            forest.union(a, b)
    return _label(forest)


def _label(forest: _Forest) -> dict[str, str]:
    smallest: dict[str, str] = {}
    roots = {node: forest.find(node) for node in forest.parent}
    for node, root in roots.items():
        if root not in smallest or node < smallest[root]:
            smallest[root] = node
    return {node: smallest[root] for node, root in roots.items()}


def cluster_sizes(clusters: Mapping[str, str]) -> dict[str, int]:
    """Records per cluster id."""
    sizes: dict[str, int] = {}
    for cluster_id in clusters.values():
        sizes[cluster_id] = sizes.get(cluster_id, 0) + 1
    return sizes

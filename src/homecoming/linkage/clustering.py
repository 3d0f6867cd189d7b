"""Clusters from scored pairs that respect human judgements.

Splink's connected components cannot refuse a link. Here edges join clusters strongest
first (union-find); a "same" judgement always joins, and a union that would put two records a
human called "not the same" into one cluster is refused, however strong the edge.

Nor does a cluster hold two records whose years of birth are far apart (no slip, day-month
swap or year off by one explains them): such records are joined only by an edge between them,
never through a third record that has no date (Павлов Володимир Валерієвич born 1987 and his
namesake born 2004, each linked to a list entry without a date).

Only the connected components holding a "not the same" pair or such dates need that order: the
rest are plain connected components, found in integers with numpy (a million records in
seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, overload

from homecoming.domain.dates import PartialDate
from homecoming.errors import HomecomingError
from homecoming.linkage.judgements import PairJudgement, latest_per_pair
from homecoming.match.levels import dob_level

Edge = tuple[str, str, float]


class Edges(Sequence[Edge]):
    """Scored pairs held as arrow columns (left id, right id, probability): a million pairs
    that clustering reads as columns, without a million tuples; a pair is made when asked for
    (all of them, once, when iterated)."""

    def __init__(self, left: Any, right: Any, probability: Any) -> None:
        import pyarrow as pa

        def whole(column: Any) -> Any:
            return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column

        self.left, self.right = whole(left).cast(pa.string()), whole(right).cast(pa.string())
        self.probability = whole(probability).cast(pa.float64())
        self._made: list[Edge] | None = None

    def _all(self) -> list[Edge]:
        if self._made is None:
            self._made = list(
                zip(
                    self.left.to_pylist(),
                    self.right.to_pylist(),
                    self.probability.to_pylist(),
                    strict=True,
                )
            )
        return self._made

    def __len__(self) -> int:
        return len(self.left)

    @overload
    def __getitem__(self, index: int) -> Edge: ...

    @overload
    def __getitem__(self, index: slice) -> list[Edge]: ...

    def __getitem__(self, index: int | slice) -> Edge | list[Edge]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Edge]:
        return iter(self._all())

    def taken(self, rows: Any) -> list[Edge]:
        """The pairs at `rows` (positions), made from the columns."""
        import pyarrow as pa

        at = pa.array(rows, pa.int64())
        return list(
            zip(
                self.left.take(at).to_pylist(),
                self.right.take(at).to_pylist(),
                self.probability.take(at).to_pylist(),
                strict=True,
            )
        )


class JudgementConflict(HomecomingError):
    """Judgements that cannot all hold: "same" chains joining a "not the same" pair."""

    status_code = 409
    title = "Judgements conflict"


@dataclass(slots=True)
class _Forest:
    parent: dict[str, str]
    size: dict[str, int]
    cannot: dict[str, set[str]]  # root -> records its cluster may never contain
    born: dict[str, set[PartialDate]]  # root -> the dates of birth its cluster holds

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

    def born_apart(self, a: str, b: str, own: frozenset[PartialDate]) -> bool:
        """Whether the clusters of roots a and b hold dates of birth far apart, other than the
        joining edge's own two (`own`: an edge between them is evidence weighed already)."""
        return any(
            far_apart(x, y) and frozenset((x, y)) != own for x in self.born[a] for y in self.born[b]
        )

    def union(self, a: str, b: str) -> str:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.cannot[a] |= self.cannot.pop(b)
        self.born[a] |= self.born.pop(b)
        return a


def far_apart(a: PartialDate, b: PartialDate) -> bool:
    """Dates of birth that no slip explains: "different" in the match model's grading."""
    return a != b and dob_level(a, b) == 0


def _forest(ids: Iterable[str], born: Mapping[str, PartialDate]) -> _Forest:
    parent = {i: i for i in ids}
    dates = {i: {born[i]} if i in born else set() for i in parent}
    return _Forest(parent, dict.fromkeys(parent, 1), {i: set() for i in parent}, dates)


class Births(Mapping[str, PartialDate]):
    """Records' dates of birth (each with a year at least) held as columns: a million records'
    dates without a million objects. Each date is one integer (`codes`: year, month and day,
    0 where unknown) for numpy; a date is made when asked for."""

    def __init__(self, ids: Sequence[str] | Any, codes: Any) -> None:
        """`ids`: a sequence of ids or an arrow array of them (a million ids stay columns)."""
        import numpy as np
        import pyarrow as pa

        self.ids = ids if isinstance(ids, pa.Array) else list(ids)
        self.codes = np.asarray(codes, dtype=np.int64)
        self._at: dict[str, int] | None = None
        self._listed: list[str] | None = None

    @classmethod
    def of(cls, born: Mapping[str, PartialDate]) -> Births:
        """The columns of dates held one object a record."""
        if isinstance(born, Births):
            return born
        return cls(list(born), [_code(d) for d in born.values()])

    @classmethod
    def of_columns(cls, ids: Sequence[str] | Any, year: Any, month: Any, day: Any) -> Births:
        """The dates of records given as arrow columns of year, month and day (null where
        unknown), coded as `_code` codes one date."""
        import pyarrow.compute as pc

        year, month, day = (pc.fill_null(pc.cast(c, "int64"), 0) for c in (year, month, day))
        codes = pc.add(pc.multiply(pc.add(pc.multiply(year, 100), month), 100), day)
        return cls(ids, codes.to_numpy())

    def date(self, row: int) -> PartialDate:
        """The date of the record at `row`."""
        code = int(self.codes[row])
        year, month, day = code // 10_000, code // 100 % 100, code % 100
        return PartialDate(year or None, month or None, day or None)

    def __getitem__(self, record_id: str) -> PartialDate:
        if self._at is None:
            self._at = {i: row for row, i in enumerate(self._list())}
        return self.date(self._at[record_id])

    def _list(self) -> list[str]:
        if self._listed is None:
            self._listed = self.ids if isinstance(self.ids, list) else self.ids.to_pylist()
        return self._listed

    def __iter__(self) -> Iterator[str]:
        return iter(self._list())

    def __len__(self) -> int:
        return len(self.ids)


def _code(date: PartialDate) -> int:
    return ((date.year or 0) * 100 + (date.month or 0)) * 100 + (date.day or 0)


def _all_positions(lists: Sequence[Any], names: Any) -> list[Any]:
    """Each list's values' positions in `names` (a pyarrow array of distinct ids; -1: not
    there), as numpy arrays, found by one arrow hash lookup (its table of `names` made once),
    not through a Python dict of a million ids. A list is a sequence of ids or an arrow array."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.chunked_array(
        [
            v.cast(pa.string()) if isinstance(v, pa.Array) else pa.array(v, pa.string())
            for v in lists
        ],
        pa.string(),
    )
    found = pc.index_in(values, value_set=names.cast(pa.string()))
    flat = pc.fill_null(found, -1).to_numpy().astype(np.int64)
    cuts = np.cumsum([len(v) for v in lists])[:-1]
    return np.split(flat, cuts)


def sorted_distinct(ids: Iterable[str] | Any) -> Any:
    """The distinct strings (a sequence or an arrow array) in order (a pyarrow array): arrow
    orders strings by their UTF-8 bytes, which is the order of their code points, as `sorted`
    orders them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(ids, pa.ChunkedArray | pa.Array):
        given = ids.cast(pa.string())
    else:
        given = pa.array(ids if isinstance(ids, list) else list(ids), pa.string())
    distinct = pc.unique(given)
    return distinct.take(pc.sort_indices(distinct))


def cluster(
    ids: Iterable[str] | Any,
    edges: Iterable[Edge],
    *,
    threshold: float,
    judgements: Iterable[PairJudgement] = (),
    born: Mapping[str, PartialDate] | None = None,
) -> dict[str, str]:
    """Cluster id (the smallest record id in it) of every record.

    Edges at or above the threshold join clusters in order of falling probability; "same"
    judgements join first and always; no cluster ever holds a "not the same" pair, nor, through
    other records, two whose dates of birth (`born`: records with a year; `Births` holds many
    as columns) are far apart. `ids` may be an arrow array and `edges` `Edges`: a million of
    each are read as columns.
    """
    import numpy as np

    births = Births.of(born or {})
    distinct = sorted_distinct(ids)  # sorted: the smallest index, the smallest id
    names = distinct.to_pylist()
    judged = list(judgements)
    known = list({j.left_id for j in judged} | {j.right_id for j in judged})
    if isinstance(edges, Edges):
        columns = [edges.left, edges.right]
        probabilities = edges.probability.to_numpy()
    else:
        edges = edges if isinstance(edges, list) else list(edges)
        columns = [[e[0] for e in edges], [e[1] for e in edges]]
        probabilities = np.fromiter((e[2] for e in edges), np.float64, len(edges))
    left, right, where, at = _all_positions([*columns, known, births.ids], distinct)
    index = dict(zip(known, where.tolist(), strict=True))
    decided = latest_per_pair(j for j in judged if min(index[j.left_id], index[j.right_id]) >= 0)
    strong = np.flatnonzero((probabilities >= threshold) & (left >= 0) & (right >= 0))
    lefts, rights = left[strong], right[strong]
    same = [(index[j.left_id], index[j.right_id]) for j in decided if j.same]
    labels = components(
        len(names),
        np.concatenate([np.asarray([a for a, _ in same], np.int64), lefts]),
        np.concatenate([np.asarray([b for _, b in same], np.int64), rights]),
    )
    cannot = [(index[j.left_id], index[j.right_id]) for j in decided if not j.same]
    constrained = {int(labels[a]) for a, b in cannot if labels[a] == labels[b]}
    constrained |= _born_apart_components(labels, births, at)
    if constrained:
        chosen = np.isin(labels, np.fromiter(constrained, np.int64, len(constrained)))
        held = np.flatnonzero(chosen)
        members = [names[i] for i in held.tolist()]
        rows = strong[chosen[lefts]]
        inside = (
            edges.taken(rows) if isinstance(edges, Edges) else [edges[i] for i in rows.tolist()]
        )
        row_of = np.full(len(names), -1, dtype=np.int64)
        placed = np.flatnonzero(at >= 0)
        row_of[at[placed]] = placed
        dated = {
            names[i]: births.date(row)
            for i, row in zip(held.tolist(), row_of[held].tolist(), strict=True)
            if row >= 0
        }
        found = _constrained(members, inside, decided, dated)
        position = dict(zip(members, held.tolist(), strict=True))
        labels[[position[n] for n in found]] = [position[r] for r in found.values()]
    return dict(zip(names, [names[label] for label in labels.tolist()], strict=True))


def _born_apart_components(labels: Any, births: Births, at: Any) -> set[int]:
    """Labels of the components that hold two dates of birth far apart (`at`: each birth's
    position in `labels`, -1 when its record is not clustered).

    Dates far apart have years two or more apart (`dob_level` gives the same year, or a year
    off by one, a level of its own), so only a component whose years span two or more can:
    those are found in integers with numpy (a date as year, month and day in one number), and
    only their dates are compared."""
    import numpy as np

    rows = np.flatnonzero((at >= 0) & (births.codes >= 10_000))  # with a year
    if not rows.size:
        return set()
    held = labels[at[rows]]
    code = births.codes[rows]
    order = np.lexsort((code, held))
    held, code, rows = held[order], code[order], rows[order]
    # Each label's run, in order of date: its first and last years are its earliest and latest.
    year = code // 10_000
    starts = np.flatnonzero(np.r_[True, held[1:] != held[:-1]])
    ends = np.r_[starts[1:], held.size] - 1
    spread = held[starts][year[ends] - year[starts] >= 2]
    if not spread.size:
        return set()
    chosen = np.isin(held, spread)
    found: dict[int, set[PartialDate]] = {}
    for label, row in zip(held[chosen].tolist(), rows[chosen].tolist(), strict=True):
        found.setdefault(label, set()).add(births.date(row))
    return {
        label
        for label, within in found.items()
        if any(far_apart(x, y) for x, y in combinations(within, 2))
    }


def components(size: int, left: Any, right: Any) -> Any:
    """Connected components of nodes 0..size-1 joined by the edges `left`[i] - `right`[i]
    (sequences of node numbers): a numpy array of each node's smallest member."""
    import numpy as np

    labels = np.arange(size, dtype=np.int64)
    a = np.asarray(left, dtype=np.int64)
    b = np.asarray(right, dtype=np.int64)
    while a.size:
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        while True:  # pointer jumping: every node points at its label's label
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            break
    return labels


def _constrained(
    ids: Iterable[str],
    strong: Iterable[Edge],
    decided: Sequence[PairJudgement],
    born: Mapping[str, PartialDate],
) -> dict[str, str]:
    """Union-find, strongest edge first, refusing unions that join a "not the same" pair or,
    through other records, dates of birth far apart ("same" judgements join regardless)."""
    forest = _forest(ids, born)
    decided = [j for j in decided if j.left_id in forest.parent and j.right_id in forest.parent]
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
    for left, right, _ in sorted(strong, key=lambda e: (-e[2], e[0], e[1])):
        a, b = forest.find(left), forest.find(right)
        own = frozenset(born[n] for n in (left, right) if n in born)
        if a != b and not forest.blocked(a, b) and not forest.born_apart(a, b, own):
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

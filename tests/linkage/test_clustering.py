"""Clustering that respects judgements, checked against brute force on random small graphs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.domain.dates import PartialDate
from homecoming.linkage.clustering import Edge, JudgementConflict, cluster
from homecoming.linkage.judgements import PairJudgement

THRESHOLD = 0.5


def _partition(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for node, cid in clusters.items():
        groups.setdefault(cid, set()).add(node)
    return {frozenset(g) for g in groups.values()}


def _oracle(
    nodes: list[str], edges: list[Edge], judgements: list[PairJudgement]
) -> set[frozenset[str]] | None:
    """The same rule as plain sets and full scans: None when the judgements contradict."""
    last = {frozenset((j.left_id, j.right_id)): j.same for j in judgements}
    cannot = [tuple(p) for p, same in last.items() if not same]
    groups = [{n} for n in nodes]

    def merge(a: str, b: str) -> bool:
        ga = next(g for g in groups if a in g)
        gb = next(g for g in groups if b in g)
        if ga is gb:
            return True
        joined = ga | gb
        if any(x in joined and y in joined for x, y in cannot):
            return False
        groups.remove(ga)
        groups.remove(gb)
        groups.append(joined)
        return True

    for pair, same in last.items():
        if same and not merge(*sorted(pair)):
            return None
    for a, b, p in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        if p >= THRESHOLD:
            merge(a, b)
    return {frozenset(g) for g in groups}


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], list[Edge], list[PairJudgement]]:
    n = draw(st.integers(min_value=1, max_value=9))
    nodes = [f"n{i}" for i in range(n)]
    pairs = list(itertools.combinations(nodes, 2))
    probabilities = st.sampled_from([0.1, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99])
    edges = [(a, b, draw(probabilities)) for a, b in pairs if draw(st.booleans())] if pairs else []
    judgements = []
    if pairs:
        for a, b in draw(st.lists(st.sampled_from(pairs), max_size=4)):
            judgements.append(PairJudgement(a, b, draw(st.booleans())))
    return nodes, edges, judgements


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_matches_brute_force_oracle(
    graph: tuple[list[str], list[Edge], list[PairJudgement]],
) -> None:
    nodes, edges, judgements = graph
    expected = _oracle(nodes, edges, judgements)
    if expected is None:
        with pytest.raises(JudgementConflict):
            cluster(nodes, edges, threshold=THRESHOLD, judgements=judgements)
        return
    found = cluster(nodes, edges, threshold=THRESHOLD, judgements=judgements)
    assert _partition(found) == expected
    last = {frozenset((j.left_id, j.right_id)): j.same for j in judgements}
    for pair, same in last.items():
        a, b = sorted(pair)
        assert (found[a] == found[b]) == same  # must-link holds, cannot-link never overridden


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_without_judgements_it_is_connected_components(
    graph: tuple[list[str], list[Edge], list[PairJudgement]],
) -> None:
    nodes, edges, _ = graph
    found = cluster(nodes, edges, threshold=THRESHOLD)
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for a, b, p in edges:
        if p >= THRESHOLD:
            neighbours[a].add(b)
            neighbours[b].add(a)
    for node in nodes:  # reachable <=> same cluster
        seen, todo = {node}, [node]
        while todo:
            for nxt in neighbours[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        assert {n for n in nodes if found[n] == found[node]} == seen


def test_cannot_link_splits_a_chain_at_its_weakest_link() -> None:
    edges = [("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.97)]
    found = cluster("abcd", edges, threshold=0.9, judgements=[PairJudgement("a", "d", False)])
    assert found == {"a": "a", "b": "a", "c": "c", "d": "c"}


def test_must_link_joins_below_threshold_and_a_later_judgement_undoes_it() -> None:
    same = PairJudgement("a", "b", True)
    assert cluster("ab", [], threshold=0.9, judgements=[same]) == {"a": "a", "b": "a"}
    undone = [same, PairJudgement("b", "a", False)]
    assert cluster("ab", [("a", "b", 0.99)], threshold=0.9, judgements=undone) == {
        "a": "a",
        "b": "b",
    }


def test_contradicting_judgements_are_refused() -> None:
    judgements = [
        PairJudgement("a", "b", True),
        PairJudgement("b", "c", True),
        PairJudgement("a", "c", False),
    ]
    with pytest.raises(JudgementConflict):
        cluster("abc", [], threshold=0.9, judgements=judgements)


BORN = {
    "a": PartialDate(1987, 12, 15),  # Павлов Володимир Валерієвич
    "c": PartialDate(2004, 10, 26),  # his namesake
    "d": PartialDate(1987, 12, 15),
    "e": PartialDate(1988, 12, 15),  # one digit of a's year: a slip, not another man
}  # "b" has no date


def test_a_record_without_a_date_does_not_join_namesakes_born_years_apart() -> None:
    edges = [("a", "b", 0.99), ("b", "c", 0.98)]
    assert _partition(cluster("abc", edges, threshold=0.9, born=BORN)) == {
        frozenset("ab"),
        frozenset("c"),
    }
    # without the dates, connected components
    assert _partition(cluster("abc", edges, threshold=0.9)) == {frozenset("abc")}


def test_dates_a_slip_apart_join_and_an_edge_between_far_dates_holds() -> None:
    slip = [("a", "b", 0.99), ("b", "e", 0.98), ("d", "a", 0.97)]
    assert _partition(cluster("abde", slip, threshold=0.9, born=BORN)) == {frozenset("abde")}
    # an edge between the two records themselves is evidence weighed already (a service
    # number, say, outweighing the dates); only a join through others is refused
    direct = [("a", "c", 0.95)]
    assert _partition(cluster("ac", direct, threshold=0.9, born=BORN)) == {frozenset("ac")}


def test_a_same_judgement_joins_whatever_the_dates() -> None:
    same = [PairJudgement("b", "c", True)]
    edges = [("a", "b", 0.99)]
    found = _partition(cluster("abc", edges, threshold=0.9, judgements=same, born=BORN))
    assert found == {frozenset("bc"), frozenset("a")}


def test_dates_years_apart_split_through_an_undated_record_and_a_year_off_does_not() -> None:
    born = {
        "x": PartialDate(1990, 1, 1),
        "z": PartialDate(1991, 12, 31),  # a year off: a slip
        "w": PartialDate(1992, 3, 4),  # two years, another day: another man
    }
    chain = [("x", "y", 0.99), ("y", "z", 0.98)]
    assert _partition(cluster("xyz", chain, threshold=0.9, born=born)) == {frozenset("xyz")}
    chain = [("x", "y", 0.99), ("y", "w", 0.98)]
    assert _partition(cluster("xyw", chain, threshold=0.9, born=born)) == {
        frozenset("xy"),
        frozenset("w"),
    }


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),  # the record's component
            st.one_of(
                st.none(),
                st.builds(
                    PartialDate,
                    st.integers(1984, 1992),
                    st.one_of(st.none(), st.just(5)),
                ),
                st.builds(
                    PartialDate, st.integers(1984, 1992), st.integers(1, 2), st.integers(1, 2)
                ),
            ),
        ),
        max_size=12,
    )
)
def test_the_components_holding_dates_far_apart_are_those_a_pair_of_dates_shows(
    nodes: list[tuple[int, PartialDate | None]],
) -> None:
    """Only components whose years span two or more are compared, and no other can hold
    dates far apart: the same components as comparing every two dates of each."""
    import numpy as np
    import pyarrow as pa

    from homecoming.linkage.clustering import (
        Births,
        _all_positions,
        _born_apart_components,
        far_apart,
    )

    labels = np.asarray([label for label, _ in nodes], dtype=np.int64)
    born = {str(i): date for i, (_, date) in enumerate(nodes) if date is not None}
    births = Births.of(born)
    ids = pa.array([str(i) for i in range(len(nodes))])
    found = _born_apart_components(labels, births, _all_positions([births.ids], ids)[0])
    expected = {
        label
        for label in set(labels.tolist())
        for x, y in itertools.combinations(
            [date for (other, date) in nodes if other == label and date is not None], 2
        )
        if far_apart(x, y)
    }
    assert found == expected


def _as_edges(edges: list[Edge]) -> object:
    import pyarrow as pa

    from homecoming.linkage.clustering import Edges

    return Edges(
        pa.array([e[0] for e in edges], pa.string()),
        pa.array([e[1] for e in edges], pa.string()),
        pa.array([e[2] for e in edges], pa.float64()),
    )


@settings(max_examples=200, deadline=None)
@given(
    graphs(),
    st.lists(
        st.one_of(
            st.none(),
            st.builds(PartialDate, st.integers(1984, 1990), st.integers(1, 2), st.integers(1, 2)),
        ),
        min_size=9,
        max_size=9,
    ),
)
def test_scored_pairs_as_columns_cluster_as_the_list_of_them_does(
    graph: tuple[list[str], list[Edge], list[PairJudgement]], dates: list[PartialDate | None]
) -> None:
    """`Edges` (arrow columns, as a run scores them) and the ids as an arrow array give the
    clusters a list of tuples gives, judgements and dates far apart included."""
    import pyarrow as pa

    from homecoming.linkage.clustering import Births, Edges

    nodes, edges, judgements = graph
    born = {n: d for n, d in zip(nodes, dates, strict=False) if d is not None}
    columns = _as_edges(edges)
    assert isinstance(columns, Edges)
    assert len(columns) == len(edges) and list(columns) == edges
    assert columns[len(edges) // 2 :] == edges[len(edges) // 2 :]
    assert columns.taken([i for i in range(len(edges)) if i % 2]) == edges[1::2]
    try:
        expected = cluster(nodes, edges, threshold=THRESHOLD, judgements=judgements, born=born)
    except JudgementConflict:
        with pytest.raises(JudgementConflict):
            cluster(pa.array(nodes), columns, threshold=THRESHOLD, judgements=judgements)
        return
    dated = list(born)
    births = Births.of_columns(  # as a records table's columns: the ids an arrow array
        pa.array(dated, pa.string()),
        *(
            pa.array([getattr(born[n], part) for n in dated], pa.int32())
            for part in ("year", "month", "day")
        ),
    )
    found = cluster(
        pa.array(nodes),
        _as_edges(edges),  # not iterated before: read as columns only
        threshold=THRESHOLD,
        judgements=judgements,
        born=births,
    )
    assert found == expected
    assert dict(births.items()) == born

"""How common each name is in a batch: the term frequencies the match model adjusts by.

A name's frequency is its family name's times its given name's, each counted over every input
row as if among at least TF_REFERENCE_RECORDS records (see match.model.term_frequency), the
given name's also read among the family name's other bearers (match.model.name_frequency): the
chance that a random other person bears both. It is handed to Splink as a lookup table keyed
by `name_pair` (family and given primary forms), so a run, its explanations and its waterfall
all read the same numbers.

It also counts how often two records of the batch share a place of birth or a unit
(`shared_counts`), from which the run raises those levels' u (match.model.SHARED_FIELDS).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from homecoming.match.levels import unit_kind
from homecoming.match.model import name_frequencies, shared_pairs

COLUMN = "name_pair"
TF_COLUMN = f"tf_{COLUMN}"
_REGISTERED = itertools.count()  # an engine refuses two tables of one name


def schema() -> Any:
    """The lookup table's arrow schema."""
    import pyarrow as pa

    return pa.schema([(COLUMN, pa.string()), (TF_COLUMN, pa.float64())])


def _counts(tables: Sequence[Any], column: str) -> Any:
    """The column's distinct values over the tables (nulls left out) and their records: an
    arrow struct array of `values` and `counts`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.chunked_array(
        [chunk for table in tables for chunk in table.column(column).chunks], type=pa.string()
    )
    return pc.value_counts(values.drop_null())


def _count_of(values: Any, counts: Any) -> Any:
    """Each of `values`' records in `counts` (`_counts`), 1 for a value not there (numpy)."""
    import pyarrow.compute as pc

    at = pc.index_in(values, value_set=counts.field("values"))
    return pc.fill_null(pc.take(counts.field("counts"), at), 1).to_numpy()


def lookup(tables: Sequence[Any], records: int | None = None) -> Any:
    """Arrow table (name_pair, tf_name_pair) over the feature tables, sorted by name pair;
    each pair's frequency `match.model.name_frequencies` gives, for all pairs at once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = records if records is not None else sum(int(t.num_rows) for t in tables)
    counted = _counts(tables, COLUMN)
    counted = counted.take(pc.sort_indices(counted.field("values")))
    pairs = counted.field("values")
    # A pair is "family|given": the family name up to its first bar, the given name after it.
    names = pc.extract_regex(pairs, r"^(?P<family>[^|]*)\|?(?P<given>.*)$")
    frequencies = name_frequencies(
        _count_of(names.field("family"), _counts(tables, "family_primary")),
        _count_of(names.field("given"), _counts(tables, "given_primary")),
        total,
        counted.field("counts").to_numpy(),
        len(tables),
    )
    return pa.table({COLUMN: pairs, TF_COLUMN: frequencies}, schema=schema())


def register(linker: Any, engine: Any, table: Any) -> None:
    """Give the linker this lookup instead of counting its own input."""
    frame = engine.register(table, f"homecoming_tf_{COLUMN}_{next(_REGISTERED)}")
    linker.table_management.register_term_frequency_lookup(frame, COLUMN)


def _place_keys(table: Any) -> Any:
    """One key per record with a place of birth: the least hash of its place's forms (two
    spellings of one place may get two keys: the rate is then counted low, never high)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    forms = table.column("place_forms").combine_chunks()
    flat = pc.list_flatten(forms)
    parents = pc.list_parent_indices(forms)
    least = pa.table({"row": parents, "form": flat}).group_by("row").aggregate([("form", "min")])
    return least.column("form_min")


def _unit_keys(table: Any) -> Any:
    return table.column("unit_number").drop_null()


def _key_counts(keys: Any) -> dict[Any, int]:
    """Records per value of an arrow array (nulls left out by the caller)."""
    import pyarrow.compute as pc

    counted = pc.value_counts(keys)
    return dict(
        zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
    )


def _kind(key: Any) -> bool:
    """Places are all of one kind; units of two (`match.levels.unit_kind`)."""
    return isinstance(key, str) and unit_kind(key)


_SHARED_KEYS = {"place_of_birth": _place_keys, "unit": _unit_keys}


def shared_counts(tables: Sequence[Any]) -> dict[str, tuple[int, int]]:
    """For each of match.model.SHARED_FIELDS: how many pairs of records (one from each table,
    or two of one table) agree on it, and how many could be compared (both sides known, of one
    kind), counted as the comparisons decide (`match.levels.place_level`, `unit_level`)."""
    found = {}
    for field, keys_of in _SHARED_KEYS.items():
        counts = [_key_counts(keys_of(table)) for table in tables]
        right = counts[1] if len(counts) == 2 else None
        found[field] = shared_pairs(counts[0], right, _kind)
    return found

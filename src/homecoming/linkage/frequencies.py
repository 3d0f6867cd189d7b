"""How common each family name is in a batch: the term frequencies the match model adjusts by.

Counted over every input row, as if among at least TF_REFERENCE_RECORDS records (see
match.model.term_frequency), and handed to Splink as a lookup table, so a run, its
explanations and its waterfall all read the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from homecoming.match.model import term_frequency

COLUMN = "family_primary"
_REGISTERED = itertools.count()  # an engine refuses two tables of one name


def lookup(tables: Sequence[Any], records: int | None = None) -> Any:
    """Arrow table (family_primary, tf_family_primary) over the feature tables."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.chunked_array(
        [chunk for table in tables for chunk in table.column(COLUMN).chunks], type=pa.string()
    )
    counts = pc.value_counts(values.drop_null())
    total = records if records is not None else sum(int(t.num_rows) for t in tables)
    frequencies = [term_frequency(int(c), total) for c in counts.field("counts").to_pylist()]
    return pa.table(
        {COLUMN: counts.field("values").to_pylist(), f"tf_{COLUMN}": frequencies},
        schema=pa.schema([(COLUMN, pa.string()), (f"tf_{COLUMN}", pa.float64())]),
    )


def register(linker: Any, engine: Any, table: Any) -> None:
    """Give the linker this lookup instead of counting its own input."""
    frame = engine.register(table, f"homecoming_tf_{COLUMN}_{next(_REGISTERED)}")
    linker.table_management.register_term_frequency_lookup(frame, COLUMN)

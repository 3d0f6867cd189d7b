"""Blocking: which pairs Splink scores at all. Each rule is one key column, so it can be measured.

A common surname alone makes blocks too big at a million records; every key here combines two
things (two name parts, a name part and the birth year or date) or is an identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class BlockingKey:
    """A feature column whose equal values make a candidate pair; arrays are exploded."""

    column: str
    description: str
    array: bool = True

    def rule(self) -> Any:
        """The Splink blocking rule for this key."""
        from splink import block_on

        if self.array:
            return block_on(self.column, arrays_to_explode=[self.column])
        return block_on(self.column)


# Keys held by many records are split by birth year before Splink sees them
# (features.narrow_common_keys): the name-part blocks are what grows with the data.
NAMES = BlockingKey("bk_names", "two name parts agree (any order, standard or form)")
NAME_DOB = BlockingKey("bk_name_dob", "one name part and the full date of birth agree")
NAME_YEAR = BlockingKey("bk_name_year", "one name part and the birth year agree")
SERVICE_NUMBER = BlockingKey("service_number", "service number agrees", array=False)
FAMILY = BlockingKey("bk_family", "the family name agrees (any standard or form)")
GIVEN_PATRONYMIC = BlockingKey(
    "bk_given_patronymic", "the given name and the patronymic agree (any standard or form)"
)

# Name part + birth year finds ~1% more true pairs at 100,000 records for ten times the
# candidates, and its blocks grow with the square of the data: measured, and left out.
PREDICTION_KEYS: tuple[BlockingKey, ...] = (NAMES, NAME_DOB, SERVICE_NUMBER)
ALL_KEYS: tuple[BlockingKey, ...] = (NAMES, NAME_DOB, SERVICE_NUMBER, NAME_YEAR)
# Linking a list to a registry, the list is small: name part + birth year, the family name alone,
# the given name with the patronymic or with the family name's first letters cost little there
# and find what a second name part or a full date would miss (a given name in another form or a
# diminutive, a date typed with its year only, no date at all, a family name mistyped in a list
# without dates).
GIVEN_FAMILY_START = BlockingKey(
    "bk_given_family_start", "the given name and the family name's first three letters agree"
)
GIVEN_FAMILY_END = BlockingKey(
    "bk_given_family_end", "the given name and the family name's last four letters agree"
)
LINK_KEYS: tuple[BlockingKey, ...] = (
    *ALL_KEYS,
    FAMILY,
    GIVEN_PATRONYMIC,
    GIVEN_FAMILY_START,
    GIVEN_FAMILY_END,
)
# Deduplicating a list this small (a bureau's list of a few dozen or a few hundred names), the
# link keys cost little too, and without them a mistyped family name in a file without dates
# (Koshcchenko Hennadii beside Кощенко Геннадій) is never compared. A registry deduplicated by
# `persons link` is far larger and keeps the prediction keys.
SMALL_BATCH = 2_000


def keys_for(link_type: str, sizes: list[int]) -> tuple[BlockingKey, ...]:
    """The blocking keys of a run: the link keys across two files or within a small one."""
    if link_type == "link_only" or sum(sizes) <= SMALL_BATCH:
        return LINK_KEYS
    return PREDICTION_KEYS


# EM needs plain (not exploding) rules; each leaves the comparisons it does not use free to learn.
TRAINING_COLUMNS: tuple[tuple[str, ...], ...] = (("dob_iso",), ("name_key",))


@dataclass(frozen=True, slots=True)
class BlockingMeasure:
    """How one key does on data with known truth: the pairs it proposes, and the true ones found."""

    column: str
    candidates: int
    true_pairs_found: int
    true_pairs: int
    new_true_pairs: int  # found by this key and by none before it

    @property
    def recall(self) -> float:
        return self.true_pairs_found / self.true_pairs if self.true_pairs else 1.0


def _pairs_sql(key: BlockingKey, table: str, sides: bool = False) -> str:
    if key.array:
        exploded = f"select unique_id as id, unnest({key.column}) as k from {table}"
    else:
        exploded = (
            f"select unique_id as id, {key.column} as k from {table} where {key.column} is not null"
        )
    across = (
        " join truth_in ta on ta.id = a.id join truth_in tb on tb.id = b.id"
        " where ta.side <> tb.side"
        if sides
        else ""
    )
    return (
        f"with e as ({exploded}) select distinct a.id as l, b.id as r "
        f"from e a join e b on a.k = b.k and a.id < b.id{across}"
    )


def measure_blocking(
    features: Any, truth: Any, keys: tuple[BlockingKey, ...] = PREDICTION_KEYS
) -> list[BlockingMeasure]:
    """Candidates and recall per key; `features`, `truth` (id, truth_id) are arrow tables.

    With a `side` column in `truth` (a list and a registry, as `link` compares them), only
    pairs across the sides count, as candidates and as true pairs.
    """
    import duckdb

    sides = "side" in truth.column_names
    con = duckdb.connect()
    con.register("features_in", features)
    con.register("truth_in", truth)
    con.execute(
        "create table true_pairs as select a.id as l, b.id as r from truth_in a join truth_in b "
        "on a.truth_id = b.truth_id and a.id < b.id" + (" and a.side <> b.side" if sides else "")
    )
    (true_total,) = con.execute("select count(*) from true_pairs").fetchone() or (0,)
    con.execute("create table found (l varchar, r varchar)")
    measures = []
    for key in keys:
        con.execute(f"create or replace table pairs as {_pairs_sql(key, 'features_in', sides)}")
        (candidates,) = con.execute("select count(*) from pairs").fetchone() or (0,)
        (hits,) = con.execute(
            "select count(*) from pairs join true_pairs using (l, r)"
        ).fetchone() or (0,)
        (new,) = con.execute(
            "select count(*) from (select l, r from pairs join true_pairs using (l, r) "
            "except select l, r from found)"
        ).fetchone() or (0,)
        con.execute("insert into found select l, r from pairs join true_pairs using (l, r)")
        measures.append(BlockingMeasure(key.column, candidates, hits, true_total, new))
    con.close()
    return measures

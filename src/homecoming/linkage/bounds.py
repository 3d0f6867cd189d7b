"""Candidate pairs that cannot reach a run's floor, whatever their names: never compared.

Grading two names is what a candidate pair costs (Python, `linkage.name_grading`); the other
comparisons are SQL. A pair's match weight is the prior's weight plus one part per comparison;
each part is the weight (with its term-frequency adjustment) of one of that comparison's
levels. For each comparison this module writes SQL for the most its part can be for a pair:

- the names and the patronymic: the largest of their levels' weights (and 0, a side without
  a name), whatever the names turn out to be, with the pair's own name frequency;
- the date of birth and the service number, whose levels also read whether the names agree or
  are two letters apart: the largest weight of a level whose condition on the dates (numbers)
  holds, whatever the names say;
- sex, unit and place of birth: their own level, as Splink decides it.

Each part of the sum is at most its bound, so a pair whose bounds add up to less than the
floor's weight has a match weight under the floor, and `predict(threshold=floor)` leaves it out
whatever its names' levels are. Such pairs are dropped at blocking (`guarded_rules`): the
scored pairs, their probabilities and everything after are the same; only the names of pairs
that could reach the floor are graded. A margin of MARGIN bits covers the order in which
floating-point sums are added (the margin `match.bounds` keeps for tracing's pairs, in Python).

The bound is written for the comparisons as they are (`FINGERPRINT`, over every level's
label and SQL): a model whose comparisons differ (saved by other code, say) is not pruned.
tests/linkage/test_bounds.py checks the bound against Splink's own weight on every candidate
pair of generated records, and that pruning is on for the shipped comparisons.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from homecoming.linkage.blocking import BlockingKey
from homecoming.linkage.comparisons import date_parts
from homecoming.match.bounds import MARGIN
from homecoming.match.levels import DOB_LEVELS, SERVICE_LEVELS

# A record's name frequency (frequencies.TF_COLUMN of its name_pair), for blocking to read.
FREQUENCY_COLUMN = "name_frequency"
# sha256 of the comparisons the bound is written for (`fingerprint` of a LinkageModel's
# `linker._settings_obj` on the shipped model). When a comparison's levels or SQL change,
# pruning stops (tests/linkage/test_bounds.py fails): check each bound below against the new
# levels, then set this to the new fingerprint.
FINGERPRINT = "9ac7c962e57c6121ed4c8a2530670c249a21fcb80a4c8d02e942cf97ee6f18d5"
_SIDE = re.compile(r"\b([a-z][a-z_]*?)_([lr])\b")


def fingerprint(settings: Any) -> str:
    """What the bound depends on in a Splink settings object: each comparison's name and each
    level's label, SQL, null flag and term-frequency flag."""
    described = [
        [
            comparison.output_column_name,
            [
                [
                    level.label_for_charts,
                    level.sql_condition,
                    bool(level.is_null_level),
                    bool(level._has_tf_adjustments),
                ]
                for level in comparison.comparison_levels
            ],
        ]
        for comparison in settings.comparisons
    ]
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()


def sided(sql: str) -> str:
    """Comparison SQL (column_l, column_r) as blocking SQL (l."column", r."column")."""
    return _SIDE.sub(lambda m: f'{m.group(2)}."{m.group(1)}"', sql)


def _num(value: float) -> str:
    return f"cast({value!r} as double)"


def _tf_weight(
    level: Any, levels: list[Any], frequencies: tuple[str, str] | None = None
) -> str | None:
    """SQL for a level's weight with Splink's term-frequency adjustment (None: no adjustment),
    the two records' name frequencies read from `frequencies` (default: blocking's columns)."""
    if (
        level.comparison_vector_value == -1
        or not level._has_tf_adjustments
        or level._tf_adjustment_weight == 0
        or level._is_else_level
    ):
        return None
    left, right = frequencies or (f'l."{FREQUENCY_COLUMN}"', f'r."{FREQUENCY_COLUMN}"')
    log2_u = math.log2(level._u_probability_corresponding_to_exact_match(levels))
    frequency = (
        f"greatest(coalesce({left}, {right}), coalesce({right}, {left}),"
        f" {_num(level._tf_minimum_u_value)})"
    )
    return (
        f"(case when coalesce({left}, {right}) is null then {_num(level._match_weight)}"
        f" else {_num(level._match_weight)} + {_num(level._tf_adjustment_weight)}"
        f" * ({_num(log2_u)} - log2({frequency})) end)"
    )


def _any_level(comparison: Any) -> str:
    """The most any level of a comparison can weigh (names: with the pair's frequency)."""
    levels = list(comparison.comparison_levels)
    constant = max(0.0, *(level._match_weight for level in levels))
    adjusted = [sql for level in levels if (sql := _tf_weight(level, levels)) is not None]
    return f"greatest({', '.join([_num(constant), *adjusted])})" if adjusted else _num(constant)


def _own_level(comparison: Any) -> str:
    """A comparison that reads nothing of the names: its level's weight, as Splink decides."""
    branches = []
    for level in comparison.comparison_levels:
        weight = _num(0.0 if level.is_null_level else level._match_weight)
        if level._is_else_level:
            branches.append(f"else {weight}")
        else:
            branches.append(f"when {sided(level.sql_condition)} then {weight}")
    return f"(case {' '.join(branches)} end)"


def _weights(comparison: Any) -> list[float]:
    """Weights of the levels after the null level, in the order of their labels."""
    return [level._match_weight for level in comparison.comparison_levels[1:]]


def _date_of_birth(comparison: Any) -> str:
    w = _weights(comparison)
    parts = {name: f"({sided(sql)})" for name, sql in date_parts().items()}
    year, month = 'l."dob_year" = r."dob_year"', 'l."dob_month" = r."dob_month"'
    unknown_month = 'l."dob_month" is null or r."dob_month" is null'
    possible = [  # each level's condition on the dates alone (DOB_LEVELS' order)
        f"{year} and {parts['same_day_month']}",
        parts["transposed"],
        f"{parts['one_digit_off']} or {parts['year_slip']}",
        f"{year} and {month}",
        f"{year} and ({unknown_month})",
        year,
        parts["year_off"],
        f"{parts['transposed']} or {parts['one_digit_off']} or {parts['year_off']}",
    ]
    # DOB_LEVELS: the levels above, "no date, and a name apart", "different" (else).
    cases = [
        f"case when {sql} then {_num(weight)} end"
        for sql, weight in zip(possible, w[: len(DOB_LEVELS) - 2], strict=True)
    ]
    undated = max(0.0, w[len(possible)])  # missing (0) or "no date, and a name apart"
    return (
        f"(case when {parts['undated']} then {_num(undated)}"
        f" else greatest({_num(w[-1])}, {', '.join(cases)}) end)"
    )


def _service_number(comparison: Any) -> str:
    # SERVICE_LEVELS: agrees, one edit apart, agrees in conflict, differs (else).
    same, one_edit, conflict, differs = _weights(comparison)[: len(SERVICE_LEVELS)]
    left, right = 'l."service_number"', 'r."service_number"'
    return (
        f"(case when {left} is null or {right} is null then {_num(0.0)}"
        f" else greatest({_num(differs)},"
        f" case when {left} = {right} then {_num(max(same, conflict))} end,"
        f" case when levenshtein({left}, {right}) <= 1 then {_num(max(one_edit, conflict))} end)"
        " end)"
    )


_BOUNDS = {
    "name": _any_level,
    "patronymic": _any_level,
    "date_of_birth": _date_of_birth,
    "sex": _own_level,
    "service_number": _service_number,
    "unit": _own_level,
    "place_of_birth": _own_level,
}


# The comparisons whose levels read the names (graded in Python); the rest are SQL's own.
NAMES = ("name", "patronymic")


@dataclass(frozen=True)
class Bound:
    """A run's bound on its pairs' match weight (blocking SQL over `l` and `r`): the most the
    names' comparisons may weigh whatever the names, the most the others may, and what the two
    must reach for a pair to reach the floor (prior and MARGIN taken off)."""

    names: str
    rest: str
    need: float
    # The names' comparisons (Splink's), for the weight of a level once it is known.
    comparisons: tuple[tuple[str, Any], ...]

    def condition(self) -> str:
        """SQL true for every pair that may reach the floor."""
        return f"({self.names}) + ({self.rest}) >= {_num(self.need)}"

    def graded(self, level: Mapping[str, str], rest: str, frequencies: tuple[str, str]) -> str:
        """SQL true for a pair that may reach the floor with its names' levels known
        (`graded_weight`)."""
        return f"{self.graded_weight(level, rest, frequencies)} >= {_num(self.need)}"

    def graded_weight(
        self, level: Mapping[str, str], rest: str, frequencies: tuple[str, str]
    ) -> str:
        """SQL: the most a pair may weigh (without the prior) with its names' levels known:
        `level` (a names' comparison -> its level's column), `rest` (the column of the other
        comparisons' most) and the two records' name frequencies (their columns). The names'
        comparisons weigh what Splink gives their levels; the others are at most `rest`."""
        weights = [
            _level_weight(comparison, level[name], frequencies)
            for name, comparison in self.comparisons
        ]
        return f"({rest} + {' + '.join(weights)})"


def bound(settings: Any, floor: float) -> Bound | None:
    """The bound of a model's pairs at `floor` (None: no bound for this model)."""
    from splink.internals.misc import prob_to_match_weight

    if fingerprint(settings) != FINGERPRINT:
        return None
    comparisons = list(settings.comparisons)
    if sorted(c.output_column_name for c in comparisons) != sorted(_BOUNDS):
        return None
    for comparison in comparisons:
        for level in comparison.comparison_levels:
            if level._match_weight is None:
                return None
    chance = settings._probability_two_random_records_match
    if not (0.0 < floor < 1.0 and 0.0 < chance < 1.0):
        return None  # every pair reaches a floor of 0; none but a certain one a floor of 1
    need = prob_to_match_weight(floor) - prob_to_match_weight(chance) - MARGIN
    parts = {c.output_column_name: _BOUNDS[c.output_column_name](c) for c in comparisons}
    named = {c.output_column_name: c for c in comparisons if c.output_column_name in NAMES}
    return Bound(
        names=" + ".join(parts[name] for name in NAMES),
        rest=" + ".join(sql for name, sql in parts.items() if name not in NAMES),
        need=need,
        comparisons=tuple((name, named[name]) for name in NAMES),
    )


def guard(settings: Any, floor: float) -> str | None:
    """Blocking SQL true for every pair that may reach `floor` (None: no bound for this model)."""
    found = bound(settings, floor)
    return found.condition() if found is not None else None


def _level_weight(comparison: Any, column: str, frequencies: tuple[str, str]) -> str:
    """SQL: the weight of the comparison's level in `column`, with the pair's term-frequency
    adjustment where the level has one (0: the null level, a side without the name)."""
    levels = list(comparison.comparison_levels)
    branches = [
        f"when {level.comparison_vector_value} then"
        f" {_tf_weight(level, levels, frequencies) or _num(level._match_weight)}"
        for level in levels
        if not level.is_null_level
    ]
    return f"(case {column} {' '.join(branches)} else {_num(0.0)} end)"


def bound_sql(settings: Any) -> str | None:
    """SQL for a pair's most possible match weight without the prior (for tests)."""
    if fingerprint(settings) != FINGERPRINT:
        return None
    return " + ".join(_BOUNDS[c.output_column_name](c) for c in settings.comparisons)


# The candidate pairs' own columns beside Splink's (`candidate_pairs_sql`): the most the
# comparisons other than the names' may weigh, and the two records' name frequencies.
REST, FREQUENCIES = "bound_rest", (f"{FREQUENCY_COLUMN}_l", f"{FREQUENCY_COLUMN}_r")


def candidate_pairs_sql(
    keys: Sequence[BlockingKey], table: str, bound: Bound, columns: Mapping[str, str]
) -> str:
    """SQL for the candidate pairs of a deduplicated table that may reach the floor, as
    Splink's blocked pairs (`match_key`, `join_key_l`, `join_key_r`): the pairs that
    `guarded_rules` makes Splink find with `bound.condition()`, each found once and its bound
    tested once. Each pair also carries REST and FREQUENCIES (for `Bound.graded` once its names
    are graded) and `columns` (name -> SQL over `l` and `r`), which Splink does not read.

    Splink joins each exploded key and tests a rule's condition on every key match before
    `distinct` (a pair that shares several name keys is tested once for each); here the keys'
    matches are joined narrow (ids only), made distinct across all keys (a pair's `match_key`
    is its first key's, as Splink's `min(match_key)`), and only then joined to the records
    and tested against the bound.
    """
    matches = []
    for number, key in enumerate(keys):
        if key.array:
            exploded = f'select unique_id as id, unnest("{key.column}") as k from {table}'
        else:
            exploded = (
                f'select unique_id as id, "{key.column}" as k from {table}'
                f' where "{key.column}" is not null'
            )
        matches.append(
            f"select a.id as l, b.id as r, {number} as key_number"
            f" from ({exploded}) as a join ({exploded}) as b on a.k = b.k and a.id < b.id"
        )
    union = " union all ".join(matches)
    carried = {
        REST: bound.rest,
        FREQUENCIES[0]: f'l."{FREQUENCY_COLUMN}"',
        FREQUENCIES[1]: f'r."{FREQUENCY_COLUMN}"',
        **columns,
    }
    return (
        "select cast(p.key_number as varchar) as match_key,"
        " p.l as join_key_l, p.r as join_key_r, "
        + ", ".join(f"{sql} as {name}" for name, sql in carried.items())
        + f" from (select l, r, min(key_number) as key_number from ({union}) group by l, r) as p"
        f" join {table} as l on l.unique_id = p.l join {table} as r on r.unique_id = p.r"
        f" where {bound.condition()}"
    )


def guarded_rules(rules: list[dict[str, Any]], condition: str) -> list[dict[str, Any]]:
    """Blocking rules (a saved model's dicts) that also require `condition`."""
    return [
        rule | {"blocking_rule": f"({rule['blocking_rule']}) and ({condition})"} for rule in rules
    ]

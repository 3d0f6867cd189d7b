"""Splink comparisons over the names engine's precomputed columns, partial dates and identifiers.

Each level's condition is written once as a function of the SQL dialect, so one settings
object runs on DuckDB and on Spark: only the spelling of "these arrays share an element" and
"edit distance" differ between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Condition = Callable[[str], str]  # dialect name ("duckdb", "spark") -> SQL


def overlap(left: str, right: str | None = None) -> Condition:
    """The arrays share at least one element (left_l against right_r)."""
    a, b = f"{left}_l", f"{right or left}_r"

    def sql(dialect: str) -> str:
        return f"arrays_overlap({a}, {b})" if dialect == "spark" else f"list_has_any({a}, {b})"

    return sql


def close_forms(column: str) -> Condition:
    """One edit apart, or two for forms of six letters or more (dropped, doubled, swapped)."""
    distance = f"levenshtein({column}_l, {column}_r)"
    text = f"({distance} <= 1 or ({distance} <= 2 and length({column}_l) >= 6))"
    return lambda dialect: text


def plain(text: str) -> Condition:
    """SQL that both dialects spell the same."""
    return lambda dialect: text


def both(*conditions: Condition) -> Condition:
    return lambda dialect: "(" + " and ".join(c(dialect) for c in conditions) + ")"


def either(*conditions: Condition) -> Condition:
    return lambda dialect: "(" + " or ".join(c(dialect) for c in conditions) + ")"


def _level_class() -> type:
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class DialectLevel(ComparisonLevelCreator):
        """A comparison level whose SQL is rendered for the engine's dialect."""

        def __init__(self, condition: Condition, label: str) -> None:
            self.condition = condition
            self.label = label

        def create_sql(self, sql_dialect: Any) -> str:
            return self.condition(str(sql_dialect.sql_dialect_str))

        def create_label_for_charts(self) -> str:
            return self.label

    return DialectLevel


def level(condition: Condition, label: str, **configure: Any) -> Any:
    """A Splink comparison level (configured, e.g. is_null_level=True)."""
    created = _level_class()(condition, label)
    return created.configure(**configure) if configure else created


def _null(condition: Condition) -> Any:
    return level(condition, "missing", is_null_level=True)


def _else() -> Any:
    import splink.comparison_level_library as cll

    return cll.ElseLevel()


def _comparison(name: str, levels: list[Any]) -> Any:
    import splink.comparison_library as cl

    return cl.CustomComparison(comparison_levels=levels, output_column_name=name)


def name_comparison() -> Any:
    """Family and given name together: they are not independent, and their order may be swapped."""
    family, given = overlap("family_forms"), overlap("given_forms")
    crossed = (overlap("family_forms", "given_forms"), overlap("given_forms", "family_forms"))
    variant = either(given, overlap("given_groups"))
    return _comparison(
        "name",
        [
            _null(
                plain(
                    "(family_forms_l is null and given_forms_l is null)"
                    " or (family_forms_r is null and given_forms_r is null)"
                )
            ),
            level(
                both(family, given, plain("family_rare_l")), "family and given agree, rare family"
            ),
            level(both(family, given), "family and given name agree"),
            level(both(*crossed), "family and given name agree, order swapped"),
            level(both(family, variant), "family agrees, given name a variant"),
            level(both(family, close_forms("given_primary")), "family agrees, given a typo"),
            level(both(close_forms("family_primary"), variant), "given agrees, family a typo"),
            level(either(family, *crossed), "one name part agrees"),
            level(variant, "given name agrees only"),
            _else(),
        ],
    )


def patronymic_comparison() -> Any:
    """Patronymics: same in any standard or form, or not."""
    return _comparison(
        "patronymic",
        [
            _null(plain("patronymic_forms_l is null or patronymic_forms_r is null")),
            level(overlap("patronymic_forms"), "patronymic agrees"),
            _else(),
        ],
    )


def date_of_birth_comparison() -> Any:
    """Partial dates: exact, same year and month, day/month transposed, same year, ±1 year."""
    y, m, d = "dob_year", "dob_month", "dob_day"
    return _comparison(
        "date_of_birth",
        [
            _null(plain(f"{y}_l is null or {y}_r is null")),
            level(plain(f"{y}_l = {y}_r and {m}_l = {m}_r and {d}_l = {d}_r"), "exact"),
            level(plain(f"{y}_l = {y}_r and {m}_l = {m}_r"), "same year and month"),
            level(
                plain(f"{y}_l = {y}_r and {m}_l = {d}_r and {d}_l = {m}_r"),
                "day and month transposed",
            ),
            level(
                plain(f"{y}_l = {y}_r and ({m}_l is null or {m}_r is null)"),
                "same year, month unknown",
            ),
            level(plain(f"{y}_l = {y}_r"), "same year, month differs"),
            level(plain(f"abs({y}_l - {y}_r) = 1"), "year off by one"),
            _else(),
        ],
    )


def exact_comparison(column: str, label: str, *, typo: bool = False) -> Any:
    """Agree exactly (or one edit apart, with `typo`), disagree, or missing."""
    levels = [_null(plain(f"{column}_l is null or {column}_r is null"))]
    levels.append(level(plain(f"{column}_l = {column}_r"), f"{label} agrees"))
    if typo:
        levels.append(
            level(plain(f"levenshtein({column}_l, {column}_r) <= 1"), f"{label} one edit apart")
        )
    levels.append(_else())
    return _comparison(label, levels)


def place_comparison() -> Any:
    """Place of birth in any script."""
    return _comparison(
        "place_of_birth",
        [
            _null(plain("place_forms_l is null or place_forms_r is null")),
            level(overlap("place_forms"), "place of birth agrees"),
            _else(),
        ],
    )


def comparisons() -> list[Any]:
    """Every comparison of the Homecoming model, in explanation order."""
    return [
        name_comparison(),
        patronymic_comparison(),
        date_of_birth_comparison(),
        exact_comparison("sex", "sex"),
        exact_comparison("service_number", "service_number", typo=True),
        exact_comparison("unit_number", "unit"),
        place_comparison(),
    ]

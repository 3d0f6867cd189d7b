"""Splink comparisons over the names engine's precomputed columns, partial dates and identifiers.

Each level's condition is written once as a function of the SQL dialect, so one settings
object runs on DuckDB and on Spark: only the spelling of "these arrays share an element" and
"edit distance" differ between them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from homecoming.match.levels import (
    DOB_LEVELS,
    NAME_LEVELS,
    NAMES_APART,
    NAMES_DISAGREE,
    NULL,
    PATRONYMIC_DIFFERS,
    PATRONYMIC_LEVELS,
    PLACE_LEVELS,
    SERVICE_LEVELS,
    SEX_LEVELS,
    UNIT_CODE,
    UNIT_LEVELS,
    vector_value,
)
from homecoming.match.model import TF_MINIMUM

if TYPE_CHECKING:
    from homecoming.match.model import ComparisonWeights, MatchModel

Condition = Callable[[str], str]  # dialect name ("duckdb", "spark") -> SQL


def overlap(left: str, right: str | None = None) -> Condition:
    """The arrays share at least one element (left_l against right_r)."""
    a, b = f"{left}_l", f"{right or left}_r"

    def sql(dialect: str) -> str:
        return f"arrays_overlap({a}, {b})" if dialect == "spark" else f"list_has_any({a}, {b})"

    return sql


def plain(text: str) -> Condition:
    """SQL that both dialects spell the same."""
    return lambda dialect: text


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


def _comparison(name: str, levels: list[Any]) -> Any:
    import splink.comparison_library as cl

    return cl.CustomComparison(comparison_levels=levels, output_column_name=name)


NAME_UDF = "homecoming_name_level"
PATRONYMIC_UDF = "homecoming_patronymic_level"
AGREE_UDF = "homecoming_names_agree"
# The patronymic level of two names of linkage.name_grading's shape, without grading the rest.
PATRONYMIC_ALONE_UDF = "homecoming_patronymic_alone"
PATRONYMIC_ALONE = -1  # `PairGrader.arrow_batch`'s column for it
_NAMES = "name_text_l, name_text_r"
# Where a condition reads a names' level; `graded` writes the call for the dialect.
_NAME, _PATRONYMIC, _AGREE_LEVEL = "@name@", "@patronymic@", "@agree@"


def _has(left: str, right: str) -> str:
    return f"list_has_any({left}_l, {right}_r)"


def lists_meet(left: str, right: str) -> str:
    """`_has` for two lists that are not NULL (a list may be empty), as DuckDB computes it
    several times faster than `list_has_any`: for SQL of our own, not the model's comparisons
    (whose spelling `explain.model_for_dialect` turns into Spark's)."""
    return (
        f"coalesce(list_bool_or(list_transform({left}_l,"
        f" lambda x: list_contains({right}_r, x))), false)"
    )


def same_names_sql(has: Callable[[str, str], str] = _has) -> str:
    """SQL: both names are two words each way the same or a transliteration, and no other
    pair of words meets at 1.0 (linkage.name_grading's shortcut: name level 7, names agree);
    `has` spells "these lists share an element" (read only where the names' columns are not
    NULL)."""
    meets = {
        (i, j): has(f"grade_{i}", f"grade_{j}")
        for i in ("first", "second")
        for j in ("first", "second")
    }
    spelled = {
        (i, j): has(f"spell_{i}", f"spell_{j}")
        for i in ("first", "second")
        for j in ("first", "second")
    }
    straight, crossed = (
        (("first", "first"), ("second", "second")),
        (
            ("first", "second"),
            ("second", "first"),
        ),
    )

    def only(matched: tuple[tuple[str, str], ...], other: tuple[tuple[str, str], ...]) -> str:
        found = [meets[p] for p in matched]
        found += [f"not {meets[p]}" for p in other] + [f"not {spelled[p]}" for p in other]
        return " and ".join(found)

    return f"({_SHAPED} and (({only(straight, crossed)}) or ({only(crossed, straight)})))"


def patronymics_decided_sql(has: Callable[[str, str], str] = _has) -> tuple[str, str]:
    """SQL: a side without a patronymic; both patronymics the same word or a transliteration
    (for names of linkage.name_grading's shape; the second read where the first is false)."""
    absent = "(grade_patronymic_l is null or grade_patronymic_r is null)"
    return (
        f"{_SHAPED} and {absent}",
        f"{_SHAPED} and {has('grade_patronymic', 'grade_patronymic')}",
    )


_SHAPED = "grade_first_l is not null and grade_first_r is not null"


def _calls(dialect: str) -> dict[str, str]:
    """The names' level functions called from SQL; on DuckDB, pairs whose names the feature
    columns decide (`linkage.name_grading`) do not call Python."""
    name, patronymic, agree = (f"{udf}({_NAMES})" for udf in (NAME_UDF, PATRONYMIC_UDF, AGREE_UDF))
    if dialect == "spark":
        return {_NAME: name, _PATRONYMIC: patronymic, _AGREE_LEVEL: agree}
    same = same_names_sql()
    absent, agreeing = patronymics_decided_sql()
    return {
        _NAME: f"(case when {same} then {vector_value(NAME_LEVELS, 0)} else {name} end)",
        _PATRONYMIC: (
            f"(case when {absent} then {NULL}"
            f" when {agreeing} then {vector_value(PATRONYMIC_LEVELS, 0)}"
            f" when {_SHAPED} then {PATRONYMIC_ALONE_UDF}({_NAMES}) else {patronymic} end)"
        ),
        _AGREE_LEVEL: f"(case when {same} then 1 else {agree} end)",
    }


# Where a DuckDB run's scoring reads the names' levels of pairs graded ahead
# (`linkage.pregrading`): each function's column of the graded pairs joined to the pairs
# scored (`LinkageModel._predict_graded`), the function itself called for a pair not graded so.
GRADED_COLUMNS = {
    NAME_UDF: "homecoming_graded_name",
    PATRONYMIC_UDF: "homecoming_graded_patronymic",
    AGREE_UDF: "homecoming_graded_agree",
    PATRONYMIC_ALONE_UDF: "homecoming_graded_patronymic",
}


def reading_graded(sql: str) -> str:
    """Scoring SQL whose calls of the names' level functions first read GRADED_COLUMNS."""
    for udf, column in GRADED_COLUMNS.items():
        call = f"{udf}({_NAMES})"
        sql = sql.replace(call, f"coalesce({column}, {call})")
    return sql


def graded(text: str) -> Condition:
    """A condition that reads the names' levels (@name@, @patronymic@, @agree@)."""

    def sql(dialect: str) -> str:
        found = text
        for marker, call in _calls(dialect).items():
            found = found.replace(marker, call)
        return found

    return sql


def _graded(
    name: str,
    labels: tuple[str, ...],
    conditions: list[Condition],
    null: Condition,
    weights: ComparisonWeights | None,
) -> Any:
    """A comparison whose levels are `labels` (strongest first, the last "else")."""
    levels = [_null(null)]
    for index, (label, condition) in enumerate(zip(labels[:-1], conditions, strict=True)):
        levels.append(level(condition, label, **_configured(weights, index)))
    levels.append(_else_level(labels[-1], **_configured(weights, len(labels) - 1)))
    return _comparison(name, levels)


def _configured(weights: ComparisonWeights | None, index: int) -> dict[str, Any]:
    if weights is None:
        return {}
    found: dict[str, Any] = {
        "m_probability": weights.m[index],
        "u_probability": weights.u[index],
    }
    if weights.tf[index]:
        found |= {
            "tf_adjustment_column": "name_pair",
            "tf_adjustment_weight": 1.0,
            "disable_tf_exact_match_detection": True,
            "tf_minimum_u_value": TF_MINIMUM,
        }
    return found


def _else_level(label: str, **configure: Any) -> Any:
    import splink.comparison_level_library as cll

    created = cll.ElseLevel()
    return created.configure(label_for_charts=label, **configure)


def _udf_levels(udf: str, labels: tuple[str, ...]) -> list[Condition]:
    """Levels decided by a names-engine function called from SQL (match/levels.py)."""
    return [graded(f"{udf} = {len(labels) - 1 - i}") for i in range(len(labels) - 1)]


def name_comparison(weights: ComparisonWeights | None = None) -> Any:
    """Family and given names together, graded by the names engine (any script, standard,
    form, variant or order): they are not independent of each other."""
    return _graded(
        "name",
        NAME_LEVELS,
        _udf_levels(_NAME, NAME_LEVELS),
        graded(f"{_NAME} = -1 or name_text_l is null or name_text_r is null"),
        weights,
    )


def patronymic_comparison(weights: ComparisonWeights | None = None) -> Any:
    """Patronymics as the names engine aligned them."""
    return _graded(
        "patronymic",
        PATRONYMIC_LEVELS,
        _udf_levels(_PATRONYMIC, PATRONYMIC_LEVELS),
        graded(f"{_PATRONYMIC} = -1 or name_text_l is null or name_text_r is null"),
        weights,
    )


def date_parts() -> dict[str, str]:
    """The dates' own conditions the date of birth levels are made of (SQL, both dialects)."""
    y, m, d = "dob_year", "dob_month", "dob_day"
    same_day_month = f"{m}_l = {m}_r and {d}_l = {d}_r"
    one_digit = (
        f"(floor({y}_l / 10) = floor({y}_r / 10)"
        f" or ({y}_l % 10 = {y}_r % 10 and floor({y}_l / 100) = floor({y}_r / 100)))"
    )
    return {
        "same_day_month": same_day_month,
        "transposed": f"{y}_l = {y}_r and {m}_l = {d}_r and {d}_l = {m}_r",
        "one_digit_off": f"{same_day_month} and {one_digit}",
        "year_off": f"abs({y}_l - {y}_r) = 1",
        "year_slip": f"{same_day_month} and abs({y}_l - {y}_r) = 1",
        "undated": f"{y}_l is null or {y}_r is null",
    }


def date_of_birth_comparison(weights: ComparisonWeights | None = None) -> Any:
    """Partial dates of birth (SQL twin of match.levels.dob_level)."""
    y, m = "dob_year", "dob_month"
    parts = date_parts()
    same_day_month = parts["same_day_month"]
    transposed, one_digit_off = parts["transposed"], parts["one_digit_off"]
    year_off, year_slip = parts["year_off"], parts["year_slip"]
    # Near dates count only where the names agree (match.levels.NameEvidence.agree); no date
    # is no evidence unless a name part is two letters off (NameEvidence.apart).
    agree = _AGREE
    apart = f"coalesce({_NAME}, -1) = {NAMES_APART}"
    undated = parts["undated"]
    return _graded(
        "date_of_birth",
        DOB_LEVELS,
        [
            plain(f"{y}_l = {y}_r and {same_day_month}"),
            graded(f"({transposed}) and {agree}"),
            graded(f"(({one_digit_off}) or ({year_slip})) and {agree}"),
            plain(f"{y}_l = {y}_r and {m}_l = {m}_r"),
            plain(f"{y}_l = {y}_r and ({m}_l is null or {m}_r is null)"),
            plain(f"{y}_l = {y}_r"),
            graded(f"({year_off}) and {agree}"),
            plain(f"({transposed}) or ({one_digit_off}) or ({year_off})"),
            graded(f"({undated}) and {apart}"),
        ],
        graded(f"({undated}) and not {apart}"),
        weights,
    )


_AGREE = f"coalesce({_AGREE_LEVEL}, -1) = 1"


def _simple(
    name: str, column: str, labels: tuple[str, ...], weights: ComparisonWeights | None
) -> Any:
    return _graded(
        name,
        labels,
        [plain(f"{column}_l = {column}_r")],
        plain(f"{column}_l is null or {column}_r is null"),
        weights,
    )


def service_number_comparison(weights: ComparisonWeights | None = None) -> Any:
    """Service numbers: the same, one edit apart, or either in conflict with the names and
    dates (SQL twin of match.levels.service_level and service_conflict)."""
    y = "dob_year"
    name = f"coalesce({_NAME}, -1)"
    disagree = ", ".join(str(level) for level in (*NAMES_DISAGREE, NAMES_APART))
    conflict = (
        f"(coalesce({_PATRONYMIC}, -1) = {PATRONYMIC_DIFFERS} or (not ({_AGREE})"
        f" and ((({y}_l is null or {y}_r is null) and {name} in ({disagree}))"
        f" or coalesce({y}_l <> {y}_r, false))))"
    )
    near = (
        "(service_number_l = service_number_r"
        " or levenshtein(service_number_l, service_number_r) <= 1)"
    )
    return _graded(
        "service_number",
        SERVICE_LEVELS,
        [
            graded(f"service_number_l = service_number_r and not ({conflict})"),
            graded(f"levenshtein(service_number_l, service_number_r) <= 1 and not ({conflict})"),
            graded(f"{near} and {conflict}"),
        ],
        plain("service_number_l is null or service_number_r is null"),
        weights,
    )


def unit_comparison(weights: ComparisonWeights | None = None) -> Any:
    """Unit numbers; a unit code and a formation's number are not compared (SQL twin of
    match.levels.unit_level)."""
    code = f"'{UNIT_CODE}%'"
    return _graded(
        "unit",
        UNIT_LEVELS,
        [plain("unit_number_l = unit_number_r")],
        plain(
            "unit_number_l is null or unit_number_r is null"
            f" or (unit_number_l like {code}) <> (unit_number_r like {code})"
        ),
        weights,
    )


def place_comparison(weights: ComparisonWeights | None = None) -> Any:
    """Place of birth in any script."""
    return _graded(
        "place_of_birth",
        PLACE_LEVELS,
        [overlap("place_forms")],
        plain("place_forms_l is null or place_forms_r is null"),
        weights,
    )


def comparisons(model: MatchModel | None = None) -> list[Any]:
    """Every comparison of the match model, in explanation order, with the model's m and u."""

    def weights(name: str) -> ComparisonWeights | None:
        return model.comparison(name) if model is not None else None

    return [
        name_comparison(weights("name")),
        patronymic_comparison(weights("patronymic")),
        date_of_birth_comparison(weights("date_of_birth")),
        _simple("sex", "sex", SEX_LEVELS, weights("sex")),
        service_number_comparison(weights("service_number")),
        unit_comparison(weights("unit")),
        place_comparison(weights("place_of_birth")),
    ]


def register_duckdb(connection: Any) -> PairGrader:
    """Make the names engine's level functions callable from DuckDB SQL; the grader they share."""
    import duckdb.sqltypes as types

    grader = PairGrader()
    batches = {name: grader.arrow_batch(column) for name, column in _COLUMNS.items()}
    batches[PATRONYMIC_ALONE_UDF] = grader.arrow_batch(PATRONYMIC_ALONE)
    for name, batch in batches.items():
        connection.create_function(
            name,
            batch,
            [types.VARCHAR, types.VARCHAR],
            types.INTEGER,
            type="arrow",
            side_effects=False,
        )
    return grader


# Which of a pair's three name levels (`PairGrader.levels`) each SQL function returns.
_COLUMNS = {NAME_UDF: 0, PATRONYMIC_UDF: 1, AGREE_UDF: 2}
# Pairs graded once for the three functions.
GRADED_PAIRS = 1 << 18
Levels = tuple[int, int, int]


class PairGrader:
    """The names' three levels of a pair (name_level, patronymic_level, names_agree of
    match.levels), computed once a pair.

    The name comparison calls its function in the null level and in each of its levels, the date
    and service number comparisons call theirs again: each pair is graded once and the other
    calls read the result. Names are parsed once a run and most pairs are graded from what
    each name and each pair of words gives once (`linkage.name_grading`). A large deduplication's
    pairs of names are graded ahead in forked worker processes (`linkage.pregrading`), and
    scoring reads what they found rather than calling the functions (`reading_graded`).
    """

    def __init__(self) -> None:
        from homecoming.linkage.name_grading import NameGrader

        self._names = NameGrader()
        self._graded: dict[tuple[str, str], Levels] = {}

    def levels(self, left: str | None, right: str | None) -> Levels:
        """(name level, patronymic level, names agree) of two names as written."""
        if not left or not right:
            return _NO_NAME
        key = (left, right)
        found = self._graded.get(key)
        if found is None:
            if len(self._graded) >= GRADED_PAIRS:
                self._graded.clear()
            found = self._graded[key] = self._grade(left, right)
        return found

    def _grade(self, left: str, right: str) -> Levels:
        return self._names.levels(left, right)

    def arrow_batch(self, column: int) -> Callable[[Any, Any], Any]:
        """One level over a batch of pairs: DuckDB hands over columns of a few thousand rows at
        once instead of calling Python once a row (about four times faster)."""
        import pyarrow as pa

        levels = self.levels

        def batch(left: Any, right: Any) -> Any:
            pairs = zip(left.to_pylist(), right.to_pylist(), strict=True)
            if column == PATRONYMIC_ALONE:
                return pa.array([self.patronymic(a, b) for a, b in pairs], pa.int32())
            return pa.array([levels(a, b)[column] for a, b in pairs], pa.int32())

        return batch

    def know_words(self, texts: list[str], words: list[str | None]) -> None:
        """Names' words as the features stage read them (`NameGrader.know_words`)."""
        self._names.know_words(texts, words)

    def parts_left(self, left: str, right: str) -> tuple[int, bool]:
        """The grade of two name parts left to pair (`NameGrader.parts_left`)."""
        return self._names.parts_left(left, right)

    def parts_scored(self, left: str, right: str) -> tuple[float, int, bool]:
        """Two name parts scored in full (`NameGrader.parts_scored`)."""
        return self._names.parts_scored(left, right)

    def patronymics_left(self, left: str, right: str) -> int:
        """The patronymic level of two names' patronymics (`NameGrader.patronymics_left`)."""
        return self._names.patronymics_left(left, right)

    def patronymic(self, left: str | None, right: str | None) -> int:
        """The patronymic level alone (`NameGrader.patronymic_level`)."""
        if not left or not right:
            return NULL
        found = self._graded.get((left, right))
        return found[1] if found is not None else self._names.patronymic_level(left, right)


_NO_NAME: Levels = (NULL, NULL, NULL)


def register_spark(session: Any) -> None:
    """Make the names engine's level functions callable from Spark SQL."""
    from pyspark.sql.types import IntegerType

    for name, function in _udfs().items():
        session.udf.register(name, function, IntegerType())


def _udfs() -> dict[str, Callable[[str | None, str | None], int]]:
    from homecoming.match.levels import name_level, names_agree, patronymic_level

    return {
        NAME_UDF: name_level,
        PATRONYMIC_UDF: patronymic_level,
        AGREE_UDF: names_agree,
        # A model saved by a DuckDB run calls it (`_calls`).
        PATRONYMIC_ALONE_UDF: patronymic_level,
    }

"""The fast names' grading of candidate pairs gives the levels `name_evidence_parsed` gives."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from tests.linkage.test_comparisons import NAMES

from homecoming.generate.csvfile import write_csv
from homecoming.generate.records import generate_dataset
from homecoming.linkage import name_grading
from homecoming.linkage.features import features_table
from homecoming.linkage.inputs import read_table
from homecoming.linkage.name_grading import (
    WRITTEN_WORDS,
    NameGrader,
    _Name,
    grading_parse,
    written_words,
)
from homecoming.match.levels import name_evidence_parsed
from homecoming.names.parse import parse_name


def reference(left: str, right: str) -> tuple[int, int, int]:
    evidence = name_evidence_parsed(parse_name(left), parse_name(right))
    return evidence.name, evidence.patronymic, int(evidence.agree)


@pytest.fixture(scope="module")
def candidate_pairs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """Names of the candidate pairs `dedupe` scores on 3,000 generated records."""
    path = Path(tmp_path_factory.mktemp("grading")) / "records.csv"
    write_csv(generate_dataset(3_000, seed=11), path)
    return _names_of_pairs(features_table(read_table(path)))


def _names_of_pairs(features: object) -> list[tuple[str, str]]:
    con = duckdb.connect()
    con.register("f", features)
    rows = con.execute(
        "with e as (select unique_id id, name_text n, unnest(bk_names) k from f"
        " union all select unique_id, name_text, unnest(bk_name_dob) from f"
        " union all select unique_id, name_text, service_number from f"
        " where service_number is not null)"
        " select distinct a.n, b.n from e a join e b on a.k = b.k and a.id < b.id"
        " where a.n is not null and b.n is not null"
    ).fetchall()
    return [(a, b) for a, b in rows]


def test_generated_candidate_pairs_are_graded_as_the_match_model_grades_them(
    candidate_pairs: list[tuple[str, str]],
) -> None:
    grader = NameGrader()
    assert len(candidate_pairs) > 2_000
    for left, right in candidate_pairs:
        assert grader.levels(left, right) == reference(left, right), (left, right)
        assert grader.levels(right, left) == reference(right, left), (right, left)
    # Most pairs take the fast path; the rest are graded by name_evidence_parsed itself.
    assert grader.fallbacks < 0.1 * 2 * len(candidate_pairs)


def test_written_cases_are_graded_as_the_match_model_grades_them() -> None:
    grader = NameGrader()
    for left in filter(None, NAMES):
        for right in filter(None, NAMES):
            assert grader.levels(left, right) == reference(left, right), (left, right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Окскар Пахомов Ильич", "Пахомов Оскар Ілліч"),  # family names met as given names
        ("Олег Кравчнко Петрович", "Кравченко Олег Петрович"),
        ("Тиорв Лука", "Тіров Лука"),
        ("Kradaev Ilia", "Кардаєв Ілля"),
        # a family name with two neighbouring letters exchanged agrees (issue 13)
        ("Гайеднко Петро Іванович", "Гайденко Петро Іванович"),
        ("HAIEDNKO PETRO", "Гайденко Петро"),
        ("Нікіта Назраов", "Назаров Нікіта"),
        ("Пнтров Євсей", "Петров Євсей"),
    ],
)
def test_slips_are_graded_as_the_match_model_grades_them(left: str, right: str) -> None:
    grader = NameGrader()
    assert grader.levels(left, right) == reference(left, right)
    assert grader.levels(right, left) == reference(right, left)


def test_grading_parse_reads_a_name_as_parse_name() -> None:
    for text in filter(None, NAMES):
        fast, full = grading_parse(text), parse_name(text)
        assert (fast.tokens, fast.roles, fast.aliases) == (full.tokens, full.roles, full.aliases)
        assert (fast.family, fast.given, fast.patronymic) == (
            full.family,
            full.given,
            full.patronymic,
        )


def test_patronymic_alone_is_the_patronymic_level(
    candidate_pairs: list[tuple[str, str]],
) -> None:
    grader = NameGrader()
    for left, right in candidate_pairs:
        assert grader.patronymic_level(left, right) == reference(left, right)[1], (left, right)


def test_what_sql_decides_without_python_is_what_the_match_model_says(
    tmp_path: Path,
) -> None:
    """The feature columns' shortcut (comparisons._calls) against name_evidence_parsed, on the
    candidate pairs of generated records; the functions it falls back to answer -99 here."""
    import duckdb.sqltypes as types
    import pyarrow as pa

    from homecoming.linkage.comparisons import (
        _AGREE_LEVEL,
        _NAME,
        _PATRONYMIC,
        AGREE_UDF,
        NAME_UDF,
        PATRONYMIC_ALONE_UDF,
        PATRONYMIC_UDF,
        _calls,
    )

    path = tmp_path / "records.csv"
    write_csv(generate_dataset(3_000, seed=12), path)
    con = duckdb.connect()
    con.register("f", features_table(read_table(path)))
    for udf in (NAME_UDF, PATRONYMIC_UDF, AGREE_UDF, PATRONYMIC_ALONE_UDF):
        con.create_function(
            udf,
            lambda left, right: pa.array([-99] * len(left), pa.int32()),
            [types.VARCHAR, types.VARCHAR],
            types.INTEGER,
            type="arrow",
        )
    sql = _calls("duckdb")
    side = ("name_text", "grade_first", "grade_second", "grade_patronymic", "spell_first",
            "spell_second")  # fmt: skip
    select = ", ".join(f"l.{c} as {c}_l, r.{c} as {c}_r" for c in side)
    rows = con.execute(
        f"with p as (select {select} from f l join f r on l.unique_id < r.unique_id"
        " and (list_has_any(l.bk_names, r.bk_names) or list_has_any(l.bk_name_dob, r.bk_name_dob)))"
        f" select name_text_l, name_text_r, {sql[_NAME]}, {sql[_PATRONYMIC]}, {sql[_AGREE_LEVEL]}"
        " from p where name_text_l is not null and name_text_r is not null"
    ).fetchall()
    assert len(rows) > 2_000
    decided = 0
    for left, right, *found in rows:
        expected = reference(left, right)
        for value, wanted in zip(found, expected, strict=True):
            assert value in (-99, wanted), (left, right, found, expected)
        decided += found[0] != -99
    assert decided > 0.4 * len(rows)


def reference_columns(text: str) -> dict[str, list[int] | None]:
    """`grading_columns` as first written: the shape read from the full parse (and
    `NameGrader`'s shape of it), its tokens' columns made as `grading_columns` makes them."""
    from homecoming.linkage.name_grading import _SCRIPTS, columns_of
    from homecoming.names.parse import readings

    parsed = grading_parse(text)
    tokens = parsed.tokens
    main = [i for i, t in enumerate(tokens) if not t.patronymic]
    patronymics = [i for i, t in enumerate(tokens) if t.patronymic]
    simple = bool(main) and len(readings(parsed)) == 1 and not any(t.initial for t in tokens)
    assert NameGrader().name(text).simple == simple, text
    shaped = (
        simple
        and len(main) == 2
        and len(patronymics) <= 1
        and all(t.script in _SCRIPTS for t in tokens)
    )
    return columns_of(tokens, shaped)


def test_grading_columns_are_those_of_the_full_parse(
    candidate_pairs: list[tuple[str, str]],
) -> None:
    """`grading_columns` finds the shape without the roles: the same columns as from the full
    parse, on generated names and the written cases (bracketed nicknames, initials, a lone
    patronymic, other scripts)."""
    from homecoming.linkage.name_grading import grading_columns

    texts = sorted({n for pair in candidate_pairs for n in pair} | set(filter(None, NAMES)))
    shaped = 0
    for text in texts:
        columns = grading_columns(text)
        assert columns == reference_columns(text), text
        shaped += columns["grade_first"] is not None
    assert 0.3 * len(texts) < shaped < len(texts)


def test_a_name_as_the_grader_reads_it_is_its_full_parse() -> None:
    """`NameGrader` reads a name's tokens at once and its roles only when a pair asks: the
    tokens, nicknames, roles and full parse are those of `grading_parse`."""
    grader = NameGrader()
    for text in filter(None, NAMES):
        name, full = grader.name(text), grading_parse(text)
        assert (name.tokens, name.shape.aliases) == (full.tokens, full.aliases), text
        assert name.roles() == tuple(full.role_of(i) for i in range(len(full.tokens)))
        assert name.parsed() == full


# A name as written -> its words as the features stage hands them to the grader (None: the
# grader reads the name itself, as some word's token is not the word's own or it has a nickname).
WRITTEN = {
    "Іваненко Петро Степанович": "Іваненко Петро Степанович",
    "Ivanenko Petro Stepanovych": "Ivanenko Petro Stepanovych",
    "Іваненко П. С.": "Іваненко П С",
    "Петренко-Бойко Олена": "Петренко Бойко Олена",
    "Mr Ivan Koval": "Ivan Koval",
    "al-Assad Bashar": "Assad Bashar",
    "OLEH PROKOPOVYCH": "OLEH PROKOPOVYCH",
    "Коваль,Олена": "Коваль Олена",
    "Гнатюк Андрій (Андрюша) Петрович": None,  # a nickname
    "Бернатович Денис Устимович": None,  # a family name shaped as a patronymic
    "Василевич Денис": None,
    "Петро Парменович Іванов": None,  # a patronymic by its place
    "Muhammad bin Salman": None,  # a father's name
}


def test_a_name_read_from_its_written_words_is_its_full_parse() -> None:
    """The grader makes a name's tokens from the words the features stage read: the same
    tokens, nicknames, roles and full parse as reading the name, and the same levels."""
    assert {text: written_words(text) for text in WRITTEN} == WRITTEN
    texts = [*WRITTEN, *filter(None, NAMES)]
    for text in texts:
        name, full = _Name(text, written_words(text)), grading_parse(text)
        assert (name.tokens, name.shape.aliases) == (full.tokens, full.aliases), text
        assert name.roles() == tuple(full.role_of(i) for i in range(len(full.tokens)))
        assert name.parsed() == full
    grader = NameGrader()
    before = dict(WRITTEN_WORDS)
    WRITTEN_WORDS.update((t, w) for t in texts if (w := written_words(t)) is not None)
    try:
        for left in texts:
            for right in texts:
                assert grader.levels(left, right) == reference(left, right), (left, right)
    finally:
        WRITTEN_WORDS.clear()
        WRITTEN_WORDS.update(before)


def test_the_grader_reads_the_words_the_features_stage_read(
    candidate_pairs: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `features_table` (the candidate pairs' fixture made it), most names are graded
    from their written words without being read again (read: names without written words,
    and a slip's roles)."""
    read: list[str] = []
    words = name_grading._words

    def reading(text: str) -> object:
        read.append(text)
        return words(text)

    monkeypatch.setattr(name_grading, "_words", reading)
    grader = NameGrader()
    names = {n for pair in candidate_pairs for n in pair}
    for left, right in candidate_pairs:
        grader.levels(left, right)
    assert len(names) > 1_000
    assert len(read) < 0.25 * len(names)


def test_the_workers_render_the_cyrillic_words_that_grading_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the features stage in forked workers, the Cyrillic words' Latin renderings are made
    there (the tuples this process would make), and grading the candidate pairs renders no
    word again here."""
    from homecoming.linkage import features
    from homecoming.match import levels
    from homecoming.names import transliterate

    monkeypatch.setattr(features, "PARALLEL_FROM", 0)
    path = tmp_path / "records.csv"
    write_csv(generate_dataset(1_000, seed=13), path)
    table = features_table(read_table(path), workers=2)
    made = dict(transliterate._rendered_run)
    assert len(made) > 100
    for word, found in made.items():
        assert found == transliterate._made_renderings.__wrapped__(word), word
    rendered: list[str] = []
    read: list[str] = []
    reading = levels.latin_renderings
    monkeypatch.setattr(transliterate, "_made_renderings", rendered.append)
    monkeypatch.setattr(levels, "latin_renderings", lambda w: read.append(w) or reading(w))
    levels._closest_rendering.cache_clear()
    grader = NameGrader()
    for left, right in _names_of_pairs(table):
        grader.levels(left, right)
    assert read  # some pairs were a slip apart across alphabets
    assert rendered == []


@pytest.mark.parametrize(
    "text",
    [
        "Ткаченко Андрій Петрович",
        "Андрій Ткаченко",
        "Нікіта Назарв",
        "KOSHCHENKO HENNADII",
        "Oleksandr Petrovych Nekhir",
        "Лапшина Сніжана Іванівна",
    ],
)
def test_a_names_words_by_place_are_what_the_grader_reads_of_it(text: str) -> None:
    """`word_shape` gives a name's two parts and patronymic by place, the parts' roles and
    whether each is a known given name, as the grader's parse of the name has them; a name
    whose word is read as a patronymic by its place alone (Фомич) has none: its pairs are
    graded as names."""
    from homecoming.linkage.name_grading import SHAPE_FIELDS, SHAPE_ROLES, _Name, grading_row

    assert grading_row("Кощенко Геннадій Фомич")["word_shape"] is None
    shape = grading_row(text)["word_shape"]
    assert isinstance(shape, int)
    fields = {
        name: (shape >> offset) & ((1 << bits) - 1) for name, (offset, bits) in SHAPE_FIELDS.items()
    }
    name = _Name(text, written_words(text))
    words = text.split()
    (first, second), fathers = name.main, name.patronymics
    assert (fields["first"], fields["second"]) == (first, second)
    assert fields["patronymic"] == (fathers[0] + 1 if fathers else 0)
    assert words[fields["first"]] == name.tokens[first].text
    for part, at in (("first", first), ("second", second)):
        token = name.tokens[at]
        assert fields[f"role_{part}"] == SHAPE_ROLES.get(name.roles()[at], 0)
        assert fields[f"known_{part}"] == int(bool(token.given_ids or token.common_given))
    # Both roles and both kinds of part among the cases.
    assert SHAPE_ROLES["family"] in (fields["role_first"], fields["role_second"])


@pytest.mark.parametrize(
    "text",
    [
        *NAMES,
        "Кощенко Геннадій Фомич",
        "Олександр (Саша) Нехір",
        "Бернатович Денис Устимович",
        "OLEH PROKOPOVYCH",
        "Muhammad bin Salman",
        "Ткаченко-Бойко Андрій",
        "",
    ],
)
def test_a_full_names_grading_row_from_its_roles_is_the_names_own(text: str) -> None:
    """The features stage's full names hand `grading_row` the words, tokens and roles they
    were split by (`assign_roles`): the row is the one reading the name again gives (a name
    with a bracketed nickname is read again)."""
    from homecoming.linkage.name_features import _token
    from homecoming.linkage.name_grading import grading_row
    from homecoming.names.parse import assign_roles

    assert grading_row(text, assign_roles(text, token=_token)) == grading_row(text)

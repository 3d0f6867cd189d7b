"""Row normalisation: header aliases, values, the name splitter, mapping files."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.domain.dates import PartialDate
from homecoming.domain.normalise import (
    ALIAS_INDEX,
    IGNORE,
    TARGET_FIELDS,
    HeaderPlan,
    MappingFileError,
    NameParts,
    NormalisedRow,
    RowError,
    header_key,
    normalise_apostrophes,
    normalise_row,
    normalise_rows,
    parse_mapping,
    plan_headers,
    split_full_name,
)
from homecoming.domain.record import Category, Contact, Fate, Sex

HEADER_CASES = [
    ("Прізвище", "family_name"),
    ("Фамилия", "family_name"),
    ("surname", "family_name"),
    ("family_name", "family_name"),
    ("Last Name", "family_name"),
    ("Ім'я", "given_names"),
    ("Ім’я", "given_names"),
    ("ІМʼЯ", "given_names"),
    ("Имя", "given_names"),
    ("given_name", "given_names"),
    ("First name", "given_names"),
    ("По батькові", "patronymic"),
    ("Отчество", "patronymic"),
    ("patronymic", "patronymic"),
    ("ПІБ", "full_name"),
    ("П.І.Б.", "full_name"),
    ("ФИО", "full_name"),
    ("Ф.И.О.", "full_name"),
    ("full_name", "full_name"),
    ("Name", "full_name"),
    ("Дата народження", "date_of_birth"),
    ("Дата рождения", "date_of_birth"),
    ("date_of_birth", "date_of_birth"),
    ("DOB", "date_of_birth"),
    ("Звання", "rank"),
    ("Звание", "rank"),
    ("rank", "rank"),
    ("Військова частина", "unit"),
    ("Воинская часть", "unit"),
    ("в/ч", "unit"),
    ("В / Ч", "unit"),
    ("unit", "unit"),
    ("Особистий номер", "service_number"),
    ("Личный номер", "service_number"),
    ("Service Number", "service_number"),
    ("Стать", "sex"),
    ("Пол", "sex"),
    ("sex", "sex"),
    ("Місце народження", "place_of_birth"),
    ("Громадянство", "nationality"),
    ("Гражданство", "nationality"),
    ("Категорія", "category"),
    ("Категория", "category"),
    ("Місце утримання", "place_of_detention"),
    ("Дата полону", "event_date"),
    ("Место пленения", "event_place"),
    ("Стан здоров'я", "health"),
    ("Особливі прикмети", "distinguishing_marks"),
    ("Особые приметы", "distinguishing_marks"),
    ("Статус", "fate"),
    ("Дівоче прізвище матері", "mother_maiden_name"),
    ("Фото", "photo_ref"),
    ("Примітки", "notes"),
    ("Заявник", "contact_name"),
    ("Степень родства", "contact_relation"),
    ("Телефон", "contact_phone"),
    ("E-mail", "contact_email"),
    ("Адреса для листування", "contact_address"),
    ("№ з/п", IGNORE),
    ("  ПІБ  ", "full_name"),
    # As lists abbreviate them, and with a hint in brackets after a known header.
    ("Дата нар.", "date_of_birth"),
    ("Г.р.", "date_of_birth"),
    ("Год рожд.", "date_of_birth"),
    ("Прізвище, ім’я та по батькові", "full_name"),
    ("Personal No.", "service_number"),
    ("Дата народження (дд.мм.рррр)", "date_of_birth"),
    ("Sex (M/F)", "sex"),
    ("Воинская часть (в/ч)", "unit"),
    ("Date of birth [DD.MM.YYYY]", "date_of_birth"),
]


@pytest.mark.parametrize(("header", "field"), HEADER_CASES)
def test_header_aliases(header: str, field: str) -> None:
    plan = plan_headers([header])
    assert isinstance(plan, HeaderPlan)
    assert plan.field_for(header) == field


def test_every_alias_points_at_a_real_field() -> None:
    assert set(ALIAS_INDEX.values()) <= TARGET_FIELDS | {IGNORE}


def test_unknown_header_is_an_error_that_suggests_a_mapping_file() -> None:
    problems = plan_headers(["ПІБ", "Улюблений колір"])
    assert isinstance(problems, list)
    [problem] = problems
    assert problem.line == 1
    assert problem.field == "Улюблений колір"
    assert "mapping file" in problem.reason


def test_a_bracket_makes_no_unknown_header_known() -> None:
    """Only a known header's hint is read past: an unknown one stays an error, and a hint
    inside a header is not cut out."""
    for header in ("Улюблений колір (M/F)", "Прізвище (латиницею) особи", "(ПІБ)"):
        problems = plan_headers(["ПІБ", header])
        assert isinstance(problems, list) and [p.field for p in problems] == [header]


def test_unknown_header_may_be_ignored() -> None:
    plan = plan_headers(["ПІБ", "Улюблений колір"], ignore_unknown=True)
    assert isinstance(plan, HeaderPlan)
    assert plan.field_for("Улюблений колір") == IGNORE


def test_two_columns_for_one_field_are_an_error() -> None:
    problems = plan_headers(["Прізвище", "Фамилия"])
    assert isinstance(problems, list)
    assert "both give family_name" in problems[0].reason


def _row(row: dict[str, str | dt.date | int | None], line: int = 2) -> NormalisedRow:
    plan = plan_headers(list(row))
    assert isinstance(plan, HeaderPlan), plan
    result = normalise_row(row, line=line, plan=plan)
    assert isinstance(result, NormalisedRow), result
    return result


def _errors(row: dict[str, str], line: int = 2) -> list[RowError]:
    plan = plan_headers(list(row))
    assert isinstance(plan, HeaderPlan), plan
    result = normalise_row(row, line=line, plan=plan)
    assert isinstance(result, list), result
    return result


def test_a_ukrainian_row() -> None:
    row = _row(
        {
            "№ з/п": "1",
            "ПІБ": "  Нехір   Олександр Іванович ",
            "Дата народження": "23.05.1987",
            "Стать": "чол.",
            "Звання": "солдат",
            "в/ч": "А0000",
            "Особистий номер": "0012345",
            "Категорія": "військовослужбовець",
            "Статус": "зниклий безвісти",
            "Тяжкопоранений": "так",
        }
    )
    fields = row.fields
    assert (fields.family_name, fields.given_names, fields.patronymic) == (
        "Нехір",
        "Олександр",
        "Іванович",
    )
    assert fields.full_name == "Нехір Олександр Іванович"
    assert fields.date_of_birth == PartialDate(1987, 5, 23)
    assert fields.sex is Sex.MALE
    assert fields.service_number == "0012345"
    assert fields.category is Category.SERVICEMAN
    assert fields.fate is Fate.MISSING
    assert fields.seriously_wounded is True
    assert row.contact is None


def test_a_russian_row_with_contact() -> None:
    row = _row(
        {
            "Фамилия": "Ковалёв",
            "Имя": "Сергей",
            "Отчество": "Петрович",
            "Дата рождения": "1990",
            "Пол": "муж",
            "Категория": "гражданский",
            "Заявитель": "Ковалёва Анна",
            "Степень родства": "мать",
            "Телефон": "+7 900 000 00 00",
        }
    )
    assert row.fields.full_name == ""
    assert row.fields.category is Category.CIVILIAN
    assert row.fields.date_of_birth == PartialDate(1990)
    assert row.contact == Contact(name="Ковалёва Анна", relation="мать", phone="+7 900 000 00 00")


def test_spreadsheet_values_are_accepted() -> None:
    row = _row(
        {
            "surname": "Nekhir",
            "DOB": dt.datetime(1987, 5, 23),
            "Дата полону": dt.date(2024, 2, 1),
            "service number": 1234567,
        }
    )
    assert row.fields.date_of_birth == PartialDate(1987, 5, 23)
    assert row.fields.event_date == PartialDate(2024, 2, 1)
    assert row.fields.service_number == "1234567"


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("ч", Sex.MALE),
        ("чол", Sex.MALE),
        ("Чоловіча", Sex.MALE),
        ("м", Sex.MALE),
        ("МУЖ.", Sex.MALE),
        ("мужской", Sex.MALE),
        ("male", Sex.MALE),
        ("M", Sex.MALE),
        ("ж", Sex.FEMALE),
        ("жін.", Sex.FEMALE),
        ("жен", Sex.FEMALE),
        ("Female", Sex.FEMALE),
        ("f", Sex.FEMALE),
    ],
)
def test_sex_values(text: str, sex: Sex) -> None:
    assert _row({"ПІБ": "Нехір Олександр", "Стать": text}).fields.sex is sex


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("військовий", Category.SERVICEMAN),
        ("Військовослужбовець", Category.SERVICEMAN),
        ("военнослужащий", Category.SERVICEMAN),
        ("военный", Category.SERVICEMAN),
        ("serviceman", Category.SERVICEMAN),
        ("soldier", Category.SERVICEMAN),
        ("POW", Category.SERVICEMAN),
        ("цивільний", Category.CIVILIAN),
        ("гражданский", Category.CIVILIAN),
        ("Civilian", Category.CIVILIAN),
    ],
)
def test_category_values(text: str, category: Category) -> None:
    assert _row({"ПІБ": "Нехір Олександр", "Категорія": text}).fields.category is category


@pytest.mark.parametrize(
    ("text", "fate"),
    [
        ("зниклий безвісти", Fate.MISSING),
        ("Пропал без вести", Fate.MISSING),
        ("в полоні", Fate.CAPTURED),
        ("звільнений", Fate.RELEASED),
        ("загинув", Fate.DECEASED),
        ("погиб", Fate.DECEASED),
        ("found_alive", Fate.FOUND_ALIVE),
        ("hospitalised", Fate.HOSPITALISED),
    ],
)
def test_fate_values(text: str, fate: Fate) -> None:
    assert _row({"ПІБ": "Нехір Олександр", "Статус": text}).fields.fate is fate


@pytest.mark.parametrize(
    ("text", "value"),
    [("так", True), ("Ні", False), ("да", True), ("нет", False), ("Yes", True), ("no", False),
     ("1", True), ("0", False), ("TRUE", True), ("false", False)],
)  # fmt: skip
def test_seriously_wounded_values(text: str, value: bool) -> None:
    row = _row({"ПІБ": "Нехір Олександр", "seriously wounded": text})
    assert row.fields.seriously_wounded is value


def test_bad_values_are_reported_per_column_with_what_to_do() -> None:
    problems = _errors(
        {"ПІБ": "Нехір Олександр", "Дата народження": "31.02.1987", "Стать": "?", "Статус": "x"},
        line=7,
    )
    assert {p.field for p in problems} == {"Дата народження", "Стать", "Статус"}
    assert all(p.line == 7 for p in problems)
    date_problem = next(p for p in problems if p.field == "Дата народження")
    assert "'31.02.1987'" in date_problem.reason
    assert "not a calendar date" in date_problem.reason
    assert "leave it empty" in date_problem.reason


def test_the_raw_row_is_left_as_received() -> None:
    raw: dict[str, str | dt.date | int | None] = {"ПІБ": " Кам’янський  Юрій ", "Стать": "ч."}
    before = dict(raw)
    _row(raw)
    assert raw == before


def test_free_text_keeps_its_lines() -> None:
    row = _row({"ПІБ": "Нехір Олександр", "Примітки": "  перший   рядок \r\n\n  другий  "})
    assert row.fields.notes == "перший рядок\nдругий"


def test_a_row_without_name_or_service_number_is_refused() -> None:
    [problem] = _errors({"ПІБ": "  ", "Звання": "солдат"})
    assert "no name" in problem.reason


def test_a_row_with_only_a_service_number_is_kept() -> None:
    assert _row({"ПІБ": "", "Особистий номер": "A123"}).fields.service_number == "A123"


def test_unicode_is_nfc_and_apostrophes_become_u02bc_in_names() -> None:
    row = _row({"Прізвище": "Кам'янський", "Ім'я": "Андрии\u0306", "Примітки": "it's"})
    assert row.fields.family_name == "Камʼянський"
    assert row.fields.given_names == "Андрий"  # и + combining breve composed to й
    assert row.fields.notes == "it's"
    assert normalise_apostrophes("Кам’янка О'Брайен l'") == "Камʼянка ОʼБрайен l'"


SPLIT_CASES = [
    ("Нехір Олександр Іванович", NameParts("Нехір", "Олександр", "Іванович")),
    ("Олександр Іванович Нехір", NameParts("Нехір", "Олександр", "Іванович")),
    ("Нехир Александр Иванович", NameParts("Нехир", "Александр", "Иванович")),
    ("Коваленко Марія Петрівна", NameParts("Коваленко", "Марія", "Петрівна")),
    ("Марія Іллівна Коваленко", NameParts("Коваленко", "Марія", "Іллівна")),
    ("Ковалёва Анна Ильинична", NameParts("Ковалёва", "Анна", "Ильинична")),
    ("Абрамович Іван Петрович", NameParts("Абрамович", "Іван", "Петрович")),
    ("Іван Петрович Абрамович", NameParts("Абрамович", "Іван", "Петрович")),
    ("Нехір, Олександр Іванович", NameParts("Нехір", "Олександр", "Іванович")),
    ("Нехір Олександр", NameParts("Нехір", "Олександр", "")),
    ("Олександр Іванович", NameParts("", "Олександр", "Іванович")),
    ("Oleksandr Nekhir", NameParts("Nekhir", "Oleksandr", "")),
    ("NEKHIR Oleksandr", NameParts("NEKHIR", "Oleksandr", "")),
    ("Oleksandr Ivanovych Nekhir", NameParts("Nekhir", "Oleksandr", "Ivanovych")),
    ("Nekhir Oleksandr Ivanovych", NameParts("Nekhir", "Oleksandr", "Ivanovych")),
    ("Mariia Petrivna Kovalenko", NameParts("Kovalenko", "Mariia", "Petrivna")),
    ("John Paul Smith", NameParts("Smith", "John Paul", "")),
    ("Нехір Олександр (Саша) Іванович", NameParts("Нехір", "Олександр", "Іванович")),
    ("Нехір", NameParts()),
    ("", NameParts()),
]


@pytest.mark.parametrize(("text", "parts"), SPLIT_CASES)
def test_split_full_name(text: str, parts: NameParts) -> None:
    assert split_full_name(text) == parts


def test_full_name_column_is_split_and_kept_as_written() -> None:
    row = _row({"ФИО": "Нехир Александр Иванович"})
    assert row.fields.full_name == "Нехир Александр Иванович"
    assert row.fields.patronymic == "Иванович"


def test_full_name_is_not_split_when_parts_are_given() -> None:
    row = _row({"ПІБ": "Олександр Нехір", "Прізвище": "Нехір", "Ім'я": "Олександр"})
    assert (row.fields.family_name, row.fields.given_names) == ("Нехір", "Олександр")


def test_mapping_file_csv() -> None:
    mapping = parse_mapping(
        "column,field\nПрізв.,family_name\nКолір очей,ignore\nЖетон,Особистий номер\n"
    )
    assert mapping == {"Прізв.": "family_name", "Колір очей": IGNORE, "Жетон": "service_number"}
    plan = plan_headers(["Прізв.", "Колір очей", "Жетон"], mapping=mapping)
    assert isinstance(plan, HeaderPlan)
    assert plan.field_for("Жетон") == "service_number"


def test_mapping_file_json_with_unknown_fields() -> None:
    with pytest.raises(MappingFileError) as caught:
        parse_mapping('{"Прізв.": "family_nmae", "Х": "surname", "Y": "bogus"}')
    problems = caught.value.problems
    assert [p.field for p in problems] == ["Прізв.", "Y"]
    assert "did you mean family_name" in problems[0].reason


def test_a_mapping_given_directly_is_checked_too() -> None:
    problems = plan_headers(["Колір"], mapping={"Колір": "eye_colour"})
    assert isinstance(problems, list)
    assert [p.field for p in problems] == ["Колір"]
    assert "not a field" in problems[0].reason


def test_mapping_file_that_is_not_pairs() -> None:
    with pytest.raises(MappingFileError, match="one `column,field` pair"):
        parse_mapping("a,b,c\n")


def test_normalise_rows_collects_good_rows_and_problems() -> None:
    rows = [
        (2, {"ПІБ": "Нехір Олександр", "Стать": "ч"}),
        (3, {"ПІБ": "Коваленко Марія", "Стать": "??"}),
    ]
    good, problems = normalise_rows(rows)
    assert [r.line for r in good] == [2]
    assert [p.line for p in problems] == [3]


def test_header_key_ignores_case_space_punctuation() -> None:
    assert header_key(" П.І.Б. ") == header_key("піб") == "піб"


_cells = st.one_of(
    st.text(max_size=30),
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.dates(),
    st.sampled_from(["23.05.1987", "ч", "так", "військовий", "Нехір Олександр Іванович"]),
)
_headers = st.one_of(st.text(max_size=15), st.sampled_from([h for h, _ in HEADER_CASES]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_headers, _cells, max_size=8), st.booleans())
def test_normalise_never_crashes(
    row: dict[str, str | int | float | dt.date | None], ignore_unknown: bool
) -> None:
    plan = plan_headers(list(row), ignore_unknown=ignore_unknown)
    if isinstance(plan, list):
        assert all(isinstance(p, RowError) for p in plan)
        return
    result = normalise_row(row, line=2, plan=plan)
    assert isinstance(result, NormalisedRow | list)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_split_never_crashes_and_loses_no_word(text: str) -> None:
    parts = split_full_name(text)
    for part in (parts.family_name, parts.given_names, parts.patronymic):
        for word in part.split():
            assert normalise_apostrophes(word) in normalise_apostrophes(text.replace(",", " "))


def test_a_repeated_cell_is_converted_once_and_judged_on_every_line() -> None:
    """Cells repeat down a column: each is converted once per file, every line still judged."""
    rows = [
        (line, {"family_name": "Шевченко", "date_of_birth": born, "sex": "ч"})
        for line, born in ((2, "1990"), (3, "in spring"), (4, "1990"), (5, "in spring"))
    ]
    good, problems = normalise_rows(rows)
    assert [row.line for row in good] == [2, 4]
    assert good[0].fields.date_of_birth == good[1].fields.date_of_birth == PartialDate(1990)
    assert [(p.line, p.field) for p in problems] == [(3, "date_of_birth"), (5, "date_of_birth")]
    assert problems[0].reason == problems[1].reason and "in spring" in problems[0].reason


def test_a_column_that_never_repeats_leaves_the_others_their_converted_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ids never repeat: their column fills its own share of remembered cells, not the dates'."""
    from homecoming.domain import normalise

    monkeypatch.setattr(normalise, "_CONVERTED_PER_FIELD", 50)
    plan = plan_headers(["id", "family_name", "date_of_birth"])
    assert not isinstance(plan, list)
    for line in range(2, 202):
        row = {"id": f"R{line}", "family_name": "Шевченко", "date_of_birth": f"19{line % 90:02}"}
        assert not isinstance(normalise_row(row, line=line, plan=plan), list)
    assert len(plan.converted["external_id"]) == 50
    assert len(plan.converted["date_of_birth"]) == 50  # all 90 years would be more than its share
    assert plan.converted["date_of_birth"]["1902"] == (PartialDate(1902), "")
    assert list(plan.converted["family_name"]) == ["Шевченко"]


@pytest.mark.parametrize(
    "text",
    [
        "Бернатович Денис Устимович",
        "Фомич Петро Ілліч",
        "Петро Парменович Іванов",
        "Шевченко Т. Г.",
    ],
)
def test_an_import_splits_a_full_name_as_search_and_linkage_do(text: str) -> None:
    from homecoming.names import parse_name

    parsed = parse_name(text)
    parts = split_full_name(text)
    assert parts.family_name == " ".join(parsed.family)
    assert parts.given_names.replace(".", "") == " ".join(parsed.given)
    assert parts.patronymic.replace(".", "") == " ".join(parsed.patronymic)


def test_an_import_keeps_a_hyphenated_family_name_whole() -> None:
    parts = split_full_name("Петренко-Бойко Іван Петрович")
    assert parts == NameParts("Петренко-Бойко", "Іван", "Петрович")


def test_a_cyrillic_name_with_no_cue_to_its_order_is_read_family_first() -> None:
    assert split_full_name("Чабан Виталий") == NameParts("Чабан", "Виталий", "")
    assert split_full_name("Кудряшов Ипат") == NameParts("Кудряшов", "Ипат", "")

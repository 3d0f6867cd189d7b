import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.names import from_parts, parse_name


@pytest.mark.parametrize(
    ("text", "family", "given", "patronymic"),
    [
        ("Нехір Олександр Петрович", "Нехір", "Олександр", "Петрович"),
        ("Олександр Петрович Нехір", "Нехір", "Олександр", "Петрович"),
        ("Лавров Сергей Викторович", "Лавров", "Сергей", "Викторович"),
        ("Sergey Viktorovich LAVROV", "LAVROV", "Sergey", "Viktorovich"),
        ("NEKHIR Oleksandr", "NEKHIR", "Oleksandr", ""),
        ("Nekhir, Oleksandr", "Nekhir", "Oleksandr", ""),
        ("Oleksandr Nekhir", "Nekhir", "Oleksandr", ""),
        ("Kovalska Yuliia Serhiivna", "Kovalska", "Yuliia", "Serhiivna"),
        ("Шухевич Роман Йосипович", "Шухевич", "Роман", "Йосипович"),
        ("Шевченко Т. Г.", "Шевченко", "Т", "Г"),
        ("Muhammad bin Salman al-Saud", "Saud", "Muhammad", "Salman"),
        # short patronymics of fathers' names in -а/-я, read where a name puts a patronymic
        ("Кощенко Геннадій Фомич", "Кощенко", "Геннадій", "Фомич"),
        ("KOSHCHENKO HENNADII FOMYCH", "KOSHCHENKO", "HENNADII", "FOMYCH"),
        ("Ульянов Володимир Ілліч", "Ульянов", "Володимир", "Ілліч"),
        ("Лапшина Ольга Кузьминична", "Лапшина", "Ольга", "Кузьминична"),
        ("Гнатюк Петро Саввич", "Гнатюк", "Петро", "Саввич"),
        # the same words are surnames where a name puts a surname
        ("Хомич Іван Петрович", "Хомич", "Іван", "Петрович"),
        ("Кузьмич Іван", "Кузьмич", "Іван", ""),
        ("Бабич Олег Петрович", "Бабич", "Олег", "Петрович"),
        # a patronymic whose father's name no table knows
        ("Іванов Петро Парменович", "Іванов", "Петро", "Парменович"),
        ("Петро Парменович Іванов", "Іванов", "Петро", "Парменович"),
        ("Іванова Ганна Парменівна", "Іванова", "Ганна", "Парменівна"),
        ("Данкевич Роман Ковалевич", "Ковалевич", "Данкевич Роман", ""),
    ],
)
def test_parse_name(text: str, family: str, given: str, patronymic: str) -> None:
    parsed = parse_name(text)
    assert " ".join(parsed.family) == family
    assert " ".join(parsed.given) == given
    assert " ".join(parsed.patronymic) == patronymic


def test_surname_ending_like_a_patronymic_is_not_one() -> None:
    # -евич/-ович surnames whose stem is no given name stay surnames.
    assert parse_name("Данкевич Ірина").patronymic == ()


def test_order_hint() -> None:
    parsed = parse_name("Тарас Шевченко", order_hint="family_first")
    assert parsed.family == ("Тарас",)


def test_parse_reports_script_and_language() -> None:
    parsed = parse_name("Олександр Нехір")
    assert parsed.script == "cyrillic"
    assert parsed.language == "uk"
    assert parse_name("Sergei Lavrov").language == "latin"
    # no letter decides; the name forms do
    assert parse_name("Микола Тарасов").language == "uk"
    assert parse_name("Николай Тарасов").language == "ru"
    assert parse_name("Тарасов").language == "cyrillic"


@pytest.mark.parametrize(
    "word",
    ["Микола", "Николай", "Тарасов", "Nikolai", "Мuкола", "НИКОЛАЙ", "Пётр", "Петро", "Ів.", ""],
)
def test_a_token_carries_the_language_its_form_votes_for(word: str) -> None:
    """A name's language is read off its tokens' votes (a snapshot's stored tokens carry
    them): each is what the word as written says, a Latin letter inside Cyrillic included."""
    from homecoming.names.token import name_token
    from homecoming.names.variant_groups import name_form_language

    assert name_token(word).form_language == (name_form_language(word) or "")


def test_patronymic_in_the_given_name_field_is_recognised() -> None:
    parsed = from_parts(family="Нехір", given="Олександр Петрович")
    assert parsed.patronymic == ("Петрович",)
    assert parsed.given == ("Олександр",)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Anisimov Vitslii", "Anisimov"),  # a given name mistyped is known as neither
        ("GRISHIN KONDTANTIN", "GRISHIN"),
        ("Vitslii Anisimov", "Anisimov"),
        ("Ivan Petrenko", "Petrenko"),
        # neither word a known name: the one shaped as a surname (-ов, -ін, -енко, -ук, -ський)
        ("AKHMEDKHANOV VRNEDIKT", "AKHMEDKHANOV"),
        ("МІШІН СЕПГЕЙ", "МІШІН"),
        ("Nkita Sazonov", "Sazonov"),
        ("Шевчук Валентн", "Шевчук"),
    ],
)
def test_a_word_known_or_shaped_as_a_surname_is_the_family_name(text: str, family: str) -> None:
    parsed = parse_name(text)
    roles = dict(zip((t.text for t in parsed.tokens), parsed.roles, strict=True))
    assert roles[family] == "family", roles


@pytest.mark.parametrize(
    "text",
    [
        "Андрієвич Максим Ілліч",  # a registry's fields one after another
        "Мисакович Кирило Кузьмич",
        "Бернатович Денис Фомич",
        # ... or one no table knows, mistyped: read as "patronymic, given, family" before
        "Базилевич Ярема Валегтинович",
        "Василевич Борис Дмитровтч",
        "VASYLEVYCH BORYS DMYTROVTCH",
    ],
)
def test_a_family_name_shaped_as_a_patronymic_before_a_short_patronymic(text: str) -> None:
    """The first word ends as a patronymic does, the last is a short one (Ілліч, Кузьмич) or
    a mistyped one: the last is the patronymic, the first the family name (no order of a
    name's parts puts the patronymic first)."""
    assert parse_name(text).roles == ("family", "given", "patronymic")


def test_a_known_given_name_last_is_not_read_as_the_patronymic() -> None:
    assert parse_name("Петрович Іван Андрій").roles[2] != "patronymic"


@pytest.mark.parametrize(
    ("text", "patronymic"),
    [
        # a letter of the ending lost or mistyped: still the patronymic by its place
        ("Ляшко Яша Ігнатвич", "Ігнатвич"),
        ("Галлямов Фларит Тимофенвич", "Тимофенвич"),
        # a father's name whose vowel drops before the ending, in Latin (Lev: Lvovich)
        ("Mingazov Ilnur Lvovich", "Lvovich"),
        ("Orlova Maria Lvovna", "Lvovna"),
    ],
)
def test_patronymics_mistyped_or_with_a_fleeting_vowel(text: str, patronymic: str) -> None:
    assert parse_name(text).patronymic == (patronymic,)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aBcЖжІі .,;/()[]_・-·'’`\"\t\u00a0\x1c", max_size=24))
def test_words_are_split_where_the_separators_split_them(text: str) -> None:
    """`tokenize` splits a name without other separators at whitespace as `str.split` does, and
    gives the words the separators' pattern gives, whatever the name holds."""
    from homecoming.names import parse

    spaced = parse._CAMEL.sub(" ", parse._MIDDLE_DOT.sub("", text))
    words = [w for w in (w.strip(".'’`\"") for w in parse._SEPARATORS.split(spaced)) if w]
    expected = [w for w in words if w.lower() not in parse._STOPWORDS] or words
    assert parse.tokenize(text) == expected

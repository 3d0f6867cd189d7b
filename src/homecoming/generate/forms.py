"""Ukrainian and Russian forms of one name (Олександр ↔ Александр, Ковальов ↔ Ковалёв).

Ukrainian → Russian uses names-translator's dictionaries; Russian → Ukrainian reverses
them over Faker's Ukrainian names. What neither knows falls back to spelling rules, which
is what a clerk does too. Every form is cached: the name pools are small.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

from names_translator.dicts import default_dicts

from homecoming.generate.vocabulary import UK_FEMALE, UK_MALE

Part = Literal["first", "last", "patronymic"]

UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐʼ'")
RUSSIAN_ONLY = frozenset("ыэёъЫЭЁЪ")
_APOSTROPHES = "ʼ'’"
_VOWELS = "аеєиіїоуюяёэыАЕЄИІЇОУЮЯЁЭЫ"

# Common names whose forms the dictionaries miss or rank oddly.
_RU_TO_UK_GIVEN = {
    "Алексей": "Олексій",
    "Анатолий": "Анатолій",
    "Евгений": "Євген",
    "Илья": "Ілля",
    "Игорь": "Ігор",
    "Фёдор": "Федір",
    "Федор": "Федір",
    "Пётр": "Петро",
    "Петр": "Петро",
    "Николай": "Микола",
    "Михаил": "Михайло",
    "Павел": "Павло",
    "Семён": "Семен",
    "Семен": "Семен",
    "Дмитрий": "Дмитро",
    "Кирилл": "Кирило",
    "Егор": "Єгор",
    "Елена": "Олена",
    "Наталья": "Наталія",
    "Татьяна": "Тетяна",
    "Дарья": "Дарія",
    "Надежда": "Надія",
    "Любовь": "Любов",
    "Вера": "Віра",
    "Светлана": "Світлана",
    "Екатерина": "Катерина",
    "Василий": "Василь",
    "Григорий": "Григорій",
    "Владимир": "Володимир",
    "Александр": "Олександр",
    "Сергей": "Сергій",
    "Андрей": "Андрій",
    "Юрий": "Юрій",
    "Никита": "Микита",
    "Иван": "Іван",
}


def is_ukrainian_spelling(text: str) -> bool:
    """True when nothing in the text is a letter only Russian uses."""
    return not RUSSIAN_ONLY.intersection(text)


def is_russian_spelling(text: str) -> bool:
    """True when nothing in the text is a letter (or apostrophe) only Ukrainian uses."""
    return not UKRAINIAN_ONLY.intersection(text)


@cache
def to_russian(name: str, part: Part) -> str:
    """The Russian form of a Ukrainian name part (Ковальов → Ковалёв, Сергій → Сергей)."""
    if not name:
        return name
    found = [c for c in default_dicts().lookup(name, part) if is_russian_spelling(c)]
    russian = found[0] if found else _respell_in_russian(name)
    if part == "last":
        russian = _restore_yo(name, russian)
    return russian


@cache
def to_ukrainian(name: str, part: Part) -> str:
    """The Ukrainian form of a Russian name part (Александр → Олександр, Смирнов → Смірнов)."""
    if not name:
        return name
    known = _reverse_dictionary(part).get(name) or _RU_TO_UK_GIVEN.get(name)
    if known:
        return known
    return _respell_in_ukrainian(name, part)


@cache
def _reverse_dictionary(part: Part) -> dict[str, str]:
    """Russian form → Ukrainian form over Faker's Ukrainian first names and patronymics."""
    if part == "last":
        return {}
    names = (
        UK_MALE.given + UK_FEMALE.given
        if part == "first"
        else UK_MALE.patronymic + UK_FEMALE.patronymic
    )
    reverse: dict[str, str] = {}
    for uk in names:
        reverse.setdefault(to_russian(uk, part), uk)
    return reverse


def feminine_surname(surname: str, locale: str) -> str:
    """The feminine form of a masculine surname (Ковальський → Ковальська, Ковальов → Ковальова)."""
    if locale == "uk":
        for masculine, feminine in (("ький", "ька"), ("зький", "зька"), ("ий", "а"), ("ій", "я")):
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + feminine
    else:
        for masculine, feminine in (("ский", "ская"), ("цкий", "цкая"), ("ий", "ая"), ("ой", "ая")):
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + feminine
    if surname.endswith(("ов", "ев", "єв", "ёв", "ин", "ін", "їн", "ын")):
        return surname + "а"
    return surname


def masculine_surname(surname: str) -> str:
    """The masculine form of a possibly feminine surname (Ковальова → Ковальов), either language."""
    for feminine, masculine in (
        ("ська", "ський"),
        ("цька", "цький"),
        ("ская", "ский"),
        ("цкая", "цкий"),
        ("ова", "ов"),
        ("ева", "ев"),
        ("єва", "єв"),
        ("ёва", "ёв"),
        ("іна", "ін"),
        ("ина", "ин"),
        ("ына", "ын"),
    ):
        if surname.endswith(feminine):
            return surname[: -len(feminine)] + masculine
    return surname


def _restore_yo(ukrainian: str, russian: str) -> str:
    """Write ё where the Ukrainian form has ьо/йо before a final -в/-ва (Ковальов → Ковалёв)."""
    if re.search(r"[ьй]ова?$", ukrainian) and re.search(r"ева?$", russian):
        return re.sub(r"е(ва?)$", r"ё\1", russian)
    return russian


def _respell_in_russian(name: str) -> str:
    """Spelling rules for Ukrainian → Russian when the dictionaries have no entry."""
    text = re.sub(r"ів$", "ов", name)
    text = re.sub(r"іль$", "оль", text)
    text = re.sub(r"ськ", "ск", text)
    text = re.sub(r"цьк", "цк", text)
    text = re.sub(r"[ʼ'’]([яюєї])", r"ь\1", text)
    text = re.sub(r"ій$", "ий", text)
    text = re.sub(r"([" + _VOWELS + r"])є", r"\1е", text)
    text = re.sub(r"([" + _VOWELS + r"])ї", r"\1и", text)
    table = str.maketrans(
        {
            "і": "и",
            "ї": "йи",
            "є": "е",
            "ґ": "г",
            "І": "И",
            "Ї": "Йи",
            "Є": "Е",
            "Ґ": "Г",
            "ʼ": "",
            "'": "",
            "’": "",
        }
    )
    return text.translate(table).replace("ьйи", "ьи")


# Russian endings and their Ukrainian counterparts, longest first; the stem is respelt.
_SUFFIXES: dict[Part, tuple[tuple[str, str], ...]] = {
    "patronymic": (
        ("ьевич", "ійович"),
        ("еевич", "ійович"),
        ("евич", "ович"),
        ("ович", "ович"),
        ("ьевна", "іївна"),
        ("еевна", "іївна"),
        ("евна", "івна"),
        ("овна", "івна"),
        ("инична", "інична"),
        ("ична", "ічна"),
        ("ич", "ич"),
    ),
    "first": (("ий", "ій"), ("ей", "ій")),
    "last": (
        ("ский", "ський"),
        ("цкий", "цький"),
        ("ская", "ська"),
        ("цкая", "цька"),
        ("ий", "ий"),
        ("ый", "ий"),
        ("ск", "ськ"),
    ),
}


def _respell_in_ukrainian(name: str, part: Part) -> str:
    """Spelling rules for Russian → Ukrainian (Смирнов → Смірнов, Соловьёв → Соловйов)."""
    for russian, ukrainian in _SUFFIXES[part]:
        if name.endswith(russian) and len(name) > len(russian) + 1:
            return _respell_stem(name[: -len(russian)]) + ukrainian
    return _respell_stem(name)


def _respell_stem(text: str) -> str:
    text = text.replace("ьё", "йо").replace("ъ", "ʼ")
    text = re.sub(r"([бвгджзклмнпрстфхцчшщ])ё", r"\1ьо", text)
    text = text.replace("ё", "йо").replace("Ё", "Йо")
    text = text.replace("ье", "ьє")
    text = re.sub(r"ь([яю])", r"ʼ\1", text)
    text = re.sub(r"([аеиоуыэюя])е", r"\1є", text)
    text = re.sub(r"^Е", "Є", text)
    table = str.maketrans({"и": "і", "ы": "и", "э": "е", "И": "І", "Ы": "И", "Э": "Е"})
    return text.translate(table)

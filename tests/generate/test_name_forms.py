"""Ukrainian and Russian forms of names, side by side."""

from __future__ import annotations

import pytest

from homecoming.generate.forms import (
    Part,
    feminine_surname,
    is_russian_spelling,
    is_ukrainian_spelling,
    masculine_surname,
    to_russian,
    to_ukrainian,
)
from homecoming.generate.renderings import RUSSIAN_SCHEMES, UKRAINIAN_SCHEMES, NameForm, romanise

UKRAINIAN_TO_RUSSIAN = [
    ("Олександр", "first", "Александр"),
    ("Сергій", "first", "Сергей"),
    ("Вʼячеслав", "first", "Вячеслав"),
    ("Ковальов", "last", "Ковалёв"),
    ("Ковальський", "last", "Ковальский"),
    ("Шевченко", "last", "Шевченко"),
    ("Олександрович", "patronymic", "Александрович"),
]
RUSSIAN_TO_UKRAINIAN = [
    ("Александр", "first", "Олександр"),
    ("Сергей", "first", "Сергій"),
    ("Алексей", "first", "Олексій"),
    ("Смирнов", "last", "Смірнов"),
    ("Соловьёв", "last", "Соловйов"),
    ("Маяковская", "last", "Маяковська"),
    ("Анатольевич", "patronymic", "Анатолійович"),
]


@pytest.mark.parametrize(("ukrainian", "part", "russian"), UKRAINIAN_TO_RUSSIAN)
def test_ukrainian_to_russian(ukrainian: str, part: Part, russian: str) -> None:
    assert to_russian(ukrainian, part) == russian


@pytest.mark.parametrize(("russian", "part", "ukrainian"), RUSSIAN_TO_UKRAINIAN)
def test_russian_to_ukrainian(russian: str, part: Part, ukrainian: str) -> None:
    assert to_ukrainian(russian, part) == ukrainian


@pytest.mark.parametrize(
    ("masculine", "locale", "feminine"),
    [
        ("Ковальов", "uk", "Ковальова"),
        ("Ковальський", "uk", "Ковальська"),
        ("Тихий", "uk", "Тиха"),
        ("Шевченко", "uk", "Шевченко"),
        ("Смирнов", "ru", "Смирнова"),
        ("Ковальский", "ru", "Ковальская"),
    ],
)
def test_feminine(masculine: str, locale: str, feminine: str) -> None:
    assert feminine_surname(masculine, locale) == feminine


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [
        ("Ковальова", "Ковальов"),
        ("Ковальська", "Ковальський"),
        ("Смирнова", "Смирнов"),
        ("Ковальская", "Ковальский"),
        ("Шевченко", "Шевченко"),
    ],
)
def test_masculine(feminine: str, masculine: str) -> None:
    assert masculine_surname(feminine) == masculine


def test_spelling_checks() -> None:
    assert is_ukrainian_spelling("Вʼячеслав Ковальов") and not is_russian_spelling("Ковальов Ігор")
    assert is_russian_spelling("Ковалёв") and not is_ukrainian_spelling("Ковалёв")


@pytest.mark.parametrize(
    ("text", "form", "scheme", "latin"),
    [
        ("Олександр", "uk", "kmu2010", "Oleksandr"),
        ("Сергій", "uk", "kmu2010", "Serhii"),
        ("Юрій", "uk", "bgn_pcgn", "Yuriy"),
        ("Щербак", "uk", "german", "Schtscherbak"),
        ("Александр", "ru", "icao_doc_9303", "Aleksandr"),
        ("Ковалёв", "ru", "wikipedia", "Kovalyov"),
        ("Ковалёв", "ru", "bgn_pcgn", "Kovalëv"),
        ("Юрий", "ru", "mvd_782", "Yuriy"),
    ],
)
def test_romanise(text: str, form: NameForm, scheme: str, latin: str) -> None:
    assert romanise(text, form, scheme) == latin


def test_every_scheme_is_known() -> None:
    for scheme in UKRAINIAN_SCHEMES:
        assert romanise("Щасливий", "uk", scheme).isascii() or scheme in {
            "iso9",
            "gost1986",
            "ala_lc",
            "british",
            "french",
        }
    for scheme in RUSSIAN_SCHEMES:
        assert romanise("Щастливый", "ru", scheme)

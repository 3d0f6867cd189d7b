import pytest

from homecoming.names import cyrillic_language, detect_script
from homecoming.names.script import fix_homoglyphs


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Олександр Нехір", "cyrillic"),
        ("Oleksandr Nekhir", "latin"),
        ("Nehìr", "latin"),
        ("Олександр Nehir", "mixed"),
        ("ბარაკ ობამა", "other"),
        ("", "empty"),
        ("В'ячеслав", "cyrillic"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Олександр Нехір", "uk"),
        ("Вʼячеслав", "uk"),
        ("Рустем Умєров", "uk"),
        ("Ґудзь", "uk"),
        ("Сергей Лавров", "ru"),
        ("Ковалёв", "ru"),
        ("Эдуард", "ru"),
        ("Тарасов", None),
    ],
)
def test_cyrillic_language(text: str, language: str | None) -> None:
    assert cyrillic_language(text) == language


def test_homoglyphs_follow_the_majority_alphabet() -> None:
    assert fix_homoglyphs("Oлександр") == "Олександр"  # Latin O typed on the wrong layout
    assert fix_homoglyphs("Nehіr") == "Nehir"  # Cyrillic і in a Latin word
    assert fix_homoglyphs("MОНГYШ") == "МОНГУШ"  # Latin M and Y among Cyrillic capitals
    assert fix_homoglyphs("MОNGУSH") == "MONGYSH"  # Cyrillic О and У among Latin ones


@pytest.mark.parametrize(
    ("token", "fixed"),
    [
        ("Sech1n", "Sechin"),
        ("I9or", "Igor"),
        ("Петр0в", "Петров"),
        ("3ахар", "Захар"),
        ("Nehir", "Nehir"),  # no digits: unchanged
        ("2", "2"),  # a digit alone is not a misread letter
        ("A12", "A12"),  # mostly digits: a number, not a name
    ],
)
def test_digits_inside_a_word_are_misread_letters(token: str, fixed: str) -> None:
    assert fix_homoglyphs(token) == fixed

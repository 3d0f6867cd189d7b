import pytest

from homecoming.names.rendering_model import cyrillic_letters, spelling_score


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Жером", "gerome"), ("Дзютаро", "jutaro"), ("Макгири", "mcgeary"), ("Чжэнвэй", "zhengwei")],
)
def test_real_spellings_score_near_the_best(cyrillic: str, latin: str) -> None:
    assert spelling_score(cyrillic_letters(cyrillic), latin) > -1.3


@pytest.mark.parametrize(
    ("cyrillic", "latin"), [("Жадан", "zhdanov"), ("Юрий", "yulia"), ("Олена", "oleksandr")]
)
def test_other_names_score_far_below(cyrillic: str, latin: str) -> None:
    assert spelling_score(cyrillic_letters(cyrillic), latin) < -2.0


def test_ukrainian_letters_are_read_the_russian_way() -> None:
    assert cyrillic_letters("Їжак-Ґудзь'є") == "ижакгудзье"

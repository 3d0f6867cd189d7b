import pytest
import translitua

from homecoming.names import keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Олександр Нехір", "Oleksandr Nekhyr"),
        ("Олександр Нехір", "Александр Нехир"),
        ("Олександр Нехір", "Alexander Nechir"),
        ("Ковальов Сергій", "Kovalev Sergey"),
        ("Ковальська Юлія", "Kovalskaya Yulia"),
        ("Шевченко Тарас", "Schewtschenko Taras"),
        ("Шевченко Тарас", "Shevchnko Taras"),  # a dropped letter keeps the consonant skeleton
    ],
)
def test_keys_survive_standards_forms_and_typos(a: str, b: str) -> None:
    assert keys(a) & keys(b)


def test_keys_survive_every_ukrainian_table() -> None:
    original = keys("Умєров Рустем")
    for table in translitua.ALL_UKRAINIAN:
        assert original & keys(translitua.translit("Умєров Рустем", table)), table.__name__


def test_keys_skip_patronymics_and_initials() -> None:
    assert keys("Нехір О. Петрович") == keys("Нехір")

from homecoming.names import renderings
from homecoming.names.transliterate import RUSSIAN_STANDARDS, UKRAINIAN_STANDARDS


def test_ukrainian_name_gets_ukrainian_standards() -> None:
    found = renderings("Олександр Нехір")
    assert set(found) == set(UKRAINIAN_STANDARDS)
    assert found["uk_kmu_2010"] == "Oleksandr Nekhir"
    assert found["uk_german"] == "Oleksandr Nechir"
    assert found["uk_gost_1986"] == "Oleksandr Nehir"


def test_russian_name_gets_russian_standards() -> None:
    found = renderings("Сергей Лавров")
    assert set(found) == set(RUSSIAN_STANDARDS)
    assert found["ru_icao_doc_9303"] == "Sergei Lavrov"
    assert found["ru_mvd_310"] == "Sergey Lavrov"


def test_name_forms_decide_when_letters_do_not() -> None:
    assert set(renderings("Микола Тарасов")) == set(UKRAINIAN_STANDARDS)


def test_undecided_cyrillic_gets_both() -> None:
    assert set(renderings("Тарасов")) == set(UKRAINIAN_STANDARDS) | set(RUSSIAN_STANDARDS)


def test_latin_passes_through() -> None:
    assert renderings("Oleksandr") == {"as_written": "Oleksandr"}

import pytest

from homecoming.names import common_form, common_forms
from homecoming.names.latin_form import gender_neutral


@pytest.mark.parametrize(
    "spellings",
    [
        ["Nekhir", "Nehir", "Nechir", "Nexir", "Nehìr"],
        ["Shchukina", "Ščukina", "Schtschukina", "Chtchoukina", "Shhukina", "Ŝukina"],
        ["Iuliia", "Yuliya", "Julija", "Ûliâ", "Iouliia", "Yulia"],
        ["Kovalyov", "Kovalëv", "Kovaljov", "Kovalov"],
        ["Umierov", "Umyerov", "Umjerov", "Umêrov", "Oumierov", "Umerov"],
        ["Serhii", "Serhiy", "Serhij", "Sergii"],
        ["Tsoi", "Tzoi", "Coi"],
        ["Zhadan", "Žadan"],
        ["Ivanov", "Ivanow", "Ivanoff"],
        ["Kovalskyi", "Kovalsky", "Kovalskiy", "Kowalskij"],
        ["Viktorovich", "Viktorovič", "Viktorovitch", "Viktorowitsch"],
    ],
)
def test_spellings_meet(spellings: list[str]) -> None:
    forms = [set(common_forms(s)) for s in spellings]
    shared = set.intersection(*forms)
    assert shared, {s: f for s, f in zip(spellings, forms, strict=True)}


@pytest.mark.parametrize(
    ("a", "b"), [("Nekhir", "Nekhar"), ("Zhadan", "Zhdanov"), ("Yurii", "Yulia")]
)
def test_different_names_stay_different(a: str, b: str) -> None:
    assert not set(common_forms(a)) & set(common_forms(b))


def test_common_form_is_ascii_and_idempotent_on_its_letters() -> None:
    assert common_form("Oleksandr") == "oleksandr"
    assert common_form("") == ""
    assert common_form("'-.") == ""


@pytest.mark.parametrize(
    ("feminine", "masculine"),
    [
        ("kovalska", "kovalski"),
        ("ivanova", "ivanov"),
        ("sukina", "sukin"),
        ("kovalskaia", "kovalski"),
    ],
)
def test_gender_neutral(feminine: str, masculine: str) -> None:
    assert gender_neutral(feminine) == masculine

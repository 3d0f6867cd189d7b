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


def test_a_keys_hash_is_the_same_in_every_process() -> None:
    """Search snapshots saved by one process are read by another, and batch linkage's EM blocks
    on the least hashed key: a key hashes to these numbers in every process and every release
    (Python's own `hash()` of a string is salted per process)."""
    from homecoming.names.blocking import key_hash

    assert key_hash("f:nekhir") == 6322913378043731469
    assert key_hash("g:oleksandr") == 8723871810828156065
    assert 0 <= key_hash("") < 2**63

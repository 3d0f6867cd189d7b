"""Search keys make a family's everyday name a candidate for the registered one (issue 23)."""

from __future__ import annotations

import pytest

from homecoming.search.keys import token_key_hashes


@pytest.mark.parametrize(
    ("written", "registered"),
    [
        ("Тьома", "Артем"),
        ("Tyoma", "Артем"),
        ("Tioma", "Artem"),
        ("Бодя", "Богдан"),
        ("Сашко", "Олександр"),
        ("Sasha", "Александр"),
        ("Олесь", "Oleksandr"),
        ("Антоша", "Антон"),
        ("Серёжа", "Сергій"),
        ("Сєрьожа", "Serhii"),
        ("Оленка", "Олена"),
        ("Юрко", "Юрій"),
        ("Тарасик", "Тарас"),
        ("Лёша", "Олексій"),
        ("Альоша", "Алексей"),
        ("Дима", "Дмитро"),
        ("Женя", "Євгенія"),
        ("Vania", "Іван"),
        ("Андрюша", "Андрій"),
    ],
)
def test_everyday_form_shares_a_key_with_the_full_name(written: str, registered: str) -> None:
    assert set(token_key_hashes(written)) & set(token_key_hashes(registered))


@pytest.mark.parametrize(("a", "b"), [("Ярослав", "Владислав"), ("Тьома", "Антон")])
def test_full_names_sharing_an_everyday_form_share_no_group_key(a: str, b: str) -> None:
    assert not set(token_key_hashes(a)) & set(token_key_hashes(b))

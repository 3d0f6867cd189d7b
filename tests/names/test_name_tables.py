"""The shipped name tables are what the libraries and our own rules give today.

`python -m homecoming.names.build_name_tables` rebuilds them; these tests say when to.
"""

import pytest

from homecoming.names import variant_groups as groups


@pytest.mark.slow
def test_shipped_given_name_tables_match_the_libraries() -> None:
    assert groups._given_name_ids_by_form() == groups.live_given_name_ids_by_form()
    assert groups.common_given_name_forms() == groups.live_common_given_name_forms()
    for category in ("first", "patronymic"):
        assert groups._translator_table(category) == groups.live_translator_table(category)


@pytest.mark.slow  # rigour builds its matcher first: seconds
@pytest.mark.parametrize("name", ["Олександр", "Oleksandr", "Alexander", "Sasha", "Вʼячеслав"])
def test_shipped_name_groups_agree_with_rigour(name: str) -> None:
    assert groups.name_groups(name) <= groups._rigour_name_groups(name)
    assert groups.name_groups(name)


def test_shipped_tables_are_present() -> None:
    assert groups.GROUPS_PATH.exists()
    assert groups.DERIVED_PATH.exists()

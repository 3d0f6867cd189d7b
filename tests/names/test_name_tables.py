"""The shipped name tables are what the libraries and our own rules give today.

`python -m homecoming.names.build_name_tables` rebuilds them; these tests say when to.
"""

from pathlib import Path

import pytest

from homecoming.names import build_name_tables as build
from homecoming.names import variant_groups as groups
from homecoming.names.build_name_tables import rare_group


@pytest.mark.slow
def test_shipped_given_name_tables_match_the_libraries() -> None:
    assert groups._given_name_ids_by_form() == build.live_given_name_ids_by_form()
    assert groups.common_given_name_forms() == build.live_common_given_name_forms()
    assert groups._common_surnames_by_form() == build.live_common_surnames_by_form()
    for category in ("first", "patronymic"):
        assert groups._translator_table(category) == build.live_translator_table(category)


@pytest.mark.slow  # rigour builds its matcher first: seconds
@pytest.mark.parametrize("name", ["Олександр", "Oleksandr", "Alexander", "Sasha", "Вʼячеслав"])
def test_shipped_name_groups_agree_with_rigour(name: str) -> None:
    assert groups.name_groups(name) <= build._rigour_name_groups(name)
    assert groups.name_groups(name)


def test_shipped_tables_are_present() -> None:
    assert groups.GROUPS_PATH.exists()
    assert groups.DERIVED_PATH.exists()
    assert groups.RARE_GROUPS_PATH.exists()
    lines = groups._rare_table()
    assert lines == sorted(lines)  # looked up by bisection


def test_rare_groups_join_only_what_transliteration_does_not() -> None:
    # Moammar / Muammar: one Wikidata group, two spellings no standard joins.
    assert groups.rare_name_groups("Moammar") & groups.rare_name_groups("Muammar")
    assert all(i.startswith(groups.RARE_PREFIX) for i in groups.rare_name_groups("Moammar"))
    # Given-name groups stay apart: parsing reads them as "this word is a given name".
    assert not groups.rare_name_groups("Oleksandr")
    assert rare_group(["moammar", "muammar", "ムアンマル"]) == ["moammar", "muammar"]
    assert rare_group(["sheinbaum", "шейнбаум"]) is None  # transliteration joins them
    assert rare_group(["sheinbaum"]) is None


def test_common_surnames_are_read_from_their_latin_spellings() -> None:
    assert "бандура" in groups.common_surnames_spelled(frozenset({"bandura"}))
    assert "бандера" in groups.common_surnames()
    assert not groups.common_surnames_spelled(frozenset({"zzzz"}))


def test_a_missing_table_fails_loudly_naming_the_file_and_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homecoming.names import tables

    missing = tmp_path / "given_names.tsv.gz"
    monkeypatch.setattr(groups, "DERIVED_PATH", missing)
    groups._derived.cache_clear()
    try:
        with pytest.raises(tables.MissingNameTable) as raised:
            groups._derived()
    finally:
        groups._derived.cache_clear()
    assert str(missing) in str(raised.value)
    assert "python -m homecoming.names.build_name_tables" in str(raised.value)

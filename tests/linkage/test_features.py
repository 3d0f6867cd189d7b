"""What the names engine precomputes for Splink: Cyrillic and Latin side by side."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import service_number_key
from homecoming.linkage.features import record_features
from homecoming.linkage.inputs import InputRecord
from homecoming.match.levels import unit_number


def _features(full_name: str = "", family: str = "", given: str = "") -> dict[str, object]:
    record = InputRecord(id="x", full_name=full_name, family_name=family, given_name=given)
    return record_features(record)


def _share(left: dict[str, object], right: dict[str, object], column: str) -> bool:
    a, b = left[column], right[column]
    return bool(a and b and set(a) & set(b))  # type: ignore[call-overload]


SAME_PERSON = [
    ("Нехір Олександр", "Oleksandr Nekhir"),
    ("Нехір Олександр", "Aleksandr Nekhir"),
    ("Нехир Александр", "Nehir Oleksandr"),
    ("Ковальов Сергій", "Sergey Kovalev"),
    ("КОВАЛЬОВА Олена", "Olena Kovalova"),
    ("Щукіна Наталія", "Natalia Shchukina"),
    ("Nekhir Oleksandr", "Oleksandr Nehir"),
]


@pytest.mark.parametrize(("left", "right"), SAME_PERSON)
def test_the_same_name_in_two_scripts_shares_blocking_keys(left: str, right: str) -> None:
    assert _share(_features(left), _features(right), "bk_names")


@pytest.mark.parametrize(("left", "right"), SAME_PERSON)
def test_family_and_given_forms_meet_in_either_order(left: str, right: str) -> None:
    a, b = _features(left), _features(right)
    straight = _share(a, b, "family_forms") and (
        _share(a, b, "given_forms") or _share(a, b, "given_groups")
    )
    a_family, b_given = set(a["family_forms"] or ()), set(b["given_forms"] or ())  # type: ignore[call-overload]
    crossed = bool(a_family & b_given)
    assert straight or crossed


def test_different_people_share_no_pair_key() -> None:
    assert not _share(_features("Нехір Олександр"), _features("Shevchenko Taras"), "bk_names")


def test_split_fields_win_over_the_full_name_and_patronymic_is_kept_apart() -> None:
    row = _features(family="Ковальов", given="Олександр Іванович")
    assert row["patronymic_forms"]
    assert "kovalov" in row["family_forms"]  # type: ignore[operator]


def test_dates_and_identifiers() -> None:
    row = record_features(
        InputRecord(id="r", full_name="Нехір Олександр", date_of_birth=PartialDate(1987, 5))
    )
    assert (row["dob_year"], row["dob_month"], row["dob_day"], row["dob_iso"]) == (
        1987,
        5,
        None,
        None,
    )
    assert row["bk_name_dob"] is None and row["bk_name_year"]
    assert service_number_key("ВТ-444 079") == service_number_key("BT444079") == "BT444079"
    assert unit_number("в/ч А1234") == "code:1234" and unit_number("71st Separate Brigade") == "71"
    assert unit_number("") is None


ROLE_CASES = [
    "Нехір Олександр Іванович",
    "Олександр Іванович Нехір",
    "NEKHIR Oleksandr",
    "Oleksandr NEKHIR",
    "Шевченко Т. Г.",
    "Nekhir, Oleksandr",
    "Muhammad bin Salman",
    "Sergey Kovalev",
    "Ковальова",
    "Олена",
    "al-Assad Bashar",
]


@pytest.mark.parametrize("text", ROLE_CASES)
def test_roles_follow_parse_name(text: str) -> None:
    from homecoming.linkage.features import name_roles
    from homecoming.names.parse import parse_name

    parsed = parse_name(text)
    assert name_roles(text) == (parsed.tokens, parsed.roles)


def test_the_table_agrees_with_record_features_on_generated_records(
    generated_csv: Callable[[int, int], Path],
) -> None:
    """The distinct-value table and the per-record reference give the same keys and forms."""
    from homecoming.linkage.features import features_table, pair_hash
    from homecoming.linkage.inputs import read_records
    from homecoming.names.blocking import key_hash

    def hashed(forms: object) -> list[int]:
        return sorted({key_hash(f) for f in forms or ()})  # type: ignore[attr-defined]

    records = read_records(generated_csv(1500, 5))
    table = features_table(records).to_pylist()
    for record, row in zip(records, table, strict=True):
        expected = record_features(record)
        for column in ("family_forms", "given_forms", "given_groups", "patronymic_forms"):
            assert sorted(row[column] or ()) == hashed(expected[column]), (record, column)
        for column in ("family_primary", "given_primary", "dob_iso", "name_text"):
            assert row[column] == expected[column], (record, column)
        pairs = {
            pair_hash(key_hash(a), key_hash(b))
            for a, b in (key.split("|") for key in expected["bk_names"] or ())
        }
        assert set(row["bk_names"] or ()) == pairs, record
        assert len(row["bk_name_dob"] or ()) == len(expected["bk_name_dob"] or ())
        assert sorted(row["bk_family"] or ()) == hashed(expected["bk_family"]), record
        given_patronymic = {
            pair_hash(key_hash(k), key_hash(form))
            for k, form in (key.split("|") for key in expected["bk_given_patronymic"] or ())
        }
        assert set(row["bk_given_patronymic"] or ()) == given_patronymic, record
        for column in ("bk_given_family_start", "bk_given_family_end"):
            assert len(row[column] or ()) == len(expected[column] or ()), (record, column)


SERVICE_NUMBERS = [
    "ВТ-444079",  # Cyrillic look-alikes
    "BT444079",
    "bt 444 079",
    "№ АА-000001",
    "Жс-12/7",  # Cyrillic letters that have no Latin twin stay
    "",
    " - ",
    "ТС‑716490",  # a non-breaking hyphen
]


@pytest.mark.parametrize("number", SERVICE_NUMBERS)
def test_the_table_folds_service_numbers_as_the_domain_does(number: str) -> None:
    from homecoming.linkage.features import features_table

    record = InputRecord(id="x", family_name="Нехір", service_number=number)
    (row,) = features_table([record]).to_pylist()
    assert row["service_number"] == (service_number_key(number) or None)


def test_common_name_keys_are_split_by_birth_year_within_a_year() -> None:
    import pyarrow as pa

    from homecoming.linkage.features import narrow_common_keys

    years = [1980, 1981, 1983, None, 1980]
    left = pa.table(
        {
            "bk_names": pa.array([[7, 9], [7], [7], [7], None], pa.list_(pa.int64())),
            "dob_year": pa.array(years, pa.int32()),
        }
    )
    right = pa.table(
        {
            "bk_names": pa.array([[7]], pa.list_(pa.int64())),
            "dob_year": pa.array([1982], pa.int32()),
        }
    )
    narrowed, other = narrow_common_keys([left, right], limit=3)  # key 7: five records
    rows = narrowed.column("bk_names").to_pylist()
    assert 9 in rows[0] and 7 not in rows[0]  # a rare key stays as it is
    assert set(rows[0]) & set(rows[1])  # born a year apart: they still meet
    assert not (set(rows[0]) - {9}) & set(rows[2])  # three years apart: they do not
    assert all(set(rows[3]) & set(rows[i]) for i in (0, 1, 2))  # no year: meets them all
    assert rows[4] is None  # no keys: none
    assert set(other.column("bk_names").to_pylist()[0]) & set(rows[2])  # across tables too
    unchanged = narrow_common_keys([left], limit=10)[0]
    assert unchanged.column("bk_names").to_pylist() == left.column("bk_names").to_pylist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.lists(st.integers(1, 6), max_size=4)),
            st.one_of(st.none(), st.integers(1980, 1986)),
        ),
        max_size=14,
    ),
    st.integers(0, 4),
)
def test_narrowing_keeps_each_records_keys_and_buckets_only_its_common_ones(
    rows: list[tuple[list[int] | None, int | None]], limit: int
) -> None:
    """Each record's narrowed keys, in order, as a plain reading of `narrow_common_keys`
    gives them: its rare keys as they were, then its common keys with year // 2, then with
    (year + 1) // 2, or, without a year, with every year // 2 of the data."""
    import pyarrow as pa

    from homecoming.linkage.features import (
        _SECOND_BUCKET,
        _bucket_keys,
        narrow_common_keys,
    )

    table = pa.table(
        {
            "bk_names": pa.array([keys for keys, _ in rows], pa.list_(pa.int64())),
            "dob_year": pa.array([year for _, year in rows], pa.int32()),
        }
    )
    held: dict[int, int] = {}
    for keys, _ in rows:
        for key in keys or []:
            held[key] = held.get(key, 0) + 1
    common = {key for key, count in held.items() if count > limit}
    years = [year for _, year in rows if year is not None]
    every = list(range(min(years) // 2, max(years) // 2 + 1)) if years else []

    def bucket(key: int, value: int) -> int:
        return int(_bucket_keys(np.array([key]), np.array([value]))[0])

    expected = []
    for keys, year in rows:
        if keys is None:
            expected.append(None)
            continue
        mine = [k for k in keys if k not in common or not years]
        narrowed = [k for k in keys if k in common and years]
        if year is not None:
            mine += [bucket(k, year // 2) for k in narrowed]
            mine += [bucket(k, (year + 1) // 2 + _SECOND_BUCKET) for k in narrowed]
        else:
            mine += [bucket(k, e) for k in narrowed for e in every]
        expected.append(mine or None)
    (found,) = narrow_common_keys([table], limit=limit)
    if not common:
        assert found is table
        return
    assert found.column("bk_names").to_pylist() == expected


_KEYS = st.one_of(
    st.sampled_from([0, 1, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**62, 2**63 - 2, 2**63 - 1]),
    st.integers(min_value=0, max_value=2**63 - 1),
)


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(_KEYS, _KEYS), min_size=1, max_size=50))
def test_sql_pairs_two_keys_as_python_does(pairs: list[tuple[int, int]]) -> None:
    """`_PAIR_SQL`, in 64-bit integers, is `pair_hash` for any two keys (0 to 2**63 - 1)."""
    import duckdb
    import pyarrow as pa

    from homecoming.linkage.name_features import _PAIR_SQL, pair_hash

    connection = duckdb.connect()
    keys = pa.table(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]},
        schema=pa.schema([("a", pa.int64()), ("b", pa.int64())]),
    )
    connection.register("pairs", keys)
    found = connection.execute(f"select {_PAIR_SQL} from pairs").fetchall()
    assert [h for (h,) in found] == [pair_hash(a, b) for a, b in pairs]

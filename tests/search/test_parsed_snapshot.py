"""Parsed names in the search index's snapshot: read back instead of parsed, the same names
and the same results; an older snapshot (or one of another names engine) is parsed as before."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from homecoming.domain.dates import PartialDate
from homecoming.names.parse import parse_name
from homecoming.search import index as index_module
from homecoming.search import parsed as parsed_module
from homecoming.search.index import Entry, PersonIndex, Query

PEOPLE = [
    Entry(1, 101, "Нехір Олександр Іванович", PartialDate(1987, 5, 23), "male", "36 ОБрМП"),
    Entry(2, 102, "NEKHYR Oleksadr", PartialDate(1987, 5, 23), "male"),
    Entry(3, 103, "Тарасов Олександр", PartialDate(1979), "male", service_number="АА-123456"),
    Entry(4, 104, "Астапенко Оксана (Ксюша)", PartialDate(1995, 3, 3), "female"),
    Entry(5, 105, "Бернатович Денис Устимович", PartialDate(1950, 3, 21), "male"),
    Entry(6, 106, "Петро Парменович Іванов", PartialDate(1988, 7, 1), "male"),
    Entry(7, 107, "Петренко-Бойко Олена Ілліч", PartialDate(1974, 8, 23), "female"),
    Entry(8, 108, "Нехір Олександр", PartialDate(1961, 2, 2), "male"),
]
QUERIES = [
    Query("Oleksandr Nekhir", born=PartialDate(1987)),
    Query("Александр Нехир", born=PartialDate(1987, 5, 23)),
    Query("Oksana Astapenko"),
    Query("Denys Bernatovych"),
    Query("Олена Петренко"),
    Query("", service_number="АА-123456"),
]


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the index parses from here on."""
    seen: list[str] = []

    def counted(text: str, **options: object) -> object:
        seen.append(text)
        return parse_name(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "parse_name", counted)
    return seen


def _loaded(path: Path) -> PersonIndex:
    loaded = PersonIndex.load(path)
    assert loaded is not None
    return loaded[0]


def test_a_snapshot_keeps_every_name_parsed_and_its_loader_parses_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = PersonIndex.build(PEOPLE)
    assert built.parse_all() == len(built.names)
    path = tmp_path / "index.npz"
    built.save(path, stamp=7, stamp_hash="ab")
    parses = _parses(monkeypatch)
    copy = _loaded(path)
    copy.warm()
    assert parses == []  # read back, not parsed
    for name_id, name in enumerate(copy.names):
        assert copy._parsed_name(name_id) == parse_name(name)
    found = [copy.search(query) for query in QUERIES]
    assert set(parses) == {q.text for q in QUERIES}  # the queries alone
    fresh = PersonIndex.build(PEOPLE)
    assert found == [fresh.search(query) for query in QUERIES]


def test_names_added_after_loading_are_parsed_and_stored_with_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = PersonIndex.build(PEOPLE[:5])
    first.parse_all()
    path = tmp_path / "index.npz"
    first.save(path, stamp=7, stamp_hash="ab")
    second = _loaded(path)
    second.add(PEOPLE[5:])
    assert second.parse_all() == 3  # the three added
    second.save(path, stamp=8, stamp_hash="cd")
    parses = _parses(monkeypatch)
    third = _loaded(path)
    third.warm()
    assert parses == []
    assert [third._parsed_name(i) for i in range(len(third.names))] == [
        parse_name(n) for n in third.names
    ]


def test_a_snapshot_saved_unparsed_stores_what_was_parsed_and_the_rest_is_parsed_on_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = PersonIndex.build(PEOPLE)
    built.search(Query("Oksana Astapenko"))  # parses the names it compares, no more
    path = tmp_path / "index.npz"
    built.save(path, stamp=7, stamp_hash="ab")
    stored = sum(1 for p in built._parsed if p is not None)
    assert 0 < stored < len(built.names)
    parses = _parses(monkeypatch)
    copy = _loaded(path)
    copy.warm()
    assert len(parses) == len(built.names) - stored
    assert copy.parse_all() == len(built.names) - stored


def _strip_parsed(path: Path) -> None:
    """The snapshot as the code before parsed names wrote it (version 3, no parsed_* arrays)."""
    with np.load(path) as data:
        kept = {k: data[k] for k in data.files if not k.startswith("parsed_")}
    with zipfile.ZipFile(path) as archive:
        assert any(n.startswith("parsed_") for n in archive.namelist())
    np.savez(path.with_suffix(".old.npz"), **kept)
    path.with_suffix(".old.npz").replace(path)


def test_a_snapshot_without_parsed_names_loads_and_parses_them_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = PersonIndex.build(PEOPLE)
    built.parse_all()
    path = tmp_path / "index.npz"
    built.save(path, stamp=7, stamp_hash="ab")
    _strip_parsed(path)
    parses = _parses(monkeypatch)
    copy = _loaded(path)
    copy.warm()
    assert sorted(parses) == sorted(copy.names)
    fresh = PersonIndex.build(PEOPLE)
    for query in QUERIES:
        assert copy.search(query) == fresh.search(query)
    copy.save(path, stamp=8, stamp_hash="cd")  # saved again: with them
    parses.clear()
    _loaded(path).warm()
    assert parses == []


def test_names_parsed_by_another_names_engine_are_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = PersonIndex.build(PEOPLE)
    built.parse_all()
    path = tmp_path / "index.npz"
    built.save(path, stamp=7, stamp_hash="ab")
    monkeypatch.setattr(parsed_module, "engine_version", lambda: "another names engine")
    parses = _parses(monkeypatch)
    copy = _loaded(path)
    copy.warm()
    assert sorted(parses) == sorted(copy.names)


def test_the_engine_version_changes_with_the_names_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import homecoming.names

    package = Path(homecoming.names.__file__).parent
    copy = tmp_path / "names"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(homecoming.names, "__file__", str(copy / "__init__.py"))
    parsed_module.engine_version.cache_clear()
    try:
        same = parsed_module.engine_version()
        tables = sorted(p for p in (copy / "data").rglob("*") if p.is_file())
        tables[0].write_bytes(tables[0].read_bytes() + b"\n")
        parsed_module.engine_version.cache_clear()
        assert parsed_module.engine_version() != same
    finally:
        monkeypatch.undo()
        parsed_module.engine_version.cache_clear()
    assert parsed_module.engine_version() == same

"""Parsed names in the search index's snapshot: read back instead of parsed, the same names
and the same results; names the snapshot did not store (added later, saved unparsed, written by
another names engine) are parsed as before."""

from __future__ import annotations

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
    Entry(9, 109, "Muhammad bin Salman al-Saud", PartialDate(1985), "male"),
    Entry(10, 110, "Шевченко Т. Г.", PartialDate(1914, 3, 9), "male"),
    Entry(11, 111, "Нехір Олександр Іванович", PartialDate(1987, 5, 23), "male"),  # same name
]
QUERIES = [
    Query("Oleksandr Nekhir", born=PartialDate(1987)),
    Query("Александр Нехир", born=PartialDate(1987, 5, 23)),
    Query("Oksana Astapenko"),
    Query("Ksiusha Astapenko"),
    Query("Denys Bernatovych"),
    Query("Олена Петренко"),
    Query("Salman Muhammad"),
    Query("Taras Shevchenko"),
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


def _held(index: PersonIndex) -> list[object]:
    return [index._parsed[i] if i < len(index._parsed) else None for i in range(len(index.names))]


def _saved_parsed(tmp_path: Path) -> Path:
    """PEOPLE's index with every name parsed, saved: the snapshot's path."""
    built = PersonIndex.build(PEOPLE)
    built.parse_all()
    path = tmp_path / "index.npz"
    built.save(path, stamp=7, stamp_hash="ab")
    return path


def _parsed_again(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[PersonIndex, list[str]]:
    """The snapshot at `path` loaded without stored names, and every name parsed by its
    warm-up: the copy and the names it parsed."""
    parses = _parses(monkeypatch)
    copy = _loaded(path)
    assert copy._stored is None
    copy.warm()
    assert sorted(parses) == sorted(copy.names)
    return copy, parses


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
    fresh = [parse_name(name) for name in copy.names]
    assert _held(copy) == fresh  # field by field, every token's too
    # Read back one at a time (a search's first comparison of a name) as in a run.
    one_by_one = _loaded(path)
    assert [one_by_one._parsed_name(i) for i in range(len(copy.names))] == fresh
    assert parses == []
    found = [copy.search(query) for query in QUERIES]
    assert set(parses) == {q.text for q in QUERIES}  # the queries alone
    built_fresh = PersonIndex.build(PEOPLE)
    assert found == [built_fresh.search(query) for query in QUERIES]
    assert [one_by_one.search(query) for query in QUERIES] == found


def test_names_share_their_tokens_and_tuples_once_read_back(tmp_path: Path) -> None:
    copy = _loaded(_saved_parsed(tmp_path))
    copy.warm()
    first, other = copy._parsed_name(0), copy._parsed_name(7)  # Нехір Олександр (Іванович)
    assert first.tokens[0] is other.tokens[0] and first.family is other.family


def test_names_added_after_loading_are_parsed_and_stored_with_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = PersonIndex.build(PEOPLE[:5])
    first.parse_all()
    path = tmp_path / "index.npz"
    first.save(path, stamp=7, stamp_hash="ab")
    second = _loaded(path)
    second.add(PEOPLE[5:])  # the delta: its names are new
    assert second.parse_all() == len(second.names) - 5
    assert second.search(QUERIES[5]) == PersonIndex.build(PEOPLE).search(QUERIES[5])
    second.save(path, stamp=8, stamp_hash="cd")
    parses = _parses(monkeypatch)
    third = _loaded(path)
    third.warm()
    assert parses == []
    assert _held(third) == [parse_name(n) for n in third.names]
    for query in QUERIES:
        assert third.search(query) == PersonIndex.build(PEOPLE).search(query)


def test_a_snapshot_saved_unparsed_stores_the_names_parsed_from_the_first_and_the_rest_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = PersonIndex.build(PEOPLE)
    for name_id in (0, 1, 2, 5):
        built._parsed_name(name_id)  # as searches would
    path = tmp_path / "index.npz"
    built.save(path, stamp=7, stamp_hash="ab")
    parses = _parses(monkeypatch)
    copy = _loaded(path)
    assert copy._stored is not None and len(copy._stored) == 3  # 0, 1 and 2: the first run
    copy.warm()
    assert sorted(parses) == sorted(copy.names[3:])
    assert _held(copy) == [parse_name(n) for n in copy.names]
    assert copy.parse_all() == len(copy.names) - 3
    unsaved = PersonIndex.build(PEOPLE)
    unsaved.save(path, stamp=7, stamp_hash="ab")
    copy = _loaded(path)
    assert copy._stored is not None and len(copy._stored) == 0
    for query in QUERIES:
        assert copy.search(query) == unsaved.search(query)


def test_a_snapshot_without_parsed_names_loads_and_parses_them_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _saved_parsed(tmp_path)
    with np.load(path) as data:
        kept = {k: data[k] for k in data.files if not k.startswith(parsed_module.PREFIX)}
        assert len(kept) < len(data.files)
    np.savez(tmp_path / "stripped.npz", **kept)
    copy, parses = _parsed_again(tmp_path / "stripped.npz", monkeypatch)
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
    path = _saved_parsed(tmp_path)
    monkeypatch.setattr(parsed_module, "engine_version", lambda: "another names engine")
    _parsed_again(path, monkeypatch)


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


def test_stored_names_that_do_not_add_up_are_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _saved_parsed(tmp_path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays[parsed_module.PREFIX + "family"] = arrays[parsed_module.PREFIX + "family"][:-1]
    np.savez(tmp_path / "cut.npz", **arrays)
    _parsed_again(tmp_path / "cut.npz", monkeypatch)


def test_a_loaded_snapshot_makes_no_token_of_a_word_it_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query's words are mostly words of indexed names: the snapshot's stored tokens serve
    them, instead of each being made again on its first search (about a millisecond a word
    at a million records), each as `name_token` makes it, not as a parse changed it
    (Прокопович read as a family name, not a patronymic). The same hits as before."""
    from homecoming.names import token as token_module

    words = ("Квасоцький", "Зиновій", "Арсенович", "Іван", "Прокопович", "Віталійович")
    made = {w: token_module._make_token(w) for w in words}  # as a process making them would
    built = PersonIndex.build(
        [
            *PEOPLE,
            Entry(12, 112, "Квасоцький Зиновій Арсенович"),
            Entry(13, 113, "Іван Прокопович Віталійович", PartialDate(1986)),
            Entry(14, 114, "Прокопович Іван Віталійович", PartialDate(1986)),
        ]
    )
    built.parse_all()
    built.save(tmp_path / "index.npz", stamp=1)
    queries = [Query("Зиновій Квасоцький Арсенович"), Query("Іван Прокопович Віталійович")]
    expected = [built.search(q) for q in queries]
    monkeypatch.setattr(token_module, "_made_before", {})
    loaded = _loaded(tmp_path / "index.npz")
    _refuse_to_make(monkeypatch, token_module, "_made_token")
    assert {w: token_module.name_token(w) for w in words} == made
    assert [loaded.search(q) for q in queries] == expected


def test_a_loaded_snapshot_makes_no_latin_rendering_of_a_cyrillic_word_it_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Comparing a Latin word with a Cyrillic one reads the Cyrillic word's renderings under
    every standard (a third of a millisecond a word, made on its first comparison): a loaded
    snapshot serves those of its words, the same as made, and a Latin query's hits stay."""
    from homecoming.names import transliterate

    built = PersonIndex.build(
        [*PEOPLE, Entry(12, 112, "Кощенко Геннадій Фомич", PartialDate(1979, 3, 14))]
    )
    built.parse_all()
    built.save(tmp_path / "index.npz", stamp=1)
    made = {w: transliterate._made_renderings(w) for w in ("Кощенко", "Геннадій", "Фомич")}
    query = Query("Koshcchenko Hennadii", born=PartialDate(1979, 3, 14))
    expected = built.search(query)
    monkeypatch.setattr(transliterate, "_rendered_before", {})
    loaded = _loaded(tmp_path / "index.npz")
    _refuse_to_make(monkeypatch, transliterate, "_made_renderings")
    assert {w: transliterate.latin_renderings(w) for w in made} == made
    assert "koshchenko" in made["Кощенко"]
    hits = loaded.search(query)
    assert hits == expected and hits[0].person_id == 112


def _refuse_to_make(monkeypatch: pytest.MonkeyPatch, module: object, maker: str) -> None:
    """`module.maker(word)` fails the test: what a loaded snapshot stores is not made again."""

    def make_again(word: str) -> object:
        raise AssertionError(f"{maker}({word!r}) was called: made again, not read back")

    monkeypatch.setattr(module, maker, make_again)

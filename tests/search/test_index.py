"""The person search index: any alphabet finds the person; dates rank; snapshots round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.names.parse import parse_name
from homecoming.search import index as index_module
from homecoming.search.index import Entry, PersonIndex, Query

PEOPLE = [
    Entry(1, 101, "Нехір Олександр Іванович", PartialDate(1987, 5, 23), "male", "36 ОБрМП"),
    Entry(2, 102, "Нехір Олег Петрович", PartialDate(1990, 1, 2), "male"),
    Entry(3, 103, "Тарасов Олександр", PartialDate(1979), "male", service_number="АА-123456"),
    Entry(4, 104, "Астапенко Оксана", PartialDate(1995, 3, 3), "female"),
    Entry(5, 105, "Лавров Сергей Викторович", PartialDate(1950, 3, 21), "male"),
    Entry(6, 106, "Ковальов Андрій", PartialDate(1988, 7, 1), "male"),
    Entry(7, 107, "Жаданов Сергій", PartialDate(1974, 8, 23), "male"),
    Entry(8, 108, "Нехір Олександр", PartialDate(1961, 2, 2), "male"),
]


@pytest.fixture(scope="module")
def index() -> PersonIndex:
    return PersonIndex.build(PEOPLE)


@pytest.mark.parametrize(
    ("query", "person"),
    [
        (Query("Oleksandr Nekhir", born=PartialDate(1987)), 101),
        (Query("Александр Нехир", born=PartialDate(1987, 5, 23)), 101),
        (Query("Alexander Nehir", born=PartialDate(1987, 5)), 101),
        (Query("NEKHYR Oleksandr", born=PartialDate(1987, 5, 23)), 101),
        (Query("Sasha Nekhir", born=PartialDate(1987, 5, 23)), 101),
        (Query("Oksana Astapenko"), 104),
        (Query("Sergei Lavrov"), 105),
        (Query("Kovalev Andrei"), 106),
        (Query("Serhii Zhadanov"), 107),
        (Query("Oleksandr Nekhir", born=PartialDate(1961)), 108),
    ],
)
def test_cross_script_queries_find_the_person_first(
    index: PersonIndex, query: Query, person: int
) -> None:
    hits = index.search(query, limit=3)
    assert hits and hits[0].person_id == person, hits


def test_service_number_finds_without_a_name(index: PersonIndex) -> None:
    hits = index.search(Query("", service_number="аа 123456"))
    assert [h.person_id for h in hits] == [103]
    assert any(r.startswith("service number: service number agrees") for r in hits[0].reasons)


def test_a_number_on_another_mans_name_is_weighed_with_the_names(index: PersonIndex) -> None:
    # A service number copied onto another man's row is a known clerical error of hand-made
    # lists: the record the number finds is compared by name too, not taken on the number alone.
    hits = index.search(Query("Гуменюк Ярослав", service_number="АА-123456"))
    assert all(h.score < 0.5 for h in hits), hits  # no year to tell them apart: a conflict
    hits = index.search(Query("Гуменюк Ярослав", PartialDate(1979), service_number="АА-123456"))
    assert [h.person_id for h in hits] == [103]
    assert any(r.startswith("name: names differ") for r in hits[0].reasons), hits[0].reasons
    # The man himself, his name misspelt, with his number: found, his name weighed as well.
    hit = index.search(Query("TARASSOV OLEXANDR", service_number="АА-123456"))[0]
    assert hit.person_id == 103 and hit.score > 0.99, hit
    assert any(r.startswith("name:") for r in hit.reasons), hit.reasons


def test_hits_explain_themselves(index: PersonIndex) -> None:
    hit = index.search(Query("Oleksandr Nekhir", born=PartialDate(1987, 5, 23)))[0]
    assert any(r.startswith("date of birth: exact") for r in hit.reasons)
    rules = {part["rule"] for part in hit.name_explanation["explanation"]}
    assert rules & {"transliteration standard", "same form", "common form"}


def test_an_unrelated_name_finds_nobody(index: PersonIndex) -> None:
    assert index.search(Query("Smith John")) == []


def test_records_added_later_are_found_and_compaction_keeps_them(tmp_path: Path) -> None:
    index = PersonIndex.build(PEOPLE[:4])
    index.add([Entry(9, 109, "Умєров Рустем", PartialDate(1982, 7, 19), "male")])
    assert index.search(Query("Rustem Umerov"))[0].person_id == 109
    index.compact()
    assert index.search(Query("Рустем Умеров"))[0].person_id == 109
    with pytest.raises(ValueError, match="increasing"):
        index.add([Entry(2, 1, "X")])


def test_reassign_follows_judgements(index: PersonIndex) -> None:
    fresh = PersonIndex.build(PEOPLE)
    fresh.reassign({8: 101})
    persons = [h.person_id for h in fresh.search(Query("Oleksandr Nekhir"))]
    assert persons.count(101) == 1 and 108 not in persons


def test_snapshot_round_trip(tmp_path: Path) -> None:
    index = PersonIndex.build(PEOPLE)
    index.parse_all()
    path = tmp_path / "index.npz"
    index.save(path, stamp=42, stamp_hash="ab12")
    loaded = PersonIndex.load(path)
    assert loaded is not None
    copy, stamp, stamp_hash = loaded
    assert (stamp, stamp_hash) == (42, "ab12") and len(copy) == len(index)
    assert copy.names == index.names and copy.word_keys == index.word_keys
    assert copy._stored is not None and len(copy._stored) == len(index.names)
    assert [copy._stored.get(i, name) for i, name in enumerate(copy.names)] == index._parsed
    for query in (
        Query("Oleksandr Nekhir", born=PartialDate(1987)),
        Query("", service_number="АА-123456"),
    ):
        assert copy.search(query) == index.search(query)


def test_a_snapshot_of_the_version_before_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot of an older version (4: keys of the common forms before -аєв and tc were read
    alike) is not read: the index is built again, as for any other version."""
    monkeypatch.setattr(index_module, "SNAPSHOT_VERSION", 4)
    PersonIndex.build(PEOPLE).save(tmp_path / "index.npz", stamp=1, stamp_hash="ab")
    monkeypatch.undo()
    assert index_module.SNAPSHOT_VERSION == 5
    assert PersonIndex.load(tmp_path / "index.npz") is None


def test_a_party_scope_ranks_by_that_partys_records_only() -> None:
    scoped = PersonIndex.build(
        [
            Entry(1, 101, "Нехір Олександр", PartialDate(1987, 5, 23), party="UA"),
            Entry(2, 101, "Nekhir Aleksandr", PartialDate(1987), party="RU"),
            Entry(3, 102, "Тарасов Олександр", party="UA"),
        ]
    )
    query = Query("Олександр Нехір", born=PartialDate(1987, 5, 23))
    assert [h.record_id for h in scoped.search(query)] == [1]
    ru = scoped.search(Query("Олександр Нехір", party="RU"))
    assert [h.record_id for h in ru] == [2]
    assert scoped.search(Query("Олександр Тарасов", party="RU")) == []
    assert scoped.search(Query("Олександр Тарасов", party="XX")) == []


def test_warming_changes_speed_not_results(index: PersonIndex) -> None:
    cold = PersonIndex.build(PEOPLE)
    warm = PersonIndex.build(PEOPLE)
    warm.warm()
    for query in (Query("Oleksandr Nekhir", born=PartialDate(1987)), Query("Sergei Lavrov")):
        assert warm.search(query) == cold.search(query)
    warm.add([Entry(9, 109, "Умєров Рустем")])  # added after warming: parsed on demand
    assert warm.search(Query("Rustem Umerov"))[0].person_id == 109


def test_a_warm_up_gives_way_between_batches_and_parses_every_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_module, "WARM_BATCH", 3)
    warm = PersonIndex.build(PEOPLE)
    parsed_at_each_pause: list[int] = []
    warm.warm(pause=lambda: parsed_at_each_pause.append(_parsed(warm)))
    assert parsed_at_each_pause == [0, 3, 6]  # before each batch of three of the eight names
    assert _parsed(warm) == len(warm.names)
    cold = PersonIndex.build(PEOPLE)
    assert warm.search(Query("Oleksandr Nekhir")) == cold.search(Query("Oleksandr Nekhir"))


def _parsed(index: PersonIndex) -> int:
    return sum(1 for name in index._parsed if name is not None)


@pytest.mark.parametrize(
    ("registry", "listed"),
    [
        ("Хохлов Савелій Савватієвич", "Хохоов Савелий Савватиевич"),
        ("Віноградов Анатолій Степанович", "Виноградов Анаолий Степанович"),
        ("Журавльов Валентін Семьонович", "Жуавлёв Валентин Семёнович"),
        # two words: the entry's own copy carries both, the registry's record one
        ("Гоголев Айаал Сергеєвич", "Гоголе Айаал"),
        # a family sharing the family name and patronymic: more than a handful carry two words
        ("Ахметзянов Ісай Наїлевич", "AKHMETZIANOV IAAI NAILEVICH"),
        # a hyphenated given name the registry writes as one word: two words fewer than the
        # entry's own copy, unless the pieces carry the joined word's keys
        ("Магомедов Магомедрасул Ахмедович", "Магомедов Магомед-Расул Ахмедович"),
        ("MAGOMEDOV MAGOMEDRASUL AKHMEDOVICH", "Магомедов Магомед-Расул Ахмедович"),
        ("Гогольяновський Лука Петрович", "Гоголь-Яновський Лука Петрович"),
    ],
)
def test_a_lists_own_copy_does_not_hide_the_registrys_record(registry: str, listed: str) -> None:
    """A list's entry is indexed too, its slip included: it carries every word of the query,
    the registry's record all but one. Both are candidates."""
    others = [
        Entry(record_id=i, person_id=i, name=f"{family} {given} Петрович")
        for i, (family, given) in enumerate(
            ((f, g) for f in ("Мельник", "Бондар", "Ткачук") for g in ("Савелій", "Анатолій")),
            start=10,
        )
    ]
    others += [  # Ахметзянов X Наїлевич: brothers and namesakes carrying two of three words
        Entry(record_id=i, person_id=i, name=f"Ахметзянов {given} Наїлевич")
        for i, given in enumerate(("Феофан", "Фарід", "Рустем", "Ільдар", "Марат", "Айдар"), 30)
    ]
    index = PersonIndex.build(
        [
            Entry(record_id=1, person_id=1, name=registry, date_of_birth=PartialDate(1989)),
            Entry(record_id=2, person_id=2, name=listed),
            *others,
        ]
    )
    hits = index.search(Query(text=listed, indexed_itself=True), limit=5)
    assert {h.person_id for h in hits[:2]} == {1, 2}


def test_a_lists_own_copy_among_many_who_share_a_word() -> None:
    """More names carry the query's other word than can all be scored (twenty Айаалs): the
    ones that read closest to the query are, and the registry's Гоголев Айаал is among them."""
    families = ("Иванов", "Петров", "Слепцов", "Аммосов", "Винокуров", "Сидоров", "Егоров")
    others = [
        Entry(record_id=i, person_id=i, name=f"{families[i % 7]}{'а' * (i // 7)} Айаал Петрович")
        for i in range(10, 30)
    ]
    index = PersonIndex.build(
        [
            *others,
            Entry(record_id=1, person_id=1, name="Гоголев Айаал Сергеєвич"),
            Entry(record_id=2, person_id=2, name="Гоголе Айаал"),
        ]
    )
    assert len(others) > index_module.LEFT_OUT_NAMES
    hits = index.search(Query(text="Гоголе Айаал", indexed_itself=True), limit=5)
    assert {h.person_id for h in hits[:2]} == {1, 2}


def test_the_search_helpers_agree_with_numpy() -> None:
    """Sorted-unique, membership and key counts: the same as numpy's set operations and the
    scatter they replace, whichever of binary search or scattering a posting takes."""
    import numpy as np

    from homecoming.search import index as module

    rng = np.random.default_rng(3)
    for size in (0, 1, 5, 300, 5_000):
        values = rng.integers(0, 2_000, size)
        assert module._unique(values).tolist() == np.unique(values).tolist()
        names = np.unique(rng.integers(0, 2_000, max(size // 10, 1)))
        postings = [np.sort(rng.integers(0, 2_000, n)) for n in (0, 3, 40, 1_500, 1_900)]
        counts = sum(np.isin(names, p).astype(np.int64) for p in postings)
        assert module._carried(names, postings, 2_000).tolist() == counts.tolist()
        either = np.isin(names, np.concatenate(postings)).astype(np.int64)
        assert module._members(names, postings, 2_000).tolist() == either.tolist()


def test_common_words_masks_change_speed_not_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every word's mask kept (its postings over the compacted names), records added after
    compaction included: the same hits as the masks never kept."""
    from homecoming.search import index as module

    queries = [
        Query("Oleksandr Nekhir", born=PartialDate(1987)),
        Query("Нехир Олег", born=PartialDate(1990, 1, 2)),
        Query("Olexandr Nehir Ivanovych", indexed_itself=True),
        Query("Tarasov Oleksandr", born=PartialDate(1979, 2, 3)),
    ]
    later = [Entry(9, 109, "Нехир Олександр Петрович", PartialDate(1987, 5, 23), "male")]

    def hits() -> list[list[tuple[int, int, float]]]:
        index = PersonIndex.build(PEOPLE)
        index.warm()
        index.add(later)
        return [[(h.person_id, h.record_id, h.score) for h in index.search(q)] for q in queries]

    never = hits()
    monkeypatch.setattr(module, "WORD_MASK_FROM", 1)
    assert hits() == never
    assert any(hit[0] == 109 for found in never for hit in found)  # added after compaction


def test_name_frequency_follows_records_added_after_it_was_asked() -> None:
    """Word record counts are kept between searches, and counted again once records arrive."""
    from homecoming.names.parse import parse_name

    name = parse_name("Нехір Олександр")
    index = PersonIndex.build(PEOPLE)
    before = index.name_frequency(name)
    more = [Entry(9 + n, 200 + n, "Нехір Олександр", PartialDate(1970 + n)) for n in range(30)]
    index.add(more)
    assert index.name_frequency(name) == PersonIndex.build(PEOPLE + more).name_frequency(name)
    assert index.name_frequency(name) != before


def _kuular(n: int, given: str, year: int) -> Entry:
    return Entry(
        record_id=n,
        person_id=n,
        name=f"Куулар {given} Саянович",
        date_of_birth=PartialDate(year, 6, 1),
        sex="male",
    )


def test_namesakes_of_one_family_make_its_name_common(tmp_path: Path) -> None:
    """Three men named Куулар Саян Саянович, born years apart: the name is commoner than its
    family name's frequency times its given name's says, and an undated entry of it weighs
    less for each. Beside other Куулар of other given names only, it stays as rare as the
    product makes it. Counted the same after records are added and after a snapshot."""
    others = [
        Entry(record_id=10 + i, person_id=10 + i, name=name, date_of_birth=PartialDate(1970 + i))
        for i, name in enumerate(("Петренко Іван Петрович", "Коваль Олег Іванович") * 20)
    ]
    namesakes = PersonIndex.build(
        [_kuular(1, "Саян", 1987), _kuular(2, "Саян", 1996), _kuular(3, "Саян", 2005), *others]
    )
    apart = PersonIndex.build(
        [_kuular(1, "Саян", 1987), _kuular(2, "Айдын", 1996), _kuular(3, "Чечен", 2005), *others]
    )
    name = parse_name("Куулар Саян Саянович")
    crowded, alone = namesakes.name_frequency(name), apart.name_frequency(name)
    assert crowded is not None and alone is not None
    assert crowded > 5 * alone
    query = Query(text="Куулар Саян Саянович")
    assert len(namesakes.search(query, limit=3)) == 3 and apart.search(query)[0].person_id == 1
    namesakes.add([_kuular(60, "Саян", 1999)])
    assert (namesakes.name_frequency(name) or 0) > crowded
    namesakes.save(tmp_path / "index.npz", stamp=1)
    loaded = PersonIndex.load(tmp_path / "index.npz")
    assert loaded is not None and loaded[0].name_frequency(name) == namesakes.name_frequency(name)


def test_names_in_both_postings_are_found_by_binary_search_as_by_intersection() -> None:
    import numpy as np

    from homecoming.search.index import _shared

    rng = np.random.default_rng(7)
    for _ in range(500):
        # Postings are sorted name ids, a name twice where two of its words share a key.
        a = np.sort(rng.integers(0, 300, rng.integers(0, 40)))
        b = np.sort(rng.integers(0, 300, rng.integers(0, 400)))
        assert _shared(a, b).tolist() == np.intersect1d(a, b).tolist()
        assert _shared(b, a).tolist() == np.intersect1d(a, b).tolist()


def test_pair_counts_follow_records_added_however_many_names_share_the_pair() -> None:
    """A family name and a given name borne together, counted after records are added: as an
    index built with them all counts them, whether the added names are fewer than the names
    sharing the pair or more."""
    fathers = ("Іванович", "Петрович", "Сергійович", "Миколайович", "Андрійович", "Олегович")
    shared = [
        Entry(20 + n, 120 + n, f"Нехір Олександр {father}", PartialDate(1960 + n))
        for n, father in enumerate(fathers)
    ]
    few = [Entry(40, 140, "Нехір Олександр Тарасович", PartialDate(1990))]
    # More names added than share the pair (ten): counted the other way round.
    many = few + [Entry(41 + n, 141 + n, f"Ковал{chr(0x430 + n)}к Іван") for n in range(12)]
    name = parse_name("Нехір Олександр")
    for added in (few, many):
        index = PersonIndex.build(PEOPLE + shared)
        assert index.name_frequency(name) is not None
        index.add(added)
        assert index._delta_entries
        whole = PersonIndex.build(PEOPLE + shared + added)
        assert index._pair_records("Нехір", "Олександр") == whole._pair_records(
            "Нехір", "Олександр"
        )
        assert index.name_frequency(name) == whole.name_frequency(name)


def test_a_warmed_index_has_read_the_names_engines_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a name comparison loads on first use is loaded by the warm-up, not by a search."""
    from homecoming.names import comparison, rendering_model, transliterate, variant_groups

    tables = [
        variant_groups._derived,
        variant_groups._russian_to_ukrainian,
        variant_groups._group_table,
        variant_groups._diminutive_table,
        rendering_model._table,
        comparison._given_by_deletion,
        transliterate._ukrainian_to_russian,
    ]
    for table in tables:
        table.cache_clear()
    index = PersonIndex.build(PEOPLE)
    index.warm()
    assert [table.cache_info().currsize for table in tables] == [1] * len(tables)
    # names-translator's dictionaries and the transliteration libraries' rules, read on first
    # use: every one of them read.
    assert all(transliterate._ukrainian_to_russian()._loaded.values())  # type: ignore[attr-defined]
    assert len(transliterate._ukrainian_to_russian()._loaded) == 4  # type: ignore[attr-defined]


def test_a_search_scores_each_pair_of_words_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A query's words meet the same indexed words in name after name (a common given name,
    one family in several spellings) and again in each reading of a name: one search scores
    each pair of words once, with the same hits."""
    from homecoming.names import comparison

    index = PersonIndex.build(
        [
            Entry(1, 101, "Коваль Володимир Петрович", PartialDate(1980)),
            Entry(2, 102, "Коваль Володимир Іванович", PartialDate(1981)),
            Entry(3, 103, "Ковальов Володимир", PartialDate(1980)),
            Entry(4, 104, "Коваль Владимир Петрович", PartialDate(1980)),
            Entry(5, 105, "Коваленко Володимир Петрович", PartialDate(1979)),
            Entry(6, 106, "Володимир Петрович", PartialDate(1980)),
        ]
    )
    index.warm()
    query = Query("KOVAL Volodymyr Petrovych", born=PartialDate(1980))
    expected = index.search(query)
    scored: list[tuple[int, int]] = []
    similarity = comparison.token_similarity

    def counted(a: object, b: object) -> tuple[float, str]:
        scored.append((id(a), id(b)))
        return similarity(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(comparison, "token_similarity", counted)
    assert index.search(query) == expected
    assert scored and len(scored) == len(set(scored))

"""Deduplication and linkage end to end on real Splink and DuckDB, on generated data."""

from __future__ import annotations

import csv
import gc
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from homecoming.linkage import pipeline
from homecoming.linkage.inputs import InputRecord, read_records
from homecoming.linkage.judgements import PairJudgement
from homecoming.linkage.model import prior_for
from homecoming.linkage.review import review_queue

N = 1500
SEED = 11


def pairwise_f1(truth: dict[str, str], clusters: dict[str, str]) -> float:
    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    tp = pairs(Counter((clusters[i], truth[i]) for i in truth))
    predicted, actual = pairs(Counter(clusters.values())), pairs(Counter(truth.values()))
    precision, recall = tp / predicted, tp / actual
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def records(generated_csv: Callable[[int, int], Path]) -> list[InputRecord]:
    return read_records(generated_csv(N, SEED))


@pytest.fixture(scope="module")
def run(records: list[InputRecord]) -> pipeline.LinkageRun:
    return pipeline.dedupe(records)


def test_dedupe_finds_the_people(
    run: pipeline.LinkageRun,
    records: list[InputRecord],
    generated_csv: Callable[[int, int], Path],
    truth_of: Callable[[Path], dict[str, str]],
) -> None:
    assert set(run.clusters) == {r.id for r in records}
    assert pairwise_f1(truth_of(generated_csv(N, SEED)), run.clusters) >= 0.95


def test_every_link_is_explained(run: pipeline.LinkageRun) -> None:
    left, right, _ = run.links()[0]
    bars = run.model.waterfall(left, right)
    json.dumps(bars)  # JSON-able as it is
    assert bars[0]["column_name"] == "Prior" and bars[-1]["column_name"] == "Final score"
    names = [b["column_name"] for b in bars]
    assert {"name", "date_of_birth"} <= set(names)
    total = sum(b["log2_bayes_factor"] for b in bars[:-1] if b["log2_bayes_factor"] is not None)
    assert total == pytest.approx(bars[-1]["log2_bayes_factor"], abs=1e-6)
    weights = run.model.explain_levels({"name": 0, "date_of_birth": 0})
    assert [w["comparison"] for w in weights] == ["name", "date_of_birth"]


def test_judgements_hold_in_clustering(
    run: pipeline.LinkageRun, records: list[InputRecord]
) -> None:
    left, right, _ = max(run.links(), key=lambda p: p[2])
    strangers = [r.id for r in records if run.clusters[r.id] != run.clusters[left]][:2]
    judgements = [
        PairJudgement(left, right, False),  # the strongest link, judged not the same
        PairJudgement(strangers[0], strangers[1], True),
    ]
    again = pipeline.dedupe(records, judgements=judgements)
    assert again.clusters[left] != again.clusters[right]
    assert again.clusters[strangers[0]] == again.clusters[strangers[1]]


def test_review_queue_from_a_run(run: pipeline.LinkageRun) -> None:
    queue = review_queue(run.pairs, run.clusters, band=(0.2, 0.95))
    assert all(0.2 <= item.probability <= 0.95 for item in queue)
    assert [i.priority for i in queue] == sorted((i.priority for i in queue), reverse=True)


def test_link_two_files(
    records: list[InputRecord],
    generated_csv: Callable[[int, int], Path],
    truth_of: Callable[[Path], dict[str, str]],
) -> None:
    truth = truth_of(generated_csv(N, SEED))
    left, right = records[: N // 2], records[N // 2 :]
    run = pipeline.link(left, right)
    found = {(a, b) for a, b, _ in run.links()}
    left_ids = {r.id for r in left}
    assert all(a in left_ids and b not in left_ids for a, b in found)
    expected = {(a.id, b.id) for a in left for b in right if truth[a.id] == truth[b.id]}
    hits = len(found & expected)
    assert hits / len(expected) >= 0.9 and hits / len(found) >= 0.95


def test_the_prior_follows_the_sizes(run: pipeline.LinkageRun) -> None:
    """Deduplicating N records: one in N-1; linking: one in the larger side's size."""
    assert run.model.prior == pytest.approx(1 / (N - 1))
    assert prior_for("link_only", [40, 20_000]) == pytest.approx(1 / 20_000)
    assert prior_for("dedupe_only", [3]) == pytest.approx(1 / 2)


def test_three_name_only_rows_link_and_dedupe_without_training() -> None:
    rows = [
        InputRecord("1", full_name="Олександр Нехір"),
        InputRecord("2", full_name="Oleksandr Nekhir"),
        InputRecord("3", full_name="Іван Петренко"),
    ]
    run = pipeline.dedupe(rows)
    assert run.clusters["2"] == run.clusters["1"] != run.clusters["3"]
    links = pipeline.link(rows[:1], rows[1:]).links()
    assert [(a, b) for a, b, _ in links] == [("1", "2")]


# Name-only files (issue 13's name-only pairs): a family name one letter off beside the same
# given name and patronymic, Cyrillic and Latin side by side. A key beside the one meant, a
# letter dropped or two exchanged is a typing slip and links; a letter far from the one meant
# on every keyboard (ЙЦУКЕН, QWERTY) is as often another family's name, and without a date to
# tell, `link` says nothing.
NEAR_SURNAMES = [
    ("Трофімов Олег Семенович", "Тролимов Олег Семенович", False),  # ф / л
    ("Трофімов Олег Семенович", "Trolimov Oleh Semenovych", False),
    ("Стус Марта Феофанівна", "Суус Марта Феофанівна", False),  # т / у
    ("Пастир Руслан Зорянович", "Prstyr Ruslan Zorianovych", False),  # a / r
    ("Трофімов Олег Семенович", "Трофімлв Олег Семенович", True),  # л beside о
    ("Трофімов Олег Семенович", "Trofimpv Oleh Semenovych", True),  # p beside o
    ("Стус Марта Феофанівна", "Стсу Марта Феофанівна", True),  # two letters exchanged
    ("Пастир Руслан Зорянович", "Psstyr Ruslan Zorianovych", True),  # s beside a
]


@pytest.mark.parametrize(("left", "right", "linked"), NEAR_SURNAMES)
def test_a_name_only_family_name_off_the_keyboard_is_not_linked(
    left: str, right: str, linked: bool
) -> None:
    # the prior is one in the larger file's size: a list of a thousand names, as the pairs'
    families = ("Бондар", "Ковальчук", "Мельник", "Ткачук", "Гончар", "Кравець", "Лисенко")
    givens = ("Іван", "Петро", "Андрій", "Михайло", "Василь", "Юрій", "Роман")
    others = [
        InputRecord(f"o{i}", full_name=f"{families[i % 7]} {givens[i // 7 % 7]}")
        for i in range(999)
    ]
    run = pipeline.link(
        [InputRecord("a", full_name=left)], [InputRecord("b", full_name=right), *others]
    )
    assert [(a, b) for a, b, _ in run.links()] == ([("a", "b")] if linked else [])


def test_a_small_file_deduplicated_compares_what_linking_it_would() -> None:
    """A family name mistyped in a file without dates (one name part agrees, so no two-part
    key joins them): `dedupe` of a small file blocks as `link` does, and finds the pair."""
    rows = [
        InputRecord("1", full_name="Кощенко Геннадій"),
        InputRecord("2", full_name="Koshcchenko Hennadii"),
        InputRecord("3", full_name="Ткаченко Андрій"),
    ]
    run = pipeline.dedupe(rows)
    assert run.clusters["1"] == run.clusters["2"] != run.clusters["3"]
    linked = {(a, b) for a, b, _ in pipeline.link(rows[:1], rows[1:]).links()}
    assert linked == {("1", "2")}


# Eight family names, five given names, three patronymics: 120 full names, each shared by about
# 23 of the 2,700 people of a 3,000-record file (1.1 records a person, as in a registry).
FAMILIES = (
    "Магомедов",
    "Ибрагимов",
    "Алиев",
    "Гасанов",
    "Абдулаев",
    "Омаров",
    "Рамазанов",
    "Курбанов",
)
GIVEN = ("Магомед", "Руслан", "Шамиль", "Ислам", "Рашид")
PATRONYMICS = ("Магомедович", "Ахмедович", "Алиевич")
NAMESAKES = tuple(f"{f} {g} {p}" for f in FAMILIES for g in GIVEN for p in PATRONYMICS)


def _false_and_true_links(truth: dict[str, str], clusters: dict[str, str]) -> tuple[int, int]:
    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    true = pairs(Counter((clusters[i], truth[i]) for i in truth))
    return pairs(Counter(clusters.values())) - true, true


def test_em_does_not_learn_that_namesakes_match(tmp_path: Path) -> None:
    """Where most pairs sharing a name are namesakes of one place and unit, EM blocked on the
    name key took them for one person and raised m of every level of disagreement ("date of
    birth differs", "service number differs", ...) until namesakes linked: 2,871 false links
    and 280 true ones where the shipped model made 2,219 and 283. With EM now, no more false
    links than without and at most one true link in fifty fewer (now 1,574 false and 280 true
    against the shipped model's 1,661 and 283: it reads a given name among its family name's
    bearers, and EM's m, learnt without term frequencies, weigh such names a little less), and
    no level of disagreement weighs less against a match than shipped."""
    from homecoming.generate.csvfile import write_csv
    from homecoming.generate.records import generate_dataset

    source = tmp_path / "generated.csv"
    write_csv(generate_dataset(3000, seed=5, records_per_person=1.1), source)
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    truth = {row["id"]: row["truth_person_id"] for row in rows}
    people = sorted(set(truth.values()))
    name_of = {person: NAMESAKES[i % len(NAMESAKES)] for i, person in enumerate(people)}
    # Namesakes come from one place and serve in one unit, as in a registry of many peoples.
    places = sorted({row["place_of_birth"] for row in rows if row["place_of_birth"]})
    units = sorted({row["unit"] for row in rows if row["unit"]})
    for row in rows:
        name = name_of[row["truth_person_id"]]
        row.update(full_name=name, family_name="", given_name="", patronymic="")
        at = NAMESAKES.index(name)
        if row["place_of_birth"]:
            row["place_of_birth"] = places[at % len(places)]
        if row["unit"]:
            row["unit"] = units[at % len(units)]
    path = tmp_path / "namesakes.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    records = read_records(path)
    shipped = pipeline.dedupe(records)
    refined = pipeline.dedupe(records, em=True)
    (false, true), before = (
        _false_and_true_links(truth, run.clusters) for run in (refined, shipped)
    )
    assert false <= before[0] and true >= 0.98 * before[1], (before, (false, true))
    weights = shipped.model._level_table()
    for comparison, levels in refined.model._level_table().items():
        for gamma, (label, weight) in levels.items():
            if weights[comparison][gamma][1] < 0:
                assert weight <= weights[comparison][gamma][1] + 1e-9, (comparison, label)
    assert "date_of_birth: different" in refined.model.em_held


# A registry of men from four towns and four units: a town or a unit is shared by one pair of
# records in four, not one in 185 (the shipped u of a place) or one in 20 (of a unit).
TOWNS = ("Омськ", "Курськ", "Псков", "Самара")
UNITS = ("в/ч 31135", "в/ч 08275", "в/ч 54046", "в/ч 71718")
SURNAMES = ("Кузнецов", "Смирнов", "Попов", "Васильєв", "Петров", "Соколов", "Михайлов", "Новіков")
FORENAMES = ("Олександр", "Сергій", "Дмитро", "Андрій", "Олексій", "Максим", "Іван", "Роман")
FATHERS = ("Олександрович", "Сергійович", "Володимирович", "Миколайович", "Петрович", "Іванович")


def test_namesakes_of_one_town_and_unit_born_years_apart_stay_two_people() -> None:
    """Two men of one full name, one town and one unit, born seven years apart, with different
    service numbers: with a town and a unit counted as rare as the shipped model has them, the
    shared town and unit outweighed the dates and numbers (0.995, one person). The run counts
    how often two records of this registry share each, and that is what a shared one is worth
    now; the same man written twice still links."""
    import random

    from homecoming.domain.dates import PartialDate

    rng = random.Random(7)
    records = [
        InputRecord(
            f"r{i}",
            family_name=rng.choice(SURNAMES),
            given_name=rng.choice(FORENAMES),
            patronymic=rng.choice(FATHERS),
            date_of_birth=PartialDate(
                rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28)
            ),
            sex="male",
            place_of_birth=rng.choice(TOWNS),
            unit=rng.choice(UNITS),
            service_number=f"К-{100000 + i}",
        )
        for i in range(1200)
    ]
    man = {
        "family_name": "Кузнецов",
        "given_name": "Сергій",
        "patronymic": "Іванович",
        "sex": "male",
        "place_of_birth": "Омськ",
        "unit": "в/ч 31135",
    }
    first = InputRecord(
        "a", **man, date_of_birth=PartialDate(1997, 3, 2), service_number="Ж-409212"
    )
    namesake = InputRecord(
        "b", **man, date_of_birth=PartialDate(2004, 11, 19), service_number="А-655492"
    )
    again = InputRecord(
        "c",
        **(man | {"given_name": "Сергей"}),
        date_of_birth=PartialDate(1997, 3, 2),
        service_number="Ж-409212",
    )
    run = pipeline.dedupe([*records, first, namesake, again])
    assert run.clusters["a"] != run.clusters["b"]
    assert run.clusters["a"] == run.clusters["c"]
    place = run.model.match_model.comparison("place_of_birth")
    assert place.u[0] == pytest.approx(0.25, abs=0.02)


def test_the_collector_is_paused_for_the_run_and_back_after(
    records: list[InputRecord], run: pipeline.LinkageRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's cyclic collector stays off while names are graded (it walked the run's
    millions of objects again and again) and is on again after: the same pairs come out."""
    from homecoming.linkage import comparisons

    seen: list[bool] = []
    grade = comparisons.PairGrader._grade

    def noting(self: object, left: str, right: str) -> tuple[int, int, int]:
        seen.append(gc.isenabled())
        return grade(self, left, right)  # type: ignore[arg-type]

    monkeypatch.setattr(comparisons.PairGrader, "_grade", noting)
    assert gc.isenabled()
    again = pipeline.dedupe(records)
    assert seen and not any(seen)
    assert gc.isenabled()
    assert sorted(again.pairs) == sorted(run.pairs) and again.clusters == run.clusters


def test_a_paused_collector_stays_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with pipeline.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()

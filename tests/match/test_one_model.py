"""One match model: Splink's probabilities are the in-process model's, pair for pair."""

from __future__ import annotations

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import service_number_key
from homecoming.linkage import pipeline
from homecoming.linkage.inputs import InputRecord
from homecoming.match.levels import Facts, compare_facts, unit_number
from homecoming.match.model import SHARED_FIELDS, default_model, probability

LEFT = [
    InputRecord("a1", full_name="Кощенко Геннадій Фомич", date_of_birth=PartialDate(1979, 3, 14)),
    InputRecord(
        "a2",
        family_name="Ткаченко",
        given_name="Андрій",
        patronymic="Петрович",
        date_of_birth=PartialDate(1985),
        sex="male",
    ),
    InputRecord("a3", full_name="Нехір Олександр", date_of_birth=PartialDate(1987, 5, 23)),
    InputRecord("a4", full_name="Лапшина Сніжана", date_of_birth=PartialDate(1990, 1, 2)),
    InputRecord(
        "a5",
        full_name="Іваненко Іван Петрович",
        unit="в/ч А0666",
        date_of_birth=PartialDate(1990, 1, 1),
    ),
    # a service number copied onto a near-namesake's row: names apart and years apart
    InputRecord(
        "a6",
        full_name="Шведченко Леонід Зіновійович",
        service_number="НС159417",
        date_of_birth=PartialDate(1962, 3, 18),
    ),
    # a typo on a Russian form of the given name, the family name the same, a year off; a
    # brigade's number against a unit code (two numberings: not compared)
    InputRecord(
        "a7",
        full_name="Гречаник Павло Аврелійович",
        unit="в/ч А2208",
        date_of_birth=PartialDate(1987, 10, 6),
    ),
    # the year one off across a decade (two digits differ), the day and month exact
    InputRecord(
        "a8", full_name="Дорошенко Ярема Степанович", date_of_birth=PartialDate(1989, 12, 30)
    ),
    # a letter typed into the family name and the year one off, day and month exact, the
    # service number the same: the number counts only as the conflict level (Splink and the
    # model agree on it)
    InputRecord(
        "a9",
        full_name="Лозинський Орест Богданович",
        service_number="ВС 190452",
        date_of_birth=PartialDate(1981, 2, 7),
    ),
    # a brother's row: the family name, another given name, the number, no date to tell
    InputRecord("a10", full_name="Кравець Степан", service_number="МК552310"),
    # a family name shaped as a patronymic, against a two-word name without dates
    InputRecord("a12", full_name="Прокопович Олег Захарович"),
    # the number beside a family name two letters off, no date: a neighbouring row's number
    InputRecord("a14", full_name="ТАРНАВСЬКИЙ ЗІНОВІЙ", service_number="К-731264"),
    # namesakes a slip apart, born a year apart, with numbers that differ in every digit: the
    # numbers differ (not the conflict level, which is for numbers that agree)
    InputRecord(
        "a15",
        full_name="Гарипов Ренат Ільдарович",
        service_number="А-688427",
        date_of_birth=PartialDate(1970, 7, 1),
    ),
]
RIGHT = [
    InputRecord("b1", full_name="KOSHCCHENKO HENNADII", date_of_birth=PartialDate(1979, 3, 14)),
    InputRecord(
        "b2", full_name="Ткаченко Андрей Петрович", date_of_birth=PartialDate(1986), sex="male"
    ),
    InputRecord("b3", full_name="Oleksandr Nekhir", date_of_birth=PartialDate(1987, 5, 23)),
    InputRecord("b4", full_name="Lapina Snizhana", date_of_birth=PartialDate(1991, 7, 8)),
    InputRecord(
        "b5",
        full_name="Іваненко Іван Олегович",
        unit="А0666",
        date_of_birth=PartialDate(1975, 6, 2),
    ),
    InputRecord(
        "b6",
        full_name="SHVACHENKO LEONID",
        service_number="НС 159417",
        date_of_birth=PartialDate(1971, 3, 18),
    ),
    InputRecord(
        "b7",
        full_name="Гречаник Павнл Аврелийович",
        unit="3 бригада НГУ",
        date_of_birth=PartialDate(1988, 10, 6),
    ),
    InputRecord("b8", full_name="DOROSHENKO YAREMA", date_of_birth=PartialDate(1990, 12, 30)),
    InputRecord(
        "b9",
        full_name="Лозинсткий Орест Богданович",
        service_number="ВС190452",
        date_of_birth=PartialDate(1982, 2, 7),
    ),
    InputRecord("b12", full_name="OLEH PROKOPOVYCH"),
    InputRecord(
        "b10",
        full_name="Кравець Назар Степанович",
        service_number="МК 552310",
        date_of_birth=PartialDate(1979, 4, 2),
    ),
    InputRecord(
        "b14",
        full_name="Тарновецький Зіновій Петрович",
        service_number="К-731264",
        date_of_birth=PartialDate(1985, 9, 12),
    ),
    InputRecord(
        "b15",
        full_name="Гарпов Ренат Ільдарович",
        service_number="Ж-206751",
        date_of_birth=PartialDate(1971, 1, 26),
    ),
]
# The rest of a registry of 200: as in a real list, two random records are rarely one person.
FAMILIES = ("Мельник", "Шевчук", "Бондар", "Коваль", "Кравчук", "Олійник", "Лисенко", "Марченко")
GIVEN = ("Петро", "Микола", "Василь", "Олег", "Юрій", "Тарас", "Богдан", "Роман", "Ігор", "Павло")
REGISTRY = (
    RIGHT
    + [
        InputRecord(
            f"r{i}", full_name=f"{family} {given}", date_of_birth=PartialDate(1960 + i % 30)
        )
        for i, (family, given) in enumerate(
            (f, g) for f in FAMILIES for g in GIVEN for _ in range(3)
        )
    ][: 200 - len(RIGHT)]
)


def facts(record: InputRecord) -> Facts:
    name = record.full_name or " ".join(
        p for p in (record.family_name, record.given_name, record.patronymic) if p
    )
    return Facts(
        name=name,
        born=record.date_of_birth,
        sex=record.sex or None,
        service_number=service_number_key(record.service_number) or None,
        unit=unit_number(record.unit),
        place=record.place_of_birth,
    )


def test_splink_scores_every_pair_as_the_model_does() -> None:
    run = pipeline.link(LEFT, RIGHT, threshold=0.9)
    pair_of = {
        row["unique_id"]: row["name_pair"]
        for table in run.model.tables
        for row in table.select(["unique_id", "name_pair"]).to_pylist()
    }
    lookup = dict(zip(*(c.to_pylist() for c in run.model.frequencies.columns), strict=True))
    by_id = {r.id: r for r in LEFT + RIGHT}
    # The shipped model, but for the u of a shared unit or place (this batch's rate).
    model = run.model.match_model
    for found, shipped in zip(model.comparisons, default_model().comparisons, strict=True):
        if found.name not in SHARED_FIELDS:
            assert found == shipped
    assert run.pairs, "blocking found no pairs"
    for left, right, found in run.pairs:
        levels, _ = compare_facts(facts(by_id[left]), facts(by_id[right]))
        frequencies = [lookup[p] for p in (pair_of[left], pair_of[right]) if p is not None]
        tf = max(frequencies) if frequencies else None
        expected = model.score(levels, prior=run.model.prior, tf=tf).probability
        assert found == pytest.approx(expected, abs=1e-9), (left, right)


def test_the_cases_are_decided_as_a_person_would() -> None:
    run = pipeline.link(LEFT, REGISTRY, threshold=0.9)
    linked = {(a, b) for a, b, _ in run.links()}
    # a typo across alphabets with the exact date; Ukrainian and Russian forms a year apart;
    # one person in two alphabets
    assert {("a1", "b1"), ("a2", "b2"), ("a3", "b3")} <= linked
    # two letters apart and another date; a namesake with another patronymic
    assert ("a4", "b4") not in linked and ("a5", "b5") not in linked
    # a service number alone does not make a near-namesake born nine years later the man
    assert ("a6", "b6") not in linked
    # a typo on a form of the given name, the rest the same, a year off: the same man
    assert ("a7", "b7") in linked
    # the same name in two alphabets, born on the same day a year apart (1989 for 1990)
    assert ("a8", "b8") in linked
    # the same family name and number, another given name, no date: a brother's number copied
    assert ("a10", "b10") not in linked
    # the only Prokopovych Oleh there, his family name read from a two-word name
    assert ("a12", "b12") in linked
    # a service number beside a family name two letters off with no date to tell: a hint for a
    # person's review, not proof
    assert ("a14", "b14") not in linked


def test_probability_of_a_weight() -> None:
    assert probability(0.0) == 0.5 and probability(100.0) == 1.0
    assert probability(-3.0) == pytest.approx(1 / 9)


def test_a_rare_name_alone_resolves_and_against_another_patronymic_does_not() -> None:
    """A family name found once among 20,000 registry records and a given name, no date and no
    patronymic on the list: one person in the registry bears them, and the entry resolves. The
    same names against a patronymic that differs are a namesake: not resolved."""
    from homecoming.exchange.findings import MATCH_SCORE
    from homecoming.match.model import name_frequency

    model = default_model()
    records = 20_000
    tf = name_frequency(1, 40, records)  # the family name once, the given name 40 times
    registry = Facts("Вітвицький Матвій Пилипович", PartialDate(1983, 7, 15))
    alone = compare_facts(registry, Facts("Вітвицький Матвій", PartialDate()))[0]
    other = compare_facts(registry, Facts("Вітвицький Матвій Петрович", PartialDate()))[0]
    prior = 1 / records
    assert model.score(alone, prior=prior, tf=tf).probability >= MATCH_SCORE
    assert model.score(other, prior=prior, tf=tf).probability < 0.5


def test_a_name_in_the_other_languages_form_weighs_as_the_same_name() -> None:
    """Олександр against Александр is the same name written in the other language: at any
    rarity it weighs what the same letters do (match.train.FORM_LEVEL)."""
    name = default_model().comparison("name")
    same, form = len(name.labels) - 1, len(name.labels) - 2  # vector values of levels 0 and 1
    for frequency in (1e-5, 1e-3, 0.02):
        assert name.weight(form) + name.tf_adjustment(form, frequency) == pytest.approx(
            name.weight(same) + name.tf_adjustment(same, frequency)
        )
    levels = {"name": form, "patronymic": 2}  # Кузьмічов Панкрат Леонідович, no date
    assert default_model().score(levels, prior=1 / 20_000, tf=1e-5).probability > 0.95


# A list names a man by his everyday given name (what his comrades or his family call him);
# the registry holds the name in full. Each row: the registry's record, the list's entry
# (Cyrillic and Latin side by side), and the evidence beside the name: a year one off with the
# day and month exact, a year only, or no date with the patronymic.
EVERYDAY_NAME_ENTRIES = [
    ("Гнатюк Максим Петрович", (1970, 3, 12), "Гнатюк Макс", (1971, 3, 12)),
    ("Гнатюк Максим Петрович", (1970, 3, 12), "Hnatiuk Maks", (1971, 3, 12)),
    ("Стельмах Василь Іванович", (1981, 6, 2), "Стельмах Вася", (1982, 6, 2)),
    ("Стельмах Василь Іванович", (1981, 6, 2), "Stelmakh Vasia", (1980, 6, 2)),
    ("Ковальчук Сергій Андрійович", (1975, 9, 30), "Ковальчук Серёжа", (1975,)),
    ("Ковальчук Сергій Андрійович", (1975, 9, 30), "KOVALCHUK SERYOZHA", (1975,)),
    ("Мельничук Ілля Романович", (1990, 1, 4), "Мельничук Илюша Романович", ()),
    ("Мельничук Ілля Романович", (1990, 1, 4), "Melnychuk Iliusha Romanovych", ()),
]


@pytest.mark.parametrize(("registered", "born", "listed", "listed_born"), EVERYDAY_NAME_ENTRIES)
def test_an_everyday_given_name_weighs_as_the_name_written_in_full(
    registered: str, born: tuple[int, ...], listed: str, listed_born: tuple[int, ...]
) -> None:
    """Макс for Максим, Vasia for Василь: the variant level is weighed by the name's rarity
    as the full name is (match.train.VARIANT_LEVEL), so an entry that names a man by his
    everyday name resolves where the full name would, and a namesake with another
    patronymic or another date does not."""
    from homecoming.exchange.findings import MATCH_SCORE
    from homecoming.match.model import name_frequency

    model = default_model()
    records = 20_000
    tf = name_frequency(15, 800, records)  # a common family name and a common given name
    prior = 1 / records
    registry = Facts(registered, PartialDate(*born))
    entry = Facts(listed, PartialDate(*listed_born))
    levels, names = compare_facts(registry, entry)
    assert names.name == len(model.comparison("name").labels) - 3  # the variant level
    assert model.score(levels, prior=prior, tf=tf).probability >= MATCH_SCORE
    full = compare_facts(registry, Facts(registered.rsplit(" ", 1)[0], PartialDate(*listed_born)))
    assert model.weight(levels, prior=prior, tf=tf) == pytest.approx(
        model.weight(full[0] | {"patronymic": levels["patronymic"]}, prior=prior, tf=tf)
    )
    namesake = Facts(registered.rsplit(" ", 1)[0] + " Олегович", PartialDate(1966, 11, 20))
    other, _ = compare_facts(namesake, entry)
    assert model.score(other, prior=prior, tf=tf).probability < 0.5


def test_the_variant_level_takes_the_m_of_the_same_name() -> None:
    """At any rarity a variant, diminutive or feminine form weighs what the same letters do."""
    name = default_model().comparison("name")
    same, variant = len(name.labels) - 1, len(name.labels) - 3
    for frequency in (1e-5, 1e-3, 0.02):
        assert name.weight(variant) + name.tf_adjustment(variant, frequency) == pytest.approx(
            name.weight(same) + name.tf_adjustment(same, frequency)
        )

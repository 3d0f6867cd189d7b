"""Generated people: the ground truth that records are written about. Nobody here is real."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from homecoming.domain.record import Category, Fate, Sex
from homecoming.generate.forms import feminine_surname, to_russian, to_ukrainian
from homecoming.generate.sampling import below, pick, pick_weighted
from homecoming.generate.vocabulary import (
    DETENTION_BY_RU,
    DETENTION_BY_UA,
    FRONT_RU,
    FRONT_UA,
    RU_CITIES,
    RU_FEMALE,
    RU_MALE,
    RU_RANKS,
    RU_TOWNS,
    RU_UNIT_KINDS,
    UA_RANKS,
    UA_UNIT_KINDS,
    UK_CITIES,
    UK_FEMALE,
    UK_MALE,
    UK_TOWNS,
    Localized,
    NamePool,
    UnitKind,
)

PARTIES = ("UA", "RU")
WAR_START = dt.date(2022, 2, 24)
LAST_EVENT = dt.date(2025, 4, 30)
REFERENCE_DAY = dt.date(2025, 5, 1)

# Ground-truth fates and their shares: most are held, some missing, a few dead or already home.
FATES: tuple[Fate, ...] = (Fate.DETAINED, Fate.MISSING, Fate.DECEASED, Fate.RELEASED)
FATE_CUM_WEIGHTS: tuple[float, ...] = (0.72, 0.90, 0.94, 1.0)


class PersonName(NamedTuple):
    family: str
    given: str
    patronymic: str


class Unit(NamedTuple):
    """A military formation: its kind, number and the code it is known by (в/ч А1234)."""

    kind: UnitKind
    number: int
    code: str


@dataclass(frozen=True, slots=True)
class Person:
    """One generated human being, with the facts sources get right or wrong about them."""

    person_id: str
    party: str  # the side the person belongs to: "UA" or "RU"
    held_by: str  # the side holding them, "" when not held (missing, dead, released)
    name_uk: PersonName  # the Ukrainian form of the name
    name_ru: PersonName  # the Russian form of the name
    name_origin: str  # which Faker locale the name came from: "uk" or "ru"
    sex: Sex
    date_of_birth: dt.date
    place_of_birth: Localized
    category: Category
    rank: Localized | None
    unit: Unit | None
    service_number: str
    seriously_wounded: bool
    fate: Fate
    fate_date: dt.date | None
    event_date: dt.date  # capture or disappearance
    event_place: Localized
    place_of_detention: Localized | None

    def name(self, form: str) -> PersonName:
        """The name in its Ukrainian ('uk') or Russian ('ru') form."""
        return self.name_uk if form == "uk" else self.name_ru


def generate_people(
    n: int, *, seed: int, ua_share: float = 0.65, serviceman_share: float = 0.85
) -> Iterator[Person]:
    """Yield n people, the same for the same seed; a smaller n gives a prefix of a larger."""
    rng = random.Random(f"people:{seed}")
    for index in range(n):
        yield _person(rng, index, ua_share, serviceman_share)


def _person(rng: random.Random, index: int, ua_share: float, serviceman_share: float) -> Person:
    party = "UA" if rng.random() < ua_share else "RU"
    category = Category.SERVICEMAN if rng.random() < serviceman_share else Category.CIVILIAN
    female_share = 0.06 if category is Category.SERVICEMAN else 0.35
    sex = Sex.FEMALE if rng.random() < female_share else Sex.MALE
    name_uk, name_ru, origin = _names(rng, party, sex)
    fate = pick_weighted(rng, FATES, FATE_CUM_WEIGHTS)
    event_date = _day_between(rng, WAR_START, LAST_EVENT)
    serviceman = category is Category.SERVICEMAN
    return Person(
        person_id=f"P{index:07d}",
        party=party,
        held_by=_other(party) if fate is Fate.DETAINED else "",
        name_uk=name_uk,
        name_ru=name_ru,
        name_origin=origin,
        sex=sex,
        date_of_birth=_birth_date(rng, category),
        place_of_birth=_place_of_birth(rng, party),
        category=category,
        rank=_rank(rng, party) if serviceman else None,
        unit=_unit(rng, party) if serviceman else None,
        service_number=_service_number(rng, party) if serviceman else "",
        seriously_wounded=rng.random() < 0.03,
        fate=fate,
        fate_date=_fate_date(rng, fate, event_date),
        event_date=event_date,
        event_place=pick(rng, FRONT_UA if party == "UA" else FRONT_RU),
        place_of_detention=_detention(rng, party) if fate is Fate.DETAINED else None,
    )


def _other(party: str) -> str:
    return "RU" if party == "UA" else "UA"


def _names(rng: random.Random, party: str, sex: Sex) -> tuple[PersonName, PersonName, str]:
    """Both forms of a name; Ukrainians often bear Russian-origin names and the reverse."""
    native_share = 0.75 if party == "UA" else 0.9
    origin = (
        ("uk" if party == "UA" else "ru")
        if rng.random() < native_share
        else ("ru" if party == "UA" else "uk")
    )
    female = sex is Sex.FEMALE
    pool = (
        (UK_FEMALE if female else UK_MALE) if origin == "uk" else (RU_FEMALE if female else RU_MALE)
    )
    family, given, patronymic = _draw_name(rng, pool)
    if origin == "uk" and female:
        family = feminine_surname(family, "uk")
    if origin == "uk":
        uk = PersonName(family, given, patronymic)
        ru = PersonName(
            to_russian(family, "last"),
            to_russian(given, "first"),
            to_russian(patronymic, "patronymic"),
        )
    else:
        ru = PersonName(family, given, patronymic)
        uk = PersonName(
            to_ukrainian(family, "last"),
            to_ukrainian(given, "first"),
            to_ukrainian(patronymic, "patronymic"),
        )
    return uk, ru, origin


def _draw_name(rng: random.Random, pool: NamePool) -> tuple[str, str, str]:
    given = pick_weighted(rng, pool.given, pool.given_cum_weights)
    patronymic = pick_weighted(rng, pool.patronymic, pool.patronymic_cum_weights)
    return pick(rng, pool.family), given, patronymic


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=below(rng, (last - first).days + 1))


def _birth_date(rng: random.Random, category: Category) -> dt.date:
    """Servicemen 18-60 (most in their thirties and forties); civilians 16-80."""
    if category is Category.SERVICEMAN:
        age = min(60, max(18, round(rng.gauss(36, 9))))
    else:
        age = 16 + below(rng, 65)
    born = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - age - 1)
    return born + dt.timedelta(days=1 + below(rng, 365))


def _place_of_birth(rng: random.Random, party: str) -> Localized:
    """A city with curated forms, or a Faker town whose other form follows spelling rules."""
    if rng.random() < 0.6:
        return pick(rng, UK_CITIES if party == "UA" else RU_CITIES)
    if party == "UA":
        town = pick(rng, UK_TOWNS)
        return Localized(town, to_russian(town, "last"), "")
    town = pick(rng, RU_TOWNS)
    return Localized(to_ukrainian(town, "last"), town, "")


def _rank(rng: random.Random, party: str) -> Localized:
    table = UA_RANKS if party == "UA" else RU_RANKS
    return pick_weighted(rng, table.ranks, table.cum_weights)


def _unit(rng: random.Random, party: str) -> Unit:
    kinds = UA_UNIT_KINDS if party == "UA" else RU_UNIT_KINDS
    kind_index = below(rng, len(kinds))
    kind = kinds[kind_index]
    number = pick(rng, kind.numbers)
    return Unit(kind, number, _unit_code(party, kind_index, number))


def _unit_code(party: str, kind_index: int, number: int) -> str:
    """The unit's code, the same for everyone in it (Ukraine А + 4 digits, Russia 5 digits)."""
    mixed = (number * 7919 + kind_index * 104_729) % 9000 + 1000
    return f"А{mixed:04d}" if party == "UA" else f"{(mixed * 7 + 10_000) % 90_000 + 10_000:05d}"


# Letters written the same in Cyrillic and Latin, as on identity documents.
_SERIES_LETTERS = "АВЕКМНОРСТХ"


def _service_number(rng: random.Random, party: str) -> str:
    letters = pick(rng, _SERIES_LETTERS) + pick(rng, _SERIES_LETTERS)
    digits = f"{below(rng, 1_000_000):06d}"
    return f"{letters}{digits}" if party == "UA" else f"{letters}-{digits}"


def _fate_date(rng: random.Random, fate: Fate, event_date: dt.date) -> dt.date | None:
    if fate in (Fate.DECEASED, Fate.RELEASED):
        return _day_between(rng, event_date, LAST_EVENT)
    return None


def _detention(rng: random.Random, party: str) -> Localized:
    return pick(rng, DETENTION_BY_RU if party == "UA" else DETENTION_BY_UA)

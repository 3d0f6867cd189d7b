"""The true people of both populations, drawn from the split's share of the name pools."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from faker.providers.person.ru_RU import Provider as RuNames
from faker.providers.person.uk_UA import Provider as UkNames
from names_translator.dicts import default_dicts

from . import lexicon
from .render import ru_to_uk, uk_to_ru

# test3: a second held-out split, made and frozen on 2026-12-03 before the next round of tuning.
# test4: a third, frozen on 2026-12-03 (afternoon) before the round after test3 was read.
# test5: a fourth, frozen on 2026-12-03 (evening) before the round after test4 was read.
# test6: a fifth, frozen on 2026-12-04 before the round after test5 was read.
# test7: a sixth, frozen on 2026-12-04 (evening) before the round after test6 was read.
# test8: a seventh, frozen on 2026-12-04 (late) before the round after test7 was read.
# test9: an eighth, frozen on 2026-12-05 before the round after test8 was read.
# test10: a ninth, frozen on 2026-12-06 before the round after test9 was read.
# test11: a tenth, frozen on 2026-12-06 (late) once test10 had been read, for the next round.
# test12: an eleventh, frozen on 2026-12-06 (morning) once test11 had been read, for the next.
# test13: a twelfth, frozen on 2026-12-06 (midday) once test12 had been read, for the next.
# test14: a thirteenth, frozen on 2026-12-06 (evening) once test13 had been read, for the next.
# test15: a fourteenth, frozen on 2026-12-06 (night) once test14 had been read, for the next.
# test16: a fifteenth, frozen on 2026-12-06 (late night) once test15 had been read, for the next.
# test17: a sixteenth, frozen on 2026-12-07 once test16 had been read, for the next.
# test18: a seventeenth, frozen on 2026-12-07 (morning) once test17 had been read, for the next.
# test19: an eighteenth, frozen on 2026-12-08 once test18 had been read, for the next.
# test20: a nineteenth, frozen on 2026-12-08 once test19 had been read, for the next.
SPLITS: dict[str, int] = {
    "dev": 20261013,
    "test": 7919,
    "test3": 31337203,
    "test4": 4040404,
    "test5": 55012003,
    "test6": 66120412,
    "test7": 70412207,
    "test8": 80412231,
    "test9": 91205219,
    "test10": 10120619,
    "test11": 11120627,
    "test12": 12120605,
    "test13": 13120612,
    "test14": 14120614,
    "test15": 15120615,
    "test16": 16120616,
    "test17": 17120717,
    "test18": 18120718,
    "test19": 19120819,
    "test20": 20120820,
}


def in_split(name: str, split: str) -> bool:
    """Hash buckets: 0-1 are held-out names, 2-3 dev-only, the rest shared.

    A held-out split (test, test3 … test20) never draws a dev-only name, so names seen while
    tuning are only the shared ones. test3 to test20 also each leave out their own salted
    quarter of the shared names that the test split could draw, so their pools differ from
    test's and from each other as well as their seeds.
    """
    bucket = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10
    if split == "dev":
        return bucket not in (0, 1)
    if bucket in (2, 3):
        return False
    # Every held-out split after `test` (test3 … test20) leaves out its own salted quarter.
    if split not in ("dev", "test") and bucket >= 4:
        return int(hashlib.sha256(f"{split}:{name}".encode()).hexdigest(), 16) % 4 != 0
    return True


@dataclass(frozen=True)
class Given:
    uk: str
    ru: str
    uk_dims: tuple[str, ...] = ()
    ru_dims: tuple[str, ...] = ()
    latin: tuple[str, ...] = ()


@dataclass
class Person:
    pid: str
    population: str  # v1 or v2
    people: str  # ukrainian, russian, tatar, ...
    sex: str  # male / female
    family_uk: str
    family_ru: str
    given: Given
    patr_uk: str
    patr_ru: str
    dob: dt.date
    place_uk: str
    place_ru: str
    unit: str
    unit_loose: tuple[str, ...]
    rank_uk: str
    rank_ru: str
    service_number: str
    given_uk_registry: str = ""  # how the registry writes the given name
    other_family_uk: str = ""  # a woman's maiden (or married) surname
    other_family_ru: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _parse_given(block: str) -> list[Given]:
    out = []
    for line in block.strip().splitlines():
        uk, ru, ukd, rud, lat = line.split("|")
        out.append(
            Given(
                uk,
                ru,
                tuple(filter(None, ukd.split(","))),
                tuple(filter(None, rud.split(","))),
                tuple(filter(None, lat.split(","))),
            )
        )
    return out


# --- patronymics, by rule with the exceptions written out ---
_UK_PATR_EXC = {
    "Микола": ("Миколайович", "Миколаївна"),
    "Ілля": ("Ілліч", "Іллівна"),
    "Лука": ("Лукич", "Луківна"),
    "Кузьма": ("Кузьмич", "Кузьмівна"),
    "Фома": ("Фомич", "Фомівна"),
    "Яків": ("Якович", "Яківна"),
    "Григорій": ("Григорович", "Григорівна"),
    "Микита": ("Микитович", "Микитівна"),
}
_RU_PATR_EXC = {
    "Никита": ("Никитич", "Никитична"),
    "Илья": ("Ильич", "Ильинична"),
    "Фома": ("Фомич", "Фоминична"),
    "Лука": ("Лукич", "Лукинична"),
    "Кузьма": ("Кузьмич", "Кузьминична"),
    "Пётр": ("Петрович", "Петровна"),
    "Павел": ("Павлович", "Павловна"),
    "Лев": ("Львович", "Львовна"),
    "Николай": ("Николаевич", "Николаевна"),
}


def uk_patronymic(father: str, sex: str) -> str:
    if father in _UK_PATR_EXC:
        m, f = _UK_PATR_EXC[father]
    elif father.endswith("ій"):
        m, f = father + "ович", father[:-1] + "ївна"
    elif father.endswith(("о", "а")):
        m, f = father[:-1] + "ович", father[:-1] + "івна"
    elif father.endswith("й"):
        m, f = father + "ович", father[:-1] + "ївна"
    else:
        m, f = father + "ович", father + "івна"
    return m if sex == "male" else f


def ru_patronymic(father: str, sex: str) -> str:
    if father in _RU_PATR_EXC:
        m, f = _RU_PATR_EXC[father]
    elif father.endswith("ий") and father[-3] in "трдб":
        m, f = father[:-2] + "иевич", father[:-2] + "иевна"
    elif father.endswith("ий"):
        m, f = father[:-2] + "ьевич", father[:-2] + "ьевна"
    elif father.endswith(("ей", "ай", "ой")) or father.endswith("ь"):
        m, f = father[:-1] + "евич", father[:-1] + "евна"
    elif father[-1] in "аеиоуэыя" or father[-1] in "жчшщц":
        m, f = father + "евич", father + "евна"
    else:
        m, f = father + "ович", father + "овна"
    return m if sex == "male" else f


def feminine_ru(surname: str) -> str:
    for masc, fem in (
        ("ский", "ская"),
        ("цкий", "цкая"),
        ("ый", "ая"),
        ("ой", "ая"),
        ("ов", "ова"),
        ("ев", "ева"),
        ("ёв", "ёва"),
        ("ин", "ина"),
        ("ын", "ына"),
    ):
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    return surname


def feminine_uk(surname: str) -> str:
    for masc, fem in (
        ("ський", "ська"),
        ("цький", "цька"),
        ("ний", "на"),
        ("ов", "ова"),
        ("ев", "ева"),
        ("єв", "єва"),
        ("ьов", "ьова"),
        ("ін", "іна"),
        ("ин", "ина"),
    ):
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    return surname


class Pools:
    """The split's name pools."""

    def __init__(self, split: str) -> None:
        self.split = split

        def keep(xs: Iterable[str]) -> list[str]:
            return sorted({x for x in xs if in_split(x, split)})

        male = _parse_given(lexicon.UA_MALE)
        female = _parse_given(lexicon.UA_FEMALE)
        known = {g.uk for g in male + female}
        extra_m = [
            Given(n, uk_to_ru(n, "first")) for n in UkNames.first_names_male if n not in known
        ]
        extra_f = [
            Given(n, uk_to_ru(n, "first")) for n in UkNames.first_names_female if n not in known
        ]
        self.ua_male = [g for g in male + extra_m if in_split(g.uk, split)]
        self.ua_female = [g for g in female + extra_f if in_split(g.uk, split)]
        self.ua_male_weights = [6 if g.uk_dims else 1 for g in self.ua_male]
        self.ua_fathers = [g.uk for g in self.ua_male]
        last = (
            list(UkNames.last_names) + list(UkNames.last_names_male) + lexicon.UA_SURNAMES.split()
        )
        self.ua_surnames = keep(
            n for n in last if not n.endswith(("а", "ська", "цька")) or n.endswith("ко")
        )
        self.ua_places = keep(_words(lexicon.UA_PLACES))
        # rarer surnames: a hash-chosen share of names-translator's Ukrainian surname keys
        rare = []
        for key in default_dicts().as_dict("last"):
            if not key.isalpha() or key.endswith(("а", "ська", "цька", "ая")) or len(key) < 4:
                continue
            if int(hashlib.md5(key.encode()).hexdigest(), 16) % 40 == 0:
                rare.append(key.capitalize())
        self.ua_rare_surnames = keep(rare)
        # Russia's peoples
        ru_eq = dict(_pairs(lexicon.RU_MALE))
        given_by_ua = {g.ru: g for g in male}
        self.ru_male: list[Given] = []
        self.ru_male_weights: list[int] = []
        for ru, uk in ru_eq.items():
            base = given_by_ua.get(ru)
            g = Given(
                uk or ru_to_uk(ru),
                ru,
                base.uk_dims if base else (),
                base.ru_dims if base else (),
                base.latin if base else (),
            )
            if in_split(ru, split):
                self.ru_male.append(g)
                self.ru_male_weights.append(12)
        uk_known = {g.uk for g in male + extra_m}
        for n in RuNames.first_names_male:
            if n not in ru_eq and in_split(n, split) and n.isalpha():
                self.ru_male.append(Given(n if n in uk_known else ru_to_uk(n), n))
                self.ru_male_weights.append(1)
        self.ru_female = [
            Given(uk or ru_to_uk(ru), ru)
            for ru, uk in _pairs(lexicon.RU_FEMALE)
            if in_split(ru, split)
        ]
        ru_last = list(RuNames.last_names_male) + lexicon.RU_SURNAMES.split()
        self.peoples: dict[str, tuple[list[str], list[str], list[str]]] = {
            "russian": (
                [g.ru for g in self.ru_male],
                keep(ru_last),
                keep(lexicon.RU_PLACES.split()),
            ),
        }
        for key, (giv, fam, places) in lexicon.PEOPLES.items():
            self.peoples[key] = (keep(giv.split()), keep(fam.split()), _places(places))
        self.ru_given_index = {g.ru: g for g in self.ru_male}


def _words(block: str) -> list[str]:
    # places may have two words ("Біла Церква"): the lists keep one per line-token pair rarely
    return [w.replace("_", " ") for w in block.split()]


def _places(block: str) -> list[str]:
    return [w.replace("_", " ") for w in block.split()]


def _pairs(block: str) -> list[tuple[str, str]]:
    out = []
    for tok in block.split():
        ru, _, uk = tok.partition("|")
        out.append((ru, uk))
    return out


def _dob(rng: random.Random, lo: int = 1962, hi: int = 2005) -> dt.date:
    start = dt.date(lo, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randint(start, dt.date(hi, 12, 31).toordinal()))


def _service_number(rng: random.Random, population: str) -> str:
    if population == "v1":
        return rng.choice("АВЕКМНРСТ") + rng.choice("АВЕКМНРСТ") + f"{rng.randint(0, 999999):06d}"
    return rng.choice("АБВГЖКМ") + f"-{rng.randint(0, 999999):06d}"


def make_ukrainian(rng: random.Random, pools: Pools, pid: str, sex: str | None = None) -> Person:
    sex = sex or ("female" if rng.random() < 0.10 else "male")
    if sex == "male":
        given = rng.choices(pools.ua_male, weights=pools.ua_male_weights)[0]
    else:
        given = rng.choice(pools.ua_female)
    father = rng.choice(pools.ua_fathers)
    fam = rng.choice(pools.ua_surnames if rng.random() < 0.6 else pools.ua_rare_surnames)
    fam_uk = feminine_uk(fam) if sex == "female" else fam
    fam_ru_m = uk_to_ru(fam, "last")
    fam_ru = feminine_ru(fam_ru_m) if sex == "female" else fam_ru_m
    father_ru = uk_to_ru(father, "first")
    unit, loose = rng.choice(lexicon.UA_UNITS)
    place = rng.choice(pools.ua_places)
    ranks = lexicon.UA_RANKS.split("|")
    p = Person(
        pid=pid,
        population="v1",
        people="ukrainian",
        sex=sex,
        family_uk=fam_uk,
        family_ru=fam_ru,
        given=given,
        patr_uk=uk_patronymic(father, sex),
        patr_ru=ru_patronymic(father_ru, sex),
        dob=_dob(rng),
        place_uk=place,
        place_ru=uk_to_ru(place, "last"),
        unit=unit,
        unit_loose=tuple(loose),
        rank_uk=rng.choice(ranks),
        rank_ru="",
        service_number=_service_number(rng, "v1"),
        given_uk_registry=given.uk,
    )
    if sex == "female" and rng.random() < 0.8:
        other = rng.choice(pools.ua_surnames)
        p.other_family_uk = feminine_uk(other)
        p.other_family_ru = feminine_ru(uk_to_ru(other, "last"))
    p.extra["father_uk"] = father
    return p


def _pick_people(rng: random.Random) -> str:
    keys = list(lexicon.PEOPLE_SHARES)
    return rng.choices(keys, weights=[lexicon.PEOPLE_SHARES[k] for k in keys])[0]


def make_russian(rng: random.Random, pools: Pools, pid: str, sex: str | None = None) -> Person:
    people = _pick_people(rng)
    givens, fams, places = pools.peoples[people]
    sex = sex or ("female" if rng.random() < 0.03 else "male")
    # a third of the minorities carry Russian given names, as many do
    if sex == "female":
        g = rng.choice(pools.ru_female)
    elif people == "russian" or rng.random() < 0.3:
        g = rng.choices(pools.ru_male, weights=pools.ru_male_weights)[0]
    else:
        name = rng.choice(givens)
        g = pools.ru_given_index.get(name) or Given(ru_to_uk(name), name)
    if people != "russian" and rng.random() < 0.7:
        father = rng.choice(givens)
    else:
        father = rng.choices(pools.ru_male, weights=pools.ru_male_weights)[0].ru
    fam_ru_m = rng.choice(fams)
    fam_ru = feminine_ru(fam_ru_m) if sex == "female" else fam_ru_m
    patr_ru = ru_patronymic(father, sex)
    # Ukrainian officials: the customary Ukrainian equivalent sometimes, else letter by letter
    translate = rng.random() < 0.45
    given_reg = g.uk if translate else ru_to_uk(g.ru)
    fg = pools.ru_given_index.get(father)
    patr_reg = (
        uk_patronymic(fg.uk, sex)
        if translate and fg and fg.uk != ru_to_uk(fg.ru)
        else ru_to_uk(patr_ru)
    )
    unit, loose = rng.choice(lexicon.RU_UNITS)
    place = rng.choice(places)
    ranks_ru = lexicon.RU_RANKS.split("|")
    ranks_uk = lexicon.RU_RANKS_UK.split("|")
    r = rng.randrange(len(ranks_ru))
    p = Person(
        pid=pid,
        population="v2",
        people=people,
        sex=sex,
        family_uk=ru_to_uk(fam_ru),
        family_ru=fam_ru,
        given=g,
        patr_uk=patr_reg,
        patr_ru=patr_ru,
        dob=_dob(rng, 1968, 2006),
        place_uk=ru_to_uk(place),
        place_ru=place,
        unit=unit,
        unit_loose=(loose, unit),
        rank_uk=ranks_uk[r],
        rank_ru=ranks_ru[r],
        service_number=_service_number(rng, "v2"),
        given_uk_registry=given_reg,
    )
    p.extra["father_ru"] = father
    return p

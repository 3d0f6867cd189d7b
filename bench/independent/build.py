"""Registry, incoming lists, families' inquiries and name pairs for one population."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from . import lexicon
from .noise import (
    hyphen,
    join_split_hyphen,
    lookalikes,
    noisy_date,
    shift_year,
    swap_day_month,
    two_letters_apart,
    typo,
    wrong_year_digit,
    years_later,
)
from .people import (
    Person,
    Pools,
    feminine_ru,
    make_russian,
    make_ukrainian,
    ru_patronymic,
)
from .render import latin, pick_standard, ru_to_uk, uk_to_ru

REGISTRY_HEADERS = [
    "external_id",
    "Прізвище",
    "Ім'я",
    "По батькові",
    "Дата народження",
    "Стать",
    "Звання",
    "Військова частина",
    "Особистий номер",
    "Місце народження",
]
LINK_HEADERS = [
    "id",
    "family_name",
    "given_name",
    "patronymic",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "service_number",
    "unit",
]


@dataclasses.dataclass
class Sizes:
    registry: int
    lists: int
    inquiries: int
    pairs: int


def _new_person(rng: random.Random, pools: Pools, population: str, pid: str) -> Person:
    return make_ukrainian(rng, pools, pid) if population == "v1" else make_russian(rng, pools, pid)


def _write(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(headers)
        w.writerows(rows)


# ---------------------------------------------------------------- the registry
def build_registry(
    rng: random.Random, pools: Pools, population: str, n_rows: int
) -> tuple[list[Person], list[list[str]], list[list[str]], dict[str, str]]:
    persons: list[Person] = []
    rows: list[list[str]] = []
    link_rows: list[list[str]] = []
    truth: dict[str, str] = {}
    seen: set[tuple[str, str, str, dt.date]] = set()
    while len(rows) < n_rows:
        p = _new_person(rng, pools, population, f"{population}-p{len(persons):06d}")
        key = (p.family_uk, p.given_uk_registry, p.patr_uk, p.dob)
        if key in seen:
            continue
        seen.add(key)
        persons.append(p)
        variants = (
            [None]
            if rng.random() > 0.12
            else [None, rng.choice(["typo", "nopatr", "year", "form"])]
        )
        for variant in variants:
            if len(rows) >= n_rows:
                break
            fam, giv, pat, dob = p.family_uk, p.given_uk_registry, p.patr_uk, p.dob.isoformat()
            if variant == "typo":
                fam = typo(rng, fam)
            elif variant == "nopatr":
                pat = ""
            elif variant == "year":
                dob = str(p.dob.year)
            elif variant == "form":
                # v2: the other official rendering of the given name; v1: typed in Russian
                giv = p.given.uk if giv != p.given.uk else ru_to_uk(p.given.ru)
                if population == "v1":
                    fam, giv, pat = p.family_ru, p.given.ru, p.patr_ru  # a report typed in Russian
            ext = f"{population}-r{len(rows):06d}"
            truth[ext] = p.pid
            sex = "ч" if p.sex == "male" else "ж"
            rows.append(
                [ext, fam, giv, pat, dob, sex, p.rank_uk, p.unit, p.service_number, p.place_uk]
            )
            link_rows.append([ext, fam, giv, pat, dob, p.sex, p.place_uk, p.service_number, p.unit])
    return persons, rows, link_rows, truth


# ---------------------------------------------------------------- rendering a name
@dataclasses.dataclass
class Rendered:
    family: str
    given: str
    patronymic: str
    script: str
    notes: list[str]


def render_name(
    rng: random.Random, p: Person, population: str, *, list_noise: bool = True
) -> Rendered:
    notes: list[str] = []
    r = rng.random()
    if population == "v1":
        script = "uk" if r < 0.25 else "ru" if r < 0.70 else "latin"
    else:
        script = "ru" if r < 0.55 else "uk" if r < 0.65 else "latin"
    src_uk = script == "uk" or (
        script == "latin" and rng.random() < (0.6 if population == "v1" else 0.15)
    )
    if src_uk:
        fam, giv, pat = p.family_uk, p.given_uk_registry, p.patr_uk
    else:
        fam, giv, pat = p.family_ru, p.given.ru, p.patr_ru
        if p.sex == "female" and rng.random() < 0.2:
            fam = p.family_ru if population == "v2" else uk_to_ru(p.family_uk, "last")
            notes.append("feminine_form")
    if script == "ru" and "ё" in fam + giv + pat and rng.random() < 0.6:
        fam, giv, pat = (x.replace("ё", "е") for x in (fam, giv, pat))
        notes.append("yo_as_e")
    if list_noise and rng.random() < 0.06:
        dims = p.given.uk_dims if src_uk and script != "latin" else p.given.ru_dims
        if script == "latin" and p.given.latin and rng.random() < 0.5:
            giv = rng.choice(p.given.latin)
            notes.append("latin_everyday_given")
        elif dims:
            giv = rng.choice(dims)
            notes.append("diminutive")
    compound = "-" in giv or any(giv.startswith(h) for h in ("Магомед", "Абдул", "Гаджи"))
    if compound and rng.random() < 0.6:
        new = join_split_hyphen(rng, giv)
        if new != giv:
            giv = new
            notes.append("hyphen")
    if script == "latin":
        std = pick_standard(rng, src_uk)
        notes.append(f"latin:{std}")
        fam, giv, pat = (latin(x, std) if x else x for x in (fam, giv, pat))
    if list_noise:
        if rng.random() < (0.6 if script == "latin" else 0.15):
            pat = ""
            notes.append("no_patronymic")
        if rng.random() < 0.08:
            fam = typo(rng, fam)
            notes.append("typo_family")
        if rng.random() < 0.05:
            giv = typo(rng, giv, near_start=True)
            notes.append("typo_given_start")
        if pat and rng.random() < 0.03:
            pat = typo(rng, pat)
            notes.append("typo_patronymic")
        if script != "latin" and rng.random() < 0.05:
            which = rng.choice(["fam", "giv"])
            if which == "fam":
                fam = lookalikes(rng, fam)
            else:
                giv = lookalikes(rng, giv)
            notes.append("latin_lookalikes")
        if rng.random() < (0.5 if script == "latin" else 0.2):
            fam, giv, pat = fam.upper(), giv.upper(), pat.upper()
            notes.append("caps")
    return Rendered(fam, giv, pat, script, notes)


# ---------------------------------------------------------------- outsiders
def make_outsider(
    rng: random.Random, pools: Pools, population: str, registry: list[Person], pid: str
) -> tuple[Person, str]:
    r = rng.random()
    base = rng.choice(registry)
    if r < 0.35:
        # a namesake: same family and given name, another father and another date
        for _ in range(50):
            if population == "v1":
                p = make_ukrainian(rng, pools, pid, sex=base.sex)
            else:
                p = make_russian(rng, pools, pid, sex=base.sex)
            if p.patr_uk != base.patr_uk and p.dob != base.dob:
                break
        p.family_uk, p.family_ru = base.family_uk, base.family_ru
        p.given, p.given_uk_registry = base.given, base.given_uk_registry
        return p, "namesake"
    if r < 0.6:
        p = dataclasses.replace(base, pid=pid, extra=dict(base.extra))
        p.family_uk = two_letters_apart(rng, base.family_uk)
        p.family_ru = (
            uk_to_ru(p.family_uk, "last")
            if population == "v1"
            else two_letters_apart(rng, base.family_ru)
        )
        if population == "v2":
            p.family_uk = ru_to_uk(p.family_ru)
        p.dob = (
            shift_year(rng, base.dob)
            if rng.random() < 0.3
            else years_later(p.dob, rng.choice((-4, -3, 2, 5)))
        )
        if rng.random() < 0.5:
            other = _new_person(rng, pools, population, pid)
            p.patr_uk, p.patr_ru = other.patr_uk, other.patr_ru
        return p, "near_surname"
    return _new_person(rng, pools, population, pid), "random"


# ---------------------------------------------------------------- incoming list
def build_list(
    rng: random.Random, pools: Pools, population: str, registry: list[Person], n: int
) -> tuple[list[str], list[list[str]], list[list[str]], list[dict[str, Any]]]:
    present = rng.sample(registry, round(n * 0.8))
    entries: list[tuple[Person, str | None]] = [(p, None) for p in present]
    for i in range(n - len(present)):
        op, kind = make_outsider(rng, pools, population, registry, f"{population}-out{i:05d}")
        entries.append((op, kind))
    rng.shuffle(entries)
    if population == "v1":
        headers = ["ФИО", "Дата рождения", "Звание", "Воинская часть", "Личный номер"]
    else:
        headers = [
            "Фамилия",
            "Имя",
            "Отчество",
            "Дата рождения",
            "Звание",
            "Воинская часть",
            "Личный номер",
        ]
    rows: list[list[str]] = []
    link_rows: list[list[str]] = []
    truth: list[dict[str, Any]] = []
    ranks_ru = lexicon.RU_RANKS.split("|")
    for idx, (p, outsider) in enumerate(entries):
        rn = render_name(rng, p, population)
        written, iso, dnote = noisy_date(rng, p.dob)
        notes = rn.notes + ([dnote] if dnote != "exact" else [])
        unit = ""
        if rng.random() < 0.4:
            unit = rng.choice(p.unit_loose)
        sn = ""
        if rng.random() < 0.15:
            sn = p.service_number if rng.random() > 0.1 else typo(rng, p.service_number)
        rank = p.rank_ru or rng.choice(ranks_ru)
        eid = f"{population}-e{idx:05d}"
        if population == "v1":
            parts = [rn.family, rn.given, rn.patronymic]
            if rng.random() < 0.15:
                parts = [rn.given, rn.patronymic, rn.family]
                notes.append("order_swapped")
            full = " ".join(x for x in parts if x)
            rows.append([full, written, rank, unit, sn])
            link_rows.append([eid, "", "", "", iso, "", "", sn, unit, full])
        else:
            fam, giv = rn.family, rn.given
            if rng.random() < 0.07:
                fam, giv = giv, fam
                notes.append("order_swapped")
            rows.append([fam, giv, rn.patronymic, written, rank, unit, sn])
            link_rows.append([eid, fam, giv, rn.patronymic, iso, "", "", sn, unit, ""])
        truth.append(
            {
                "id": eid,
                "line": idx + 2,
                "pid": None if outsider else p.pid,
                "outsider": outsider,
                "script": rn.script,
                "noise": notes,
                "born_as_listed": written,
            }
        )
    return headers, rows, link_rows, truth


# ---------------------------------------------------------------- families' inquiries
INQ_HEADERS = [
    "Прізвище",
    "Ім'я",
    "По батькові",
    "Дата народження",
    "Військова частина",
    "обставини",
    "Контактна особа",
    "Телефон",
    "згода",
    "поширення",
]


def _us_or_eu(rng: random.Random, d: dt.date) -> tuple[str, str]:
    if d.day <= 12 and rng.random() < 0.5:
        return d.strftime("%m/%d/%Y"), "month_first"
    return (
        (d.strftime("%d.%m.%Y"), "dd.mm.yyyy")
        if rng.random() < 0.5
        else (d.strftime("%d/%m/%Y"), "dd/mm/yyyy")
    )


def build_inquiries(
    rng: random.Random, pools: Pools, population: str, registry: list[Person], n: int
) -> tuple[list[list[str]], list[dict[str, Any]]]:
    if population == "v1":
        classes = {"everyday": 25, "slip": 20, "nodate": 20, "married": 15, "scripts": 20}
    else:
        classes = {"everyday": 30, "slip": 25, "nodate": 20, "scripts": 25}
    women = [p for p in registry if p.sex == "female" and p.other_family_uk]
    rows: list[list[str]] = []
    truth: list[dict[str, Any]] = []
    for i in range(n):
        cls = rng.choices(list(classes), weights=list(classes.values()))[0]
        if cls == "married" and not women:
            cls = "slip"
        seeks = rng.random() < 0.75
        outsider = None
        if seeks:
            p = rng.choice(women) if cls == "married" else rng.choice(registry)
        else:
            p, outsider = make_outsider(
                rng, pools, population, registry, f"{population}-iout{i:05d}"
            )
            if cls == "married" and (p.sex != "female" or not p.other_family_uk):
                p = make_ukrainian(rng, pools, p.pid, sex="female")
                outsider = "random"
        russian_family = population == "v2"
        fam = p.family_ru if russian_family else p.family_uk
        giv = p.given.ru if russian_family else p.given.uk
        pat = p.patr_ru if russian_family else p.patr_uk
        born = p.dob.isoformat() if rng.random() < 0.5 else p.dob.strftime("%d.%m.%Y")
        unit = rng.choice(p.unit_loose) if rng.random() < 0.3 else ""
        circ = ""
        note = ""
        if cls == "everyday":
            ru_dims = p.given.ru_dims
            uk_dims = p.given.uk_dims
            dims = ru_dims if russian_family or (ru_dims and rng.random() < 0.3) else uk_dims
            if not dims:
                dims = ru_dims or uk_dims
            dim = rng.choice(dims) if dims else giv
            how = rng.random()
            if how < 0.5:
                giv, note = dim, "diminutive_as_given"
            elif how < 0.8:
                giv, note = f"{giv} ({dim})", "nickname_in_brackets"
            elif how < 0.9:
                fam, note = f"{fam} {dim}", "diminutive_in_family_box"
            else:
                fam, giv, note = dim, fam, "diminutive_in_family_box_swapped"
            if rng.random() < 0.3:
                pat = ""
        elif cls == "slip":
            how = rng.random()
            if how < 0.45:
                fam, note = typo(rng, fam), "surname_letter"
                if fam == (p.family_ru if russian_family else p.family_uk):
                    fam = fam[:-1] + ("у" if fam[-1] != "у" else "а")
            elif how < 0.75:
                born, note = wrong_year_digit(rng, p.dob).isoformat(), "year_digit"
            else:
                s = swap_day_month(p.dob)
                if s:
                    born, note = s.strftime("%d.%m.%Y"), "day_month_swapped"
                else:
                    born, note = wrong_year_digit(rng, p.dob).isoformat(), "year_digit"
        elif cls == "nodate":
            born = ""
            year_missing = 2022 + rng.randint(0, 3)
            place_uk, place_ru = rng.choice(lexicon.FRONT_PLACES)
            if rng.random() < 0.5:
                unit, note = rng.choice(p.unit_loose), "unit_loose"
                circ = (
                    f"зник безвісти у {year_missing}"
                    if not russian_family
                    else f"пропал без вести в {year_missing}"
                )
            else:
                age = year_missing - p.dob.year - (1 if rng.random() < 0.4 else 0)
                if russian_family:
                    circ = f"{age} лет, пропал под {place_ru} в {year_missing}"
                else:
                    circ = f"{age} років, зник під {place_uk} у {year_missing}"
                note = "age_in_circumstances"
                if rng.random() < 0.5:
                    unit = ""
        elif cls == "married":
            fam, note = p.other_family_uk, "other_surname"
            born = p.dob.isoformat()
        elif cls == "scripts":
            how = rng.random()
            if how < 0.45 and not russian_family:
                fam, giv, pat, note = p.family_ru, p.given.ru, p.patr_ru, "russian"
            else:
                std = (
                    rng.choice(
                        [
                            "ua_national_2010",
                            "ua_passport_2007",
                            "ua_passport_2004",
                            "anyascii",
                            "ua_bgn_pcgn",
                        ]
                    )
                    if not russian_family
                    else rng.choice(["ru_icao", "ru_mvd_310", "ru_wikipedia", "anyascii"])
                )
                src = (
                    (p.family_ru, p.given.ru, p.patr_ru)
                    if russian_family
                    else (p.family_uk, p.given.uk, p.patr_uk)
                )
                fam, giv, pat = (latin(x, std) for x in src)
                if p.given.latin and rng.random() < 0.5:
                    giv = rng.choice(p.given.latin)
                pat = "" if rng.random() < 0.6 else pat
                note = f"latin:{std}"
            born, fmt = _us_or_eu(rng, p.dob)
            note += f"; date {fmt}"
        contact = (
            f"{rng.choice(['мати', 'дружина', 'батько', 'сестра', 'брат'])} {fam.split(' ')[0]}"
        )
        phone = f"+380{rng.randint(500000000, 999999999)}"
        rows.append([fam, giv, pat, born, unit, circ, contact, phone, "так", "icrc"])
        truth.append(
            {
                "index": i,
                "line": i + 2,
                "pid": None if outsider else p.pid,
                "outsider": outsider,
                "class": cls,
                "detail": note,
            }
        )
    return rows, truth


# ---------------------------------------------------------------- name-only pairs
def build_pairs(
    rng: random.Random, pools: Pools, population: str, registry: list[Person], n: int
) -> tuple[list[list[str]], list[list[str]], list[dict[str, Any]]]:
    left: list[list[str]] = []
    right: list[list[str]] = []
    truth: list[dict[str, Any]] = []
    used: set[str] = set()
    people = rng.sample(registry, min(len(registry), n * 2))
    k = 0
    for p in people:
        if len(left) >= n:
            break
        lname = f"{p.family_uk} {p.given_uk_registry} {p.patr_uk}"
        if lname in used:
            continue
        used.add(lname)
        lid, rid = f"{population}-L{k:05d}", f"{population}-R{k:05d}"
        k += 1
        if rng.random() < 0.55:
            rn = render_name(rng, p, population)
            same, kind = True, "variant"
        else:
            kind = rng.choice(["near_surname", "namesake_other_patronymic", "other_given"])
            q = dataclasses.replace(p, extra=dict(p.extra))
            if kind == "near_surname":
                q.family_uk = two_letters_apart(rng, p.family_uk)
                q.family_ru = (
                    uk_to_ru(q.family_uk, "last")
                    if population == "v1"
                    else two_letters_apart(rng, p.family_ru)
                )
            elif kind == "namesake_other_patronymic":
                other = _new_person(rng, pools, population, "x")
                if other.patr_uk == p.patr_uk:
                    continue
                q.patr_uk, q.patr_ru = other.patr_uk, other.patr_ru
            else:
                other = _new_person(rng, pools, population, "x")
                if other.given.uk == p.given.uk or other.sex != p.sex:
                    continue
                q.given, q.given_uk_registry = other.given, other.given_uk_registry
            rn = render_name(rng, q, population, list_noise=False)
            same = False
        rname = " ".join(x for x in (rn.family, rn.given, rn.patronymic) if x)
        if rng.random() < 0.1:
            rname = " ".join(x for x in (rn.given, rn.patronymic, rn.family) if x)
        left.append([lid, lname])
        right.append([rid, rname])
        truth.append(
            {
                "left_id": lid,
                "right_id": rid,
                "same": same,
                "kind": kind,
                "left": lname,
                "right": rname,
            }
        )
    return left, right, truth


# ---------------------------------------------------------------- one population
def build_population(out: Path, split: str, population: str, sizes: Sizes, seed: int) -> None:
    pools = Pools(split)
    rng = random.Random(f"{seed}-{population}")
    registry, reg_rows, reg_link, reg_truth = build_registry(rng, pools, population, sizes.registry)
    d = out / population
    _write(d / "registry.csv", REGISTRY_HEADERS, reg_rows)
    _write(d / "registry_link.csv", LINK_HEADERS, reg_link)
    headers, rows, link_rows, list_truth = build_list(
        random.Random(f"{seed}-{population}-list"), pools, population, registry, sizes.lists
    )
    _write(d / "list.csv", headers, rows)
    _write(d / "list_link.csv", [*LINK_HEADERS, "full_name"], link_rows)
    inq_rows, inq_truth = build_inquiries(
        random.Random(f"{seed}-{population}-inq"), pools, population, registry, sizes.inquiries
    )
    _write(d / "inquiries.csv", INQ_HEADERS, inq_rows)
    left, right, pair_truth = build_pairs(
        random.Random(f"{seed}-{population}-pairs"), pools, population, registry, sizes.pairs
    )
    _write(d / "pairs_left.csv", ["id", "full_name"], left)
    _write(d / "pairs_right.csv", ["id", "full_name"], right)
    persons = {
        p.pid: {
            "name": f"{p.family_uk} {p.given_uk_registry} {p.patr_uk}",
            "born": p.dob.isoformat(),
            "people": p.people,
            "sex": p.sex,
        }
        for p in registry
    }
    truth = {
        "registry": reg_truth,
        "persons": persons,
        "list": list_truth,
        "inquiries": inq_truth,
        "pairs": pair_truth,
    }
    (d / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8"
    )


# keep otherwise-unused helpers referenced (used by callers that import this module)
__all__ = ["Sizes", "build_population", "feminine_ru", "hyphen", "ru_patronymic"]

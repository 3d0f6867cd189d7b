"""Generated people: deterministic, plausible, consistent."""

from __future__ import annotations

from homecoming.domain.record import Category, Fate, Sex
from homecoming.generate.forms import is_russian_spelling, is_ukrainian_spelling
from homecoming.generate.people import Person, generate_people

N = 5_000


def _people(seed: int = 11, n: int = N) -> list[Person]:
    return list(generate_people(n, seed=seed))


def test_same_seed_same_people_and_prefixes_agree() -> None:
    people = _people()
    assert people == _people()
    assert _people(n=100) == people[:100]
    assert _people(seed=12) != people


def test_size_and_unique_ids() -> None:
    people = _people()
    assert len(people) == N
    assert len({p.person_id for p in people}) == N


def test_shares_are_roughly_as_intended() -> None:
    people = _people()
    servicemen = sum(p.category is Category.SERVICEMAN for p in people) / N
    ukrainians = sum(p.party == "UA" for p in people) / N
    wounded = sum(p.seriously_wounded for p in people) / N
    assert 0.82 < servicemen < 0.88
    assert 0.61 < ukrainians < 0.69
    assert 0.015 < wounded < 0.05


def test_fields_hang_together() -> None:
    for p in _people():
        soldier = p.category is Category.SERVICEMAN
        assert (p.unit is not None) == soldier and (p.rank is not None) == soldier
        assert bool(p.service_number) == soldier
        assert (p.held_by != "") == (p.fate is Fate.DETAINED)
        assert p.held_by in ("", "RU" if p.party == "UA" else "UA")
        assert (p.place_of_detention is not None) == (p.fate is Fate.DETAINED)
        assert 16 <= 2025 - p.date_of_birth.year <= 82
        assert is_ukrainian_spelling(" ".join(p.name_uk)), p.name_uk
        assert is_russian_spelling(" ".join(p.name_ru)), p.name_ru
        if p.fate_date is not None:
            assert p.fate_date >= p.event_date


def test_names_follow_sex() -> None:
    for p in _people():
        patronymic = p.name_uk.patronymic
        if p.sex is Sex.FEMALE:
            assert patronymic.endswith("на"), p.name_uk
            assert not p.name_uk.family.endswith(("ський", "цький", "ов")), p.name_uk
        else:
            assert patronymic.endswith("ич"), p.name_uk


def test_units_share_codes() -> None:
    codes: dict[tuple[str, int], str] = {}
    for p in _people():
        if p.unit is not None:
            key = (p.unit.kind.full.en, p.unit.number)
            assert codes.setdefault(key, p.unit.code) == p.unit.code

"""Evidence scored against an inquiry: full names across scripts, and surname + unit sightings."""

from __future__ import annotations

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.tracing.matching import (
    LEAD_THRESHOLD,
    Described,
    call_sign_forms,
    evidence_keys,
    inquiry_keys,
    score,
)

NEKHIR = Described(
    family_name="Нехір",
    given_names="Олександр",
    patronymic="Іванович",
    date_of_birth=PartialDate(1987, 5, 23),
    unit="36-та окрема бригада морської піхоти",
)


@pytest.mark.parametrize(
    "seen",
    [
        Described(family_name="NEKHYR", given_names="Oleksadr", date_of_birth=PartialDate(1987)),
        Described(full_name="Nekhir Aleksandr Ivanovich"),
        Described(family_name="Нехир", given_names="Александр", patronymic="Иванович"),
        Described(family_name="Nekhir", unit="36th brigade"),  # a sighting as heard
        Described(family_name="Нехір", unit="36 ОБрМП"),
    ],
)
def test_the_same_man_is_a_candidate(seen: Described) -> None:
    assert score(NEKHIR, seen).score >= LEAD_THRESHOLD


@pytest.mark.parametrize(
    "seen",
    [
        Described(family_name="Nekhir"),  # a surname alone says too little
        Described(family_name="Nekhir", unit="72nd brigade"),  # and another unit says no
        Described(family_name="Kovalenko", unit="36th brigade"),
        Described(family_name="Нехір", given_names="Петро", date_of_birth=PartialDate(1961)),
        Described(nickname="Sasha"),
    ],
)
def test_others_are_not(seen: Described) -> None:
    assert score(NEKHIR, seen).score < LEAD_THRESHOLD


def test_reasons_and_explanation_say_why() -> None:
    found = score(NEKHIR, Described(family_name="Nekhir", unit="36th brigade"))
    assert found.reasons[0].startswith("surname only")
    assert "same unit" in found.reasons[1]
    parts = found.explanation["explanation"]
    assert parts[0]["left"] == "Нехір" and parts[0]["right"] == "Nekhir"


def test_call_signs_match_across_scripts() -> None:
    assert call_sign_forms("Грім") & call_sign_forms("Hrim")
    sought = Described(family_name="Бондар", unit="72 ОМБр", call_sign="Грім")
    assert score(sought, Described(call_sign="Hrim", unit="72nd brigade")).is_candidate


def test_a_verified_person_is_a_candidate_whatever_the_name() -> None:
    handover = Described(full_name="N. O.")
    assert score(NEKHIR, handover, verified_person=True).is_candidate


@pytest.mark.parametrize(
    "seen",
    [
        Described(family_name="Nekhir"),
        Described(full_name="NEKHYR Oleksandr"),
        Described(full_name="Oleksandr Nehir"),
        Described(family_name="Нехир", given_names="Александр"),
    ],
)
def test_keys_of_evidence_meet_the_inquiry_keys(seen: Described) -> None:
    assert inquiry_keys(NEKHIR) & evidence_keys(seen)


def test_an_inquiry_is_keyed_by_its_surname_not_its_given_name() -> None:
    assert not inquiry_keys(NEKHIR) & evidence_keys(Described(full_name="Олександр Коваленко"))


# What families write (issue 23), hand-written analogues: each sought as the family wrote it,
# against the registry's record of the same person, in a registry of 20,000 records.
REGISTRY_PRIOR = 1 / 20_000
KOVALIUK = Described(
    family_name="Ковалюк",
    given_names="Олег",
    patronymic="Петрович",
    date_of_birth=PartialDate(1991, 3, 2),
    sex="male",
)
FAMILIES_WRITE = [
    # one slip in an otherwise exact inquiry: a letter of the surname, a digit of the year,
    # day and month swapped
    Described(
        family_name="Ковалюу",
        given_names="Олег",
        patronymic="Петрович",
        date_of_birth=PartialDate(1991, 3, 2),
    ),
    Described(
        family_name="Ковалюк",
        given_names="Олег",
        patronymic="Петрович",
        date_of_birth=PartialDate(1996, 3, 2),
    ),
    Described(
        family_name="Ковалюк",
        given_names="Олег",
        patronymic="Петрович",
        date_of_birth=PartialDate(1991, 2, 3),
    ),
    # everyday names, a nickname in brackets, Russian, Latin from relatives abroad
    Described(family_name="Ковалюк", given_names="Олежик", date_of_birth=PartialDate(1991, 3, 2)),
    Described(full_name="Ковалюк Олег (Алік) Петрович", date_of_birth=PartialDate(1991, 3, 2)),
    Described(
        family_name="Ковалюк", given_names="Олег", patronymic="Петрович", born_between=(1990, 1991)
    ),
    Described(family_name="Kovaliuk", given_names="Oleh", date_of_birth=PartialDate(1991, 3, 2)),
]


@pytest.mark.parametrize("sought", FAMILIES_WRITE)
def test_what_families_write_finds_the_person(sought: Described) -> None:
    found = score(sought, KOVALIUK, prior=REGISTRY_PRIOR)
    assert found.score >= LEAD_THRESHOLD, found.reasons


def test_an_age_in_the_circumstances_stands_in_for_the_date() -> None:
    told = Described(
        family_name="Ковалюк", given_names="Олег", patronymic="Петрович", born_between=(1990, 1991)
    )
    found = score(told, KOVALIUK, prior=REGISTRY_PRIOR)
    assert "age in the circumstances: born 1990-1991" in found.reasons
    older = Described(family_name="Ковалюк", given_names="Олег", date_of_birth=PartialDate(1960))
    assert score(told, older, prior=REGISTRY_PRIOR).score < found.score


def test_a_namesake_with_another_patronymic_and_date_is_no_lead() -> None:
    namesake = Described(
        family_name="Ковалюк",
        given_names="Олег",
        patronymic="Іванович",
        date_of_birth=PartialDate(1975, 8, 19),
    )
    assert score(namesake, KOVALIUK, prior=REGISTRY_PRIOR).score < LEAD_THRESHOLD


def test_a_married_woman_is_found_under_her_other_surname() -> None:
    registered = Described(
        family_name="Ковалюк",
        given_names="Олена",
        patronymic="Іванівна",
        date_of_birth=PartialDate(1991, 3, 2),
        sex="female",
    )
    maiden = Described(
        family_name="Петренко",
        given_names="Олена",
        patronymic="Іванівна",
        date_of_birth=PartialDate(1991, 3, 2),
        sex="female",
    )
    assert score(maiden, registered, prior=REGISTRY_PRIOR).score >= LEAD_THRESHOLD


def test_a_common_name_alone_weighs_less_than_a_rare_one() -> None:
    """The registry's name frequencies reach tracing as they reach search: "Іваненко Олег" with
    no date is no lead where the registry holds hundreds of them, a rare name is."""
    sought = Described(family_name="Ковалюк", given_names="Олег")
    seen = Described(family_name="Ковалюк", given_names="Олег", date_of_birth=PartialDate(1991))
    common = score(sought, seen, prior=REGISTRY_PRIOR, frequency=lambda comparison: 1e-3)
    rare = score(sought, seen, prior=REGISTRY_PRIOR, frequency=lambda comparison: 2e-6)
    assert common.score < LEAD_THRESHOLD <= rare.score

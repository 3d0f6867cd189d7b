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

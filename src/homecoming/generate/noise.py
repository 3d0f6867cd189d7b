"""What goes wrong between a person and a record about them, each kind at a tunable rate."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, fields
from enum import StrEnum

from homecoming.domain.dates import PartialDate
from homecoming.generate.sampling import below


class Noise(StrEnum):
    """A tag saying which variation or error a record carries, for evaluation breakdowns."""

    TYPO_FAMILY_NAME = "typo_family_name"
    TYPO_GIVEN_NAME = "typo_given_name"
    TYPO_PATRONYMIC = "typo_patronymic"
    SWAPPED_ORDER = "swapped_order"
    NO_PATRONYMIC = "no_patronymic"
    PATRONYMIC_IN_GIVEN = "patronymic_in_given"
    FULL_NAME_ONLY = "full_name_only"
    SURNAME_ONLY = "surname_only"  # testimonies: "Ковальов, from the 36th"
    ENGLISH_GIVEN = "english_given"
    DIMINUTIVE = "diminutive"
    FAMILY_UPPERCASE = "family_uppercase"
    DOB_MISSING = "dob_missing"
    DOB_YEAR_ONLY = "dob_year_only"
    DOB_YEAR_MONTH = "dob_year_month"
    DOB_DAY_MONTH_SWAPPED = "dob_day_month_swapped"
    DOB_DIGIT_OFF = "dob_digit_off"
    DOB_YEAR_OFF = "dob_year_off"
    MISSING_SEX = "missing_sex"
    MISSING_PLACE_OF_BIRTH = "missing_place_of_birth"
    MISSING_SERVICE_NUMBER = "missing_service_number"
    MISSING_UNIT = "missing_unit"
    MISSING_RANK = "missing_rank"
    SERVICE_NUMBER_TYPO = "service_number_typo"
    WRONG_CATEGORY = "wrong_category"


@dataclass(frozen=True, slots=True)
class NoiseProfile:
    """Per-record probabilities of each kind of variation (0 turns it off)."""

    typo: float = 0.08  # one dropped, doubled or swapped letter in one name part
    swapped_order: float = 0.05  # family and given name exchanged
    no_patronymic: float = 0.25
    patronymic_in_given: float = 0.02  # "Олександр Іванович" in the given-name field
    full_name_only: float = 0.30  # one string instead of split fields
    both_name_forms: float = 0.10  # full name and split fields together (not an error)
    english_given: float = 0.15  # Alexander, Sergey: of Latin records only
    diminutive: float = 0.01  # Sasha, Сашко
    family_uppercase: float = 0.10  # КОВАЛЬОВ Олександр, as many lists write it
    dob_missing: float = 0.05
    dob_partial: float = 0.10  # year only, or year and month
    dob_wrong: float = 0.05  # day/month swapped, a digit off by one, year ±1
    missing_field: float = 0.10  # each of sex, place of birth, service number, unit, rank
    service_number_typo: float = 0.02
    wrong_category: float = 0.01  # a civilian listed as a serviceman or the reverse

    @classmethod
    def clean(cls) -> NoiseProfile:
        """No noise at all: every record renders the truth (in some script)."""
        return cls(**{f.name: 0.0 for f in fields(cls)})

    def scaled(self, factor: float) -> NoiseProfile:
        """The same profile with every rate multiplied (capped at 1)."""
        return NoiseProfile(
            **{f.name: min(1.0, getattr(self, f.name) * factor) for f in fields(self)}
        )


TYPO_KINDS = ("drop", "double", "swap")


def typo(rng: random.Random, text: str) -> str:
    """Drop, double or swap one letter; texts too short to survive it come back unchanged."""
    if len(text) < 4:
        return text
    kind = TYPO_KINDS[below(rng, 3)]
    i = 1 + below(rng, len(text) - 2)  # spare the first letter: people rarely miss it
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[: i + 1] + text[i:]
    if text[i] == text[i + 1]:
        return text[:i] + text[i + 1] + text[i + 1 :]  # a swap of equals reads as a double
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def date_of_birth(
    rng: random.Random, born: dt.date, profile: NoiseProfile
) -> tuple[PartialDate, Noise | None]:
    """The date of birth as a source writes it, and the noise applied, if any."""
    roll = rng.random()
    if roll < profile.dob_missing:
        return PartialDate(), Noise.DOB_MISSING
    roll -= profile.dob_missing
    if roll < profile.dob_partial:
        if rng.random() < 0.6:
            return PartialDate(born.year), Noise.DOB_YEAR_ONLY
        return PartialDate(born.year, born.month), Noise.DOB_YEAR_MONTH
    roll -= profile.dob_partial
    if roll < profile.dob_wrong:
        return _wrong_date(rng, born)
    return PartialDate(born.year, born.month, born.day), None


def _wrong_date(rng: random.Random, born: dt.date) -> tuple[PartialDate, Noise]:
    kind = below(rng, 3)
    if kind == 0 and born.day <= 12 and born.day != born.month:
        return PartialDate(born.year, born.day, born.month), Noise.DOB_DAY_MONTH_SWAPPED
    if kind == 1:
        shifted = _digit_off(rng, born)
        if shifted is not None:
            return PartialDate.from_date(shifted), Noise.DOB_DIGIT_OFF
    year = born.year + (1 if rng.random() < 0.5 else -1)
    day = min(born.day, 28) if born.month == 2 else born.day
    return PartialDate(year, born.month, day), Noise.DOB_YEAR_OFF


# Day, month and the decade and year digits; the century digits make no believable slip.
_DIGIT_POSITIONS = (0, 1, 2, 3, 6, 7)


def _digit_off(rng: random.Random, born: dt.date) -> dt.date | None:
    """One digit of DD.MM.YYYY moved by one (23→24, 1987→1977); None when that is no date."""
    text = born.strftime("%d%m%Y")
    position = _DIGIT_POSITIONS[below(rng, len(_DIGIT_POSITIONS))]
    digit = int(text[position]) + (1 if rng.random() < 0.5 else -1)
    if not 0 <= digit <= 9:
        return None
    changed = text[:position] + str(digit) + text[position + 1 :]
    try:
        return dt.date(int(changed[4:]), int(changed[2:4]), int(changed[:2]))
    except ValueError:
        return None

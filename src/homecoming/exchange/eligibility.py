"""Whether a person fits a category of an agreement, and why not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Sex
from homecoming.exchange.agreement import Agreement, CategorySpec, Eligibility


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the evidence says about a person, as eligibility needs it."""

    category: Category | None = None
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    seriously_wounded: bool = False  # as an examination decided (services/wounded.py)
    captured_on: PartialDate = field(default_factory=PartialDate)
    sex: Sex | None = None
    rank: str = ""
    unit: str = ""
    prosecution: str | None = None  # none, under_prosecution, convicted; None: not known


def reasons_against(eligibility: Eligibility, facts: PersonFacts, *, on: dt.date) -> list[str]:
    """Why the person does not fit; empty when they do (unknown facts are not held against)."""
    reasons = []
    if (
        eligibility.category is not None
        and facts.category is not None
        and facts.category is not eligibility.category
    ):
        reasons.append(f"a {facts.category} in a {eligibility.category} category")
    age = facts.date_of_birth.age_on(on)
    if age is not None and facts.date_of_birth.month is None:
        # Year only: the age is one of two values; hold it against only if both are outside.
        ages = (age - 1, age)
        if not any(_age_fits(eligibility, a) for a in ages):
            reasons.append(f"aged {ages[0]}-{ages[1]} on {on}, outside {_range(eligibility)}")
    elif age is not None and not _age_fits(eligibility, age):
        reasons.append(f"aged {age} on {on}, outside {_range(eligibility)}")
    if eligibility.seriously_wounded is True and not facts.seriously_wounded:
        reasons.append("not found seriously wounded or sick by a medical commission")
    if eligibility.seriously_wounded is False and facts.seriously_wounded:
        reasons.append("seriously wounded or sick: belongs in that category")
    if eligibility.sex is not None and facts.sex is not None and facts.sex is not eligibility.sex:
        reasons.append(f"{facts.sex}, in a category of {eligibility.sex}")
    before = eligibility.captured_before
    if before is not None and facts.captured_on.year is not None:
        earliest = _earliest(facts.captured_on)
        if earliest >= before:
            reasons.append(f"captured {facts.captured_on.iso()}, not before {before}")
    if eligibility.ranks and facts.rank and not _one_of(facts.rank, eligibility.ranks, _word):
        reasons.append(f"rank {facts.rank!r}, not {' or '.join(eligibility.ranks)}")
    if eligibility.units and facts.unit and not _one_of(facts.unit, eligibility.units, unit_key):
        reasons.append(f"unit {facts.unit!r}, not {' or '.join(eligibility.units)}")
    said = facts.prosecution
    if eligibility.prosecution and said is not None and said not in eligibility.prosecution:
        wanted = " or ".join(p.replace("_", " ") for p in eligibility.prosecution)
        reasons.append(f"prosecution: {said.replace('_', ' ')}, not {wanted}")
    return reasons


def unit_key(unit: str) -> str:
    """A unit told apart by its number where it has one ('36 ОБрМП' ~ '36th brigade')."""
    number = re.search(r"\d+", unit)
    return number.group(0).lstrip("0") or "0" if number else _word(unit)


def _word(text: str) -> str:
    return " ".join(text.casefold().replace(".", " ").split())


def _one_of(value: str, allowed: tuple[str, ...], key: Callable[[str], str]) -> bool:
    return key(value) in {key(a) for a in allowed}


def _earliest(date: PartialDate) -> dt.date:
    assert date.year is not None
    return dt.date(date.year, date.month or 1, date.day or 1)


def fits(eligibility: Eligibility, facts: PersonFacts, *, on: dt.date) -> bool:
    """True when nothing known speaks against the person being in the category."""
    return not reasons_against(eligibility, facts, on=on)


def categorise(agreement: Agreement, facts: PersonFacts) -> CategorySpec | None:
    """The first category of the agreement the person fits (the most specific come first)."""
    on = agreement.age_day()
    ordered = sorted(agreement.categories, key=_specificity, reverse=True)
    for spec in ordered:
        if fits(spec.eligibility, facts, on=on) and _known_enough(spec.eligibility, facts):
            return spec
    return None


def _specificity(spec: CategorySpec) -> int:
    e = spec.eligibility
    return sum(
        (
            e.category is not None,
            e.min_age is not None or e.max_age is not None,
            3 * (e.seriously_wounded is True),  # GCIII Art. 109 comes before any other rule
            e.sex is not None,
            e.captured_before is not None,
            bool(e.ranks),
            bool(e.units),
            bool(e.prosecution),
        )
    )


def _known_enough(eligibility: Eligibility, facts: PersonFacts) -> bool:
    """Categorising positively needs the facts the category asks for."""
    if eligibility.category is not None and facts.category is None:
        return False
    needs_age = eligibility.min_age is not None or eligibility.max_age is not None
    if needs_age and facts.date_of_birth.year is None:
        return False
    # Nothing known of a prosecution reads as none: it is enough for a category that allows
    # "none", never for one of the prosecuted or convicted only.
    prosecution_unknown = facts.prosecution is None and "none" not in eligibility.prosecution
    return not (
        (eligibility.sex is not None and facts.sex is None)
        or (eligibility.captured_before is not None and facts.captured_on.year is None)
        or (bool(eligibility.ranks) and not facts.rank)
        or (bool(eligibility.units) and not facts.unit)
        or (bool(eligibility.prosecution) and prosecution_unknown)
    )


def _age_fits(eligibility: Eligibility, age: int) -> bool:
    if eligibility.min_age is not None and age < eligibility.min_age:
        return False
    return not (eligibility.max_age is not None and age > eligibility.max_age)


def _range(eligibility: Eligibility) -> str:
    low = eligibility.min_age if eligibility.min_age is not None else 0
    high = eligibility.max_age if eligibility.max_age is not None else "…"
    return f"{low}-{high}"

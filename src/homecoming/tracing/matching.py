"""Scoring evidence against an inquiry: the sought person beside what a record or a sighting says.

A record with a full name is scored by the names engine, then dates of birth, sex, unit and
service number move the score. A sighting that names only a surname (as released prisoners
often do: "Nekhir from the 36th brigade") is weak alone; the unit is what makes it a lead.
Candidate keys (the same as the search index's) find which inquiries a record may answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Fate, service_number_key
from homecoming.forgetting import forgettable
from homecoming.match.bounds import may_reach
from homecoming.match.levels import Facts, compare_facts, unit_number
from homecoming.match.model import default_model
from homecoming.names import compare, from_parts, parse_name
from homecoming.names.comparison import NameComparison
from homecoming.names.parse import ParsedName, tokenize
from homecoming.names.token import name_token
from homecoming.search.keys import token_key_hashes
from homecoming.tracing.units import parse_unit, unit_agreement

# How common two compared names are in the registry (search.index.PersonIndex.pair_frequency).
Frequency = Callable[[NameComparison], float | None]
# A candidate at or above this score may become a lead: for a named record, the match model's
# probability. A family left without a lead is the worst error here: lower than linkage's 0.9.
LEAD_THRESHOLD = 0.5
# The chance that an inquiry is one given record before comparing, when the registry's size
# is not given: one in ten thousand.
DEFAULT_PRIOR = 1e-4
# A surname alone says this much; the same unit says as much again.
SURNAME_ALONE = 0.3
SURNAME_WITH_UNIT = 0.3
# A surname heard must be this close to the inquiry's to count at all.
SURNAME_FLOOR = 0.8
SAME_CALL_SIGN = 0.4
SAME_CALL_SIGN_AND_UNIT = 0.2
VERIFIED_PERSON = 0.95
# Below this, no word of the evidence is the sought surname: not worth a full comparison.


@dataclass(frozen=True, slots=True)
class Described:
    """A person as an inquiry or a piece of evidence describes them; '' when unknown."""

    family_name: str = ""
    given_names: str = ""
    patronymic: str = ""
    full_name: str = ""
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    sex: str | None = None
    unit: str = ""
    service_number: str = ""
    call_sign: str = ""
    nickname: str = ""
    fate: Fate | None = None
    # Years of birth read from the circumstances ("45 років, зник у 2023"), when no date is given.
    born_between: tuple[int, int] | None = None

    def birth_estimate(self) -> PartialDate:
        """The date of birth, or the middle of the years the circumstances allow."""
        if self.date_of_birth.year is not None or self.born_between is None:
            return self.date_of_birth
        return PartialDate(sum(self.born_between) // 2)

    def name(self) -> str:
        parts = [self.family_name, self.given_names, self.patronymic]
        return " ".join(p for p in parts if p) or self.full_name

    def parsed(self) -> ParsedName:
        return _parsed(self.family_name, self.given_names, self.patronymic, self.full_name)

    @property
    def surname_only(self) -> bool:
        """Only a surname is known (a sighting as heard, often)."""
        if self.given_names or self.patronymic:
            return False
        return _one_word(self.family_name, self.full_name)


@forgettable(maxsize=200_000)
def _one_word(family: str, full: str) -> bool:
    """Whether the name is one word (asked of every pair a re-match weighs: read once)."""
    return len({w.casefold() for w in tokenize(f"{family} {full}")}) == 1


@forgettable(maxsize=200_000)
def _parsed(family: str, given: str, patronymic: str, full: str) -> ParsedName:
    if given or (family and not full):
        return from_parts(family, given, patronymic)
    if family and family.casefold() not in full.casefold():
        # A list with a surname column and a "name" column: read them as one name.
        return parse_name(f"{family} {full} {patronymic}".strip(), order_hint="family_first")
    return parse_name(full)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored pairing of an inquiry and evidence, with the reasons a tracing officer reads."""

    score: float
    name_score: float
    reasons: tuple[str, ...]
    comparison: NameComparison | None = field(default=None, repr=False, compare=False)

    @property
    def is_candidate(self) -> bool:
        return self.score >= LEAD_THRESHOLD

    @property
    def explanation(self) -> dict[str, Any]:
        """Which name part met which, by which rule (built only when asked for)."""
        return self.comparison.to_dict() if self.comparison is not None else {}


def score(
    sought: Described,
    seen: Described,
    *,
    verified_person: bool = False,
    prior: float = DEFAULT_PRIOR,
    frequency: Frequency | None = None,
) -> Candidate:
    """How well the evidence fits the person sought, in [0, 1], and why.

    A named record is scored by the one match model (the probability it is the person, given
    `prior`: one in the registry's records, and `frequency`: how common the names are in the
    registry, as search weighs them); a surname or nickname heard alone by the rules below.
    """
    if _partial(seen):
        found = _score_partial(sought, seen)
    else:
        found = _score_full(sought, seen, prior, frequency)
    found = _call_sign(sought, seen, found)
    if verified_person and found.score < VERIFIED_PERSON:
        found = _raised(found, VERIFIED_PERSON, "the same person as a verified lead")
    return found


def could_lead(
    sought: Described,
    seen: Described,
    *,
    verified_person: bool = False,
    prior: float = DEFAULT_PRIOR,
    threshold: float = LEAD_THRESHOLD,
) -> bool:
    """False only when `score` of the pair is certainly under `threshold`, told without
    comparing the names (`match.bounds.may_reach`: the levels that cost nothing, with the
    best the names could weigh at any frequency). A pair the model does not decide alone is
    always worth its score: verified (raised to VERIFIED_PERSON), a surname or nickname heard
    alone (`_score_partial`), or a call sign on both sides (`_call_sign` may raise it)."""
    if verified_person or _partial(seen) or (sought.call_sign and seen.call_sign):
        return True
    born, _ = _born_as_told(sought, seen)
    # The score is rounded to four places (`_clamp`): a probability a rounding under the
    # threshold still reaches it.
    lowest = threshold - 1e-4
    return may_reach(
        default_model(), _facts(sought, born), _facts(seen), prior=prior, probability=lowest
    )


def _partial(seen: Described) -> bool:
    """Evidence scored by the rules for a surname or a nickname heard alone."""
    return seen.surname_only or (not seen.name() and bool(seen.nickname))


@forgettable(maxsize=200_000)
def _facts(described: Described, born: PartialDate | None = None) -> Facts:
    """What the match model reads of a description (read once: a re-match asks of every pair,
    and an inquiry or a record is in many)."""
    return Facts(
        name=described.name(),
        born=described.date_of_birth if born is None else born,
        sex=described.sex,
        service_number=service_number_key(described.service_number) or None,
        unit=unit_number(described.unit),
    )


def _score_full(
    sought: Described, seen: Described, prior: float, frequency: Frequency | None
) -> Candidate:
    """The one match model's probability that the evidence is the person sought."""
    born, age_reason = _born_as_told(sought, seen)
    levels, evidence = compare_facts(_facts(sought, born), _facts(seen))
    comparison = evidence.comparison
    tf = frequency(comparison) if frequency is not None and comparison is not None else None
    scored = default_model().score(levels, prior=prior, tf=tf)
    name_score = comparison.score if comparison is not None else 0.0
    reasons = list(scored.reasons()) + ([age_reason] if age_reason else [])
    agreement, why = unit_agreement(parse_unit(sought.unit), parse_unit(seen.unit))
    if why and agreement > 0:
        reasons.append(why)
    return Candidate(_clamp(scored.probability), round(name_score, 4), tuple(reasons), comparison)


def _born_as_told(sought: Described, seen: Described) -> tuple[PartialDate, str]:
    """The sought date of birth; with only an age told, the year of the range nearest the
    evidence's year (within the range, the evidence's own year: the age agrees)."""
    if sought.date_of_birth.year is not None or sought.born_between is None:
        return sought.date_of_birth, ""
    earliest, latest = sought.born_between
    year = seen.date_of_birth.year
    told = f"age in the circumstances: born {earliest}-{latest}"
    if year is None:
        return PartialDate(), told
    return PartialDate(min(max(year, earliest), latest)), told


def _same_service(sought: Described, seen: Described) -> bool:
    return bool(
        sought.service_number
        and service_number_key(sought.service_number) == service_number_key(seen.service_number)
    )


def _score_partial(sought: Described, seen: Described) -> Candidate:
    """A surname only (or a nickname): the unit decides whether it is worth a look."""
    if seen.surname_only:
        heard = from_parts(family=seen.family_name or seen.full_name)
        wanted = from_parts(family=sought.family_name or sought.name())
        comparison = compare(wanted, heard, threshold=SURNAME_FLOOR)
        what = "surname"
    else:
        heard = from_parts(given=seen.nickname)
        wanted = from_parts(given=sought.given_names or sought.name())
        comparison = compare(wanted, heard, threshold=SURNAME_FLOOR)
        what = "nickname"
    similarity = comparison.score
    reasons = [f"{what} only, {similarity:.2f}"]
    if similarity < SURNAME_FLOOR:
        low = _clamp(similarity * SURNAME_ALONE)
        return Candidate(low, round(similarity, 4), tuple(reasons), comparison)
    total = similarity * SURNAME_ALONE * (1.0 if what == "surname" else 0.6)
    agreement, why = unit_agreement(parse_unit(sought.unit), parse_unit(seen.unit))
    if agreement > 0:
        total += similarity * SURNAME_WITH_UNIT
    elif agreement < 0:
        total = 0.0
    reasons.append(why or "unit unknown on one side")
    return Candidate(_clamp(total), round(similarity, 4), tuple(reasons), comparison)


def _call_sign(sought: Described, seen: Described, found: Candidate) -> Candidate:
    if not sought.call_sign or not seen.call_sign:
        return found
    if not call_sign_forms(sought.call_sign) & call_sign_forms(seen.call_sign):
        return found
    agreement, _ = unit_agreement(parse_unit(sought.unit), parse_unit(seen.unit))
    if agreement < 0:
        return found
    floor = SAME_CALL_SIGN + (SAME_CALL_SIGN_AND_UNIT if agreement > 0 else 0.0)
    return _raised(found, floor, f"same call sign ({seen.call_sign})")


def _raised(found: Candidate, floor: float, reason: str) -> Candidate:
    return Candidate(
        _clamp(max(found.score, floor)),
        found.name_score,
        (*found.reasons, reason),
        found.comparison,
    )


def _clamp(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 4)


def call_sign_forms(text: str) -> frozenset[str]:
    """The common Latin forms of a call sign in any script: Грім ~ Hrim ~ Grim."""
    forms: set[str] = set()
    for word in tokenize(text):
        token = name_token(word)
        forms |= {f.casefold() for f in token.forms | token.other_forms}
    return frozenset(forms)


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


def _word_keys(text: str) -> set[int]:
    return {key for word in tokenize(text) for key in token_key_hashes(word)}


def _call_sign_keys(text: str) -> set[int]:
    return {_hash(f"c:{form}") for form in call_sign_forms(text)}


def inquiry_keys(sought: Described) -> set[int]:
    """Candidate keys of an inquiry: its surname's (or whole name's) words, and its call sign."""
    found = _word_keys(sought.family_name or sought.full_name or sought.name())
    return found | _call_sign_keys(sought.call_sign)


def evidence_keys(seen: Described) -> set[int]:
    """Candidate keys of evidence: every word of its name (order may be swapped), call sign."""
    text = " ".join(p for p in (seen.family_name, seen.given_names, seen.full_name) if p)
    return _word_keys(text) | _call_sign_keys(seen.call_sign)

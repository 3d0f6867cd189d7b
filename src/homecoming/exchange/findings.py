"""Validation findings: what is wrong with a listed entry once it is resolved to a person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Fate
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.eligibility import PersonFacts, reasons_against

# A listed entry is resolved to a person at this score or above; below, it is "not found".
MATCH_SCORE = 0.9
# The runner-up within this much of the best (and itself a match) makes the entry ambiguous.
AMBIGUITY_MARGIN = 0.05


class FindingKind(StrEnum):
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"
    ALREADY_RELEASED = "already_released"  # in an earlier stage or exchange
    DECEASED = "deceased"
    LISTED_TWICE = "listed_twice"  # twice within one list
    ON_BOTH_LISTS = "on_both_lists"  # on both parties' lists
    WRONG_CATEGORY = "wrong_category"
    CONFLICTING_DATE_OF_BIRTH = "conflicting_date_of_birth"
    CONFLICTING_UNIT = "conflicting_unit"


class Decision(StrEnum):
    """What a human makes of a finding: a row each, the latest counts."""

    ACCEPT = "accept"  # the finding is right: the entry is not exchanged as listed
    REJECT = "reject"  # the finding is wrong: the entry stands
    CORRECT = "correct"  # the entry stands with a correction (another person or category)


# Findings after which an entry is held back from a stage until a human rejects or corrects.
BLOCKING = frozenset(
    {
        FindingKind.NOT_FOUND,
        FindingKind.AMBIGUOUS,
        FindingKind.ALREADY_RELEASED,
        FindingKind.DECEASED,
        FindingKind.LISTED_TWICE,
        FindingKind.ON_BOTH_LISTS,
        FindingKind.WRONG_CATEGORY,
    }
)


@dataclass(frozen=True, slots=True)
class ListedEntry:
    """One entry of a list version as listed, with its resolution against the registry."""

    entry_id: int
    line: int
    name: str
    listed: PersonFacts
    unit: str = ""
    category: str | None = None  # the agreement category it is listed under
    person_id: int | None = None
    score: float = 0.0
    runner_up_id: int | None = None
    runner_up_score: float | None = None


@dataclass(frozen=True, slots=True)
class PersonEvidence:
    """What the registry holds about a resolved person, with the records behind each fact."""

    person_id: int
    facts: PersonFacts
    status: Fate | None = None
    status_record: int | None = None
    status_source: str = ""
    dates_of_birth: tuple[tuple[PartialDate, int], ...] = ()  # (date, record id)
    units: tuple[tuple[str, int], ...] = ()
    released_in: str = ""  # "stage 1 of '1000 for 1000'", when a handover delivered them


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with one entry, and the evidence behind it."""

    kind: FindingKind
    entry_id: int
    line: int
    person_id: int | None
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING


def find_problems(
    agreement: Agreement,
    entries: Sequence[ListedEntry],
    evidence: Mapping[int, PersonEvidence],
    *,
    other_lists: Mapping[int, str] | None = None,
) -> list[Finding]:
    """Every finding for a list version's entries. `other_lists`: person -> the other list."""
    findings: list[Finding] = []
    on = agreement.age_day()
    for entry in entries:
        findings += _resolution(entry)
        person = evidence.get(entry.person_id) if entry.person_id is not None else None
        if person is not None:
            findings += _status(entry, person)
            findings += _category(agreement, entry, person, on)
            findings += _conflicts(entry, person)
            other = (other_lists or {}).get(person.person_id)
            if other:
                findings.append(
                    _finding(FindingKind.ON_BOTH_LISTS, entry, f"also on {other}", other_list=other)
                )
    findings += _listed_twice(entries)
    return sorted(findings, key=lambda f: (f.line, f.kind))


def _finding(kind: FindingKind, entry: ListedEntry, message: str, **evidence: Any) -> Finding:
    return Finding(kind, entry.entry_id, entry.line, entry.person_id, message, evidence)


def _resolution(entry: ListedEntry) -> list[Finding]:
    if entry.person_id is None:
        best = f" (best {entry.score:.2f})" if entry.score else ""
        return [_finding(FindingKind.NOT_FOUND, entry, f"no person in the registry{best}")]
    if (
        entry.runner_up_id is not None
        and entry.runner_up_score is not None
        and entry.runner_up_score >= MATCH_SCORE
        and entry.score - entry.runner_up_score <= AMBIGUITY_MARGIN
    ):
        return [
            _finding(
                FindingKind.AMBIGUOUS,
                entry,
                f"person {entry.person_id} ({entry.score:.2f}) or person "
                f"{entry.runner_up_id} ({entry.runner_up_score:.2f})",
                candidates=[entry.person_id, entry.runner_up_id],
                scores=[entry.score, entry.runner_up_score],
            )
        ]
    return []


def _status(entry: ListedEntry, person: PersonEvidence) -> list[Finding]:
    if person.released_in:
        return [
            _finding(
                FindingKind.ALREADY_RELEASED,
                entry,
                f"already handed over in {person.released_in}",
                released_in=person.released_in,
            )
        ]
    if person.status is Fate.RELEASED:
        return [
            _finding(
                FindingKind.ALREADY_RELEASED,
                entry,
                f"released according to {person.status_source!r}",
                record=person.status_record,
                source=person.status_source,
            )
        ]
    if person.status is Fate.DECEASED:
        return [
            _finding(
                FindingKind.DECEASED,
                entry,
                f"reported deceased by {person.status_source!r}",
                record=person.status_record,
                source=person.status_source,
            )
        ]
    return []


def _category(
    agreement: Agreement, entry: ListedEntry, person: PersonEvidence, on: dt.date
) -> list[Finding]:
    if entry.category is None:
        return []
    spec = agreement.category(entry.category)
    reasons = reasons_against(spec.eligibility, _merged(entry.listed, person.facts), on=on)
    if not reasons:
        return []
    return [
        _finding(
            FindingKind.WRONG_CATEGORY,
            entry,
            f"listed as {spec.label}: " + "; ".join(reasons),
            category=spec.code,
            reasons=reasons,
        )
    ]


def _merged(listed: PersonFacts, registry: PersonFacts) -> PersonFacts:
    """The registry's facts where it has them, else the list's."""
    return PersonFacts(
        category=registry.category or listed.category,
        date_of_birth=(
            listed.date_of_birth if registry.date_of_birth.is_empty else registry.date_of_birth
        ),
        seriously_wounded=registry.seriously_wounded or listed.seriously_wounded,
        captured_on=registry.captured_on if registry.captured_on.year else listed.captured_on,
        sex=registry.sex or listed.sex,
        rank=registry.rank or listed.rank,
        unit=registry.unit or listed.unit,
        prosecution=registry.prosecution or listed.prosecution,
    )


def _conflicts(entry: ListedEntry, person: PersonEvidence) -> list[Finding]:
    findings = []
    born = entry.listed.date_of_birth
    known = [(d, r) for d, r in person.dates_of_birth if not d.is_empty]
    if not born.is_empty and known and not any(compatible(born, d) for d, _ in known):
        findings.append(
            _finding(
                FindingKind.CONFLICTING_DATE_OF_BIRTH,
                entry,
                f"listed born {born.iso()}; the registry says "
                + ", ".join(sorted({d.iso() for d, _ in known})),
                listed=born.iso(),
                registry=[{"value": d.iso(), "record": r} for d, r in known],
            )
        )
    units = [(u, r) for u, r in person.units if u]
    if entry.unit and units and not any(same_unit(entry.unit, u) for u, _ in units):
        findings.append(
            _finding(
                FindingKind.CONFLICTING_UNIT,
                entry,
                f"listed in {entry.unit!r}; the registry says "
                + ", ".join(sorted({u for u, _ in units})),
                listed=entry.unit,
                registry=[{"value": u, "record": r} for u, r in units],
            )
        )
    return findings


def _listed_twice(entries: Sequence[ListedEntry]) -> list[Finding]:
    by_person: defaultdict[int, list[ListedEntry]] = defaultdict(list)
    for entry in entries:
        if entry.person_id is not None:
            by_person[entry.person_id].append(entry)
    findings = []
    for group in by_person.values():
        if len(group) < 2:
            continue
        lines = sorted(e.line for e in group)
        for entry in sorted(group, key=lambda e: e.line)[1:]:
            findings.append(
                _finding(
                    FindingKind.LISTED_TWICE,
                    entry,
                    f"the same person is on lines {', '.join(map(str, lines))}",
                    lines=lines,
                )
            )
    return findings


def compatible(a: PartialDate, b: PartialDate) -> bool:
    """True when two partial dates can be the same day."""
    pairs = ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    return all(x is None or y is None or x == y for x, y in pairs)


def same_unit(a: str, b: str) -> bool:
    """Units compared by their numbers where both have one (в/ч А1234 = A1234), else by text."""
    digits_a = "".join(ch for ch in a if ch.isdigit())
    digits_b = "".join(ch for ch in b if ch.isdigit())
    if digits_a and digits_b:
        return digits_a == digits_b
    return a.casefold().strip() == b.casefold().strip()

"""Reconciliation: per stage and category, agreed vs listed vs delivered, for both sides, with
each party's own declared count beside ours and the running total against the agreement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from homecoming.exchange.agreement import Agreement

Counts = Mapping[tuple[str, str], int]  # (handing party, category) -> count


class Outcome(StrEnum):
    """What happened to one person at the crossing."""

    DELIVERED = "delivered"
    NOT_DELIVERED = "not_delivered"
    SUBSTITUTED = "substituted"  # someone else was brought instead (recorded by whom)
    DECLINED = "declined"  # declined repatriation, with the evidence (e.g. an ICRC interview)
    DECEASED = "deceased"


# Outcomes after which someone crossed: a substitute fills the place of the listed person.
CROSSED = frozenset({Outcome.DELIVERED, Outcome.SUBSTITUTED})


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A listed person who did not come as listed, by name."""

    stage: int
    party: str  # the side that was to hand them over
    category: str
    person_id: int
    name: str
    outcome: str  # an Outcome, or "not recorded"
    note: str = ""


@dataclass(frozen=True, slots=True)
class StageFacts:
    """What the store knows of one stage."""

    number: int
    listed: Counts
    delivered: Counts
    # (declaring party, handing party, category) -> the count that party declared
    declared: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    mismatches: Sequence[Mismatch] = ()


@dataclass(frozen=True, slots=True)
class Declared:
    """One party's own count, shown beside ours."""

    by: str
    count: int
    differs_by: int  # their count minus our delivered count


@dataclass(frozen=True, slots=True)
class SideLine:
    party: str  # the side handing over
    agreed: int | None
    listed: int
    delivered: int
    declared: tuple[Declared, ...] = ()


@dataclass(frozen=True, slots=True)
class CategoryLine:
    stage: int | None  # None: the running total over every stage
    category: str
    label: str
    sides: tuple[SideLine, SideLine]

    @property
    def balanced(self) -> bool:
        return self.sides[0].delivered == self.sides[1].delivered


@dataclass(frozen=True, slots=True)
class Reconciliation:
    lines: tuple[CategoryLine, ...]
    mismatches: tuple[Mismatch, ...]
    running: Mapping[str, str]  # party -> "390 of 1000: 270 of 880 soldiers, 120 of 120 …"
    delivered_total: Mapping[str, int]
    # The same figures as numbers, for pages that say them in their own language.
    running_figures: Mapping[str, RunningTotal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunningPart:
    """One category's share of the running total; `total` None: not counted against it."""

    label: str
    delivered: int
    total: int | None


@dataclass(frozen=True, slots=True)
class RunningTotal:
    """What a side handed over against the agreement, in numbers."""

    numbered: int
    per_side: int
    parts: tuple[RunningPart, ...]


def reconcile(agreement: Agreement, stages: Sequence[StageFacts]) -> Reconciliation:
    """The figures, stage by stage and in total."""
    lines: list[CategoryLine] = []
    for facts in sorted(stages, key=lambda s: s.number):
        plan = agreement.stage(facts.number)
        for spec in agreement.categories:
            agreed = plan.counts.get(spec.code)
            if not agreed and not _any(facts, spec.code):
                continue
            lines.append(_line(agreement, facts.number, spec.code, spec.label, agreed, facts))
    totals = _summed(stages)
    for spec in agreement.categories:
        agreed = agreement.category_totals()[spec.code] if spec.total is not None else None
        lines.append(_line(agreement, None, spec.code, spec.label, agreed, totals))
    delivered = {
        p: sum(n for (q, _), n in totals.delivered.items() if q == p) for p in agreement.parties
    }
    return Reconciliation(
        lines=tuple(lines),
        mismatches=tuple(m for s in stages for m in s.mismatches),
        running={p: running_total(agreement, totals.delivered, p) for p in agreement.parties},
        delivered_total=delivered,
        running_figures={
            p: running_figures(agreement, totals.delivered, p) for p in agreement.parties
        },
    )


def running_figures(agreement: Agreement, delivered: Counts, party: str) -> RunningTotal:
    """The running total as numbers: numbered categories, and the others when any crossed."""
    parts = []
    for spec in agreement.categories:
        n = delivered.get((party, spec.code), 0)
        if spec.total is not None or n:
            parts.append(RunningPart(spec.label, n, spec.total))
    numbered = sum(p.delivered for p in parts if p.total is not None)
    return RunningTotal(numbered, agreement.per_side, tuple(parts))


def running_total(agreement: Agreement, delivered: Counts, party: str) -> str:
    """'390 of 1000: 270 of 880 soldiers, 120 of 120 civilians' for the side handing over."""
    parts = []
    numbered = 0
    for spec in agreement.categories:
        n = delivered.get((party, spec.code), 0)
        if spec.total is not None:
            numbered += n
            parts.append(f"{n} of {spec.total} {spec.label}")
        elif n:
            parts.append(f"{n} {spec.label} (not counted against the total)")
    return f"{numbered} of {agreement.per_side}: " + ", ".join(parts)


def _any(facts: StageFacts, code: str) -> bool:
    return any(
        c == code for counts in (facts.listed, facts.delivered) for (_, c), n in counts.items() if n
    )


def _line(
    agreement: Agreement,
    stage: int | None,
    code: str,
    label: str,
    agreed: int | None,
    facts: StageFacts,
) -> CategoryLine:
    sides = []
    for party in agreement.parties:
        delivered = facts.delivered.get((party, code), 0)
        declared = tuple(
            Declared(by, n, n - delivered)
            for (by, handing, category), n in sorted(facts.declared.items())
            if handing == party and category == code
        )
        sides.append(
            SideLine(party, agreed, facts.listed.get((party, code), 0), delivered, declared)
        )
    return CategoryLine(stage, code, label, (sides[0], sides[1]))


def _summed(stages: Sequence[StageFacts]) -> StageFacts:
    listed: dict[tuple[str, str], int] = {}
    delivered: dict[tuple[str, str], int] = {}
    declared: dict[tuple[str, str, str], int] = {}
    for facts in stages:
        for key, n in facts.listed.items():
            listed[key] = listed.get(key, 0) + n
        for key, n in facts.delivered.items():
            delivered[key] = delivered.get(key, 0) + n
        for dkey, n in facts.declared.items():
            declared[dkey] = declared.get(dkey, 0) + n
    return StageFacts(0, listed, delivered, declared)

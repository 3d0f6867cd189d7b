"""Parity: does a stage (and the running total) keep the agreement? Findings, not booleans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from homecoming.exchange.agreement import Agreement, ParityRule

# (party, category code) -> how many
Counts = Mapping[tuple[str, str], int]


class Severity(StrEnum):
    BREACH = "breach"  # breaks the agreement: refused unless overridden with a reason
    WARNING = "warning"  # differs from the plan, within the agreement


class ParityKind(StrEnum):
    UNEQUAL = "unequal"  # n_for_n: the sides hand over different numbers in a stage
    OVER_STAGE = "over_stage"  # more than the stage plans for the category
    UNDER_STAGE = "under_stage"  # fewer than planned (a warning while a stage is composed)
    OVER_TOTAL = "over_total"  # the running total passes the category's total
    OVER_AGREEMENT = "over_agreement"  # the running total passes the total per side
    NOT_IN_AGREEMENT = "not_in_agreement"  # a category this stage does not plan for


@dataclass(frozen=True, slots=True)
class ParityFinding:
    """One way a stage or the running total departs from the agreement."""

    kind: ParityKind
    severity: Severity
    stage: int | None
    category: str
    counts: tuple[tuple[str, int], ...]  # (party, count) for both sides
    expected: int | None
    message: str


def check_stage(agreement: Agreement, stage_number: int, counts: Counts) -> list[ParityFinding]:
    """Findings for one stage's composition, category by category."""
    stage = agreement.stage(stage_number)
    a, b = agreement.parties
    findings = []
    for spec in agreement.categories:
        got = ((a, counts.get((a, spec.code), 0)), (b, counts.get((b, spec.code), 0)))
        planned = stage.counts.get(spec.code, 0)
        if spec.parity is ParityRule.N_FOR_N:
            findings += _n_for_n(stage_number, spec.code, got, planned)
        elif (
            spec.parity is ParityRule.ALL_FOR_ALL
            and planned == 0
            and agreement.category_totals()[spec.code] > 0
            and any(n for _, n in got)
        ):
            findings.append(
                ParityFinding(
                    ParityKind.NOT_IN_AGREEMENT,
                    Severity.WARNING,
                    stage_number,
                    spec.code,
                    got,
                    0,
                    f"stage {stage_number} does not plan for {spec.label}",
                )
            )
    return findings


def _n_for_n(
    stage: int, code: str, got: tuple[tuple[str, int], ...], planned: int
) -> list[ParityFinding]:
    (a, na), (b, nb) = got
    findings = []
    if na != nb:
        findings.append(
            ParityFinding(
                ParityKind.UNEQUAL,
                Severity.BREACH,
                stage,
                code,
                got,
                planned,
                f"stage {stage}, {code}: {a} hands over {na}, {b} {nb} (n for n)",
            )
        )
    for party, n in got:
        if n > planned:
            findings.append(
                ParityFinding(
                    ParityKind.OVER_STAGE,
                    Severity.BREACH,
                    stage,
                    code,
                    got,
                    planned,
                    f"stage {stage}, {code}: {party} hands over {n}, the stage plans {planned}",
                )
            )
        elif n < planned:
            findings.append(
                ParityFinding(
                    ParityKind.UNDER_STAGE,
                    Severity.WARNING,
                    stage,
                    code,
                    got,
                    planned,
                    f"stage {stage}, {code}: {party} hands over {n} of {planned} planned",
                )
            )
    return findings


def check_running(agreement: Agreement, stages: Sequence[Counts]) -> list[ParityFinding]:
    """Findings for the running total over the given stages against the agreement's totals."""
    totals: dict[tuple[str, str], int] = {}
    for counts in stages:
        for key, n in counts.items():
            totals[key] = totals.get(key, 0) + n
    findings = []
    for spec in agreement.categories:
        if spec.total is None:
            continue
        got = tuple((p, totals.get((p, spec.code), 0)) for p in agreement.parties)
        for party, n in got:
            if n > spec.total:
                findings.append(
                    ParityFinding(
                        ParityKind.OVER_TOTAL,
                        Severity.BREACH,
                        None,
                        spec.code,
                        got,
                        spec.total,
                        f"{party} would hand over {n} {spec.label}, the agreement says "
                        f"{spec.total}",
                    )
                )
    numbered = {c.code for c in agreement.categories if c.total is not None}
    for party in agreement.parties:
        # Only numbered categories count: the seriously wounded go home regardless of number.
        n = sum(v for (p, code), v in totals.items() if p == party and code in numbered)
        if n > agreement.per_side:
            findings.append(
                ParityFinding(
                    ParityKind.OVER_AGREEMENT,
                    Severity.BREACH,
                    None,
                    "",
                    ((party, n),),
                    agreement.per_side,
                    f"{party} would hand over {n}, the agreement says {agreement.per_side}",
                )
            )
    return findings


def breaches(findings: Sequence[ParityFinding]) -> list[ParityFinding]:
    """Only the findings that break the agreement."""
    return [f for f in findings if f.severity is Severity.BREACH]


def check_composition(
    agreement: Agreement, stage_counts: Mapping[int, Counts]
) -> list[ParityFinding]:
    """Every stage's findings and the running total's, for a whole composition."""
    findings = []
    for number in sorted(stage_counts):
        findings += check_stage(agreement, number, stage_counts[number])
    findings += check_running(agreement, [stage_counts[n] for n in sorted(stage_counts)])
    return findings

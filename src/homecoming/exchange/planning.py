"""Stage composition as a CP-SAT model: who goes in which stage.

Hard rules: a person goes in one stage at most; in an n-for-n category each stage takes as
many from each side, never more than the stage plans, and never more than the category's
total; all-for-all and "none" categories (the seriously wounded and sick, GCIII Art. 109)
take every eligible person; an all-for-all category whose parties agreed to it
(`stage_parity`) keeps each stage's two sides roughly equal. Preferences (the objective):
fill every planned place, and choose and place early the seriously wounded first, then the
longest in captivity, then the oldest. People already placed by a negotiator stay where they
are.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homecoming.errors import Conflict
from homecoming.exchange.agreement import Agreement, ParityRule, StagePlan
from homecoming.exchange.parity import ParityFinding, check_composition

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import CpModel, CpSolver, IntVar

# The solver stops on a fixed amount of work (CP-SAT's deterministic time), not on the clock:
# a busy server gets the same plan as a quiet one, only later. May 2025's 1000:1000 in three
# stages needs about 1 unit and reaches OPTIMAL; the clock is only an outer cap.
WORK_LIMIT = 30.0
TIME_LIMIT_SECONDS = 120.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person one side may hand over, with what the priorities look at."""

    key: int  # the caller's id (a list entry)
    party: str
    category: str
    seriously_wounded: bool = False
    captivity_days: int = 0
    age: int = 0

    def priority(self) -> tuple[int, int, int]:
        return (int(self.seriously_wounded), self.captivity_days, self.age)


@dataclass(slots=True)
class Plan:
    """The suggestion: per stage, per party, the candidates' keys; and what was left out."""

    members: dict[int, dict[str, list[int]]]
    counts: dict[int, dict[tuple[str, str], int]]
    left_out: list[int]
    findings: list[ParityFinding] = field(default_factory=list)
    solver_status: str = ""
    seconds: float = 0.0

    def stage_of(self) -> dict[int, int]:
        """Candidate key -> stage number."""
        return {
            key: number
            for number, parties in self.members.items()
            for keys in parties.values()
            for key in keys
        }


def plan_stages(
    agreement: Agreement,
    candidates: Sequence[Candidate],
    *,
    fixed: Mapping[int, int] | None = None,
    closed: Mapping[int, Mapping[tuple[str, str], int]] | None = None,
    time_limit: float = TIME_LIMIT_SECONDS,
) -> Plan:
    """A composition of the open stages; `fixed` pins candidates (key -> stage), `closed`
    gives the counts of stages already composed (they are not planned again)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    fixed = dict(fixed or {})
    closed = dict(closed or {})
    open_stages = [s for s in agreement.stages if s.number not in closed]
    if not open_stages:
        raise Conflict("every stage of the agreement is already composed; nothing to plan")
    model = cp_model.CpModel()
    placed: dict[tuple[int, int], IntVar] = {}
    ranks = _ranks(candidates)
    weights: list[tuple[IntVar, int]] = []
    by_cell: defaultdict[tuple[int, str, str], list[IntVar]] = defaultdict(list)
    specs = {c.code: c for c in agreement.categories}
    for cand in candidates:
        spec = specs.get(cand.category)
        if spec is None:
            continue
        allowed = [s for s in open_stages if s.counts.get(spec.code, 0) > 0]
        if spec.parity is not ParityRule.N_FOR_N and not allowed:
            allowed = list(open_stages)
        pinned = fixed.get(cand.key)
        if pinned is not None and pinned in closed:
            continue
        variables = []
        for position, stage in enumerate(allowed):
            if pinned is not None and stage.number != pinned:
                continue
            var = model.new_bool_var(f"x_{cand.key}_{stage.number}")
            placed[cand.key, stage.number] = var
            variables.append(var)
            by_cell[stage.number, cand.party, spec.code].append(var)
            earliness = len(allowed) - position
            weights.append((var, ranks[cand.key] * (len(open_stages) + 1) + earliness))
        if not variables:
            continue
        if pinned is not None or spec.parity is not ParityRule.N_FOR_N:
            model.add(sum(variables) == 1)
        else:
            model.add(sum(variables) <= 1)
    _parity_constraints(model, agreement, open_stages, by_cell, closed)
    _stage_parity_constraints(model, agreement, open_stages, by_cell, candidates)
    model.maximize(sum(w * v for v, w in weights))
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = WORK_LIMIT
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise Conflict(
            f"no composition keeps parity with the people already placed ({name}): "
            "remove or balance them first"
        )
    plan = _read(agreement, candidates, placed, solver)
    _earliest_first(plan, candidates, ranks, pinned=set(fixed))
    plan.solver_status = name
    all_counts = {**{n: dict(c) for n, c in closed.items()}, **plan.counts}
    plan.findings = check_composition(agreement, all_counts)
    plan.seconds = time.perf_counter() - started
    return plan


def _parity_constraints(
    model: CpModel,
    agreement: Agreement,
    open_stages: Sequence[StagePlan],
    by_cell: Mapping[tuple[int, str, str], list[IntVar]],
    closed: Mapping[int, Mapping[tuple[str, str], int]],
) -> None:
    a, b = agreement.parties
    for spec in agreement.categories:
        if spec.parity is not ParityRule.N_FOR_N:
            continue
        already = sum(c.get((a, spec.code), 0) for c in closed.values())
        room = max((spec.total or 0) - already, 0)
        per_stage = []
        for stage in open_stages:
            number, planned = stage.number, stage.counts.get(spec.code, 0)
            side_a = by_cell.get((number, a, spec.code), [])
            side_b = by_cell.get((number, b, spec.code), [])
            take = model.new_int_var(0, planned, f"n_{number}_{spec.code}")
            model.add(sum(side_a) == take)
            model.add(sum(side_b) == take)
            per_stage.append(take)
        model.add(sum(per_stage) <= room)


def _stage_parity_constraints(
    model: CpModel,
    agreement: Agreement,
    open_stages: Sequence[StagePlan],
    by_cell: Mapping[tuple[int, str, str], list[IntVar]],
    candidates: Sequence[Candidate],
) -> None:
    """All for all, roughly equal per stage: in each open stage the sides differ by at most
    the share of their totals' difference each stage must carry, plus the agreed slack."""
    a, b = agreement.parties
    for spec in agreement.categories:
        if spec.parity is not ParityRule.ALL_FOR_ALL or spec.stage_parity is None:
            continue
        used = [
            s.number
            for s in open_stages
            if by_cell.get((s.number, a, spec.code)) or by_cell.get((s.number, b, spec.code))
        ]
        if not used:
            continue
        sizes = {
            party: sum(1 for c in candidates if c.party == party and c.category == spec.code)
            for party in (a, b)
        }
        gap = abs(sizes[a] - sizes[b])
        slack = -(-gap // len(used)) + spec.stage_parity  # ceil(gap / stages) + agreed slack
        for number in used:
            side_a = sum(by_cell.get((number, a, spec.code), []))
            side_b = sum(by_cell.get((number, b, spec.code), []))
            model.add(side_a - side_b <= slack)
            model.add(side_b - side_a <= slack)


def _ranks(candidates: Sequence[Candidate]) -> dict[int, int]:
    """1 for the lowest priority within its side and category, up to the group's size."""
    groups: defaultdict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for cand in candidates:
        groups[cand.party, cand.category].append(cand)
    ranks = {}
    for group in groups.values():
        for rank, cand in enumerate(sorted(group, key=lambda c: (c.priority(), -c.key)), 1):
            ranks[cand.key] = rank
    return ranks


def _earliest_first(
    plan: Plan, candidates: Sequence[Candidate], ranks: Mapping[int, int], *, pinned: set[int]
) -> None:
    """Within each side and category, hand the earliest places to the highest priority.

    The solver picks who goes and how many per stage; once everyone chosen is placed, its
    objective is indifferent to who takes which stage. Swapping people of one side and
    category between stages keeps every count, so parity and totals hold; pinned people stay.
    """
    category = {c.key: c.category for c in candidates}
    places: defaultdict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for number, parties in plan.members.items():
        for party, keys in parties.items():
            for key in keys:
                if key not in pinned:
                    places[party, category[key]].append((number, key))
    for (party, _), placed in places.items():
        stages = sorted(number for number, _ in placed)
        best_first = sorted((key for _, key in placed), key=lambda k: -ranks[k])
        moving = set(best_first)
        for number in set(stages):
            kept = [k for k in plan.members[number][party] if k not in moving]
            plan.members[number][party] = kept
        for number, key in zip(stages, best_first, strict=True):
            plan.members[number][party].append(key)


def _read(
    agreement: Agreement,
    candidates: Sequence[Candidate],
    placed: Mapping[tuple[int, int], IntVar],
    solver: CpSolver,
) -> Plan:
    members: dict[int, dict[str, list[int]]] = {}
    counts: dict[int, dict[tuple[str, str], int]] = {}
    chosen: set[int] = set()
    order = sorted(candidates, key=lambda c: c.priority(), reverse=True)
    for cand in order:
        for stage in agreement.stages:
            var = placed.get((cand.key, stage.number))
            if var is not None and solver.value(var):
                members.setdefault(stage.number, {}).setdefault(cand.party, []).append(cand.key)
                cell = counts.setdefault(stage.number, {})
                cell[cand.party, cand.category] = cell.get((cand.party, cand.category), 0) + 1
                chosen.add(cand.key)
    for stage in agreement.stages:
        members.setdefault(stage.number, {})
        counts.setdefault(stage.number, {})
    left_out = [c.key for c in candidates if c.key not in chosen]
    return Plan(members=members, counts=counts, left_out=left_out)

"""An exchange agreement: two parties, the total per side, categories with machine-checkable
eligibility and a parity rule each, and the planned stages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from homecoming.domain.record import Category, Sex
from homecoming.errors import InvalidInput, RowProblem


class ParityRule(StrEnum):
    """How a category's numbers must balance between the two sides."""

    N_FOR_N = "n_for_n"  # each stage: as many from one side as from the other
    ALL_FOR_ALL = "all_for_all"  # every eligible person on both sides, whatever the numbers
    NONE = "none"  # GCIII Art. 109: the seriously wounded and sick go home regardless of number


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Who may be listed in a category; every condition left None is not checked."""

    category: Category | None = None  # serviceman or civilian
    min_age: int | None = None
    max_age: int | None = None  # inclusive: 18-25 means 18 <= age <= 25
    seriously_wounded: bool | None = None  # True: as decided by a mixed medical commission
    sex: Sex | None = None
    captured_before: dt.date | None = None  # captured on an earlier day
    ranks: tuple[str, ...] = ()  # any of these ranks
    units: tuple[str, ...] = ()  # any of these units (told apart by their number)
    prosecution: tuple[str, ...] = ()  # any of: none, under_prosecution, convicted

    def describe(self) -> str:
        """One line a negotiator reads: 'serviceman, aged 18-25, seriously wounded'."""
        parts = [str(self.category)] if self.category else []
        if self.min_age is not None or self.max_age is not None:
            parts.append(f"aged {self.min_age or 0}-{self.max_age if self.max_age else '…'}")
        if self.seriously_wounded is True:
            parts.append("seriously wounded or sick")
        if self.seriously_wounded is False:
            parts.append("not seriously wounded")
        if self.sex is not None:
            parts.append(str(self.sex))
        if self.captured_before is not None:
            parts.append(f"captured before {self.captured_before}")
        if self.ranks:
            parts.append("rank " + " or ".join(self.ranks))
        if self.units:
            parts.append("unit " + " or ".join(self.units))
        if self.prosecution:
            parts.append(" or ".join(p.replace("_", " ") for p in self.prosecution))
        return ", ".join(parts) or "anyone"


PROSECUTION_STATES = ("none", "under_prosecution", "convicted")


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One category of the agreement: its code, eligibility, parity rule and total per side."""

    code: str
    label: str
    eligibility: Eligibility
    parity: ParityRule = ParityRule.N_FOR_N
    total: int | None = None  # per side; None for all_for_all and none (not a number)
    remains: bool = False  # bodies, by count and not by name (docs/remains.md)
    # all_for_all only, when the parties agree: in each stage the two sides hand over roughly
    # as many (apart by at most what their totals force, plus this many); None: not asked.
    stage_parity: int | None = None


@dataclass(frozen=True, slots=True)
class StagePlan:
    """One planned day: per category, how many each side hands over."""

    number: int
    day: dt.date
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Agreement:
    """The deal between two parties."""

    name: str
    parties: tuple[str, str]
    per_side: int
    categories: tuple[CategorySpec, ...]
    stages: tuple[StagePlan, ...]
    agreed_on: dt.date | None = None
    place: str = ""
    reference_date: dt.date | None = None  # ages are counted on this day (default: stage 1)

    def category(self, code: str) -> CategorySpec:
        """The category of that code, or InvalidInput naming the known ones."""
        for spec in self.categories:
            if spec.code == code:
                return spec
        known = ", ".join(c.code for c in self.categories)
        raise InvalidInput(f"the agreement {self.name!r} has no category {code!r} (has {known})")

    def stage(self, number: int) -> StagePlan:
        """The planned stage of that number."""
        for stage in self.stages:
            if stage.number == number:
                return stage
        raise InvalidInput(f"the agreement {self.name!r} has no stage {number}")

    def other(self, party: str) -> str:
        """The other party."""
        if party not in self.parties:
            raise InvalidInput(f"{party!r} is not a party to {self.name!r} ({self.parties})")
        return self.parties[1] if party == self.parties[0] else self.parties[0]

    def age_day(self) -> dt.date:
        """The day ages are counted on."""
        if self.reference_date is not None:
            return self.reference_date
        if self.stages:
            return min(s.day for s in self.stages)
        return self.agreed_on or dt.date.today()

    def category_totals(self) -> dict[str, int]:
        """Per category, the count each side hands over over all stages."""
        return {c.code: sum(s.counts.get(c.code, 0) for s in self.stages) for c in self.categories}


def check_agreement(agreement: Agreement) -> list[RowProblem]:
    """Everything inconsistent in an agreement; empty when it holds together."""
    problems: list[RowProblem] = []
    a, b = agreement.parties
    if not a or not b or a == b:
        problems.append(RowProblem(0, "parties", "two different parties are needed"))
    if agreement.per_side <= 0:
        problems.append(RowProblem(0, "per_side", "the total per side must be positive"))
    codes = [c.code for c in agreement.categories]
    if not codes:
        problems.append(RowProblem(0, "categories", "at least one category is needed"))
    if len(set(codes)) != len(codes):
        problems.append(RowProblem(0, "categories", "category codes must be distinct"))
    numbers = [s.number for s in agreement.stages]
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        problems.append(RowProblem(0, "stages", "stages must be numbered 1, 2, 3, …"))
    for stage in agreement.stages:
        for code, count in stage.counts.items():
            if code not in codes:
                problems.append(RowProblem(stage.number, "counts", f"unknown category {code!r}"))
            if count < 0:
                problems.append(RowProblem(stage.number, code, "a count cannot be negative"))
    planned = agreement.category_totals()
    for spec in agreement.categories:
        if spec.parity is ParityRule.N_FOR_N and spec.total is None:
            problems.append(RowProblem(0, spec.code, "an n_for_n category needs its total"))
        if spec.total is not None and planned[spec.code] != spec.total:
            problems.append(
                RowProblem(
                    0,
                    spec.code,
                    f"the stages hand over {planned[spec.code]} per side, the total is "
                    f"{spec.total}",
                )
            )
        e = spec.eligibility
        if e.min_age is not None and e.max_age is not None and e.min_age > e.max_age:
            problems.append(RowProblem(0, spec.code, "min_age is above max_age"))
        for state in e.prosecution:
            if state not in PROSECUTION_STATES:
                problems.append(
                    RowProblem(
                        0,
                        spec.code,
                        f"prosecution {state!r} is none of {', '.join(PROSECUTION_STATES)}",
                    )
                )
        if spec.stage_parity is not None and spec.parity is not ParityRule.ALL_FOR_ALL:
            problems.append(
                RowProblem(0, spec.code, "stage_parity is for all_for_all categories only")
            )
        if spec.stage_parity is not None and spec.stage_parity < 0:
            problems.append(RowProblem(0, spec.code, "stage_parity cannot be negative"))
        if spec.remains and spec.parity is ParityRule.ALL_FOR_ALL:
            problems.append(
                RowProblem(0, spec.code, "remains go by count: parity is n_for_n or none")
            )
    # Remains are counted apart: per_side is the living persons each side hands over.
    numbered = sum(c.total or 0 for c in agreement.categories if not c.remains)
    if numbered > agreement.per_side:
        problems.append(
            RowProblem(
                0, "per_side", f"categories add up to {numbered}, above {agreement.per_side}"
            )
        )
    return problems


def require_valid(agreement: Agreement) -> Agreement:
    """The agreement, or InvalidInput listing every inconsistency."""
    problems = check_agreement(agreement)
    if problems:
        raise InvalidInput(f"the agreement {agreement.name!r} does not hold together", problems)
    return agreement


def agreement_from_mapping(data: Mapping[str, Any]) -> Agreement:
    """Read an agreement from a parsed TOML/JSON document (see docs/exchanges.md)."""
    try:
        categories = tuple(_category(code, spec) for code, spec in _table(data, "categories"))
        stages = tuple(_stage(item) for item in _list(data, "stages"))
        parties = tuple(str(p).upper() for p in _list(data, "parties"))
        if len(parties) != 2:
            raise InvalidInput('`parties` must name exactly two parties, e.g. ["UA", "RU"]')
        return require_valid(
            Agreement(
                name=str(data["name"]),
                parties=(parties[0], parties[1]),
                per_side=int(data["per_side"]),
                categories=categories,
                stages=tuple(sorted(stages, key=lambda s: s.number)),
                agreed_on=_date(data.get("agreed_on")),
                place=str(data.get("place", "")),
                reference_date=_date(data.get("reference_date")),
            )
        )
    except KeyError as missing:
        raise InvalidInput(f"the agreement lacks {missing.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"the agreement cannot be read: {error}") from None


def agreement_to_mapping(agreement: Agreement) -> dict[str, Any]:
    """The agreement as a JSON-able document, the inverse of agreement_from_mapping."""
    return {
        "name": agreement.name,
        "parties": list(agreement.parties),
        "per_side": agreement.per_side,
        "agreed_on": agreement.agreed_on.isoformat() if agreement.agreed_on else None,
        "place": agreement.place,
        "reference_date": (
            agreement.reference_date.isoformat() if agreement.reference_date else None
        ),
        # A list, not a table: PostgreSQL's JSONB does not keep the keys' order.
        "categories": [
            {
                "code": c.code,
                "label": c.label,
                "parity": str(c.parity),
                "total": c.total,
                "category": str(c.eligibility.category) if c.eligibility.category else None,
                "min_age": c.eligibility.min_age,
                "max_age": c.eligibility.max_age,
                "seriously_wounded": c.eligibility.seriously_wounded,
                "sex": str(c.eligibility.sex) if c.eligibility.sex else None,
                "captured_before": (
                    c.eligibility.captured_before.isoformat()
                    if c.eligibility.captured_before
                    else None
                ),
                "ranks": list(c.eligibility.ranks),
                "units": list(c.eligibility.units),
                "prosecution": list(c.eligibility.prosecution),
                "remains": c.remains,
                "stage_parity": c.stage_parity,
            }
            for c in agreement.categories
        ],
        "stages": [
            {"number": s.number, "day": s.day.isoformat(), "counts": dict(s.counts)}
            for s in agreement.stages
        ],
    }


def _table(data: Mapping[str, Any], key: str) -> Sequence[tuple[str, Mapping[str, Any]]]:
    value = data[key]
    if isinstance(value, Mapping):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(str(item["code"]), item) for item in value]
    raise InvalidInput(f"`{key}` must be a table of categories")


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise InvalidInput(f"`{key}` must be a list")
    return value


def _category(code: str, spec: Mapping[str, Any]) -> CategorySpec:
    kind = spec.get("category")
    total = spec.get("total")
    return CategorySpec(
        code=code,
        label=str(spec.get("label", code)),
        eligibility=Eligibility(
            category=Category(kind) if kind else None,
            min_age=_int(spec.get("min_age")),
            max_age=_int(spec.get("max_age")),
            seriously_wounded=spec.get("seriously_wounded"),
            sex=Sex(str(spec["sex"]).strip().casefold()) if spec.get("sex") else None,
            captured_before=_date(spec.get("captured_before")),
            ranks=_words(spec.get("ranks", spec.get("rank"))),
            units=_words(spec.get("units", spec.get("unit"))),
            prosecution=_words(spec.get("prosecution")),
        ),
        parity=ParityRule(spec.get("parity", ParityRule.N_FOR_N)),
        total=int(total) if total is not None else None,
        remains=bool(spec.get("remains", False)),
        stage_parity=_stage_parity(spec.get("stage_parity")),
    )


def _stage_parity(value: Any) -> int | None:
    """`true` is 0 (as many as the totals allow), a number the extra difference allowed."""
    if value is None or value is False:
        return None
    if value is True:
        return 0
    return int(value)


def _stage(item: Mapping[str, Any]) -> StagePlan:
    day = _date(item["day"])
    if day is None:
        raise InvalidInput(f"stage {item.get('number')} needs a day")
    counts = {str(k): int(v) for k, v in dict(item.get("counts", {})).items()}
    return StagePlan(number=int(item["number"]), day=day, counts=counts)


def _words(value: Any) -> tuple[str, ...]:
    """A list of words, or one word, as a tuple of stripped strings (empty when absent)."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(str(item).strip() for item in items if str(item).strip())


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))

"""Request and response models of the exchange routes: agreements, lists, stages, handovers,
reconciliation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from homecoming.exchange.findings import Decision
from homecoming.exchange.reconciliation import Outcome


class CategoryIn(BaseModel):
    """One category of an agreement."""

    label: str = Field(description="Shown to people", examples=["soldiers"])
    parity: str = Field(
        default="n_for_n",
        description="n_for_n, all_for_all, or none (GCIII Art. 109)",
        examples=["n_for_n"],
    )
    total: int | None = Field(
        default=None, ge=0, description="Per side; none for all_for_all/none", examples=[880]
    )
    category: str | None = Field(
        default=None, description="serviceman or civilian", examples=["serviceman"]
    )
    min_age: int | None = Field(default=None, ge=0, le=120, examples=[18])
    max_age: int | None = Field(default=None, ge=0, le=120, examples=[25])
    seriously_wounded: bool | None = Field(
        default=None, description="true: as decided by a mixed medical commission"
    )
    sex: str | None = Field(default=None, description="female or male", examples=["female"])
    captured_before: str | None = Field(
        default=None, description="Captured before this day (YYYY-MM-DD)", examples=["2022-12-31"]
    )
    ranks: list[str] = Field(default=[], description="Any of these ranks", examples=[["рядовий"]])
    units: list[str] = Field(
        default=[], description="Any of these units (told apart by their number)"
    )
    prosecution: list[str] = Field(
        default=[],
        description="Any of: none, under_prosecution, convicted",
        examples=[["under_prosecution", "convicted"]],
    )
    stage_parity: int | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="all_for_all: each stage's sides roughly equal, apart by at most this "
        "beyond what the totals force",
    )


class StageIn(BaseModel):
    number: int = Field(ge=1, examples=[1])
    day: str = Field(description="YYYY-MM-DD", examples=["2025-05-23"])
    counts: dict[str, int] = Field(
        description="Per category, how many each side hands over",
        examples=[{"soldiers": 270, "civilians": 120}],
    )


class AgreementIn(BaseModel):
    """An agreement, as in an agreement file (docs/exchanges.md)."""

    name: str = Field(min_length=1, max_length=200, examples=["1000 for 1000"])
    parties: list[str] = Field(min_length=2, max_length=2, examples=[["UA", "RU"]])
    per_side: int = Field(gt=0, examples=[1000])
    agreed_on: str | None = Field(default=None, examples=["2025-05-16"])
    place: str = Field(default="", examples=["Istanbul"])
    reference_date: str | None = Field(
        default=None, description="Ages are counted on this day (default: stage 1's)"
    )
    categories: dict[str, CategoryIn] = Field(description="By code")
    stages: list[StageIn]


class StageOut(BaseModel):
    id: int
    number: int = Field(examples=[1])
    day: str = Field(examples=["2025-05-23"])
    counts: dict[str, int] = Field(examples=[{"soldiers": 270, "civilians": 120}])


class AgreementOut(BaseModel):
    id: int
    name: str = Field(examples=["1000 for 1000"])
    parties: list[str] = Field(examples=[["UA", "RU"]])
    per_side: int = Field(examples=[1000])
    agreed_on: str | None
    place: str
    reference_date: str | None
    categories: list[dict[str, Any]] = Field(description="In the agreement's order, with codes")
    stages: list[StageOut]
    created_by: str
    created_at: str


class ListVersionOut(BaseModel):
    """A list version as received: never changed afterwards."""

    id: int
    agreement_id: int
    party: str = Field(examples=["RU"])
    direction: str = Field(examples=["offer"])
    number: int = Field(examples=[2])
    category: str | None = Field(description="When the list is for one category")
    source_id: int = Field(description="The registry source its entries landed in")
    content_hash: str = Field(description="SHA-256 of the file as received")
    file_name: str
    received_at: str
    received_from: str
    entries: int
    created_by: str


class EntryOut(BaseModel):
    id: int
    line: int = Field(description="Line in the file as received (the header is line 1)")
    record_id: int
    name: str = Field(examples=["Нехир Александр"])
    date_of_birth: str = Field(examples=["1987-05-23"])
    service_number: str
    unit: str
    rank: str
    category: str
    seriously_wounded: bool
    captured_on: str
    raw: dict[str, str] = Field(description="The cells as received")


class ListVersionDetail(ListVersionOut):
    entries_detail: list[EntryOut]


class DiffEntryOut(BaseModel):
    line: int
    name: str
    date_of_birth: str
    service_number: str


class FieldChangeOut(BaseModel):
    field: str = Field(examples=["date_of_birth"])
    old: str
    new: str


class ChangedEntryOut(BaseModel):
    old_line: int
    new_line: int
    name: str
    changes: list[FieldChangeOut]


class ListDiffOut(BaseModel):
    added: list[DiffEntryOut]
    removed: list[DiffEntryOut]
    changed: list[ChangedEntryOut]
    unchanged: int


class FindingOut(BaseModel):
    id: int
    kind: str = Field(examples=["already_released"])
    message: str = Field(examples=["released according to 'RU: returned before 2025-05'"])
    evidence: dict[str, Any] = Field(description="Records, sources and values behind it")
    blocking: bool = Field(description="Holds the entry back until rejected or corrected")
    decision: str | None = Field(description="The latest human decision", examples=["reject"])
    decision_reason: str
    decided_by: str
    corrected_person_id: int | None
    corrected_category: str | None


class ReportLineOut(BaseModel):
    entry: EntryOut
    person_id: int | None = Field(description="The person the entry resolved to")
    score: float = Field(ge=0, le=1)
    runner_up_id: int | None
    runner_up_score: float | None
    category: str | None = Field(description="The agreement category it is listed under")
    findings: list[FindingOut]
    cleared: bool = Field(description="Resolved and free of undecided blocking findings")


class ValidationReportOut(BaseModel):
    version: ListVersionOut
    validation_id: int
    validated_at: str
    validated_by: str
    seconds: float
    counts: dict[str, int] = Field(examples=[{"not_found": 1, "listed_twice": 1}])
    lines: list[ReportLineOut]


class DecisionIn(BaseModel):
    decision: Decision = Field(description="accept, reject or correct")
    reason: str = Field(min_length=1, max_length=2000, examples=["same man; ICRC card seen"])
    corrected_person_id: int | None = Field(default=None, description="correct: the right one")
    corrected_category: str | None = Field(default=None, examples=["civilians"])


class DecisionOut(BaseModel):
    id: int
    finding_id: int
    decision: str
    reason: str
    corrected_person_id: int | None
    corrected_category: str | None
    decided_by: str
    decided_at: str


class ParityFindingOut(BaseModel):
    kind: str = Field(examples=["unequal"])
    severity: str = Field(examples=["breach", "warning"])
    stage: int | None
    category: str
    counts: dict[str, int] = Field(examples=[{"UA": 270, "RU": 269}])
    expected: int | None
    message: str


class MemberOut(BaseModel):
    party: str
    person_id: int
    name: str
    category: str
    origin: str = Field(examples=["plan", "negotiator"])
    entry_id: int | None
    override_reason: str | None


class StageDetail(BaseModel):
    id: int
    agreement_id: int
    number: int
    day: str
    planned: dict[str, int]
    counts: dict[str, dict[str, int]] = Field(examples=[{"UA": {"soldiers": 270}}])
    findings: list[ParityFindingOut]
    members: list[MemberOut]


class PlanOut(BaseModel):
    stages: list[StageDetail]
    left_out: int = Field(description="Accepted entries not placed in any stage")
    solver_status: str = Field(examples=["OPTIMAL"])
    seconds: float


class MemberIn(BaseModel):
    party: str = Field(examples=["UA"])
    person_id: int
    category: str | None = Field(default=None, examples=["soldiers"])


class StageChangeIn(BaseModel):
    """People added and removed in one step; parity is checked on the result."""

    add: list[MemberIn] = Field(default_factory=list)
    remove: list[MemberIn] = Field(default_factory=list)
    reason: str = Field(default="", max_length=2000)


class StageOverrideIn(StageChangeIn):
    override_reason: str = Field(
        min_length=1, max_length=2000, examples=["agreed by both delegations at the crossing"]
    )


class SubstituteIn(BaseModel):
    family_name: str = Field(min_length=1, examples=["Мельник"])
    given_names: str = Field(default="", examples=["Василь"])
    patronymic: str = ""
    date_of_birth: str = Field(default="", examples=["1992-10-10"])
    service_number: str = ""


class HandoverIn(BaseModel):
    agreement_id: int
    stage: int = Field(ge=1, examples=[1])
    party: str = Field(description="The side handing the person over", examples=["RU"])
    person_id: int
    outcome: Outcome
    evidence: str = Field(default="", description="declined: e.g. an ICRC interview")
    substitute: SubstituteIn | None = None
    correct: bool = Field(default=False, description="Correct the earlier recording")


class HandoverOut(BaseModel):
    id: int
    stage: int
    party: str
    person_id: int
    category: str
    outcome: str = Field(examples=["delivered"])
    substitute_person_id: int | None
    substitute_name: str
    evidence: str
    record_id: int | None = Field(description="The handover record that landed, if any")
    corrects_id: int | None
    recorded_by: str
    recorded_at: str


class TallyOut(BaseModel):
    stage: int
    counts: dict[str, dict[str, dict[str, int]]] = Field(
        examples=[{"UA": {"soldiers": {"delivered": 269, "declined": 1}}}]
    )
    pending: dict[str, dict[str, int]]


class DeclaredCountIn(BaseModel):
    agreement_id: int
    stage: int = Field(ge=1)
    declared_by: str = Field(examples=["RU"])
    handing_party: str = Field(examples=["UA"])
    category: str = Field(examples=["soldiers"])
    count: int = Field(ge=0, examples=[6060])
    note: str = ""


class DeclaredCountOut(BaseModel):
    id: int
    stage: int
    declared_by: str
    handing_party: str
    category: str
    count: int
    note: str
    recorded_by: str


class DeclaredOut(BaseModel):
    by: str
    count: int
    differs_by: int = Field(description="Their count minus our delivered count")


class SideOut(BaseModel):
    party: str
    agreed: int | None
    listed: int
    delivered: int
    declared: list[DeclaredOut]


class ReconciliationLine(BaseModel):
    stage: int | None = Field(description="None: the total over every stage")
    category: str
    label: str
    balanced: bool
    sides: list[SideOut]


class MismatchOut(BaseModel):
    stage: int
    party: str
    category: str
    person_id: int
    name: str
    outcome: str = Field(examples=["not_delivered", "not recorded"])
    note: str


class ReconciliationOut(BaseModel):
    running: dict[str, str] = Field(
        examples=[{"UA": "390 of 1000: 270 of 880 soldiers, 120 of 120 civilians"}]
    )
    delivered_total: dict[str, int]
    lines: list[ReconciliationLine]
    mismatches: list[MismatchOut]

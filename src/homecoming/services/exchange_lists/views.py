"""What the exchange-list services return: versions, entries, findings, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from homecoming.exchange.findings import (
    Decision,
)

SEARCH_DEPTH = 8  # hits asked of the index per entry: the best, the runner-up, and spares


class Direction(StrEnum):
    OFFER = "offer"  # whom the party will hand over
    REQUEST = "request"  # whom the party wants back


@dataclass(frozen=True, slots=True)
class ListVersionView:
    """A list version as received: who sent it, when, its hash and size."""

    id: int
    agreement_id: int
    party: str
    direction: str
    number: int
    category: str | None
    source_id: int
    content_hash: str
    file_name: str
    received_at: str
    received_from: str
    entries: int
    created_by: str

    @property
    def label(self) -> str:
        return f"{self.party} {self.direction} v{self.number}"


@dataclass(frozen=True, slots=True)
class EntryView:
    """One entry as listed."""

    id: int
    line: int
    record_id: int
    name: str
    date_of_birth: str
    service_number: str
    unit: str
    rank: str
    category: str
    seriously_wounded: bool
    captured_on: str
    raw: dict[str, str]


@dataclass(frozen=True, slots=True)
class FindingView:
    id: int
    kind: str
    message: str
    evidence: dict[str, Any]
    blocking: bool
    decision: str | None = None  # the latest human decision, if any
    decision_reason: str = ""
    decided_by: str = ""
    corrected_person_id: int | None = None
    corrected_category: str | None = None


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One entry in a validation report: as listed, as resolved, and what was found."""

    entry: EntryView
    person_id: int | None
    score: float
    runner_up_id: int | None
    runner_up_score: float | None
    category: str | None
    reasons: list[str]
    findings: list[FindingView]

    @property
    def cleared(self) -> bool:
        """Resolved, and every blocking finding rejected or corrected by a human."""
        return self.person_id is not None and all(
            not f.blocking or f.decision in (Decision.REJECT, Decision.CORRECT)
            for f in self.findings
        )


@dataclass(frozen=True, slots=True)
class ValidationReport:
    version: ListVersionView
    validation_id: int
    validated_at: str
    validated_by: str
    seconds: float
    lines: list[ReportLine]
    counts: dict[str, int] = field(default_factory=dict)  # finding kind -> how many

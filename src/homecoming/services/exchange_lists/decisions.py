"""Decisions on findings (rows, the latest counts), and the accepted entries planning uses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.errors import Forbidden, InvalidInput, NotFound
from homecoming.exchange.findings import (
    Decision,
)
from homecoming.services import agreements, audit
from homecoming.services.exchange_lists.reading import _version
from homecoming.services.exchange_lists.validation import validation_report
from homecoming.services.exchange_lists.views import Direction, ReportLine
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    FindingDecision,
    FindingRow,
    ListEntry,
    ListVersion,
)
from homecoming.store.models import Person


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: int
    finding_id: int
    decision: str
    reason: str
    corrected_person_id: int | None
    corrected_category: str | None
    decided_by: str
    decided_at: str


def decide_finding(
    db: Database,
    *,
    finding_id: int,
    decision: Decision,
    reason: str,
    actor: str,
    corrected_person_id: int | None = None,
    corrected_category: str | None = None,
    scope: Scope = EVERY_PARTY,
) -> DecisionView:
    """Accept, reject or correct a finding: a new row; the latest decision counts."""
    if not reason.strip():
        raise InvalidInput("say why (a reason is kept with every decision on a finding)")
    if decision is Decision.CORRECT and corrected_person_id is None and not corrected_category:
        raise InvalidInput("a correction names the right person (--person) or --category")
    with db.transaction() as session:
        finding = session.get(FindingRow, finding_id)
        if finding is None:
            raise NotFound(f"no finding {finding_id}; `homecoming lists report` lists them")
        version = _version_of_finding(session, finding, scope)
        if scope.party is not None and version.party != scope.party:
            raise Forbidden(
                f"finding {finding_id} is about {version.party}'s list, not {scope.party}'s"
            )
        if corrected_category:
            agreements.load(session, version.agreement_id).category(corrected_category)
        if corrected_person_id is not None:
            exists = session.get(Person, corrected_person_id) is not None
            scope.person(session, corrected_person_id, exists=exists)
        row = FindingDecision(
            finding_id=finding_id,
            decision=str(decision),
            reason=reason.strip(),
            corrected_person_id=corrected_person_id,
            corrected_category=corrected_category,
            decided_by=actor,
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="finding.decided",
            subject=f"finding:{finding_id}",
            details={
                "decision": str(decision),
                "kind": finding.kind,
                "list_version": version.id,
                "corrected_person": corrected_person_id,
                "corrected_category": corrected_category,
                "reason": reason.strip(),
            },
        )
        return DecisionView(
            row.id,
            finding_id,
            row.decision,
            row.reason,
            corrected_person_id,
            corrected_category,
            actor,
            row.decided_at.isoformat(),
        )


def _version_of_finding(session: Session, finding: FindingRow, scope: Scope) -> ListVersion:
    entry = session.get(ListEntry, finding.list_entry_id)
    assert entry is not None
    try:
        return _version(session, entry.list_version_id, scope)
    except NotFound:
        raise NotFound(f"no finding {finding.id}; `homecoming lists report` lists them") from None


@dataclass(frozen=True, slots=True)
class AcceptedEntry:
    """An entry cleared for a stage: its person, category and the facts priorities need."""

    entry_id: int
    party: str
    person_id: int
    category: str
    name: str
    seriously_wounded: bool
    captured_on: PartialDate
    date_of_birth: PartialDate


def accepted_entries(db: Database, *, agreement_id: int) -> list[AcceptedEntry]:
    """Entries of each party's latest offer, resolved and cleared of blocking findings."""
    with db.reading() as session:
        latest = _latest_offers(session, agreement_id)
    accepted: list[AcceptedEntry] = []
    for version in latest:
        try:
            report = validation_report(db, version_id=version.id)
        except NotFound:
            continue
        for line in report.lines:
            entry = _accepted(version.party, line)
            if entry is not None:
                accepted.append(entry)
    return accepted


def _latest_offers(session: Session, agreement_id: int) -> list[ListVersion]:
    rows = session.scalars(
        select(ListVersion)
        .where(
            ListVersion.agreement_id == agreement_id,
            ListVersion.direction == str(Direction.OFFER),
        )
        .order_by(ListVersion.number)
    ).all()
    latest: dict[tuple[str, str | None], ListVersion] = {}
    for row in rows:
        latest[row.party, row.category_code] = row
    return list(latest.values())


def _accepted(party: str, line: ReportLine) -> AcceptedEntry | None:
    if not line.cleared:
        return None
    person_id, category = line.person_id, line.category
    for f in line.findings:
        if f.decision == Decision.CORRECT:
            person_id = f.corrected_person_id or person_id
            category = f.corrected_category or category
    if person_id is None or category is None:
        return None
    return AcceptedEntry(
        entry_id=line.entry.id,
        party=party,
        person_id=person_id,
        category=category,
        name=line.entry.name,
        seriously_wounded=line.entry.seriously_wounded,
        captured_on=PartialDate.parse(line.entry.captured_on),
        date_of_birth=PartialDate.parse(line.entry.date_of_birth),
    )

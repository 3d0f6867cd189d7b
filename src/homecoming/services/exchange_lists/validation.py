"""Validation: every entry of a list version resolved against the registry, and its report."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from homecoming.domain.dates import PartialDate
from homecoming.domain.person import derive
from homecoming.domain.record import Category, Sex
from homecoming.errors import NotFound
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.eligibility import PersonFacts, categorise
from homecoming.exchange.findings import (
    BLOCKING,
    MATCH_SCORE,
    Finding,
    FindingKind,
    ListedEntry,
    PersonEvidence,
    find_problems,
)
from homecoming.search.index import Hit, Query
from homecoming.services import agreements, audit, persons, replies, wounded
from homecoming.services.exchange_lists.reading import (
    _entry_rows,
    _entry_view,
    _own_validation,
    _version,
    _version_view,
)
from homecoming.services.exchange_lists.views import (
    SEARCH_DEPTH,
    FindingView,
    ReportLine,
    ValidationReport,
)
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    AgreementRow,
    EntryResolution,
    FindingDecision,
    FindingRow,
    Handover,
    ListEntry,
    ListValidation,
    ListVersion,
    StageRow,
)
from homecoming.store.models import Record

_T = TypeVar("_T")


def validate_version(
    db: Database,
    search: SearchService,
    *,
    version_id: int,
    actor: str,
    scope: Scope = EVERY_PARTY,
) -> ValidationReport:
    """Resolve every entry to a person (score and runner-up) and record the findings."""
    started = time.perf_counter()
    with db.reading() as session:
        version = _version(session, version_id, scope)
        _own_validation(scope, version.party)
        agreement = agreements.load(session, version.agreement_id)
        rows = _entry_rows(session, version_id)
        list_sources = set(session.scalars(select(ListVersion.source_id)))
    index = search.index()
    hits = {entry.id: _search(index, record) for entry, record in rows}
    with db.reading() as session:
        registry_persons = _persons_with_registry_records(session, hits, list_sources)
        decided = wounded.decided_seriously_wounded(session, registry_persons)
        prosecuted = replies.prosecution_of(session, registry_persons)
        listed = [
            _listed(
                agreement,
                version,
                entry,
                record,
                hits[entry.id],
                registry_persons,
                (decided, prosecuted),
            )
            for entry, record in rows
        ]
        resolved = {e.person_id for e in listed if e.person_id is not None}
        evidence = _evidence(session, resolved, list_sources)
        other = _other_lists(session, version, agreement)
    findings = find_problems(agreement, listed, evidence, other_lists=other)
    seconds = time.perf_counter() - started
    validation_id = _store_validation(db, version, listed, findings, seconds, actor)
    return validation_report(db, version_id=version_id, validation_id=validation_id)


def _search(index: Any, record: Record) -> list[Hit]:
    fields = persons.record_fields(record)
    query = Query(
        text=fields.display_name(),
        born=fields.date_of_birth,
        sex=fields.sex.value if fields.sex else None,
        unit=fields.unit,
        service_number=fields.service_number,
        indexed_itself=True,  # the list's entries are in the index too
    )
    found: list[Hit] = index.search(query, limit=SEARCH_DEPTH)
    return found


def _persons_with_registry_records(
    session: Session, hits: dict[int, list[Hit]], list_sources: set[int]
) -> set[int]:
    """Persons known from evidence other than exchange lists (a list proves nobody exists)."""
    candidates = {h.person_id for found in hits.values() for h in found}
    known: set[int] = set()
    ids = sorted(candidates)
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        query = select(Record.person_id).where(Record.person_id.in_(chunk)).distinct()
        if list_sources:
            query = query.where(Record.source_id.not_in(list_sources))
        known.update(p for p in session.scalars(query) if p is not None)
    return known


def _listed(
    agreement: Agreement,
    version: ListVersion,
    entry: ListEntry,
    record: Record,
    hits: list[Hit],
    known: set[int],
    said: tuple[set[int], dict[int, str]],  # decided seriously wounded; prosecuted
) -> ListedEntry:
    fields = persons.record_fields(record)
    valid = [h for h in hits if h.person_id in known]
    best = valid[0] if valid else None
    runner = valid[1] if len(valid) > 1 else None
    matched = best is not None and best.score >= MATCH_SCORE
    facts = PersonFacts(
        category=fields.category,
        date_of_birth=fields.date_of_birth,
        # A medical examination's decision, never the list's word (services/wounded.py).
        seriously_wounded=best is not None and matched and best.person_id in said[0],
        captured_on=fields.event_date,
        sex=fields.sex,
        rank=fields.rank,
        unit=fields.unit,
        # What the other side's answers said (services/replies.py), else nothing known.
        prosecution=said[1].get(best.person_id) if best is not None and matched else None,
    )
    category = version.category_code
    if category is None:
        spec = categorise(agreement, facts)
        category = spec.code if spec else None
    return ListedEntry(
        entry_id=entry.id,
        line=entry.line,
        name=fields.display_name(),
        listed=facts,
        unit=fields.unit,
        category=category,
        person_id=best.person_id if best is not None and matched else None,
        score=best.score if best is not None else 0.0,
        runner_up_id=runner.person_id if runner is not None else None,
        runner_up_score=runner.score if runner is not None else None,
    )


def _evidence(
    session: Session, person_ids: set[int], list_sources: set[int]
) -> dict[int, PersonEvidence]:
    """What the registry (every source but exchange lists) says about each person."""
    grouped: defaultdict[int, list[Record]] = defaultdict(list)
    ids = sorted(person_ids)
    for start in range(0, len(ids), 2_000):
        query = (
            select(Record)
            .options(joinedload(Record.source))
            .where(Record.person_id.in_(ids[start : start + 2_000]))
        )
        if list_sources:
            query = query.where(Record.source_id.not_in(list_sources))
        for row in session.scalars(query):
            assert row.person_id is not None
            grouped[row.person_id].append(row)
    released = released_in(session, person_ids)
    decided = wounded.decided_seriously_wounded(session, person_ids)
    prosecuted = replies.prosecution_of(session, person_ids)
    return {
        pid: _person_evidence(pid, rows, released.get(pid, ""), pid in decided, prosecuted.get(pid))
        for pid, rows in grouped.items()
    }


def _person_evidence(
    person_id: int, rows: list[Record], released: str, decided: bool, prosecution: str | None
) -> PersonEvidence:
    derived = derive([persons.claim(r) for r in rows])
    categories = Counter(r.category for r in rows if r.category)
    births = [(PartialDate(r.dob_year, r.dob_month, r.dob_day), r.id) for r in rows]
    captured = [PartialDate(r.event_year, r.event_month, r.event_day) for r in rows]
    known_births = [d for d, _ in births if not d.is_empty]
    best_birth = max(
        known_births,
        key=lambda d: (d.month is not None, d.day is not None),
        default=PartialDate(),
    )
    facts = PersonFacts(
        category=Category(categories.most_common(1)[0][0]) if categories else None,
        date_of_birth=best_birth,
        seriously_wounded=decided,
        captured_on=min(
            (d for d in captured if not d.is_empty),
            key=lambda d: (d.year or 0, d.month or 0, d.day or 0),
            default=PartialDate(),
        ),
        sex=_most_common(Sex(r.sex) for r in rows if r.sex),
        rank=_most_common(r.rank for r in rows if r.rank) or "",
        unit=_most_common(r.unit for r in rows if r.unit) or "",
        prosecution=prosecution,
    )
    basis = derived.basis
    return PersonEvidence(
        person_id=person_id,
        facts=facts,
        status=derived.status,
        status_record=basis.record_id if basis else None,
        status_source=basis.source_name if basis else "",
        dates_of_birth=tuple(births),
        units=tuple((r.unit, r.id) for r in rows if r.unit),
        released_in=released,
    )


def _most_common(values: Iterable[_T]) -> _T | None:
    counted = Counter(values).most_common(1)
    return counted[0][0] if counted else None


def released_in(session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    """Persons already handed over (delivered) in a stage, and which: 'stage 1 of …'."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Handover, StageRow.number, AgreementRow.name)
        .join(StageRow, StageRow.id == Handover.stage_id)
        .join(AgreementRow, AgreementRow.id == StageRow.agreement_id)
        .order_by(Handover.id)
    ).all()
    latest: dict[tuple[int, int], tuple[Handover, int, str]] = {}
    for handover, number, name in rows:
        latest[handover.stage_id, handover.person_id] = (handover, number, name)
        if handover.substitute_person_id is not None:
            latest[handover.stage_id, handover.substitute_person_id] = (handover, number, name)
    wanted = set(ids)
    found: dict[int, str] = {}
    for (_, person_id), (handover, number, name) in latest.items():
        crossed = handover.outcome == "delivered" or (
            handover.outcome == "substituted" and handover.substitute_person_id == person_id
        )
        if person_id in wanted and crossed:
            found[person_id] = f"stage {number} of {name!r}"
    return found


def _other_lists(session: Session, version: ListVersion, agreement: Agreement) -> dict[int, str]:
    """Persons on the other party's latest list of the same direction, as last validated."""
    other = session.scalars(
        select(ListVersion)
        .where(
            ListVersion.agreement_id == version.agreement_id,
            ListVersion.party == agreement.other(version.party),
            ListVersion.direction == version.direction,
        )
        .order_by(ListVersion.number.desc())
    ).first()
    if other is None:
        return {}
    validation = _latest_validation(session, other.id)
    if validation is None:
        return {}
    label = _version_view(other).label
    person_ids = session.scalars(
        select(EntryResolution.person_id).where(
            EntryResolution.validation_id == validation.id,
            EntryResolution.person_id.is_not(None),
        )
    )
    return {pid: label for pid in person_ids if pid is not None}


def _store_validation(
    db: Database,
    version: ListVersion,
    listed: Sequence[ListedEntry],
    findings: Sequence[Finding],
    seconds: float,
    actor: str,
) -> int:
    with db.transaction() as session:
        run = ListValidation(
            list_version_id=version.id,
            validated_by=actor,
            entries=len(listed),
            resolved=sum(1 for e in listed if e.person_id is not None),
            findings=len(findings),
            seconds=round(seconds, 3),
        )
        session.add(run)
        session.flush()
        session.add_all(
            EntryResolution(
                validation_id=run.id,
                list_entry_id=e.entry_id,
                person_id=e.person_id,
                score=e.score,
                runner_up_person_id=e.runner_up_id,
                runner_up_score=e.runner_up_score,
                category_code=e.category,
                reasons=[],
            )
            for e in listed
        )
        session.add_all(
            FindingRow(
                validation_id=run.id,
                list_entry_id=f.entry_id,
                kind=str(f.kind),
                person_id=f.person_id,
                message=f.message,
                evidence=dict(f.evidence),
            )
            for f in findings
        )
        kinds = Counter(str(f.kind) for f in findings)
        audit.append(
            session,
            actor=actor,
            action="list_version.validated",
            subject=f"list_version:{version.id}",
            details={
                "validation": run.id,
                "entries": run.entries,
                "resolved": run.resolved,
                "findings": dict(sorted(kinds.items())),
                "seconds": run.seconds,
            },
        )
        return run.id


def _latest_validation(session: Session, version_id: int) -> ListValidation | None:
    return session.scalars(
        select(ListValidation)
        .where(ListValidation.list_version_id == version_id)
        .order_by(ListValidation.id.desc())
    ).first()


def validation_report(
    db: Database,
    *,
    version_id: int,
    validation_id: int | None = None,
    scope: Scope = EVERY_PARTY,
) -> ValidationReport:
    """The latest (or a given) validation of a version: every entry, resolution and finding."""
    with db.reading() as session:
        version = _version(session, version_id, scope)
        _own_validation(scope, version.party)
        run = (
            session.get(ListValidation, validation_id)
            if validation_id is not None
            else _latest_validation(session, version_id)
        )
        if run is None or run.list_version_id != version_id:
            raise NotFound(
                f"list version {version_id} has not been validated; run "
                f"`homecoming lists validate {version_id}`"
            )
        resolutions = {
            r.list_entry_id: r
            for r in session.scalars(
                select(EntryResolution).where(EntryResolution.validation_id == run.id)
            )
        }
        found = _findings_of(session, run.id)
        lines = []
        for entry, record in _entry_rows(session, version_id):
            res = resolutions.get(entry.id)
            lines.append(
                ReportLine(
                    entry=_entry_view(entry, record),
                    person_id=res.person_id if res else None,
                    score=res.score if res else 0.0,
                    runner_up_id=res.runner_up_person_id if res else None,
                    runner_up_score=res.runner_up_score if res else None,
                    category=res.category_code if res else None,
                    reasons=list(res.reasons) if res else [],
                    findings=found.get(entry.id, []),
                )
            )
        counts = Counter(f.kind for line in lines for f in line.findings)
        return ValidationReport(
            version=_version_view(version),
            validation_id=run.id,
            validated_at=run.validated_at.isoformat(),
            validated_by=run.validated_by,
            seconds=run.seconds,
            lines=lines,
            counts=dict(sorted(counts.items())),
        )


def _findings_of(session: Session, validation_id: int) -> dict[int, list[FindingView]]:
    rows = session.scalars(
        select(FindingRow).where(FindingRow.validation_id == validation_id).order_by(FindingRow.id)
    ).all()
    decisions: dict[int, FindingDecision] = {}
    if rows:
        for decision in session.scalars(
            select(FindingDecision)
            .where(FindingDecision.finding_id.in_([r.id for r in rows]))
            .order_by(FindingDecision.id)
        ):
            decisions[decision.finding_id] = decision  # the latest row counts
    grouped: defaultdict[int, list[FindingView]] = defaultdict(list)
    for row in rows:
        d = decisions.get(row.id)
        grouped[row.list_entry_id].append(
            FindingView(
                id=row.id,
                kind=row.kind,
                message=row.message,
                evidence=dict(row.evidence),
                blocking=FindingKind(row.kind) in BLOCKING,
                decision=d.decision if d else None,
                decision_reason=d.reason if d else "",
                decided_by=d.decided_by if d else "",
                corrected_person_id=d.corrected_person_id if d else None,
                corrected_category=d.corrected_category if d else None,
            )
        )
    return grouped


REPORT_HEADERS = (
    "line",
    "name",
    "date_of_birth",
    "service_number",
    "unit",
    "category",
    "person_id",
    "score",
    "runner_up_id",
    "runner_up_score",
    "finding_id",
    "finding",
    "message",
    "evidence",
    "decision",
    "decided_by",
)


def report_rows(report: ValidationReport) -> list[dict[str, object]]:
    """A validation report as table rows: one per finding, or one for a clean entry."""
    rows: list[dict[str, object]] = []
    for line in report.lines:
        base: dict[str, object] = {
            "line": line.entry.line,
            "name": line.entry.name,
            "date_of_birth": line.entry.date_of_birth,
            "service_number": line.entry.service_number,
            "unit": line.entry.unit,
            "category": line.category or "",
            "person_id": line.person_id if line.person_id is not None else "",
            "score": line.score,
            "runner_up_id": line.runner_up_id if line.runner_up_id is not None else "",
            "runner_up_score": line.runner_up_score if line.runner_up_score is not None else "",
        }
        if not line.findings:
            rows.append(base | {"finding": "ok"})
        for f in line.findings:
            rows.append(
                base
                | {
                    "finding_id": f.id,
                    "finding": f.kind,
                    "message": f.message,
                    "evidence": _evidence_text(f.evidence),
                    "decision": f.decision or "",
                    "decided_by": f.decided_by,
                }
            )
    return rows


def _evidence_text(evidence: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(evidence.items()))

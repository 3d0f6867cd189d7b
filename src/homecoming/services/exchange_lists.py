"""Exchange lists: each party's offer and request as numbered, immutable versions; diffs;
validation against the registry; findings and the human decisions on them.

A list version IS a registry source (kind `party_list`) plus its `list_versions` row: its
entries land as records like any other evidence, and are never changed afterwards.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from homecoming.domain.dates import PartialDate
from homecoming.domain.person import derive
from homecoming.domain.record import Category, Evidence, SourceKind
from homecoming.errors import AlreadyImported, Forbidden, InvalidInput, NotFound, RowProblem
from homecoming.exchange.agreement import Agreement
from homecoming.exchange.eligibility import PersonFacts, categorise
from homecoming.exchange.findings import (
    BLOCKING,
    MATCH_SCORE,
    Decision,
    Finding,
    FindingKind,
    ListedEntry,
    PersonEvidence,
    find_problems,
)
from homecoming.exchange.listdiff import DiffEntry, ListDiff, diff_lists
from homecoming.search.index import Hit, Query
from homecoming.services import agreements, audit, persons, registry
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
from homecoming.store.models import Person, Record, Source

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


# --- import -----------------------------------------------------------------------------


def import_version(
    db: Database,
    *,
    agreement_id: int,
    party: str,
    direction: Direction,
    rows: Iterable[Evidence | list[RowProblem]],
    file_name: str,
    content_hash: str,
    actor: str,
    received_from: str = "",
    received_at: dt.datetime | None = None,
    category: str | None = None,
    scope: Scope = EVERY_PARTY,
) -> ListVersionView:
    """Land a list version exactly as received: every row or none, numbered after the last."""
    party = party.upper()
    with db.transaction() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        agreement.other(party)  # refuses a party not in the agreement
        if category is not None:
            agreement.category(category)
        _refuse_same_file(session, agreement_id, party, direction, content_hash, file_name)
        evidence, problems = _collect(rows)
        if problems:
            raise InvalidInput(
                f"{len({p.line for p in problems})} row(s) of {file_name} are invalid; the list "
                "was not imported. A list version is kept exactly as received: ask the sender "
                "for a corrected file",
                problems,
            )
        if not evidence:
            raise InvalidInput(f"{file_name} has no entries")
        number = _next_number(session, agreement_id, party, direction)
        received = received_at or dt.datetime.now(dt.UTC)
        source = Source(
            kind=str(SourceKind.PARTY_LIST),
            name=f"{agreement.name}: {party} {direction} v{number}",
            party_code=party,
            received_at=received,
            received_from=received_from,
            file_name=file_name,
            content_hash=content_hash,
            row_count=len(evidence),
            created_by=actor,
        )
        session.add(source)
        session.flush()
        record_ids = registry.add_evidence(
            session, source_id=source.id, evidence=evidence, actor=actor
        )
        version = ListVersion(
            agreement_id=agreement_id,
            party=party,
            direction=str(direction),
            number=number,
            category_code=category,
            source_id=source.id,
            content_hash=content_hash,
            file_name=file_name,
            received_at=received,
            received_from=received_from,
            entries=len(evidence),
            created_by=actor,
        )
        session.add(version)
        session.flush()
        session.add_all(
            ListEntry(
                list_version_id=version.id,
                line=e.line,
                record_id=rid,
                entry_key=_diff_entry(e.line, e.fields).key()[:400],
            )
            for e, rid in zip(evidence, record_ids, strict=True)
        )
        audit.append(
            session,
            actor=actor,
            action="list_version.imported",
            subject=f"list_version:{version.id}",
            details={
                "agreement": agreement_id,
                "party": party,
                "direction": str(direction),
                "number": number,
                "category": category,
                "source": source.id,
                "file_name": file_name,
                "content_hash": content_hash,
                "entries": len(evidence),
            },
        )
        view = _version_view(version)
    return view


def _collect(
    rows: Iterable[Evidence | list[RowProblem]],
) -> tuple[list[Evidence], list[RowProblem]]:
    evidence: list[Evidence] = []
    problems: list[RowProblem] = []
    for item in rows:
        if isinstance(item, list):
            problems.extend(item)
        else:
            evidence.append(item)
    return evidence, problems


def _refuse_same_file(
    session: Session,
    agreement_id: int,
    party: str,
    direction: Direction,
    content_hash: str,
    file_name: str,
) -> None:
    if not content_hash:
        return
    earlier = session.scalars(
        select(ListVersion).where(
            ListVersion.agreement_id == agreement_id,
            ListVersion.party == party,
            ListVersion.direction == str(direction),
            ListVersion.content_hash == content_hash,
        )
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            f"{file_name} is already {party} {direction} v{earlier.number} (list version "
            f"{earlier.id}); a new version needs a changed file"
        )


def _next_number(session: Session, agreement_id: int, party: str, direction: Direction) -> int:
    last = session.scalar(
        select(func.max(ListVersion.number)).where(
            ListVersion.agreement_id == agreement_id,
            ListVersion.party == party,
            ListVersion.direction == str(direction),
        )
    )
    return (last or 0) + 1


# --- reading ----------------------------------------------------------------------------


def list_versions(
    db: Database,
    *,
    agreement_id: int | None = None,
    party: str | None = None,
    direction: Direction | None = None,
    scope: Scope = EVERY_PARTY,
) -> list[ListVersionView]:
    """List versions, oldest first, optionally of one agreement, party or direction.

    Both parties' lists of an agreement are seen (lists are exchanged), but only of the
    agreements the scope sees; naming another agreement answers NotFound.
    """
    query = select(ListVersion).order_by(ListVersion.id)
    if not scope.everything:
        query = query.join(AgreementRow, AgreementRow.id == ListVersion.agreement_id).where(
            scope.agreements()
        )
    if agreement_id is not None:
        query = query.where(ListVersion.agreement_id == agreement_id)
    if party is not None:
        query = query.where(ListVersion.party == party.upper())
    if direction is not None:
        query = query.where(ListVersion.direction == str(direction))
    with db.reading() as session:
        if agreement_id is not None:
            agreements.load(session, agreement_id, scope=scope)
        return [_version_view(v) for v in session.scalars(query)]


def get_version(db: Database, version_id: int, *, scope: Scope = EVERY_PARTY) -> ListVersionView:
    """One list version, or NotFound (also when its agreement is outside the scope)."""
    with db.reading() as session:
        return _version_view(_version(session, version_id, scope))


def entries(db: Database, version_id: int, *, scope: Scope = EVERY_PARTY) -> list[EntryView]:
    """A version's entries as listed, in line order."""
    with db.reading() as session:
        _version(session, version_id, scope)
        return [_entry_view(e, r) for e, r in _entry_rows(session, version_id)]


def diff_versions(
    db: Database, *, old_id: int, new_id: int, scope: Scope = EVERY_PARTY
) -> ListDiff:
    """Entries added, removed and changed from one version to another of the same list."""
    with db.reading() as session:
        old, new = _version(session, old_id, scope), _version(session, new_id, scope)
        if (old.agreement_id, old.party, old.direction) != (
            new.agreement_id,
            new.party,
            new.direction,
        ):
            raise InvalidInput(
                f"list versions {old_id} and {new_id} are not versions of the same list "
                f"({_version_view(old).label} vs {_version_view(new).label})"
            )
        before = [_diff_of(e, r) for e, r in _entry_rows(session, old_id)]
        after = [_diff_of(e, r) for e, r in _entry_rows(session, new_id)]
    return diff_lists(before, after)


def _diff_of(entry: ListEntry, record: Record) -> DiffEntry:
    return _diff_entry(entry.line, persons.record_fields(record))


def _diff_entry(line: int, fields: Any) -> DiffEntry:
    return DiffEntry(
        line=line,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        service_number=fields.service_number,
        fields={
            "rank": fields.rank,
            "unit": fields.unit,
            "category": str(fields.category or ""),
            "seriously_wounded": "yes" if fields.seriously_wounded else "",
        },
    )


def _version(session: Session, version_id: int, scope: Scope = EVERY_PARTY) -> ListVersion:
    row = session.get(ListVersion, version_id)
    agreement = session.get(AgreementRow, row.agreement_id) if row is not None else None
    if agreement is None or not scope.sees_agreement((agreement.party_a, agreement.party_b)):
        raise NotFound(f"no list version {version_id}; `homecoming lists versions` shows them")
    assert row is not None
    return row


def sees_validation(scope: Scope, party: str) -> bool:
    """Validation resolves a list against the registry: a party sees only its own lists'."""
    return scope.acts_for(party)


def _own_validation(scope: Scope, party: str) -> None:
    """Refuse the validation of another party's list (`sees_validation`)."""
    if not sees_validation(scope, party):
        scope.own_party(party, doing="sees validations against the registry (those of lists sent)")


def _entry_rows(session: Session, version_id: int) -> list[tuple[ListEntry, Record]]:
    rows = session.execute(
        select(ListEntry, Record)
        .join(Record, Record.id == ListEntry.record_id)
        .where(ListEntry.list_version_id == version_id)
        .order_by(ListEntry.line)
    ).all()
    return [(e, r) for e, r in rows]


def _version_view(v: ListVersion) -> ListVersionView:
    return ListVersionView(
        id=v.id,
        agreement_id=v.agreement_id,
        party=v.party,
        direction=v.direction,
        number=v.number,
        category=v.category_code,
        source_id=v.source_id,
        content_hash=v.content_hash,
        file_name=v.file_name,
        received_at=v.received_at.isoformat(),
        received_from=v.received_from,
        entries=v.entries,
        created_by=v.created_by,
    )


def _entry_view(entry: ListEntry, record: Record) -> EntryView:
    fields = persons.record_fields(record)
    return EntryView(
        id=entry.id,
        line=entry.line,
        record_id=record.id,
        name=fields.display_name(),
        date_of_birth=fields.date_of_birth.iso(),
        service_number=fields.service_number,
        unit=fields.unit,
        rank=fields.rank,
        category=str(fields.category or ""),
        seriously_wounded=fields.seriously_wounded,
        captured_on=fields.event_date.iso(),
        raw=dict(record.raw),
    )


# --- validation -------------------------------------------------------------------------


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
        listed = [
            _listed(agreement, version, entry, record, hits[entry.id], registry_persons)
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
) -> ListedEntry:
    fields = persons.record_fields(record)
    facts = PersonFacts(
        category=fields.category,
        date_of_birth=fields.date_of_birth,
        seriously_wounded=fields.seriously_wounded,
        captured_on=fields.event_date,
    )
    valid = [h for h in hits if h.person_id in known]
    best = valid[0] if valid else None
    runner = valid[1] if len(valid) > 1 else None
    matched = best is not None and best.score >= MATCH_SCORE
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
    return {
        pid: _person_evidence(pid, rows, released.get(pid, "")) for pid, rows in grouped.items()
    }


def _person_evidence(person_id: int, rows: list[Record], released: str) -> PersonEvidence:
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
        seriously_wounded=any(r.seriously_wounded for r in rows),
        captured_on=min(
            (d for d in captured if not d.is_empty),
            key=lambda d: (d.year or 0, d.month or 0, d.day or 0),
            default=PartialDate(),
        ),
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


# --- decisions --------------------------------------------------------------------------


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


# --- what planning may use --------------------------------------------------------------


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

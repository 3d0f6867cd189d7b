"""Leads: possible answers to families' inquiries, found by re-matching what lands.

Re-matching is incremental. Every open inquiry keeps the candidate keys of its name (and call
sign) in `inquiry_keys`; evidence that lands is keyed the same way, and only the inquiries
whose keys meet the new records' keys are scored against them, never the whole registry. A
newly registered inquiry is matched once against the whole registry through the search index.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Fate, SourceKind
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.match.levels import one_digit_apart
from homecoming.search.index import Query
from homecoming.services import audit, inquiries, notifications
from homecoming.services.persons import record_fields
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Record, Source
from homecoming.store.tracing_models import Inquiry, InquiryKey, Lead, LeadDecision, Sighting
from homecoming.tracing.circumstances import birth_years
from homecoming.tracing.evidence import CLOSED, Origin, origin_of, read
from homecoming.tracing.evidence import next_status as next_family_status
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.lead_rules import (
    Decision,
    LeadKind,
    LeadState,
    lead_reason,
    state_after,
)
from homecoming.tracing.matching import Candidate, Described, evidence_keys, score

CHUNK = 5_000
# How many persons the search index proposes for a newly registered inquiry.
SEARCH_LIMIT = 20


def subscribe(db: Database, search: SearchService) -> None:
    """Re-match the open inquiries whenever records land through `db` (after each commit).

    The app and the CLI call this once per database handle with the search index they
    already keep; a newly registered inquiry is matched against the registry through it.
    """

    def landed(record_ids: Sequence[int], actor: str) -> None:
        rematch_for_records(db, record_ids, actor=actor, search=search)

    db.subscribe("tracing", landed)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """A landed record as the matcher sees it."""

    record_id: int
    person_id: int | None
    kind: LeadKind
    sighting_id: int | None
    seen: Described
    source_kind: SourceKind
    source_party: str | None


@dataclass(frozen=True, slots=True)
class _Open:
    """An open inquiry as the matcher sees it."""

    id: int
    record_id: int
    status: FamilyStatus
    sought: Described
    party: str | None


def rematch_for_records(
    db: Database, record_ids: Sequence[int], *, actor: str, search: SearchService
) -> int:
    """Re-match the open inquiries these records may answer; returns the new leads' count."""
    if not record_ids or not _any_open_inquiry(db):  # no case to answer: nothing to match
        return 0
    new_cases = _new_inquiries(db, record_ids)
    proposals = _registry_candidates(db, search, new_cases) if new_cases else {}
    with db.transaction() as session:
        evidence = _load_evidence(session, record_ids)
        pairs = _pairs(session, evidence)
        for inquiry_id, found in proposals.items():
            pairs.setdefault(inquiry_id, {}).update(
                {e.record_id: (e, False) for e in _load_evidence(session, found)}
            )
        created = _score_pairs(session, pairs, actor=actor)
        if created:
            audit.append(
                session,
                actor=actor,
                action="leads.found",
                subject=f"records:{min(record_ids)}-{max(record_ids)}",
                details={
                    "records": len(record_ids),
                    "inquiries_scored": len(pairs),
                    "leads": len(created),
                    "first_lead": min(created),
                    "last_lead": max(created),
                },
            )
    return len(created)


def match_inquiries(
    db: Database, inquiry_ids: Sequence[int], *, actor: str, search: SearchService
) -> int:
    """Match these open inquiries against the whole registry (search index); new leads' count."""
    with db.reading() as session:
        cases = [
            _open_case(session, row)
            for row in _chunked_rows(session, Inquiry, Inquiry.id, inquiry_ids)
            if row.open
        ]
    proposals = _registry_candidates(db, search, cases)
    with db.transaction() as session:
        pairs: dict[int, dict[int, tuple[_Evidence, bool]]] = {}
        for inquiry_id, found in proposals.items():
            pairs[inquiry_id] = {e.record_id: (e, False) for e in _load_evidence(session, found)}
        created = _score_pairs(session, pairs, actor=actor)
        if created:
            audit.append(
                session,
                actor=actor,
                action="leads.found",
                subject=f"inquiries:{len(inquiry_ids)}",
                details={"inquiries_scored": len(pairs), "leads": len(created)},
            )
    return len(created)


# --- finding candidates -----------------------------------------------------------------------


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _chunked_rows(session: Session, model: Any, column: Any, ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.scalars(select(model).where(column.in_(chunk))))
    return rows


def _any_open_inquiry(db: Database) -> bool:
    with db.reading() as session:
        return session.scalar(select(Inquiry.id).where(Inquiry.open.is_(True)).limit(1)) is not None


def _new_inquiries(db: Database, record_ids: Sequence[int]) -> list[_Open]:
    """Open inquiries whose own record is among these (just registered)."""
    with db.reading() as session:
        rows = _chunked_rows(session, Inquiry, Inquiry.record_id, record_ids)
        return [_open_case(session, row) for row in rows if row.open]


def _open_case(session: Session, row: Inquiry) -> _Open:
    record = session.get(Record, row.record_id)
    assert record is not None
    sought = inquiries.described(record_fields(record), call_sign=row.call_sign)
    return _Open(row.id, row.record_id, FamilyStatus(row.status), sought, row.party_code)


def _open_cases(session: Session, inquiry_ids: Sequence[int]) -> dict[int, _Open]:
    """The open ones among these inquiries, with what their records say, a chunk per query."""
    cases = {}
    columns = (
        Inquiry.id,
        Inquiry.record_id,
        Inquiry.status,
        Inquiry.party_code,
        Inquiry.call_sign,
        Inquiry.circumstances,
        Inquiry.created_at,
        Record.family_name,
        Record.given_names,
        Record.patronymic,
        Record.full_name,
        Record.dob_year,
        Record.dob_month,
        Record.dob_day,
        Record.sex,
        Record.unit,
        Record.service_number,
    )
    for chunk in _chunks(inquiry_ids):
        rows = session.execute(
            select(*columns)
            .join(Record, Record.id == Inquiry.record_id)
            .where(Inquiry.id.in_(chunk), Inquiry.open.is_(True))
        )
        for row in rows:
            sought = Described(
                family_name=row.family_name,
                given_names=row.given_names,
                patronymic=row.patronymic,
                full_name=row.full_name,
                date_of_birth=PartialDate(row.dob_year, row.dob_month, row.dob_day),
                sex=row.sex,
                unit=row.unit,
                service_number=row.service_number,
                call_sign=row.call_sign,
                born_between=birth_years(row.circumstances or "", row.created_at.date()),
            )
            cases[row.id] = _Open(
                row.id, row.record_id, FamilyStatus(row.status), sought, row.party_code
            )
    return cases


def _registry_candidates(
    db: Database, service: SearchService, cases: list[_Open]
) -> dict[int, list[int]]:
    """For each new inquiry, the records of the persons the search index proposes."""
    proposed: dict[int, list[int]] = {}
    persons_of: dict[int, list[int]] = {}
    for case in cases:
        query = Query(case.sought.name(), born=case.sought.birth_estimate(), unit=case.sought.unit)
        hits = service.search(query, limit=SEARCH_LIMIT)
        persons_of[case.id] = [h.person_id for h in hits]
        proposed[case.id] = [h.record_id for h in hits]
    wanted = {p for persons in persons_of.values() for p in persons}
    if not wanted:
        return proposed
    by_person: dict[int, list[int]] = defaultdict(list)
    with db.reading() as session:
        for chunk in _chunks(sorted(wanted)):
            for record_id, person_id in session.execute(
                select(Record.id, Record.person_id).where(Record.person_id.in_(chunk))
            ):
                if person_id is not None:
                    by_person[person_id].append(record_id)
    for case in cases:
        found = {r for p in persons_of[case.id] for r in by_person.get(p, [])}
        proposed[case.id] = sorted(found | set(proposed[case.id]))
    return proposed


def _load_evidence(session: Session, record_ids: Sequence[int]) -> list[_Evidence]:
    """The records as evidence (a family's inquiry is never evidence for another)."""
    found = []
    for chunk in _chunks(record_ids):
        rows = session.execute(
            select(Record, Source.kind, Source.party_code, Sighting)
            .join(Source, Source.id == Record.source_id)
            .outerjoin(Sighting, Sighting.record_id == Record.id)
            .where(Record.id.in_(chunk))
        )
        for record, kind, party, sighting in rows:
            if kind == SourceKind.FAMILY_INQUIRY:
                continue
            found.append(_evidence_of(record, SourceKind(kind), party, sighting))
    return found


def _evidence_of(
    record: Record, kind: SourceKind, party: str | None, sighting: Sighting | None
) -> _Evidence:
    seen = inquiries.described(
        record_fields(record),
        call_sign=sighting.call_sign if sighting else "",
        nickname=sighting.nickname if sighting else "",
    )
    lead_kind = LeadKind.SIGHTING if kind is SourceKind.TESTIMONY else LeadKind.RECORD
    return _Evidence(
        record.id, record.person_id, lead_kind, sighting.id if sighting else None, seen, kind, party
    )


def _pairs(
    session: Session, evidence: list[_Evidence]
) -> dict[int, dict[int, tuple[_Evidence, bool]]]:
    """inquiry id -> record id -> (evidence, same person as a verified lead)."""
    by_key: dict[int, list[_Evidence]] = defaultdict(list)
    for item in evidence:
        for key in evidence_keys(item.seen):
            by_key[key].append(item)
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]] = defaultdict(dict)
    keys = sorted(by_key)
    for chunk in _chunks(keys):
        rows = session.execute(
            select(InquiryKey.inquiry_id, InquiryKey.key, InquiryKey.born).where(
                InquiryKey.key.in_(chunk)
            )
        )
        for inquiry_id, key, born in rows:
            for item in by_key[key]:
                if not _born_apart(born, item):
                    pairs[inquiry_id][item.record_id] = (item, False)
    by_person: dict[int, list[_Evidence]] = defaultdict(list)
    for item in evidence:
        if item.person_id is not None:
            by_person[item.person_id].append(item)
    for chunk in _chunks(sorted(by_person)):
        verified = session.execute(
            select(Lead.inquiry_id, Lead.person_id)
            .join(Inquiry, Inquiry.id == Lead.inquiry_id)
            .where(
                Lead.person_id.in_(chunk),
                Lead.state == LeadState.VERIFIED.value,
                Inquiry.open.is_(True),
            )
        )
        for inquiry_id, person_id in verified:
            for item in by_person.get(person_id or 0, []):
                pairs[inquiry_id][item.record_id] = (item, True)
    return pairs


def _born_apart(born: int | None, item: _Evidence) -> bool:
    """Years of birth too far apart for any lead: not scored (a slip of one year or of one digit
    of the year is scored: the match model weighs it with the day and month)."""
    year = item.seen.date_of_birth.year
    if born is None or year is None or item.seen.service_number or item.seen.surname_only:
        return False
    return abs(born - year) > 1 and not one_digit_apart(born, year)


# --- scoring and writing leads ---------------------------------------------------------------


def _score_pairs(
    session: Session, pairs: dict[int, dict[int, tuple[_Evidence, bool]]], *, actor: str
) -> list[int]:
    if not pairs:
        return []
    cases = _open_cases(session, sorted(pairs))
    best, seen_records = _earlier_leads(session, sorted(cases))
    prior = _prior(session)
    cache: dict[tuple[Described, Described, bool], Candidate] = {}
    rows: list[dict[str, Any]] = []
    for inquiry_id, found in pairs.items():
        case = cases.get(inquiry_id)
        if case is None:
            continue
        for record_id, (item, verified) in sorted(found.items()):
            if record_id == case.record_id or (inquiry_id, record_id) in seen_records:
                continue
            key = (case.sought, item.seen, verified)
            candidate = cache.get(key)
            if candidate is None:
                candidate = cache[key] = score(
                    case.sought, item.seen, verified_person=verified, prior=prior
                )
            person_key = (inquiry_id, item.person_id if item.kind is LeadKind.RECORD else None)
            previous = best.get(person_key) if person_key[1] is not None else None
            reason = lead_reason(
                candidate.score,
                previous_best=previous,
                reads_as=_reads_as(item, case),
                status=case.status,
            )
            if reason is None:
                continue
            if person_key[1] is not None:
                best[person_key] = max(candidate.score, previous or 0.0)
            rows.append(_lead_row(inquiry_id, item, candidate, reason, actor))
    return _insert_leads(session, rows)


def _prior(session: Session) -> float:
    """Chance that an inquiry is one given record before comparing: one in the registry."""
    records = session.scalar(select(func.count()).select_from(Record)) or 0
    return 1.0 / max(records, 2)


def _reads_as(item: _Evidence, case: _Open) -> FamilyStatus | None:
    """What the family would be told if this evidence were verified (docs/tracing.md table)."""
    if item.seen.fate is None:
        return None
    origin = origin_of(item.source_kind, source_party=item.source_party, family_party=case.party)
    return read(origin, item.seen.fate).family


def _earlier_leads(
    session: Session, inquiry_ids: list[int]
) -> tuple[dict[tuple[int, int | None], float], set[tuple[int, int]]]:
    best: dict[tuple[int, int | None], float] = {}
    records: set[tuple[int, int]] = set()
    for chunk in _chunks(inquiry_ids):
        rows = session.execute(
            select(Lead.inquiry_id, Lead.person_id, Lead.record_id, Lead.score, Lead.kind).where(
                Lead.inquiry_id.in_(chunk)
            )
        )
        for inquiry_id, person_id, record_id, lead_score, kind in rows:
            if record_id is not None:
                records.add((inquiry_id, record_id))
            if person_id is not None and kind == LeadKind.RECORD:
                key = (inquiry_id, person_id)
                best[key] = max(best.get(key, 0.0), lead_score)
    return best, records


def _lead_row(
    inquiry_id: int, item: _Evidence, candidate: Candidate, reason: str, actor: str
) -> dict[str, Any]:
    return {
        "inquiry_id": inquiry_id,
        "kind": item.kind.value,
        "record_id": item.record_id,
        "sighting_id": item.sighting_id,
        "debrief_answer_id": None,
        "person_id": item.person_id,
        "score": candidate.score,
        "name_score": candidate.name_score,
        "reason": reason[:100],
        "reasons": list(candidate.reasons),
        "explanation": candidate.explanation,
        "fate": item.seen.fate.value if item.seen.fate else None,
        "state": LeadState.PENDING.value,
        "created_by": actor,
    }


def _insert_leads(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    from homecoming.store.db import allocate_ids
    from homecoming.store.models import utcnow

    ids = list(allocate_ids(session, "leads", len(rows)))
    now = utcnow()
    session.execute(
        insert(Lead), [row | {"id": i, "created_at": now} for row, i in zip(rows, ids, strict=True)]
    )
    return ids


def add_recognition_lead(
    session: Session, *, inquiry: Inquiry, answer_id: int, reasons: list[str], actor: str
) -> int:
    """A released person recognised the inquiry's photo: a lead to verify."""
    (lead_id,) = _insert_leads(
        session,
        [
            {
                "inquiry_id": inquiry.id,
                "kind": LeadKind.RECOGNITION.value,
                "record_id": None,
                "sighting_id": None,
                "debrief_answer_id": answer_id,
                "person_id": None,
                "score": 0.9,
                "name_score": 0.0,
                "reason": "recognised in a photo at a debrief",
                "reasons": reasons,
                "explanation": {},
                "fate": Fate.DETAINED.value,
                "state": LeadState.PENDING.value,
                "created_by": actor,
            }
        ],
    )
    return lead_id


# --- the queue and decisions ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeadView:
    """A lead with the inquiry and the evidence side by side, and the name explanation."""

    id: int
    inquiry_id: int
    reference: str
    kind: str
    state: str
    score: float
    name_score: float
    reason: str
    reasons: list[str]
    explanation: dict[str, Any]
    fate: str | None
    sought: dict[str, str]
    evidence: dict[str, str]
    record_id: int | None
    person_id: int | None
    sighting_id: int | None
    debrief_answer_id: int | None
    created_at: str
    decisions: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def queue(
    db: Database,
    *,
    state: LeadState | None = LeadState.PENDING,
    inquiry: int | str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[LeadView]:
    """Leads to look at, strongest first (or one inquiry's, in any state)."""
    query = select(Lead)
    with db.reading() as session:
        if inquiry is not None:
            query = query.where(Lead.inquiry_id == inquiries.find(session, inquiry).id)
        if state is not None:
            query = query.where(Lead.state == state.value)
        rows = session.scalars(
            query.order_by(Lead.score.desc(), Lead.id).limit(limit).offset(offset)
        ).all()
        return [_view(session, row) for row in rows]


def show(db: Database, lead_id: int) -> LeadView:
    with db.reading() as session:
        return _view(session, _get(session, lead_id))


def _get(session: Session, lead_id: int) -> Lead:
    row = session.get(Lead, lead_id)
    if row is None:
        raise NotFound(f"no lead {lead_id}; `homecoming leads list` shows the queue")
    return row


def _side(fields: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    values = {
        "name": fields.display_name(),
        "date_of_birth": fields.date_of_birth.iso(),
        "sex": fields.sex.value if fields.sex else "",
        "unit": fields.unit,
        "rank": fields.rank,
        "service_number": fields.service_number,
        "place_of_detention": fields.place_of_detention,
        "event_date": fields.event_date.iso(),
        "event_place": fields.event_place,
        "fate": fields.fate.value if fields.fate else "",
        "fate_date": fields.fate_date.iso(),
    }
    values.update(extra or {})
    return {k: v for k, v in values.items() if v}


def _view(session: Session, row: Lead) -> LeadView:
    inquiry = session.get(Inquiry, row.inquiry_id)
    assert inquiry is not None
    own = session.get(Record, inquiry.record_id)
    assert own is not None
    sought = _side(record_fields(own), {"call_sign": inquiry.call_sign})
    evidence: dict[str, str] = {}
    if row.record_id is not None:
        record = session.get(Record, row.record_id)
        assert record is not None
        source = session.get(Source, record.source_id)
        assert source is not None
        extra = {"source": source.name, "source_kind": source.kind}
        if row.sighting_id is not None:
            sighting = session.get(Sighting, row.sighting_id)
            assert sighting is not None
            extra |= {
                "as_heard": sighting.as_heard,
                "call_sign": sighting.call_sign,
                "nickname": sighting.nickname,
                "seen_when": sighting.seen_when,
                "condition": sighting.condition,
            }
        evidence = _side(record_fields(record), extra)
    elif row.debrief_answer_id is not None:
        from homecoming.store.tracing_models import DebriefAnswer

        answer = session.get(DebriefAnswer, row.debrief_answer_id)
        assert answer is not None
        evidence = {
            k: v
            for k, v in {
                "debrief_answer": answer.answer,
                "testimony": str(answer.testimony_id),
                "photo": str(answer.photo_id),
                "place_of_detention": answer.facility,
                "seen_when": answer.seen_when,
                "notes": answer.notes,
            }.items()
            if v
        }
    if row.kind in (LeadKind.BELONGINGS, LeadKind.IDENTIFICATION):
        evidence = {k: str(v) for k, v in row.explanation.items() if v}
    decisions = session.scalars(
        select(LeadDecision).where(LeadDecision.lead_id == row.id).order_by(LeadDecision.id)
    ).all()
    return LeadView(
        id=row.id,
        inquiry_id=inquiry.id,
        reference=inquiry.reference,
        kind=row.kind,
        state=row.state,
        score=row.score,
        name_score=row.name_score,
        reason=row.reason,
        reasons=list(row.reasons),
        explanation=dict(row.explanation),
        fate=row.fate,
        sought=sought,
        evidence=evidence,
        record_id=row.record_id,
        person_id=row.person_id,
        sighting_id=row.sighting_id,
        debrief_answer_id=row.debrief_answer_id,
        created_at=row.created_at.isoformat(),
        decisions=[
            {
                "decision": d.decision,
                "reason": d.reason,
                "by": d.decided_by,
                "at": d.decided_at.isoformat(),
            }
            for d in decisions
        ],
    )


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decision changed: the lead, the inquiry's status, a notification prepared."""

    lead: LeadView
    status: str
    previous_status: str
    notification_id: int | None


def decide(db: Database, *, lead_id: int, decision: Decision, reason: str, actor: str) -> Decided:
    """Verify, reject (with a reason) or reopen a lead: a decision row, never an update.

    Verifying evidence of a fate the family has not been told moves the case's status and
    prepares the message to the family (sent only after a second person approves it).
    """
    if decision is Decision.REJECT and not reason.strip():
        raise InvalidInput("say why the lead is rejected (e.g. 'different date of birth')")
    with db.transaction() as session:
        row = _get(session, lead_id)
        current = LeadState(row.state)
        if decision is Decision.VERIFY and current is LeadState.VERIFIED:
            raise Conflict(f"lead {lead_id} is already verified")
        if decision is Decision.REJECT and current is LeadState.REJECTED:
            raise Conflict(f"lead {lead_id} is already rejected")
        if decision is Decision.REOPEN and current is LeadState.PENDING:
            raise Conflict(f"lead {lead_id} is pending: there is nothing to reopen")
        session.add(
            LeadDecision(lead_id=row.id, decision=decision.value, reason=reason, decided_by=actor)
        )
        session.flush()
        earlier = session.scalars(
            select(LeadDecision.decision)
            .where(LeadDecision.lead_id == row.id)
            .order_by(LeadDecision.id)
        ).all()
        row.state = state_after([Decision(d) for d in earlier]).value
        inquiry = session.get(Inquiry, row.inquiry_id)
        assert inquiry is not None
        previous = inquiry.status
        status = refresh_status(session, inquiry)
        notification_id = None
        if decision is Decision.VERIFY and status != previous:
            notification_id = notifications.prepare_in(
                session, inquiry=inquiry, lead_id=row.id, actor=actor
            )
        audit.append(
            session,
            actor=actor,
            action=f"lead.{row.state if decision is not Decision.REOPEN else 'reopened'}",
            subject=f"lead:{row.id}",
            details={
                "inquiry": inquiry.id,
                "decision": decision.value,
                "reason": reason,
                "status": status,
                "previous_status": previous,
                "notification": notification_id,
            },
        )
    return Decided(show(db, lead_id), status, previous, notification_id)


def _origin(kind: str | None, party: str | None, lead_kind: str, inquiry: Inquiry) -> Origin:
    if lead_kind == LeadKind.IDENTIFICATION:
        return Origin.FORENSIC  # remains identified and confirmed by a second person
    if kind:
        return origin_of(SourceKind(kind), source_party=party, family_party=inquiry.party_code)
    # A recognition at a debrief, or of belongings, has no record: a witness's word.
    return Origin.TESTIMONY


def add_remains_lead(
    session: Session,
    *,
    inquiry: Inquiry,
    kind: LeadKind,
    fate: Fate | None,
    reason: str,
    explanation: dict[str, Any],
    actor: str,
) -> int:
    """A lead from remains: an identification (deceased) or a recognition of belongings."""
    (lead_id,) = _insert_leads(
        session,
        [
            {
                "inquiry_id": inquiry.id,
                "kind": kind.value,
                "record_id": None,
                "sighting_id": None,
                "debrief_answer_id": None,
                "person_id": None,
                "score": 1.0 if kind is LeadKind.IDENTIFICATION else 0.5,
                "name_score": 0.0,
                "reason": reason[:100],
                "reasons": [],
                "explanation": explanation,
                "fate": fate.value if fate else None,
                "state": LeadState.PENDING.value,
                "created_by": actor,
            }
        ],
    )
    return lead_id


def refresh_status(session: Session, inquiry: Inquiry) -> str:
    """Derive the family-facing status from the verified leads; open or close the case."""
    if inquiry.status == FamilyStatus.WITHDRAWN.value:
        return inquiry.status
    verified = session.execute(
        select(Lead.fate, Source.kind, Source.party_code, Lead.kind)
        .outerjoin(Record, Record.id == Lead.record_id)
        .outerjoin(Source, Source.id == Record.source_id)
        .where(Lead.inquiry_id == inquiry.id, Lead.state == LeadState.VERIFIED.value)
    ).all()
    readings = [
        read(_origin(kind, party, lead_kind, inquiry), Fate(fate) if fate else None).family
        for fate, kind, party, lead_kind in verified
    ]
    status = next_family_status(FamilyStatus.REGISTERED, readings)
    inquiry.status = status.value
    inquiries.set_open(session, inquiry, open_=status not in CLOSED)
    return inquiry.status


# --- the queue grouped by inquiry and person --------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """What the leads page narrows to: state, kind, a lowest score, waiting at least N days."""

    state: LeadState | None = LeadState.PENDING
    kind: LeadKind | None = None
    min_score: float = 0.0
    older_than_days: int = 0


@dataclass(frozen=True, slots=True)
class LeadGroup:
    """One person found for one inquiry: its strongest leads first, and how many there are."""

    inquiry_id: int
    reference: str
    person_id: int | None
    best: float
    count: int
    leads: list[LeadView]


@dataclass(frozen=True, slots=True)
class LeadGroups:
    """A page of groups, with the totals the page's navigation shows."""

    groups: int  # groups that match the filter
    leads: int  # leads that match the filter
    by_state: dict[str, int]  # leads per state, under the same kind/score/age filter
    items: list[LeadGroup]


def grouped(
    db: Database,
    *,
    where: LeadFilter = LeadFilter(),
    limit: int = 20,
    offset: int = 0,
    per_group: int = 5,
) -> LeadGroups:
    """The queue as one card per inquiry and person (a lead without a person is its own),
    strongest first, a page of groups at a time; each card holds up to `per_group` leads."""
    who = func.coalesce(Lead.person_id, -Lead.id)
    conditions = _conditions(where)
    stated = [*conditions, *([Lead.state == where.state.value] if where.state else [])]
    with db.reading() as session:
        by_state = {
            state: n
            for state, n in session.execute(
                select(Lead.state, func.count()).where(*conditions).group_by(Lead.state)
            )
        }
        base = select(Lead.inquiry_id, who.label("who"), func.max(Lead.score).label("best"))
        groups = base.where(*stated).group_by(Lead.inquiry_id, who).subquery()
        total = session.scalar(select(func.count()).select_from(groups)) or 0
        page = session.execute(
            select(groups.c.inquiry_id, groups.c.who, groups.c.best)
            .order_by(groups.c.best.desc(), groups.c.inquiry_id, groups.c.who)
            .limit(limit)
            .offset(offset)
        ).all()
        items = _groups(session, page, stated, who, per_group)
    count = sum(by_state.values()) if where.state is None else by_state.get(where.state.value, 0)
    return LeadGroups(total, count, by_state, items)


def _conditions(where: LeadFilter) -> list[Any]:
    conditions: list[Any] = []
    if where.kind is not None:
        conditions.append(Lead.kind == where.kind.value)
    if where.min_score > 0:
        conditions.append(Lead.score >= where.min_score)
    if where.older_than_days > 0:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=where.older_than_days)
        conditions.append(Lead.created_at <= since)
    return conditions


def _groups(
    session: Session, page: Sequence[Any], stated: list[Any], who: Any, per_group: int
) -> list[LeadGroup]:
    if not page:
        return []
    wanted = {(inquiry_id, key) for inquiry_id, key, _ in page}
    rows = session.execute(
        select(Lead, who)
        .where(*stated, Lead.inquiry_id.in_({i for i, _ in wanted}))
        .order_by(Lead.score.desc(), Lead.id)
    ).all()
    members: dict[tuple[int, int], list[Lead]] = defaultdict(list)
    for lead, key in rows:
        if (lead.inquiry_id, key) in wanted:
            members[(lead.inquiry_id, key)].append(lead)
    items = []
    for inquiry_id, key, best in page:
        found = members[(inquiry_id, key)]
        views = [_view(session, lead) for lead in found[:per_group]]
        items.append(
            LeadGroup(
                inquiry_id=inquiry_id,
                reference=views[0].reference,
                person_id=key if key > 0 else None,
                best=float(best),
                count=len(found),
                leads=views,
            )
        )
    return items

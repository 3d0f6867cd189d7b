"""The seriously wounded and sick, from referral to repatriation (GCIII Art. 109-113).

Each step is a row (never updated; the latest counts) written in one transaction with its
audit entry: a referral (by himself, a doctor, the protecting power or the ICRC), an
examination by a mixed medical commission or the detaining power's doctors with its date
and decision, the prisoner's consent, and the repatriation, which lands a `released` record
joined to the person. An agreement's category of the seriously wounded reads the latest
examination's decision (`decided_seriously_wounded`), not a flag on a list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import InvalidInput
from homecoming.exchange.wounded import (
    CaseFacts,
    Consent,
    ExaminingBody,
    MedicalDecision,
    Referrer,
    check_examination,
    check_repatriation,
    overdue,
    seriously_wounded,
    state,
)
from homecoming.services import audit, persons, registry
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.models import Person, Record, Source
from homecoming.store.negotiation_models import (
    MedicalExamination,
    MedicalReferral,
    MedicalRepatriation,
    RepatriationConsent,
)

SOURCE_NAME = "Repatriations of the seriously wounded and sick (GCIII Art. 109-110)"


@dataclass(frozen=True, slots=True)
class WoundedCase:
    """One prisoner's case: every step, where it stands and which deadlines have passed."""

    person_id: int
    state: str
    overdue: list[str]
    referrals: list[dict[str, Any]]
    examinations: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    repatriation: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def refer(
    db: Database,
    *,
    person_id: int,
    referred_by: Referrer,
    referred_on: dt.date,
    actor: str,
    referrer: str = "",
    examine_by: dt.date | None = None,
    notes: str = "",
    scope: Scope = EVERY_PARTY,
) -> WoundedCase:
    """A referral for examination; `examine_by` is the deadline for the examination."""
    if examine_by is not None and examine_by < referred_on:
        raise InvalidInput("the examination's deadline comes after the referral")
    with db.transaction() as session:
        _person(session, person_id, scope)
        row = MedicalReferral(
            person_id=person_id,
            referred_by=str(referred_by),
            referrer=referrer.strip(),
            referred_on=referred_on,
            examine_by=examine_by,
            notes=notes.strip(),
            recorded_by=actor,
        )
        _add(session, row, actor, "wounded.referred", person_id, {"by": str(referred_by)})
    return case(db, person_id, scope=scope)


def examine(
    db: Database,
    *,
    person_id: int,
    body: ExaminingBody,
    examined_on: dt.date,
    decision: MedicalDecision,
    actor: str,
    repatriate_by: dt.date | None = None,
    notes: str = "",
    scope: Scope = EVERY_PARTY,
) -> WoundedCase:
    """An examination and its decision, answering the latest referral (if any)."""
    with db.transaction() as session:
        _person(session, person_id, scope)
        referral = _latest(session, MedicalReferral, person_id)
        check_examination(
            examined_on=examined_on,
            referred_on=referral.referred_on if referral else None,
            repatriate_by=repatriate_by,
        )
        row = MedicalExamination(
            person_id=person_id,
            referral_id=referral.id if referral else None,
            body=str(body),
            examined_on=examined_on,
            decision=str(decision),
            repatriate_by=repatriate_by,
            notes=notes.strip(),
            recorded_by=actor,
        )
        details = {"body": str(body), "decision": str(decision)}
        _add(session, row, actor, "wounded.examined", person_id, details)
    return case(db, person_id, scope=scope)


def consent(
    db: Database,
    *,
    person_id: int,
    answer: Consent,
    given_on: dt.date,
    actor: str,
    witnessed_by: str = "",
    notes: str = "",
    scope: Scope = EVERY_PARTY,
) -> WoundedCase:
    """The prisoner's own word on going home, and who heard it."""
    if not witnessed_by.strip():
        raise InvalidInput("say who heard the prisoner's answer (--witnessed-by)")
    with db.transaction() as session:
        _person(session, person_id, scope)
        row = RepatriationConsent(
            person_id=person_id,
            consent=str(answer),
            given_on=given_on,
            witnessed_by=witnessed_by.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        _add(session, row, actor, "wounded.consent", person_id, {"consent": str(answer)})
    return case(db, person_id, scope=scope)


def repatriate(
    db: Database,
    *,
    person_id: int,
    repatriated_on: dt.date,
    actor: str,
    place: str = "",
    scope: Scope = EVERY_PARTY,
) -> WoundedCase:
    """The repatriation: only after a decision to repatriate and with the prisoner's consent."""
    with db.transaction() as session:
        _person(session, person_id, scope)
        facts = _facts(session, person_id)
        if facts.repatriated_on is not None:
            raise InvalidInput(f"person {person_id} was repatriated on {facts.repatriated_on}")
        check_repatriation(facts, on=repatriated_on)
        examination = _latest(session, MedicalExamination, person_id)
        agreed = _latest(session, RepatriationConsent, person_id)
        assert examination is not None and agreed is not None
        record_id = _land(session, person_id, repatriated_on, place, actor)
        row = MedicalRepatriation(
            person_id=person_id,
            examination_id=examination.id,
            consent_id=agreed.id,
            repatriated_on=repatriated_on,
            place=place.strip(),
            record_id=record_id,
            recorded_by=actor,
        )
        _add(session, row, actor, "wounded.repatriated", person_id, {"record": record_id})
    return case(db, person_id, scope=scope)


def case(
    db: Database, person_id: int, *, scope: Scope = EVERY_PARTY, today: dt.date | None = None
) -> WoundedCase:
    """Every step of the person's case, where it stands, and the deadlines passed."""
    with db.reading() as session:
        _person(session, person_id, scope)
        facts = _facts(session, person_id)

        def rows(model: Any) -> list[dict[str, Any]]:
            found = session.scalars(
                select(model).where(model.person_id == person_id).order_by(model.id)
            )
            return [_plain(r) for r in found]

        repatriations = rows(MedicalRepatriation)
        return WoundedCase(
            person_id=person_id,
            state=state(facts),
            overdue=overdue(facts, today=today or dt.date.today()),
            referrals=rows(MedicalReferral),
            examinations=rows(MedicalExamination),
            consents=rows(RepatriationConsent),
            repatriation=repatriations[-1] if repatriations else None,
        )


def decided_seriously_wounded(session: Session, person_ids: Iterable[int]) -> set[int]:
    """Those of these persons whose latest examination decided they are seriously wounded."""
    ids = sorted(set(person_ids))
    latest: dict[int, str] = {}
    for start in range(0, len(ids), 2_000):
        for pid, decision in session.execute(
            select(MedicalExamination.person_id, MedicalExamination.decision)
            .where(MedicalExamination.person_id.in_(ids[start : start + 2_000]))
            .order_by(MedicalExamination.id)
        ):
            latest[pid] = decision
    return {pid for pid, d in latest.items() if seriously_wounded(MedicalDecision(d))}


def _facts(session: Session, person_id: int) -> CaseFacts:
    referral = _latest(session, MedicalReferral, person_id)
    examination = _latest(session, MedicalExamination, person_id)
    agreed = _latest(session, RepatriationConsent, person_id)
    done = _latest(session, MedicalRepatriation, person_id)
    return CaseFacts(
        referred_on=referral.referred_on if referral else None,
        examine_by=referral.examine_by if referral else None,
        examined_on=examination.examined_on if examination else None,
        decision=MedicalDecision(examination.decision) if examination else None,
        repatriate_by=examination.repatriate_by if examination else None,
        consent=Consent(agreed.consent) if agreed else None,
        consent_on=agreed.given_on if agreed else None,
        repatriated_on=done.repatriated_on if done else None,
    )


def _latest(session: Session, model: Any, person_id: int) -> Any:
    return session.scalars(
        select(model).where(model.person_id == person_id).order_by(model.id.desc()).limit(1)
    ).first()


def _person(session: Session, person_id: int, scope: Scope) -> None:
    scope.person(session, person_id, exists=session.get(Person, person_id) is not None)


def _add(
    session: Session, row: Any, actor: str, action: str, person_id: int, details: dict[str, Any]
) -> None:
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action=action,
        subject=f"person:{person_id}",
        details={"id": row.id, **details},
    )


def _land(session: Session, person_id: int, on: dt.date, place: str, actor: str) -> int:
    """A `released` record joined to the person, on the repatriations' sheet."""
    source = session.scalars(select(Source).where(Source.name == SOURCE_NAME)).first()
    if source is None:
        source = Source(
            kind=str(SourceKind.HANDOVER),
            name=SOURCE_NAME,
            party_code=None,
            received_at=dt.datetime.combine(on, dt.time(12), dt.UTC),
            received_from="operators of medical repatriations",
            file_name="",
            content_hash="",
            row_count=0,
            created_by="wounded",
        )
        session.add(source)
        session.flush()
    first = session.scalars(
        select(Record).where(Record.person_id == person_id).order_by(Record.id)
    ).first()
    base = persons.record_fields(first) if first is not None else RecordFields()
    fields = RecordFields(
        family_name=base.family_name,
        given_names=base.given_names,
        patronymic=base.patronymic,
        full_name=base.full_name,
        sex=base.sex,
        date_of_birth=base.date_of_birth,
        rank=base.rank,
        service_number=base.service_number,
        category=base.category,
        seriously_wounded=True,
        fate=Fate.RELEASED,
        fate_date=PartialDate.from_date(on),
        event_place=place.strip(),
        notes="repatriated as seriously wounded or sick (GCIII Art. 109-110)",
    )
    last = session.scalar(select(func.max(Record.line_number)).where(Record.source_id == source.id))
    line = (last or 1) + 1
    evidence = Evidence(line=line, raw={"repatriation": fields.notes}, fields=fields)
    (record_id,) = registry.add_evidence(
        session, source_id=source.id, evidence=[evidence], person_ids=[person_id], actor=actor
    )
    source.row_count = line - 1
    return record_id


def _plain(row: Any) -> dict[str, Any]:
    found = {}
    for column in row.__table__.columns:
        value = getattr(row, column.name)
        found[column.name] = value.isoformat() if isinstance(value, dt.date) else value
    return found

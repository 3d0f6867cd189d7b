"""A person's path through negotiations, across agreements, and the other side's replies.

The history is read from what is already kept (list versions and how their entries were
resolved, stage members, handovers) and from the rows this feature adds: the answers of the
other side's reply lists, crossing events (`services/crossing.py`) and the seriously
wounded's referral, examination, consent and repatriation (`services/wounded.py`).

Reply lists are imported by `services/replies.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homecoming.exchange.findings import Decision
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    AgreementRow,
    EntryResolution,
    FindingDecision,
    FindingRow,
    Handover,
    ListEntry,
    ListVersion,
    StageMember,
    StageRow,
)
from homecoming.store.models import Person, Record
from homecoming.store.negotiation_models import (
    CrossingEvent,
    MedicalExamination,
    MedicalReferral,
    MedicalRepatriation,
    RepatriationConsent,
    ReplyAnswer,
    ReplyList,
)

# The kinds of event in a person's history, in the order they happen on one day.
KINDS = (
    "offered",
    "requested",
    "accepted",
    "refused",
    "struck_off",
    "under_prosecution",
    "convicted",
    "referred",
    "examined",
    "consent_given",
    "consent_refused",
    "placed",
    "removed",
    "taken_back",
    "not_delivered",
    "declined",
    "substituted",
    "handed_over",
    "handed_over_instead",
    "deceased",
    "arrived_unlisted",
    "returned",
    "repatriated",
)
_ORDER = {kind: i for i, kind in enumerate(KINDS)}
_HANDOVER_KINDS = {
    "delivered": "handed_over",
    "not_delivered": "not_delivered",
    "declined": "declined",
    "substituted": "substituted",
    "deceased": "deceased",
}


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One step of a person's path: when, what, in which agreement, by which side, and how."""

    at: str  # ISO date or date-time
    kind: str
    agreement_id: int | None = None
    agreement: str = ""
    party: str = ""  # the side that listed, answered, handed over (or "" for medical steps)
    recorded_by: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line in English for the terminal."""
        d = self.details
        where = f" ({self.agreement})" if self.agreement else ""
        text = {
            "offered": f"offered by {self.party} in {d.get('list')} line {d.get('line')}",
            "requested": f"requested by {self.party} in {d.get('list')} line {d.get('line')}",
            "placed": f"placed in stage {d.get('stage')} ({d.get('category')}) by {self.party}",
            "removed": f"removed from stage {d.get('stage')}",
            "handed_over": f"handed over by {self.party} in stage {d.get('stage')}",
            "handed_over_instead": (
                f"handed over by {self.party} in stage {d.get('stage')} in place of "
                f"person {d.get('in_place_of')}"
            ),
            "taken_back": (
                f"brought to the crossing in stage {d.get('stage')} and taken back by {self.party}"
            ),
            "referred": (
                f"referred for examination by {d.get('referred_by', '').replace('_', ' ')}"
                + (f" ({d['referrer']})" if d.get("referrer") else "")
            ),
            "examined": (
                f"examined by the {d.get('body', '').replace('_', ' ')}: "
                f"{d.get('decision', '').replace('_', ' ')}"
            ),
            "consent_given": f"consented to repatriation before {d.get('witnessed_by')}",
            "consent_refused": f"refused repatriation before {d.get('witnessed_by')}",
            "repatriated": "repatriated as seriously wounded or sick"
            + (f" ({d['place']})" if d.get("place") else ""),
            "arrived_unlisted": (
                f"arrived on no list in stage {d.get('stage')}; identity checked by "
                f"{d.get('checked_by')} ({', '.join(d.get('methods', []))})"
            ),
        }.get(self.kind, self.kind.replace("_", " "))
        if self.kind in ("accepted", "refused", "struck_off", "under_prosecution", "convicted"):
            text = f"{self.party} answered {d.get('list')} line {d.get('line')}: {text}"
        extra = d.get("reason") or d.get("evidence") or ""
        return f"{self.at[:10]}  {text}{where}" + (f" — {extra}" if extra else "")


# --- the history ------------------------------------------------------------------------


def history(db: Database, person_id: int, *, scope: Scope = EVERY_PARTY) -> list[HistoryEvent]:
    """Every step of one person's path through negotiations, oldest first.

    A negotiator asks only about persons they see, and sees only what happened under the
    agreements of their party (the lists of both sides of those, as they are exchanged).
    """
    with db.reading() as session:
        scope.person(session, person_id, exists=session.get(Person, person_id) is not None)
        agreements = {
            row.id: row
            for row in session.scalars(select(AgreementRow))
            if scope.sees_agreement((row.party_a, row.party_b))
        }
        events: list[tuple[tuple[str, int, int], HistoryEvent]] = []
        for key, event in (
            *_list_events(session, person_id, agreements),
            *_stage_events(session, person_id, agreements),
            *_handover_events(session, person_id, agreements),
            *_crossing_events(session, person_id, agreements),
            *_medical_events(session, person_id),
        ):
            events.append((key, event))
    events.sort(key=lambda pair: pair[0])
    return [event for _, event in events]


def _key(at: dt.datetime | dt.date, kind: str, row_id: int) -> tuple[str, int, int]:
    day = at.date() if isinstance(at, dt.datetime) else at
    return (day.isoformat(), _ORDER[kind], row_id)


def _iso(at: dt.datetime | dt.date) -> str:
    return at.isoformat()


def _entries_of(session: Session, person_id: int) -> set[int]:
    """The list entries that are this person: by linkage, by validation, or as corrected."""
    by_record = set(
        session.scalars(
            select(ListEntry.id)
            .join(Record, Record.id == ListEntry.record_id)
            .where(Record.person_id == person_id)
        )
    )
    resolved: dict[int, int | None] = {}
    rows = session.execute(
        select(EntryResolution.list_entry_id, EntryResolution.person_id)
        .where(
            EntryResolution.list_entry_id.in_(
                select(EntryResolution.list_entry_id).where(EntryResolution.person_id == person_id)
            )
        )
        .order_by(EntryResolution.validation_id)
    ).all()
    for entry_id, resolved_to in rows:
        resolved[entry_id] = resolved_to  # the latest validation of the entry's list counts
    to_me = set(
        session.scalars(
            select(FindingRow.list_entry_id)
            .join(FindingDecision, FindingDecision.finding_id == FindingRow.id)
            .where(
                FindingDecision.decision == str(Decision.CORRECT),
                FindingDecision.corrected_person_id == person_id,
            )
        )
    )
    mine = by_record | {e for e, p in resolved.items() if p == person_id} | to_me
    # The latest correction of each of these entries says whose it is.
    corrected: dict[int, int | None] = {}
    for entry_id, to in session.execute(
        select(FindingRow.list_entry_id, FindingDecision.corrected_person_id)
        .join(FindingRow, FindingRow.id == FindingDecision.finding_id)
        .where(
            FindingDecision.decision == str(Decision.CORRECT),
            FindingDecision.corrected_person_id.is_not(None),
            FindingRow.list_entry_id.in_(sorted(mine)),
        )
        .order_by(FindingDecision.id)
    ).all():
        corrected[entry_id] = to
    return {e for e in mine if corrected.get(e, person_id) == person_id}


def _list_events(
    session: Session, person_id: int, agreements: dict[int, AgreementRow]
) -> list[tuple[tuple[str, int, int], HistoryEvent]]:
    entry_ids = sorted(_entries_of(session, person_id))
    if not entry_ids:
        return []
    found = []
    rows = session.execute(
        select(ListEntry, ListVersion)
        .join(ListVersion, ListVersion.id == ListEntry.list_version_id)
        .where(ListEntry.id.in_(entry_ids))
    ).all()
    labels: dict[int, tuple[str, int]] = {}
    for entry, version in rows:
        agreement = agreements.get(version.agreement_id)
        if agreement is None:
            continue
        kind = "offered" if version.direction == "offer" else "requested"
        label = f"{version.party} {version.direction} v{version.number}"
        labels[entry.id] = (label, entry.line)
        event = HistoryEvent(
            at=_iso(version.received_at),
            kind=kind,
            agreement_id=agreement.id,
            agreement=agreement.name,
            party=version.party,
            recorded_by=version.created_by,
            details={
                "list": label,
                "list_version_id": version.id,
                "line": entry.line,
                "received_from": version.received_from,
                "file_name": version.file_name,
                "category": version.category_code,
            },
        )
        found.append((_key(version.received_at, kind, entry.id), event))
    answers = session.execute(
        select(ReplyAnswer, ReplyList)
        .join(ReplyList, ReplyList.id == ReplyAnswer.reply_list_id)
        .where(ReplyAnswer.list_entry_id.in_(list(labels)))
    ).all()
    for answer, reply in answers:
        agreement = agreements[reply.agreement_id]
        label, line = labels[answer.list_entry_id]
        event = HistoryEvent(
            at=_iso(reply.received_at),
            kind=answer.answer,
            agreement_id=agreement.id,
            agreement=agreement.name,
            party=reply.party,
            recorded_by=reply.created_by,
            details={
                "list": label,
                "line": line,
                "reason": answer.reason,
                "reply_id": reply.id,
                "reply_file": reply.file_name,
                "received_from": reply.received_from,
            },
        )
        found.append((_key(reply.received_at, answer.answer, answer.id), event))
    return found


def _stage_events(
    session: Session, person_id: int, agreements: dict[int, AgreementRow]
) -> list[tuple[tuple[str, int, int], HistoryEvent]]:
    found = []
    rows = session.execute(
        select(StageMember, StageRow)
        .join(StageRow, StageRow.id == StageMember.stage_id)
        .where(StageMember.person_id == person_id)
        .order_by(StageMember.id)
    ).all()
    for member, stage in rows:
        agreement = agreements.get(stage.agreement_id)
        if agreement is None:
            continue
        kind = "placed" if member.action == "add" else "removed"
        # A stage is composed before its day; a change recorded later (a demo, a late entry)
        # is told on the stage's day.
        when: dt.datetime | dt.date = (
            member.changed_at if member.changed_at.date() <= stage.day else stage.day
        )
        event = HistoryEvent(
            at=_iso(when),
            kind=kind,
            agreement_id=agreement.id,
            agreement=agreement.name,
            party=member.party,
            recorded_by=member.changed_by,
            details={
                "stage": stage.number,
                "day": stage.day.isoformat(),
                "category": member.category_code,
                "origin": member.origin,
                "reason": member.reason,
            },
        )
        found.append((_key(when, kind, member.id), event))
    return found


def _handover_events(
    session: Session, person_id: int, agreements: dict[int, AgreementRow]
) -> list[tuple[tuple[str, int, int], HistoryEvent]]:
    found = []
    taken_back = set(
        session.scalars(
            select(CrossingEvent.handover_id).where(
                CrossingEvent.person_id == person_id, CrossingEvent.handover_id.is_not(None)
            )
        )
    )
    rows = session.execute(
        select(Handover, StageRow)
        .join(StageRow, StageRow.id == Handover.stage_id)
        .where(or_(Handover.person_id == person_id, Handover.substitute_person_id == person_id))
        .order_by(Handover.id)
    ).all()
    for handover, stage in rows:
        agreement = agreements.get(stage.agreement_id)
        if agreement is None or handover.id in taken_back:
            continue  # a crossing event tells a taken-back or returned person's story
        instead = handover.person_id != person_id
        kind = "handed_over_instead" if instead else _HANDOVER_KINDS[handover.outcome]
        details: dict[str, Any] = {
            "stage": stage.number,
            "day": stage.day.isoformat(),
            "category": handover.category_code,
            "evidence": handover.evidence,
            "correction": handover.corrects_id is not None,
        }
        if instead:
            details["in_place_of"] = handover.person_id
        elif handover.substitute_person_id is not None:
            details["substitute"] = handover.substitute_person_id
        details["recorded_at"] = handover.recorded_at.isoformat()
        event = HistoryEvent(
            at=stage.day.isoformat(),  # what happened at the crossing happened on its day
            kind=kind,
            agreement_id=agreement.id,
            agreement=agreement.name,
            party=handover.party,
            recorded_by=handover.recorded_by,
            details=details,
        )
        found.append((_key(stage.day, kind, handover.id), event))
    return found


def _crossing_events(
    session: Session, person_id: int, agreements: dict[int, AgreementRow]
) -> list[tuple[tuple[str, int, int], HistoryEvent]]:
    found = []
    rows = session.execute(
        select(CrossingEvent, StageRow)
        .join(StageRow, StageRow.id == CrossingEvent.stage_id)
        .where(CrossingEvent.person_id == person_id)
        .order_by(CrossingEvent.id)
    ).all()
    for row, stage in rows:
        agreement = agreements.get(stage.agreement_id)
        if agreement is None:
            continue
        details: dict[str, Any] = {
            "stage": stage.number,
            "day": stage.day.isoformat(),
            "reason": row.reason,
            "recorded_at": row.recorded_at.isoformat(),
        }
        if row.kind == "arrived_unlisted":
            details |= {"checked_by": row.checked_by, "methods": list(row.check_methods)}
            details |= {"record": row.record_id, "notes": row.details.get("notes", "")}
        event = HistoryEvent(
            at=stage.day.isoformat(),
            kind=row.kind,
            agreement_id=agreement.id,
            agreement=agreement.name,
            party=row.party,
            recorded_by=row.recorded_by,
            details=details,
        )
        found.append((_key(stage.day, row.kind, row.id), event))
    return found


def _medical_events(
    session: Session, person_id: int
) -> list[tuple[tuple[str, int, int], HistoryEvent]]:
    found = []
    for ref in session.scalars(
        select(MedicalReferral).where(MedicalReferral.person_id == person_id)
    ):
        details = {"referred_by": ref.referred_by, "referrer": ref.referrer}
        details |= {"examine_by": ref.examine_by.isoformat() if ref.examine_by else ""}
        found.append(
            (
                _key(ref.referred_on, "referred", ref.id),
                HistoryEvent(
                    ref.referred_on.isoformat(),
                    "referred",
                    recorded_by=ref.recorded_by,
                    details=details,
                ),
            )
        )
    for ex in session.scalars(
        select(MedicalExamination).where(MedicalExamination.person_id == person_id)
    ):
        details = {"body": ex.body, "decision": ex.decision}
        details |= {"repatriate_by": ex.repatriate_by.isoformat() if ex.repatriate_by else ""}
        found.append(
            (
                _key(ex.examined_on, "examined", ex.id),
                HistoryEvent(
                    ex.examined_on.isoformat(),
                    "examined",
                    recorded_by=ex.recorded_by,
                    details=details,
                ),
            )
        )
    for c in session.scalars(
        select(RepatriationConsent).where(RepatriationConsent.person_id == person_id)
    ):
        kind = f"consent_{c.consent}"
        found.append(
            (
                _key(c.given_on, kind, c.id),
                HistoryEvent(
                    c.given_on.isoformat(),
                    kind,
                    recorded_by=c.recorded_by,
                    details={"witnessed_by": c.witnessed_by, "notes": c.notes},
                ),
            )
        )
    for r in session.scalars(
        select(MedicalRepatriation).where(MedicalRepatriation.person_id == person_id)
    ):
        found.append(
            (
                _key(r.repatriated_on, "repatriated", r.id),
                HistoryEvent(
                    r.repatriated_on.isoformat(),
                    "repatriated",
                    recorded_by=r.recorded_by,
                    details={"place": r.place, "record": r.record_id},
                ),
            )
        )
    return found

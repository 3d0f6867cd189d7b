"""Tracing in the demo: cases for the scenario's family inquiries, a debrief testimony, leads,
and a tracing officer's day (case owners and offices, follow-ups due, families to call).

The scenario already landed families' inquiries as `family_inquiry` records (with the
inquirers' generated contacts); this opens a case for each, matches them against the
registry, and records one released prisoner's testimony naming some of the sought by surname
and unit, as witnesses do. Everything is generated; nobody is real.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from homecoming.domain.record import Contact, SourceKind
from homecoming.services import audit, cases, inquiries, leads, testimonies
from homecoming.services.persons import record_fields
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Record, Source
from homecoming.store.tracing_models import Inquiry
from homecoming.tracing.inquiry import SharingScope
from homecoming.tracing.units import parse_unit

SCOPES = (SharingScope.BUREAU, SharingScope.ICRC, SharingScope.ICRC, SharingScope.OTHER_PARTY)
SIGHTINGS = 4


@dataclass(frozen=True, slots=True)
class DemoTracing:
    inquiries: int
    leads: int
    testimony_id: int | None

    def __str__(self) -> str:
        told = f"; a debrief testimony ({self.testimony_id})" if self.testimony_id else ""
        return (
            f"{self.inquiries:,} open inquiries, {self.leads:,} leads to review "
            f"(`homecoming leads list`){told}"
        )


def load_demo_tracing(
    db: Database, *, actor: str, search: SearchService | None = None
) -> DemoTracing:
    """Open the scenario's inquiries as cases, match them (through `search`, or an index
    built for the purpose), and record one testimony."""
    opened = _open_scenario_cases(db, actor=actor)
    found = leads.match_inquiries(db, opened, actor=actor, search=search or SearchService(db))
    testimony = _debrief(db, opened, actor=actor)
    return DemoTracing(
        inquiries=len(opened),
        leads=found + (testimony.leads if testimony else 0),
        testimony_id=testimony.id if testimony else None,
    )


def _open_scenario_cases(db: Database, *, actor: str) -> list[int]:
    with db.transaction() as session:
        taken = select(Inquiry.record_id)
        rows = session.execute(
            select(Record, Source.party_code)
            .join(Source, Source.id == Record.source_id)
            .where(Source.kind == str(SourceKind.FAMILY_INQUIRY), Record.id.not_in(taken))
            .order_by(Record.id)
        )
        items = []
        for record, party in rows:
            consent = record.id % 10 != 0  # one family in ten keeps the report to the bureau
            request = inquiries.InquiryRequest(
                sought=record_fields(record),
                inquirer=Contact(),  # the scenario's contacts are already in the protected table
                consent=consent,
                scope=SCOPES[record.id % len(SCOPES)] if consent else SharingScope.BUREAU,
                harm_risk=record.id % 20 == 0,
                language="ru" if party == "RU" else ("en" if record.id % 7 == 0 else "uk"),
                party=party,
                received_via="tracing hotline",
            )
            items.append((record.id, request))
        opened = inquiries.open_cases(session, items, actor=actor)
        audit.append(
            session,
            actor=actor,
            action="inquiries.opened",
            subject="demo",
            details={"inquiries": len(opened)},
        )
        return [case.id for case in opened]


def _debrief(
    db: Database, opened: list[int], *, actor: str
) -> testimonies.RecordedTestimony | None:
    """A released prisoner names some of the sought by surname and unit only."""
    with db.reading() as session:
        rows = session.execute(
            select(Inquiry.id, Record)
            .join(Record, Record.id == Inquiry.record_id)
            .where(Inquiry.id.in_(opened[:500]), Record.unit != "", Record.family_name != "")
            .order_by(Inquiry.id)
        )
        chosen = [r for _, r in rows if parse_unit(r.unit).number is not None][:SIGHTINGS]
    if not chosen:
        return None
    sightings = [
        testimonies.sighting_from_words(
            f"{record.family_name} from the {_ordinal(parse_unit(record.unit).number or 0)} "
            f"{(parse_unit(record.unit).kind or 'brigade')}",
            facility="Колонія № 10, Макіївка",
            seen_when="2025-03",
            condition="wounded in the arm, walking",
        )
        for record in chosen
    ]
    return testimonies.record_testimony(
        db,
        witness="Demo witness: released 2025-05-24",
        sightings=sightings,
        actor=actor,
        party="UA",
        place="hospital, Chernihiv region",
    )


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


# A tracing officer's day in the demo: (office, follow-up due today, a call logged today). The
# inquiries were opened today, so none is yet in the "no news yet" queue (30 days by default).
DEMO_CASES: tuple[tuple[str, bool, bool], ...] = (
    *(("Kyiv bureau", True, False),) * 3,  # follow-ups due today
    *(("Kyiv bureau", False, True),) * 3,  # the family told there is no news yet, an hour ago
    *(("Lviv bureau", False, False),) * 6,  # assigned, nothing due
)


def assign_demo_cases(db: Database, *, owner: str, actor: str) -> int:
    """Give the first open inquiries to `owner` (a user who may write inquiries) in two
    offices, with follow-ups due today and calls logged, so the officer's day has a queue and
    case files with a history. Returns the cases assigned."""
    with db.reading() as session:
        query = select(Inquiry.id).where(Inquiry.open.is_(True)).order_by(Inquiry.id)
        ids = list(session.scalars(query.limit(len(DEMO_CASES))))
    now = dt.datetime.now(dt.UTC)
    for inquiry, (office, follow_up, called) in zip(ids, DEMO_CASES, strict=False):
        cases.assign(db, inquiry=inquiry, owner=owner, office=office, actor=actor)
        if follow_up:
            note = "Call the family back about the lead"
            cases.set_follow_up(db, inquiry=inquiry, on=now.date(), note=note, actor=actor)
        if called:
            cases.log_contact(
                db,
                inquiry=inquiry,
                kind=cases.ContactKind.CALL,
                happened_at=now - dt.timedelta(hours=1),
                summary="Told the family there is no news yet; they will call if they hear.",
                no_news=True,
                actor=actor,
            )
    return len(ids)

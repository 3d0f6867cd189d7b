"""The demo's negotiation history (issue 17), loaded after the demo exchange:

- UA asks for some of its people back (UA request v1); RU's reply accepts most, refuses one
  with its reason, strikes one off and says one is under prosecution;
- at stage 1 RU brings a man on no list (identity checked by documents and a photo), brings
  a list that differs from the agreed one, and takes one listed man back;
- a seriously wounded prisoner held by RU goes from an ICRC referral through a mixed medical
  commission and his consent to repatriation.

A person delivered in stage 1 then has a history: RU's offer, the placement in stage 1, the
handover. Everything goes through the same services as the CLI and the API.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields
from homecoming.exchange.wounded import Consent, ExaminingBody, MedicalDecision, Referrer
from homecoming.generate.scenario import Scenario
from homecoming.services import (
    agreements,
    crossing,
    exchange_lists,
    handovers,
    persons,
    replies,
    stages,
    wounded,
)
from homecoming.services.exchange_lists import Direction
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.exchange_models import StageMember, StageRow

REQUESTED = 8  # UA's request: people RU holds


@dataclass(frozen=True, slots=True)
class DemoHistory:
    delivered: int  # a person handed over in stage 1
    refused: int  # a person whose request RU refused
    unlisted: int  # the man who arrived on no list
    taken_back: int | None  # None when every listed man of RU's was recorded already
    wounded: int  # repatriated as seriously wounded, with his consent

    def __rich__(self) -> str:
        return (
            f"History: `homecoming persons history {self.delivered}` (offered, placed in stage "
            f"1, handed over); request refused: person {self.refused}; arrived on no list: "
            f"person {self.unlisted}; taken back: person {self.taken_back or 'none'}; seriously "
            "wounded, "
            f"repatriated with his consent: person {self.wounded}."
        )


def load_demo_history(
    db: Database,
    *,
    actor: str,
    scenario: Scenario,
    agreement_id: int,
    search: SearchService | None = None,
) -> DemoHistory:
    search = search or SearchService(db)
    refused, accepted = _request_and_reply(db, search, scenario, agreement_id, actor)
    stage = stages.show(db, agreement_id=agreement_id, number=1)
    recorded = {h.person_id: h.outcome for h in _handovers(db, agreement_id)}
    ru_side = [m for m in stage.members if m.party == "RU"]
    delivered = next(m.person_id for m in ru_side if recorded.get(m.person_id) == "delivered")
    taken = _take_back(db, agreement_id, actor)
    arrival = crossing.record_unlisted_arrival(
        db,
        search,
        agreement_id=agreement_id,
        number=1,
        party="RU",
        arrival=handovers.Substitute(
            "Гончаренко", "Ігор", "Петрович", date_of_birth=PartialDate(1994, 2, 2)
        ),
        checked_by="Lt. O. Bondar, identification group",
        methods=["documents", "photo"],
        notes="military ID seen; face matches the photo his mother gave (generated)",
        actor=actor,
    )
    _received_list(db, agreement_id, actor)
    repatriated = _wounded(db, accepted, actor)
    assert arrival.person_id is not None
    return DemoHistory(delivered, refused, arrival.person_id, taken, repatriated)


def _handovers(db: Database, agreement_id: int, number: int = 1) -> list[handovers.HandoverView]:
    return handovers.list_handovers(db, agreement_id=agreement_id, number=number, latest_only=True)


def _take_back(db: Database, agreement_id: int, actor: str) -> int | None:
    """The first of RU's listed men with nothing recorded yet, brought and taken back."""
    for stage in agreements.get_agreement(db, agreement_id).stages:
        done = {h.person_id for h in _handovers(db, agreement_id, stage.number)}
        shown = stages.show(db, agreement_id=agreement_id, number=stage.number)
        waiting = [m for m in shown.members if m.party == "RU" and m.person_id not in done]
        if waiting:
            crossing.record_taken_back(
                db,
                agreement_id=agreement_id,
                number=stage.number,
                party="RU",
                person_id=waiting[0].person_id,
                reason="the escort took him back to the bus at the bridge (generated)",
                actor=actor,
            )
            return waiting[0].person_id
    return None


def _request_and_reply(
    db: Database, search: SearchService, scenario: Scenario, agreement_id: int, actor: str
) -> tuple[int, int]:
    """UA requests people RU holds; RU answers line by line: (one refused, one accepted)."""
    held = scenario.source("RU: prisoners held, as of 2025-05-01").rows[-REQUESTED:]
    rows = [
        Evidence(
            line=line,
            raw={"name": row.fields.display_name()},
            fields=dataclasses.replace(row.fields, fate=Fate.LISTED),
        )
        for line, row in enumerate(held, 2)
    ]
    version = exchange_lists.import_version(
        db,
        agreement_id=agreement_id,
        party="UA",
        direction=Direction.REQUEST,
        rows=rows,
        file_name="ua-request-2025-05-19.csv",
        content_hash=f"demo-UA-request-{scenario.seed}",
        received_from="UA Coordination HQ",
        received_at=dt.datetime(2025, 5, 19, 15, tzinfo=dt.UTC),
        actor=actor,
    )
    report = exchange_lists.validate_version(db, search, version_id=version.id, actor=actor)
    answers = {2: ("refused", "не утримується в місцях позбавлення волі (generated)")}
    answers |= {3: ("struck_off", ""), 4: ("under_prosecution", "кримінальна справа (generated)")}
    reply = [
        (
            n,
            {
                "line": str(n),
                "answer": answers.get(n, ("accepted", ""))[0],
                "reason": answers.get(n, ("", ""))[1],
            },
        )
        for n in range(2, 2 + len(rows))
    ]
    replies.import_reply(
        db,
        list_version_id=version.id,
        rows=reply,
        file_name="ru-reply-2025-05-21.xlsx",
        content_hash=f"demo-RU-reply-{scenario.seed}",
        received_from="RU delegation, Istanbul",
        received_at=dt.datetime(2025, 5, 21, 9, tzinfo=dt.UTC),
        actor=actor,
    )
    person = {
        line.entry.line: line.person_id or _record_person(db, line.entry.record_id)
        for line in report.lines
    }
    with db.reading() as session:
        placed = set(
            session.scalars(
                select(StageMember.person_id)
                .join(StageRow, StageRow.id == StageMember.stage_id)
                .where(StageRow.agreement_id == agreement_id)
            )
        )
    accepted = [person[n] for n in range(5, 2 + len(rows))]
    return person[2], next((p for p in accepted if p not in placed), accepted[0])


def _record_person(db: Database, record_id: int) -> int:
    from homecoming.store.models import Record

    with db.reading() as session:
        record = session.get(Record, record_id)
        assert record is not None and record.person_id is not None
        return record.person_id


def _received_list(db: Database, agreement_id: int, actor: str) -> None:
    """RU's list at the crossing: the agreed side (as listed) less its last man, plus the man
    on no list."""
    with db.reading() as session:
        stage = agreements.stage_row(session, agreement_id, 1)
        side = sorted(
            (
                m
                for (party, _), m in stages.current_members(session, stage.id).items()
                if party == "RU"
            ),
            key=lambda m: m.id,
        )
        records = stages.listed_records(session, side)
        listed = [persons.record_fields(records[m.person_id]) for m in side[:-1]]
    rows = [Evidence(line=line, raw={}, fields=f) for line, f in enumerate(listed, 2)]
    rows.append(
        Evidence(
            line=len(rows) + 2,
            raw={},
            fields=RecordFields(
                family_name="Гончаренко",
                given_names="Ігор",
                patronymic="Петрович",
                date_of_birth=PartialDate(1994, 2, 2),
            ),
        )
    )
    crossing.check_received_list(
        db,
        agreement_id=agreement_id,
        number=1,
        party="RU",
        rows=rows,
        file_name="ru-list-at-the-crossing-2025-05-23.csv",
        content_hash="demo-ru-at-crossing",
        actor=actor,
    )


def _wounded(db: Database, person_id: int, actor: str) -> int:
    """From the ICRC's referral to repatriation, with his consent on record."""
    wounded.refer(
        db,
        person_id=person_id,
        referred_by=Referrer.ICRC,
        referrer="ICRC delegate, visit of 2025-04-02 (generated)",
        referred_on=dt.date(2025, 4, 2),
        examine_by=dt.date(2025, 5, 2),
        actor=actor,
    )
    wounded.examine(
        db,
        person_id=person_id,
        body=ExaminingBody.MIXED_MEDICAL_COMMISSION,
        examined_on=dt.date(2025, 4, 24),
        decision=MedicalDecision.REPATRIATE,
        repatriate_by=dt.date(2025, 6, 30),
        notes="GCIII Annex I, A.1 (generated)",
        actor=actor,
    )
    wounded.consent(
        db,
        person_id=person_id,
        answer=Consent.GIVEN,
        given_on=dt.date(2025, 4, 25),
        witnessed_by="ICRC delegate (generated)",
        actor=actor,
    )
    wounded.repatriate(
        db,
        person_id=person_id,
        repatriated_on=dt.date(2025, 5, 23),
        place="Sumy region",
        actor=actor,
    )
    return person_id

"""The whole path of issue 6, on both databases, with a local SMTP server the test starts.

An inquiry written in Ukrainian; a list from the other party in Latin with a misspelling; a
stage handover; verified leads; approved notifications delivered by SMTP. And a testimony
naming only "Nekhir from the 36th brigade" producing the right lead.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, Sex, SourceKind
from homecoming.errors import Forbidden
from homecoming.notify.smtp import SmtpChannel
from homecoming.services import (
    audit,
    inquiries,
    leads,
    notifications,
    registry,
    testimonies,
)
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry, Record, Source
from homecoming.tracing.inquiry import SharingScope
from homecoming.tracing.lead_rules import Decision, LeadState

EMAIL = "maria.nekhir@example.org"
PHONE = "+380501234567"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpChannel]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, SmtpChannel(host="127.0.0.1", port=port, sender="tracing@bureau.example")
    finally:
        controller.stop()


def _parties(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")


def _ukrainian_inquiry(db: Database) -> inquiries.Registered:
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name="Нехір",
            given_names="Олександр",
            patronymic="Іванович",
            sex=Sex.MALE,
            date_of_birth=PartialDate(1987, 5, 23),
            unit="36-та окрема бригада морської піхоти",
            event_date=PartialDate(2024, 2),
            event_place="Маріуполь",
        ),
        inquirer=Contact(name="Нехір Марія", relation="мати", phone=PHONE, email=EMAIL),
        consent=True,
        scope=SharingScope.ICRC,
        party="UA",
        circumstances="зник під час бою",
    )
    return inquiries.register(db, request=request, actor="liaison")


def _other_party_list(db: Database) -> None:
    rows = [
        Evidence(
            line=2,
            raw={"Name": "NEKHYR Oleksadr", "Born": "23.05.1987"},
            fields=RecordFields(
                family_name="NEKHYR",
                given_names="Oleksadr",  # a letter lost
                date_of_birth=PartialDate(1987, 5, 23),
                fate=Fate.DETAINED,
                place_of_detention="Colony No. 10",
            ),
        ),
        Evidence(
            line=3,
            raw={"Name": "KOVALENKO Petro"},
            fields=RecordFields(family_name="KOVALENKO", given_names="Petro", fate=Fate.DETAINED),
        ),
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="RU: held", party="RU")
    registry.import_evidence(db, source=source, rows=rows, actor="registrar")


def _handover(db: Database, record_id: int) -> None:
    """What the exchanges helper's handover service writes for a delivered person."""
    with db.reading() as session:
        listed = session.get(Record, record_id)
        assert listed is not None and listed.person_id is not None
        person_id = listed.person_id
    with db.transaction() as session:
        source = Source(
            kind=str(SourceKind.HANDOVER),
            name="Stage 2 handover",
            party_code="RU",
            received_at=listed.created_at,
            created_by="negotiator",
        )
        session.add(source)
        session.flush()
        evidence = Evidence(
            line=1,
            raw={"person": str(person_id), "outcome": "delivered"},
            fields=RecordFields(
                family_name="Nekhyr",
                given_names="Oleksandr",
                fate=Fate.RELEASED,
                fate_date=PartialDate(2025, 5, 24),
            ),
        )
        registry.add_evidence(
            session,
            source_id=source.id,
            evidence=[evidence],
            person_ids=[person_id],
            actor="negotiator",
        )


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_whole_path(db: Database, smtp: tuple[Inbox, SmtpChannel]) -> None:
    inbox, channel = smtp
    _parties(db)
    case = _ukrainian_inquiry(db)
    assert case.reference.startswith("HC-") and case.reference.endswith(f"{case.id:06d}")

    _other_party_list(db)
    (lead,) = leads.queue(db)
    assert lead.reference == case.reference and lead.kind == "record"
    assert lead.evidence["name"] == "NEKHYR Oleksadr" and lead.fate == "detained"
    assert "date of birth: exact" in " ".join(lead.reasons)
    assert lead.explanation["explanation"][0]["rule"]  # which part met which, by which rule

    decided = leads.decide(
        db, lead_id=lead.id, decision=Decision.VERIFY, reason="same dob", actor="tracer"
    )
    assert decided.status == "confirmed_captivity" and decided.notification_id
    with pytest.raises(Forbidden, match="second person"):
        notifications.approve(db, notification_id=decided.notification_id, actor="tracer")
    notifications.approve(db, notification_id=decided.notification_id, actor="liaison")
    report = notifications.deliver(db, channel=channel, actor="liaison")
    assert report.sent == [decided.notification_id] and not report.failed
    ((to, first),) = inbox.messages
    assert to == [EMAIL]
    assert _subject(first) == f"Підтверджено перебування в полоні: {case.reference}"
    assert first["X-Homecoming-Case"] == case.reference

    assert lead.record_id is not None
    _handover(db, lead.record_id)
    (news,) = leads.queue(db)
    assert news.evidence["source_kind"] == "handover" and news.fate == "released"
    assert news.reason.startswith("news")
    released = leads.decide(
        db, lead_id=news.id, decision=Decision.VERIFY, reason="handover", actor="tracer"
    )
    assert released.status == "released" and released.notification_id
    notifications.approve(db, notification_id=released.notification_id, actor="admin")
    notifications.deliver(db, channel=channel, actor="admin")
    assert _subject(inbox.messages[-1][1]) == f"Повернення з полону: {case.reference}"
    assert not inquiries.show(db, case.id).open  # closed: no more re-matching

    assert audit.verify(db).ok
    with db.reading() as session:
        entries = list(session.scalars(select(AuditEntry)))
    logged = json.dumps([e.details for e in entries], ensure_ascii=False)
    assert EMAIL not in logged and PHONE not in logged
    reads = [e for e in entries if e.action == "contacts.read"]
    assert len(reads) == 2  # each delivery read the address, and the read is audited


class Refusing:
    """An aiosmtpd handler refusing every recipient, repeating the address as servers do."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


def test_a_refused_address_is_kept_nowhere(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 22: the outbox, the notification, the audit log and the log keep only the code."""
    port = _free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        channel = SmtpChannel(host="127.0.0.1", port=port, sender="tracing@bureau.example")
        _parties(db)
        _ukrainian_inquiry(db)
        _other_party_list(db)
        (lead,) = leads.queue(db)
        decided = leads.decide(
            db, lead_id=lead.id, decision=Decision.VERIFY, reason="same dob", actor="tracer"
        )
        assert decided.notification_id
        notifications.approve(db, notification_id=decided.notification_id, actor="liaison")
        report = notifications.deliver(db, channel=channel, actor="liaison")
    finally:
        controller.stop()
    assert report.failed and EMAIL not in json.dumps(report.failed)
    shown = notifications.show(db, decided.notification_id)
    assert "550" in shown.last_error and EMAIL not in shown.last_error
    with db.reading() as session:
        details = json.dumps([e.details for e in session.scalars(select(AuditEntry))])
    assert "550" in details and EMAIL not in details
    assert EMAIL not in caplog.text


def test_a_surname_and_a_unit_find_the_right_inquiry(db: Database) -> None:
    _parties(db)
    wanted = _ukrainian_inquiry(db)
    for family, given, unit in (
        ("Нехір", "Петро", "72 ОМБр"),  # same surname, another brigade
        ("Коваленко", "Іван", "36 ОБрМП"),  # same brigade, another surname
    ):
        inquiries.register(
            db,
            request=inquiries.InquiryRequest(
                sought=RecordFields(family_name=family, given_names=given, unit=unit),
                inquirer=Contact(name="Родина", phone="+380000000000"),
                consent=False,
                party="UA",
            ),
            actor="liaison",
        )
    sighting = testimonies.sighting_from_words(
        "Nekhir from the 36th brigade", facility="Колонія № 10", seen_when="2025-03"
    )
    recorded = testimonies.record_testimony(
        db, witness="Петренко І.", sightings=[sighting], actor="tracer", party="UA"
    )
    assert recorded.leads == 1
    (lead,) = leads.queue(db)
    assert lead.inquiry_id == wanted.id and lead.kind == "sighting"
    assert lead.evidence["as_heard"] == "Nekhir from the 36th brigade"
    assert lead.sighting_id == recorded.sightings[0]
    decided = leads.decide(
        db, lead_id=lead.id, decision=Decision.VERIFY, reason="unit fits", actor="tracer"
    )
    # A sighting is evidence of life; it does not confirm captivity on its own.
    assert decided.status == "seen_alive"


def test_rematching_is_incremental_and_idempotent(db: Database) -> None:
    _parties(db)
    case = _ukrainian_inquiry(db)
    _other_party_list(db)
    with db.reading() as session:
        ids = list(session.scalars(select(Record.id).where(Record.source_id == 2)))
    assert (
        leads.rematch_for_records(db, ids, actor="again", search=SearchService(db)) == 0
    )  # the same records: no new lead
    with db.transaction() as session:
        evidence = leads._load_evidence(session, ids)
        pairs = leads._pairs(session, evidence)
    assert set(pairs) == {case.id}  # only the inquiry whose keys meet, not a full rebuild
    assert len(pairs[case.id]) == 1  # and only the record that shares its surname's keys


def test_reject_and_reopen_are_rows(db: Database) -> None:
    _parties(db)
    case = _ukrainian_inquiry(db)
    _other_party_list(db)
    (lead,) = leads.queue(db)
    with pytest.raises(Exception, match="say why"):
        leads.decide(db, lead_id=lead.id, decision=Decision.REJECT, reason=" ", actor="tracer")
    leads.decide(db, lead_id=lead.id, decision=Decision.VERIFY, reason="", actor="tracer")
    undone = leads.decide(
        db, lead_id=lead.id, decision=Decision.REOPEN, reason="wrong man", actor="admin"
    )
    assert undone.status == "registered" and undone.lead.state == LeadState.PENDING
    leads.decide(db, lead_id=lead.id, decision=Decision.REJECT, reason="other dob", actor="admin")
    shown = leads.show(db, lead.id)
    assert [d["decision"] for d in shown.decisions] == ["verify", "reopen", "reject"]
    assert inquiries.show(db, case.id).status == "registered"


@pytest.mark.parametrize("service_number", ["", "ВТ-444079"])
def test_a_full_namesake_born_years_apart_is_no_lead_for_a_new_inquiry(
    db: Database, service_number: str
) -> None:
    """The registry's proposals for a newly registered inquiry obey the rule every candidate
    does (docs/tracing.md): years of birth more than one apart, and not one digit apart, are
    not scored. The same full name and patronymic born 14 years later is another man, whether
    or not his record gives a service number (only the inquiry's own number, agreeing, would
    outweigh the year)."""
    _parties(db)
    rows = [
        Evidence(
            line=2,
            raw={"Name": "Нехір Олександр Іванович", "Born": "1973-02-11"},
            fields=RecordFields(
                family_name="Нехір",
                given_names="Олександр",
                patronymic="Іванович",
                date_of_birth=PartialDate(1973, 2, 11),
                service_number=service_number,
                fate=Fate.DETAINED,
            ),
        )
    ]
    source = registry.SourceInfo(kind=SourceKind.ICRC_VISIT, name="ICRC visits", party="RU")
    registry.import_evidence(db, source=source, rows=rows, actor="registrar")
    _ukrainian_inquiry(db)  # Нехір Олександр Іванович, born 1987-05-23
    assert leads.queue(db) == []


def test_scoring_happens_before_the_write_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's write transaction holds the one write lock: no writer waits on scoring."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the one write lock is SQLite's")
    _parties(db)
    case = _ukrainian_inquiry(db)
    scored_while = _watch_scoring(monkeypatch)
    _other_party_list(db)  # lands a misspelt namesake of the inquiry: a lead
    assert scored_while and not any(scored_while)
    assert [lead.inquiry_id for lead in leads.queue(db)] == [case.id]


def test_matching_an_inquiry_against_the_registry_scores_before_the_write_transaction(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`match_inquiries` (`homecoming inquiries match`) scores like the re-match: ahead of the
    write transaction (SQLite's one write lock); the lead is written once."""
    _parties(db)
    db.unsubscribe("tracing")  # what lands waits: only `match_inquiries` matches here
    case = _ukrainian_inquiry(db)
    _other_party_list(db)
    assert leads.queue(db) == []
    scored_while = _watch_scoring(monkeypatch)
    search = SearchService(db)
    assert leads.match_inquiries(db, [case.id], actor="liaison", search=search) == 1
    assert scored_while and not any(scored_while)
    assert [lead.inquiry_id for lead in leads.queue(db)] == [case.id]
    assert leads.match_inquiries(db, [case.id], actor="liaison", search=search) == 0


def _watch_scoring(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether SQLite's write lock was held at each call of tracing's scoring, in order."""
    from homecoming.services.leads import matching
    from homecoming.store.db import _SqliteWriters

    scored_while: list[bool] = []
    score = matching.score

    def watched_score(*args: Any, **kwargs: Any) -> Any:
        scored_while.append(bool(getattr(_SqliteWriters._held, "paths", set())))
        return score(*args, **kwargs)

    monkeypatch.setattr(matching, "score", watched_score)
    return scored_while


def test_a_warmed_drainer_has_its_index_before_any_record_lands(
    db: Database, tmp_path: Path
) -> None:
    """`homecoming serve`'s drainer warms up as it starts (`leads.warm`): the search index
    whose name frequencies a score weighs by is there before the first drain."""
    search = SearchService(db, snapshot=tmp_path / "search-index.npz")
    assert not search.ready
    leads.warm(search)
    assert search.ready

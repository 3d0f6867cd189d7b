"""Case management on SQLite and PostgreSQL: owner and office, hand-overs between offices,
follow-up dates and their queue, the contact log, and the "no news yet" queue."""

from __future__ import annotations

import datetime as dt

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.domain.roles import Role
from homecoming.errors import InvalidInput, NotFound
from homecoming.services import audit, cases, erasure, inquiries, registry, users
from homecoming.services.cases import ContactKind
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry
from homecoming.store.tracing_models import Inquiry

from ..api.conftest import fast

NOW = dt.datetime.now(dt.UTC)


def _world(db: Database, settings: Settings) -> tuple[str, str]:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    for name, role in (("olena", Role.FAMILY_LIAISON), ("petro", Role.TRACING_OFFICER)):
        users.add_user(
            db,
            username=name,
            password="correct horse battery staple",
            role=role,
            actor="admin",
            hasher=users.password_hasher(fast(settings)),
        )
    users.add_user(
        db,
        username="reg",
        password="correct horse battery staple",
        role=Role.REGISTRAR,
        actor="admin",
        hasher=users.password_hasher(fast(settings)),
    )
    refs = []
    for family in ("Нехір", "Бондар"):
        found = inquiries.register(
            db,
            request=inquiries.InquiryRequest(
                sought=RecordFields(
                    family_name=family, given_names="Олександр", date_of_birth=PartialDate(1987)
                ),
                inquirer=Contact(name="Марія", phone="+380501112233"),
                consent=False,
            ),
            actor="olena",
        )
        refs.append(found.reference)
    return refs[0], refs[1]


def _age(db: Database, reference: str, days: int) -> None:
    with db.transaction() as session:
        row = inquiries.find(session, reference)
        row.created_at = NOW - dt.timedelta(days=days)


def test_owner_office_and_hand_over(db: Database, settings: Settings) -> None:
    first, _ = _world(db, settings)
    case = cases.assign(db, inquiry=first, owner="olena", office="Kyiv", actor="admin")
    assert (case.owner, case.office) == ("olena", "Kyiv")
    with pytest.raises(InvalidInput) as refused:
        cases.assign(db, inquiry=first, owner="reg", office="Lviv", actor="admin")
    assert {p.field for p in refused.value.problems} == {"owner", "office"}
    with pytest.raises(InvalidInput) as refused:
        cases.hand_over(
            db, inquiry=first, to_office="Kyiv", to_owner="nobody", reason="", actor="olena"
        )
    assert {p.field for p in refused.value.problems} == {"to_office", "to_owner", "reason"}
    moved = cases.hand_over(
        db,
        inquiry=first,
        to_office="Lviv",
        to_owner="petro",
        reason="the family moved to Lviv",
        actor="olena",
    )
    assert (moved.owner, moved.office) == ("petro", "Lviv")
    (transfer,) = moved.transfers
    assert (transfer.from_office, transfer.to_office, transfer.from_owner) == (
        "Kyiv",
        "Lviv",
        "olena",
    )
    assert transfer.reason == "the family moved to Lviv"
    with pytest.raises(NotFound):
        cases.assign(db, inquiry="HC-2026-009999", owner="olena", office="Kyiv", actor="admin")


def test_follow_ups_due_and_the_contact_log(db: Database, settings: Settings) -> None:
    first, second = _world(db, settings)
    today = NOW.date()
    cases.assign(db, inquiry=first, owner="olena", office="Kyiv", actor="admin")
    cases.set_follow_up(
        db, inquiry=first, on=today - dt.timedelta(days=2), note="ask for a photo", actor="olena"
    )
    cases.set_follow_up(db, inquiry=second, on=today + dt.timedelta(days=5), note="", actor="olena")
    due = cases.follow_ups_due(db, today=today)
    assert [(r.reference, r.follow_up_note) for r in due] == [(first, "ask for a photo")]
    assert cases.follow_ups_due(db, today=today, office="Lviv") == []
    assert [r.reference for r in cases.follow_ups_due(db, today=today + dt.timedelta(days=5))] == [
        first,
        second,
    ]
    with pytest.raises(InvalidInput):
        cases.log_contact(
            db,
            inquiry=first,
            kind=ContactKind.CALL,
            happened_at=NOW + dt.timedelta(days=1),
            summary="",
            no_news=False,
            actor="olena",
        )
    case = cases.log_contact(
        db,
        inquiry=first,
        kind=ContactKind.VISIT,
        happened_at=NOW,
        summary="the mother brought a letter from him",
        no_news=False,
        actor="olena",
    )
    assert [(c.kind, c.summary) for c in case.contacts] == [
        ("visit", "the mother brought a letter from him")
    ]
    shown = cases.show(db, inquiry=first, actor="petro")
    assert shown.contacts[0].recorded_by == "olena"
    with db.reading() as session:
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
        texts = " ".join(str(e.details) for e in session.query(AuditEntry))
    assert "case.contact_logged" in actions and actions[-1] == "case.read"
    assert "letter from him" not in texts  # the log's text never goes into the audit log
    assert audit.verify(db).ok


def test_no_news_yet_queue(db: Database, settings: Settings) -> None:
    first, second = _world(db, settings)
    _age(db, first, 45)
    _age(db, second, 10)
    due = cases.no_news_due(db, interval_days=30)
    assert [r.reference for r in due] == [first] and due[0].days_without_contact >= 44
    assert [r.reference for r in cases.no_news_due(db, interval_days=7)] == [first, second]
    # A "no news yet" call resets the clock; an old contact does not.
    cases.log_contact(
        db,
        inquiry=first,
        kind=ContactKind.CALL,
        happened_at=NOW - dt.timedelta(days=40),
        summary="",
        no_news=True,
        actor="olena",
    )
    assert [r.reference for r in cases.no_news_due(db, interval_days=30)] == [first]
    cases.log_contact(
        db,
        inquiry=first,
        kind=ContactKind.CALL,
        happened_at=NOW,
        summary="",
        no_news=True,
        actor="olena",
    )
    assert cases.no_news_due(db, interval_days=30) == []
    with db.transaction() as session:  # a closed case is never due
        row = inquiries.find(session, second)
        row.open = False
    assert cases.no_news_due(db, interval_days=7) == []


def test_erasure_blanks_the_log(db: Database, settings: Settings) -> None:
    first, _ = _world(db, settings)
    cases.log_contact(
        db,
        inquiry=first,
        kind=ContactKind.LETTER,
        happened_at=NOW,
        summary="wrote to her at the new flat",
        no_news=False,
        actor="olena",
    )
    cases.set_follow_up(db, inquiry=first, on=NOW.date(), note="call the neighbour", actor="olena")
    erasure.erase(
        db, inquiry=first, reason="the family asked", actor="olena", data_dir=settings.data_dir
    )
    shown = cases.show(db, inquiry=first, actor="admin")
    assert [c.summary for c in shown.contacts] == [""] and shown.follow_up_note == ""
    with db.reading() as session:
        assert session.query(Inquiry).count() == 2

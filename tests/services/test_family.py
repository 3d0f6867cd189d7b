"""The family's own channel: access codes (hashes only), opening a case, the pause after wrong
codes, and what the family page may show (never a death by itself, never the harm flag)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import InvalidInput, TooManyRequests, Unauthorized
from homecoming.notify import OutgoingMessage
from homecoming.services import (
    audit,
    contacts,
    family,
    inquiries,
    leads,
    notifications,
    registry,
)
from homecoming.store.db import Database
from homecoming.store.family_models import FamilyAccess
from homecoming.store.models import AuditEntry
from homecoming.tracing.inquiry import FamilyStatus, SharingScope
from homecoming.tracing.lead_rules import Decision

HASHER = PasswordHasher(time_cost=1, memory_cost=8192)
POLICY = family.FamilyPolicy(max_failures=5, max_failures_per_address=10)


class Outbox:
    """A channel that keeps what it is given (the SMTP path has its own tests)."""

    name = "email"

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


def _register(
    db: Database, family_name: str = "Нехір", *, harm_risk: bool = False
) -> tuple[inquiries.Registered, str]:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    code, code_hash = family.new_code_and_hash(HASHER)
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=family_name, given_names="Олександр", date_of_birth=PartialDate(1987, 5, 23)
        ),
        inquirer=Contact(name="Марія", email="maria@example.org"),
        consent=True,
        scope=SharingScope.OTHER_PARTY,
        harm_risk=harm_risk,
        party="UA",
    )
    found = inquiries.register(db, request=request, actor="liaison", family_code_hash=code_hash)
    return found, code


def _open(db: Database, reference: str, code: str, client: str = "10.0.0.1") -> family.FamilyVisit:
    return family.open_case(
        db, reference=reference, code=code, client=client, hasher=HASHER, policy=POLICY
    )


def test_the_code_is_kept_only_as_a_hash(db: Database) -> None:
    case, code = _register(db)
    assert len(code) == 14 and code.count("-") == 2
    with db.reading() as session:
        (row,) = session.scalars(select(FamilyAccess)).all()
        logged = json.dumps([e.details for e in session.scalars(select(AuditEntry))])
    assert row.inquiry_id == case.id and row.code_hash.startswith("$argon2id$")
    assert code not in row.code_hash and code not in logged
    assert code.replace("-", "") not in logged


def test_the_right_code_opens_the_case_typed_loosely(db: Database) -> None:
    case, code = _register(db)
    visit = _open(db, f" {case.reference.lower()} ", code.lower().replace("-", " "))
    assert visit.inquiry_id == case.id and family.visit_is_current(db, visit)
    shown = family.case_for_family(db, visit.inquiry_id)
    assert shown.reference == case.reference and shown.status is FamilyStatus.REGISTERED
    assert shown.next_step == family.NextStep.REGISTERED and shown.messages == []


def test_a_wrong_code_is_refused_like_an_unknown_reference(db: Database) -> None:
    case, code = _register(db)
    other = f"{case.reference[:-6]}{case.id + 1:06d}"
    refusals = []
    for reference, given in (
        (case.reference, "AAAA-BBBB-CCCC"),
        (other, code),
        (str(case.id), code),  # the bare number is not the reference
    ):
        with pytest.raises(Unauthorized) as refused:
            _open(db, reference, given, client=f"10.0.0.{len(refusals) + 2}")
        refusals.append((refused.value.status_code, refused.value.message))
    assert len(set(refusals)) == 1
    with db.reading() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count(family.ATTEMPT) == 3 and actions.count(family.REFUSED) == 3


def test_wrong_codes_for_one_case_are_paused_whatever_the_address(db: Database) -> None:
    case, code = _register(db)
    for n in range(POLICY.max_failures):
        with pytest.raises(Unauthorized):
            _open(db, case.reference, "WRONG-CODE", client=f"10.1.0.{n}")
    with pytest.raises(TooManyRequests) as paused:
        _open(db, case.reference, code, client="10.9.9.9")  # even the right code waits
    assert paused.value.status_code == 429 and paused.value.retry_after > 0
    with db.reading() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert family.THROTTLED in actions  # audited, yet not counted as an attempt
    assert actions.count(family.ATTEMPT) == POLICY.max_failures
    assert audit.verify(db).ok


def test_ten_wrong_codes_from_one_address_are_paused(db: Database) -> None:
    case, _code = _register(db)
    for n in range(POLICY.max_failures_per_address):
        with pytest.raises(Unauthorized):
            _open(db, f"HC-2026-{900 + n:06d}", "WRONG-CODE", client="10.2.0.1")
    with pytest.raises(TooManyRequests):
        _open(db, case.reference, "WRONG-CODE", client="10.2.0.1")
    with pytest.raises(Unauthorized):  # another address is not paused
        _open(db, case.reference, "WRONG-CODE", client="10.2.0.2")


def test_a_success_clears_the_count_and_old_attempts_fall_out_of_the_window(db: Database) -> None:
    case, code = _register(db)
    for _ in range(POLICY.max_failures - 1):
        with pytest.raises(Unauthorized):
            _open(db, case.reference, "WRONG-CODE")
    _open(db, case.reference, code)
    for _ in range(POLICY.max_failures):
        with pytest.raises(Unauthorized):
            _open(db, case.reference, "WRONG-CODE")
    later = dataclasses.replace(POLICY, window=dt.timedelta(microseconds=1))
    visit = family.open_case(
        db, reference=case.reference, code=code, client="10.0.0.1", hasher=HASHER, policy=later
    )
    assert visit.inquiry_id == case.id


def test_a_new_code_ends_the_old_one_and_its_visits(db: Database) -> None:
    case, code = _register(db)
    visit = _open(db, case.reference, code)
    new = family.issue_code(db, inquiry=case.reference, hasher=HASHER, actor="liaison")
    assert new != code and not family.visit_is_current(db, visit)
    with pytest.raises(Unauthorized):
        _open(db, case.reference, code)
    assert family.visit_is_current(db, _open(db, case.reference, new))


def _held(db: Database, fate: Fate, kind: SourceKind = SourceKind.PARTY_LIST) -> None:
    rows = [
        Evidence(
            line=2,
            raw={"Name": "NEKHYR Oleksandr"},
            fields=RecordFields(
                family_name="NEKHYR",
                given_names="Oleksandr",
                date_of_birth=PartialDate(1987, 5, 23),
                fate=fate,
                place_of_detention="Colony No. 10",
            ),
        )
    ]
    source = registry.SourceInfo(kind=kind, name="RU: list", party="RU")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    registry.import_evidence(db, source=source, rows=rows, actor="registrar")


def _verify_and_send(db: Database) -> int:
    (lead,) = leads.queue(db)
    decided = leads.decide(
        db, lead_id=lead.id, decision=Decision.VERIFY, reason="same dob", actor="tracer"
    )
    assert decided.notification_id
    notifications.approve(db, notification_id=decided.notification_id, actor="liaison")
    notifications.deliver(db, channel=Outbox(), actor="liaison")
    return decided.notification_id


def test_the_page_shows_the_status_its_date_and_the_messages_sent(db: Database) -> None:
    case, code = _register(db)
    _held(db, Fate.DETAINED)
    _verify_and_send(db)
    shown = family.case_for_family(db, _open(db, case.reference, code).inquiry_id)
    assert shown.status is FamilyStatus.CONFIRMED_CAPTIVITY
    assert shown.next_step == family.NextStep.CAPTIVITY
    with db.reading() as session:
        verified_at = session.scalar(
            select(AuditEntry.at).where(AuditEntry.action == "lead.verified")
        )
    assert verified_at is not None
    assert shown.status_at.replace(tzinfo=None) == verified_at.replace(tzinfo=None)
    (message,) = shown.messages
    assert message.subject == f"Підтверджено перебування в полоні: {case.reference}"
    text = json.dumps(dataclasses.asdict(shown), default=str, ensure_ascii=False)
    for withheld in ("Colony No. 10", "NEKHYR", "maria@example.org", "tracer", "liaison"):
        assert withheld not in text  # no evidence, no contacts, no staff


def test_a_death_is_never_told_by_the_page(db: Database) -> None:
    case, code = _register(db)
    _held(db, Fate.DECEASED)
    (lead,) = leads.queue(db)
    decided = leads.decide(
        db, lead_id=lead.id, decision=Decision.VERIFY, reason="record", actor="tracer"
    )
    # The other party's list reports a death; only an identification would make it "deceased".
    assert decided.status == FamilyStatus.REPORTED_DECEASED.value
    inquiry_id = _open(db, case.reference, code).inquiry_id
    before = family.case_for_family(db, inquiry_id)
    assert before.status is FamilyStatus.INFORMATION_ADDED
    assert before.next_step == family.NextStep.CHECKING and not before.messages
    assert decided.notification_id
    notifications.approve(db, notification_id=decided.notification_id, actor="liaison")
    notifications.deliver(db, channel=Outbox(), actor="liaison")
    after = family.case_for_family(db, inquiry_id)
    assert after.status is FamilyStatus.INFORMATION_ADDED  # still: told in person
    assert after.next_step == family.NextStep.IN_PERSON
    assert after.messages[0].subject.startswith("Просимо зв'язатися з нами")


def test_a_video_of_him_alive_is_information_added_never_released(db: Database) -> None:
    case, code = _register(db)
    _held(db, Fate.FOUND_ALIVE, kind=SourceKind.VIDEO)
    _verify_and_send(db)
    assert inquiries.show(db, case.id).status == FamilyStatus.SEEN_ALIVE.value
    shown = family.case_for_family(db, _open(db, case.reference, code).inquiry_id)
    assert (shown.status, shown.next_step) == (
        FamilyStatus.INFORMATION_ADDED,
        family.NextStep.CHECKING,
    )


def test_the_harm_flag_leaves_no_trace_on_the_page(db: Database) -> None:
    plain, plain_code = _register(db, "Нехір")
    flagged, flagged_code = _register(db, "Бондар", harm_risk=True)
    one = family.case_for_family(db, _open(db, plain.reference, plain_code).inquiry_id)
    other = family.case_for_family(db, _open(db, flagged.reference, flagged_code).inquiry_id)
    same = {"reference": "", "name": "", "status_at": None}
    assert dataclasses.replace(one, **same) == dataclasses.replace(other, **same)  # type: ignore[arg-type]


def test_a_withdrawn_case_dates_from_the_withdrawal(db: Database) -> None:
    case, code = _register(db)
    inquiries.withdraw(db, inquiry=case.id, reason="found him ourselves", actor="liaison")
    shown = family.case_for_family(db, _open(db, case.reference, code).inquiry_id)
    assert shown.status is FamilyStatus.WITHDRAWN and shown.next_step == family.NextStep.WITHDRAWN
    registered = inquiries.show(db, case.id).created_at
    assert shown.status_at.replace(tzinfo=None) >= registered.replace(tzinfo=None)


def test_the_family_changes_its_contacts_and_only_the_field_names_are_audited(
    db: Database,
) -> None:
    case, code = _register(db)
    inquiry_id = _open(db, case.reference, code).inquiry_id
    with pytest.raises(InvalidInput):
        family.update_contacts(db, inquiry_id=inquiry_id, client="10.0.0.1")
    with pytest.raises(InvalidInput) as bad:
        family.update_contacts(db, inquiry_id=inquiry_id, client="10.0.0.1", email="not an email")
    assert [p.field for p in bad.value.problems] == ["email"]
    changed = family.update_contacts(
        db,
        inquiry_id=inquiry_id,
        client="10.0.0.1",
        phone="+380 67 111 22 33",
        email="maria@example.org",
    )
    assert changed == ["phone"]  # the e-mail was already this one
    (contact,) = contacts.read_contacts(db, record_id=case.record_id, actor="liaison", purpose="t")
    assert contact.phone == "+380 67 111 22 33" and contact.email == "maria@example.org"
    assert contact.name == "Марія"  # what was left blank stays
    with db.reading() as session:
        logged = json.dumps([e.details for e in session.scalars(select(AuditEntry))])
    assert "111 22 33" not in logged and '"fields": ["phone"]' in logged


def test_the_family_withdraws_its_consent(db: Database) -> None:
    case, code = _register(db)
    inquiry_id = _open(db, case.reference, code).inquiry_id
    assert inquiries.show(db, case.id).effective_scope == "other_party"
    assert family.withdraw_consent(db, inquiry_id=inquiry_id, client="10.0.0.1")
    view = inquiries.show(db, case.id)
    assert not view.consent and view.effective_scope == "bureau"
    assert not family.case_for_family(db, inquiry_id).consent
    assert not family.withdraw_consent(db, inquiry_id=inquiry_id, client="10.0.0.1")
    assert audit.verify(db).ok

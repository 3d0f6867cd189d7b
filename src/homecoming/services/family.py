"""The family's own channel: the access code, opening the case page with it, what the page shows.

A family is given a case reference and an access code once, when the inquiry is registered.
Only an Argon2 hash of the code is kept. With both, the family page shows the family status and
its date, what happens next, and the messages sent to them: never other people's data, the
evidence, or anything the sharing rules (GCIV Art. 137) hold back.

A wrong code and an unknown reference get the same answer, and take the same time. Attempts
are counted per reference and per address before the code is checked, like logins: past the
limit the answer is 429, and every attempt is in the audit log (never the code).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homecoming.errors import InvalidInput, NotFound, RowProblem, TooManyRequests, Unauthorized
from homecoming.services import audit
from homecoming.services.persons import record_fields
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.family_models import FamilyAccess, Nudge
from homecoming.store.models import AuditEntry, Contact, Record
from homecoming.store.tracing_models import Inquiry, Lead, Notification, OutboxMessage
from homecoming.tracing.inquiry import FamilyStatus, parse_reference
from homecoming.tracing.letter import family_letter

# No 0/O, 1/I/L: a code read aloud over the phone or copied from a letter survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4  # 12 characters of 31: about 59 bits
ATTEMPT = "family.access_attempt"  # written (and counted) before the code is checked
OPENED = "family.access_opened"
REFUSED = "family.access_refused"
THROTTLED = "family.access_throttled"
NO_SUCH_CASE = "no case with this reference and access code"


def new_code() -> str:
    """A fresh access code, grouped for reading: 'K7QM-2XWD-9HTA'."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalise_code(text: str) -> str:
    """What is hashed and checked: the code's letters and digits, upper case."""
    return "".join(c for c in text.upper() if c.isalnum())[:64]


def hash_code(code: str, hasher: PasswordHasher) -> str:
    """The Argon2 hash kept for a code (slow on purpose: hash before any transaction)."""
    return hasher.hash(normalise_code(code))


def new_code_and_hash(hasher: PasswordHasher) -> tuple[str, str]:
    """A code to give the family once, and the hash to keep."""
    code = new_code()
    return code, hash_code(code, hasher)


def add_access(session: Session, *, inquiry_id: int, code_hash: str, actor: str) -> int:
    """Keep a code's hash for an inquiry (in the caller's transaction); the newest one counts."""
    row = FamilyAccess(inquiry_id=inquiry_id, code_hash=code_hash, issued_by=actor)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="family.code_issued",
        subject=f"inquiry:{inquiry_id}",
        details={"access": row.id},
    )
    return row.id


def issue_code(db: Database, *, inquiry: int | str, hasher: PasswordHasher, actor: str) -> str:
    """A new access code for a case (the family lost theirs); the old one stops working."""
    code, code_hash = new_code_and_hash(hasher)
    with db.transaction() as session:
        row = _inquiry(session, inquiry)
        add_access(session, inquiry_id=row.id, code_hash=code_hash, actor=actor)
    return code


def _inquiry(session: Session, inquiry: int | str) -> Inquiry:
    number = parse_reference(inquiry) if isinstance(inquiry, str) else inquiry
    row = session.get(Inquiry, number) if number is not None else None
    if row is None:
        raise NotFound(
            f"no inquiry {inquiry!r}; `homecoming inquiries list` shows the registered ones"
        )
    return row


def office_contact(settings: Settings) -> list[str]:
    """How a family reaches the office: the configured phone, e-mail and address."""
    return [v for v in (settings.office_phone, settings.office_email, settings.office_address) if v]


def letter(settings: Settings, *, language: str, reference: str, code: str) -> str:
    """The letter to hand the family: reference, code, the page, how to reach the office."""
    return family_letter(
        language,
        reference=reference,
        code=code,
        page=settings.family_page_url,
        contact="\n".join(office_contact(settings)),
    )


# --- opening the case page -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilyPolicy:
    """How many attempts per window, per reference and per address; how long a visit lasts."""

    max_failures: int = 5
    max_failures_per_address: int = 10
    window: dt.timedelta = dt.timedelta(minutes=15)
    visit_age: dt.timedelta = dt.timedelta(minutes=30)

    @classmethod
    def of(cls, settings: Settings) -> FamilyPolicy:
        return cls(
            max_failures=settings.family_max_failures,
            max_failures_per_address=settings.family_max_failures_per_address,
            window=dt.timedelta(seconds=settings.family_failure_window_seconds),
            visit_age=dt.timedelta(seconds=settings.family_visit_seconds),
        )


@dataclass(frozen=True, slots=True)
class FamilyVisit:
    """A family let in: which case, by which code (a new code ends the visits of the old)."""

    inquiry_id: int
    access_id: int


def reference_key(reference: str) -> str:
    """The reference as typed, tidied: what attempts are counted by."""
    return "".join(reference.split()).upper()[:40]


def open_case(
    db: Database,
    *,
    reference: str,
    code: str,
    client: str,
    hasher: PasswordHasher,
    policy: FamilyPolicy,
) -> FamilyVisit:
    """Let a family in with its reference and code, or refuse alike whatever was wrong."""
    key = reference_key(reference)
    try:
        with db.transaction() as session:
            _count_attempt(session, key, client, policy)
            found = _access(session, key)
    except TooManyRequests:
        with db.transaction() as session:
            _audit(session, THROTTLED, key, client)
        raise
    access_id, inquiry_id, code_hash = found or (0, 0, "")
    refusal = _refusal(code_hash, code, hasher)  # Argon2 outside any transaction
    with db.transaction() as session:
        if refusal:
            _audit(session, REFUSED, key, client, reason=refusal)
        else:
            _audit(session, OPENED, key, client, inquiry=inquiry_id)
    if refusal:
        raise Unauthorized(NO_SUCH_CASE)
    return FamilyVisit(inquiry_id, access_id)


def visit_is_current(db: Database, visit: FamilyVisit) -> bool:
    """True while the code the family came in with is still the case's newest."""
    with db.reading() as session:
        return _newest_access(session, visit.inquiry_id) == visit.access_id


def _access(session: Session, key: str) -> tuple[int, int, str] | None:
    number = parse_reference(key)
    inquiry = session.get(Inquiry, number) if number is not None else None
    if inquiry is None or inquiry.reference != key:  # a bare number is not a reference
        return None
    row = session.scalars(
        select(FamilyAccess)
        .where(FamilyAccess.inquiry_id == inquiry.id)
        .order_by(FamilyAccess.id.desc())
        .limit(1)
    ).first()
    return (row.id, inquiry.id, row.code_hash) if row else None


def _newest_access(session: Session, inquiry_id: int) -> int | None:
    return session.scalar(
        select(FamilyAccess.id)
        .where(FamilyAccess.inquiry_id == inquiry_id)
        .order_by(FamilyAccess.id.desc())
        .limit(1)
    )


_DUMMY_HASHES: dict[tuple[int, int], str] = {}


def _refusal(code_hash: str, code: str, hasher: PasswordHasher) -> str:
    """Why the code does not open the case ('' when it does); the same work either way."""
    given = normalise_code(code)
    if not code_hash:
        key = (hasher.time_cost, hasher.memory_cost)
        if key not in _DUMMY_HASHES:
            _DUMMY_HASHES[key] = hasher.hash(secrets.token_urlsafe(12))
        with contextlib.suppress(VerificationError):
            hasher.verify(_DUMMY_HASHES[key], given)
        return "unknown reference or no code issued"
    try:
        hasher.verify(code_hash, given)
    except (VerificationError, InvalidHashError):
        return "wrong code"
    return ""


def _count_attempt(session: Session, key: str, client: str, policy: FamilyPolicy) -> None:
    """Record this attempt, then refuse it (rolled back) if it is one too many."""
    _audit(session, ATTEMPT, key, client)
    now = dt.datetime.now(dt.UTC)
    by_case, by_address = _recent_attempts(session, key, client, since=now - policy.window)
    for attempts, limit in (
        (by_case, policy.max_failures),
        (by_address, policy.max_failures_per_address),
    ):
        earlier = attempts[:-1]  # the last one is this attempt
        if len(earlier) >= limit:
            wait = max(math.ceil((earlier[-limit] + policy.window - now).total_seconds()), 1)
            raise TooManyRequests(
                f"too many attempts: try again in {wait} seconds", retry_after=wait
            )


def _recent_attempts(
    session: Session, key: str, client: str, *, since: dt.datetime
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """Attempts since `since` for this reference and from this address, after its last success."""
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.at, AuditEntry.subject, AuditEntry.details)
        .where(AuditEntry.action.in_((ATTEMPT, OPENED)), AuditEntry.at >= since)
        .order_by(AuditEntry.id)
    ).all()
    by_case: list[dt.datetime] = []
    by_address: list[dt.datetime] = []
    for action, at, subject, details in rows:
        mine, here = subject == _subject(key), details.get("client") == client
        if action == OPENED:
            by_case = [] if mine else by_case
            by_address = [] if here else by_address
            continue
        moment = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        if mine:
            by_case.append(moment)
        if here:
            by_address.append(moment)
    return by_case, by_address


def _audit(session: Session, action: str, key: str, client: str, **details: object) -> None:
    audit.append(
        session,
        actor="family",
        action=action,
        subject=_subject(key),
        details={"client": client, **details},
    )


def _subject(key: str) -> str:
    return f"family:{key}"


# --- what the page shows ---------------------------------------------------------------------


class NextStep:
    """What the page says happens next, by the status the family is shown."""

    REGISTERED = "registered"
    CHECKING = "checking"
    CAPTIVITY = "captivity"
    RELEASED = "released"
    IN_PERSON = "in_person"  # the family was asked to let an officer speak with them
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class FamilyMessage:
    subject: str
    body: str
    sent_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class FamilyCase:
    """Everything the family page shows, and nothing else."""

    reference: str
    name: str  # whom the family is looking for, as they told us
    status: FamilyStatus
    status_at: dt.datetime
    next_step: str
    language: str
    messages: list[FamilyMessage]
    consent: bool  # the family's own choice: may the report go beyond the bureau


def case_for_family(db: Database, inquiry_id: int) -> FamilyCase:
    """The case as its family sees it.

    A death, identified or only reported, is never told by this page: until the family was asked
    (by an approved message) to let an officer speak with them, such a case shows as
    "information added"; after, the page says the same as that message and no more. Evidence
    of life shows as "information added" too, as its message says.
    """
    with db.reading() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None:
            raise NotFound(NO_SUCH_CASE)
        record = session.get(Record, inquiry.record_id)
        assert record is not None
        messages = _messages(session, inquiry.id)
        status = FamilyStatus(inquiry.status)
        asked = any(t == FamilyStatus.DECEASED.value for t, _ in _sent_templates(session, inquiry))
        shown, step = _shown(status, asked=asked)
        return FamilyCase(
            reference=inquiry.reference,
            name=record_fields(record).display_name(),
            status=shown,
            status_at=_status_at(session, inquiry),
            next_step=step,
            language=inquiry.language,
            messages=messages,
            consent=inquiry.consent,
        )


def _shown(status: FamilyStatus, *, asked: bool) -> tuple[FamilyStatus, str]:
    if status in (FamilyStatus.DECEASED, FamilyStatus.REPORTED_DECEASED):
        step = NextStep.IN_PERSON if asked else NextStep.CHECKING
        return FamilyStatus.INFORMATION_ADDED, step
    if status is FamilyStatus.SEEN_ALIVE:
        # Evidence of life is told as the message told it: information added, being checked.
        return FamilyStatus.INFORMATION_ADDED, NextStep.CHECKING
    return status, {
        FamilyStatus.REGISTERED: NextStep.REGISTERED,
        FamilyStatus.INFORMATION_ADDED: NextStep.CHECKING,
        FamilyStatus.CONFIRMED_CAPTIVITY: NextStep.CAPTIVITY,
        FamilyStatus.RELEASED: NextStep.RELEASED,
        FamilyStatus.WITHDRAWN: NextStep.WITHDRAWN,
    }[status]


def _sent_templates(session: Session, inquiry: Inquiry) -> list[tuple[str, int]]:
    return [
        (template, nid)
        for template, nid in session.execute(
            select(Notification.template, Notification.id).where(
                Notification.inquiry_id == inquiry.id, Notification.state == "sent"
            )
        )
    ]


def _messages(session: Session, inquiry_id: int) -> list[FamilyMessage]:
    """The messages sent, newest first, dated by their e-mail or else their first nudge."""
    first_nudge = (
        select(func.min(Nudge.sent_at))
        .where(Nudge.notification_id == Notification.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Notification.subject,
            Notification.body,
            func.coalesce(OutboxMessage.sent_at, first_nudge),
        )
        .outerjoin(OutboxMessage, OutboxMessage.notification_id == Notification.id)
        .where(Notification.inquiry_id == inquiry_id, Notification.state == "sent")
        .order_by(Notification.id.desc())
    ).all()
    return [FamilyMessage(subject, body, _aware(sent_at)) for subject, body, sent_at in rows]


def _status_at(session: Session, inquiry: Inquiry) -> dt.datetime:
    """When the case reached its status: the decision that moved it, or the registration."""
    registered = _aware(inquiry.created_at)
    assert registered is not None
    if inquiry.status == FamilyStatus.REGISTERED.value:
        return registered
    if inquiry.status == FamilyStatus.WITHDRAWN.value:
        withdrawn = session.scalar(
            select(AuditEntry.at)
            .where(
                AuditEntry.action == "inquiry.withdrawn",
                AuditEntry.subject == f"inquiry:{inquiry.id}",
            )
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        return _aware(withdrawn) or registered
    leads = [
        f"lead:{i}" for i in session.scalars(select(Lead.id).where(Lead.inquiry_id == inquiry.id))
    ]
    moved = registered
    for start in range(0, len(leads), 500):
        for at, details in session.execute(
            select(AuditEntry.at, AuditEntry.details).where(
                AuditEntry.action.in_(("lead.verified", "lead.rejected", "lead.reopened")),
                AuditEntry.subject.in_(leads[start : start + 500]),
            )
        ):
            changed = details.get("status") != details.get("previous_status")
            when = _aware(at)
            if changed and details.get("status") == inquiry.status and when and when > moved:
                moved = when
    return moved


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- what the family changes itself -----------------------------------------------------------

CONTACT_LIMITS = {"phone": 100, "email": 300, "address": 1000}


def update_contacts(
    db: Database,
    *,
    inquiry_id: int,
    client: str,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> list[str]:
    """The family's new phone, e-mail or address replace the ones they gave (blank: kept).

    Returns the fields changed; the audit entry names them, never their values.
    """
    given = {"phone": phone.strip(), "email": email.strip(), "address": address.strip()}
    problems = [
        RowProblem(0, name, f"at most {CONTACT_LIMITS[name]} characters")
        for name, value in given.items()
        if len(value) > CONTACT_LIMITS[name]
    ]
    if given["email"] and not _looks_like_email(given["email"]):
        problems.append(RowProblem(0, "email", "an e-mail address looks like name@example.org"))
    if problems:
        raise InvalidInput("the contact details cannot be kept", problems)
    wanted = {name: value for name, value in given.items() if value}
    if not wanted:
        raise InvalidInput("give a new phone, e-mail or address")
    with db.transaction() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None:
            raise NotFound(NO_SUCH_CASE)
        row = session.scalars(
            select(Contact).where(Contact.record_id == inquiry.record_id).order_by(Contact.id)
        ).first()
        if row is None:
            row = Contact(record_id=inquiry.record_id)
            session.add(row)
        changed = [name for name, value in wanted.items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, wanted[name])
        session.flush()
        audit.append(
            session,
            actor="family",
            action="family.contacts_updated",
            subject=f"inquiry:{inquiry.id}",
            details={"fields": changed, "contact": row.id, "client": client},
        )
    return changed


def _looks_like_email(text: str) -> bool:
    local, at, domain = text.partition("@")
    return bool(local and at and "." in domain and not any(c.isspace() for c in text))


def withdraw_consent(db: Database, *, inquiry_id: int, client: str) -> bool:
    """The family takes back its consent: the report stays with the bureau from now on.

    Returns False when there was no consent to withdraw (nothing changes, nothing audited).
    """
    with db.transaction() as session:
        inquiry = session.get(Inquiry, inquiry_id)
        if inquiry is None:
            raise NotFound(NO_SUCH_CASE)
        if not inquiry.consent:
            return False
        inquiry.consent = False
        audit.append(
            session,
            actor="family",
            action="family.consent_withdrawn",
            subject=f"inquiry:{inquiry.id}",
            details={"reference": inquiry.reference, "client": client},
        )
    return True

"""An inquiry's request, its checks, and registering one or a file of them (one transaction)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import AlreadyImported, InvalidInput, NotFound, RowProblem
from homecoming.services import audit, family, registry
from homecoming.services.inquiries.reading import described
from homecoming.store.db import Database
from homecoming.store.models import Party, Source
from homecoming.store.tracing_models import Inquiry, InquiryKey
from homecoming.tracing.inquiry import (
    LANGUAGES,
    FamilyStatus,
    SharingScope,
    case_reference,
)
from homecoming.tracing.matching import inquiry_keys


@dataclass(frozen=True, slots=True)
class InquiryRequest:
    """What a family tells the bureau: who is sought, who asks, and how far it may be shared."""

    sought: RecordFields
    inquirer: Contact
    consent: bool
    scope: SharingScope = SharingScope.BUREAU
    harm_risk: bool = False
    language: str = "uk"
    call_sign: str = ""
    circumstances: str = ""
    party: str | None = None  # the family's side, e.g. UA
    received_via: str = ""  # hotline, in person, letter...


@dataclass(frozen=True, slots=True)
class Registered:
    """A registered inquiry: the case reference the family is given."""

    id: int
    reference: str
    record_id: int


def check_request(request: InquiryRequest, *, line: int = 0) -> list[RowProblem]:
    """Every reason the request cannot be registered (empty when it can)."""
    problems = []
    sought = request.sought
    if not (sought.family_name or sought.full_name or sought.given_names):
        problems.append(RowProblem(line, "family_name", "say whom the family is looking for"))
    contact = request.inquirer
    if not contact.name.strip():
        problems.append(RowProblem(line, "contact_name", "the inquirer's name is missing"))
    if not (contact.phone or contact.email or contact.address):
        problems.append(
            RowProblem(line, "contact_phone", "give a phone, an e-mail or an address to reply to")
        )
    if request.language not in LANGUAGES:
        problems.append(
            RowProblem(line, "language", f"{request.language!r}: use {', '.join(LANGUAGES)}")
        )
    if not request.consent and request.scope is not SharingScope.BUREAU:
        problems.append(
            RowProblem(
                line,
                "sharing_scope",
                f"the family did not consent, so the report stays with the bureau; "
                f"scope {request.scope.value!r} needs consent",
            )
        )
    return problems


def register(
    db: Database, *, request: InquiryRequest, actor: str, family_code_hash: str = ""
) -> Registered:
    """Register one inquiry; the family is given the case reference. Re-matching follows.

    With `family_code_hash` (from `family.new_code_and_hash`), the family's access code is kept
    in the same transaction.
    """
    problems = check_request(request)
    if problems:
        raise InvalidInput("the inquiry cannot be registered", problems)
    with db.transaction() as session:
        source = _inquiry_source(session, name="Family inquiry", request=request, actor=actor)
        evidence = _evidence(request, line=1)
        (record_id,) = registry.add_evidence(
            session, source_id=source.id, evidence=[evidence], actor=actor
        )
        inquiry = open_case(session, record_id=record_id, request=request, actor=actor)
        source.name = f"Family inquiry {inquiry.reference}"
        source.row_count = 1
        if family_code_hash:
            family.add_access(
                session, inquiry_id=inquiry.id, code_hash=family_code_hash, actor=actor
            )
        result = Registered(inquiry.id, inquiry.reference, record_id)
    return result


def register_many(
    db: Database,
    *,
    requests: Iterable[tuple[int, InquiryRequest] | list[RowProblem]],
    file_name: str,
    content_hash: str = "",
    party: str | None = None,
    actor: str,
    force: bool = False,
) -> list[Registered]:
    """Register a file of inquiries as one source: every row or none."""
    rows: list[tuple[int, InquiryRequest]] = []
    problems: list[RowProblem] = []
    for item in requests:
        if isinstance(item, list):
            problems.extend(item)
        else:
            line, request = item
            problems.extend(check_request(request, line=line))
            rows.append(item)
    if problems:
        raise InvalidInput(
            f"{len({p.line for p in problems})} row(s) of {file_name} are invalid; "
            "no inquiry was registered. Fix them and import the file again",
            problems,
        )
    with db.transaction() as session:
        _refuse_reimport(session, content_hash, file_name, force)
        first = rows[0][1] if rows else None
        source = _inquiry_source(
            session,
            name=f"Family inquiries: {file_name}",
            request=first,
            actor=actor,
            party=party,
            file_name=file_name,
            content_hash=content_hash,
        )
        record_ids = registry.add_evidence(
            session,
            source_id=source.id,
            evidence=[_evidence(request, line=line) for line, request in rows],
            actor=actor,
        )
        source.row_count = len(record_ids)
        found = open_cases(
            session,
            [(rid, request) for rid, (_, request) in zip(record_ids, rows, strict=True)],
            actor=actor,
        )
        audit.append(
            session,
            actor=actor,
            action="inquiries.imported",
            subject=f"source:{source.id}",
            details={
                "file_name": file_name,
                "content_hash": content_hash,
                "inquiries": len(found),
                "first": found[0].reference if found else "",
                "last": found[-1].reference if found else "",
            },
        )
    return found


def _refuse_reimport(session: Session, content_hash: str, file_name: str, force: bool) -> None:
    if not content_hash or force:
        return
    earlier = session.scalars(
        select(Source).where(Source.content_hash == content_hash).limit(1)
    ).first()
    if earlier is not None:
        raise AlreadyImported(
            f"{file_name} was already imported as source {earlier.id} ({earlier.name!r}); "
            "use --force to register its inquiries again"
        )


def _inquiry_source(
    session: Session,
    *,
    name: str,
    request: InquiryRequest | None,
    actor: str,
    party: str | None = None,
    file_name: str = "",
    content_hash: str = "",
) -> Source:
    party = party or (request.party if request else None)
    if party is not None and session.get(Party, party) is None:
        raise NotFound(f"unknown party {party!r}; register it first (`homecoming parties add`)")
    source = Source(
        kind=str(SourceKind.FAMILY_INQUIRY),
        name=name,
        party_code=party,
        received_at=dt.datetime.now(dt.UTC),
        received_from=(request.received_via if request else "") or "family inquiry",
        file_name=file_name,
        content_hash=content_hash,
        row_count=0,
        created_by=actor,
    )
    session.add(source)
    session.flush()
    return source


def _evidence(request: InquiryRequest, *, line: int) -> Evidence:
    sought = request.sought
    # The circumstances stay on the inquiry (read with inquiries.read), never in the
    # record, which every role reads.
    fields = dataclasses.replace(sought, fate=sought.fate or Fate.MISSING)
    raw = {k: v for k, v in _raw(fields).items() if v}
    return Evidence(line=line, raw=raw, fields=fields, contact=request.inquirer)


def _raw(fields: RecordFields) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in dataclasses.fields(fields):
        value = getattr(fields, item.name)
        if isinstance(value, PartialDate):
            values[item.name] = value.iso()
        elif isinstance(value, bool):
            values[item.name] = "yes" if value else ""
        elif value is None:
            values[item.name] = ""
        else:
            values[item.name] = str(getattr(value, "value", value))
    return values


def open_case(session: Session, *, record_id: int, request: InquiryRequest, actor: str) -> Inquiry:
    """An inquiry case around a `family_inquiry` record already in the registry."""
    (inquiry,) = open_cases(session, [(record_id, request)], actor=actor, rows=True)
    assert isinstance(inquiry, Inquiry)
    audit.append(
        session,
        actor=actor,
        action="inquiry.registered",
        subject=f"inquiry:{inquiry.id}",
        details={
            "reference": inquiry.reference,
            "record": inquiry.record_id,
            "consent": inquiry.consent,
            "sharing_scope": inquiry.sharing_scope,
            "harm_risk": inquiry.harm_risk,
            "language": inquiry.language,
        },
    )
    return inquiry


def open_cases(
    session: Session,
    items: Sequence[tuple[int, InquiryRequest]],
    *,
    actor: str,
    rows: bool = False,
) -> list[Any]:
    """Cases for many records in one go (ids, references, keys); the caller audits them."""
    now = dt.datetime.now(dt.UTC)
    created: list[Inquiry] = []
    for record_id, request in items:
        inquiry = Inquiry(
            reference=f"pending-{record_id}",
            record_id=record_id,
            party_code=request.party,
            consent=request.consent,
            sharing_scope=request.scope.value,
            harm_risk=request.harm_risk,
            language=request.language,
            call_sign=request.call_sign,
            circumstances=request.circumstances,
            status=FamilyStatus.REGISTERED.value,
            open=True,
            created_at=now,
            created_by=actor,
        )
        session.add(inquiry)
        created.append(inquiry)
    session.flush()
    keys: list[dict[str, int | None]] = []
    for inquiry, (_, request) in zip(created, items, strict=True):
        inquiry.reference = case_reference(now.year, inquiry.id)
        sought = described(request.sought, call_sign=request.call_sign)
        born = sought.date_of_birth.year
        keys.extend(
            {"inquiry_id": inquiry.id, "key": key, "born": born} for key in inquiry_keys(sought)
        )
    for start in range(0, len(keys), 5_000):
        session.execute(insert(InquiryKey), keys[start : start + 5_000])
    session.flush()
    if rows:
        return created
    return [Registered(i.id, i.reference, i.record_id) for i in created]

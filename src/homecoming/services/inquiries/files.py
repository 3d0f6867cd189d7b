"""Reading a file of inquiries (a tracing sheet's columns), and the PFIF notes export."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping

from sqlalchemy import select

from homecoming.domain.normalise import RawValue, cell_text
from homecoming.domain.record import Contact, Evidence
from homecoming.errors import RowProblem
from homecoming.services import audit, disclosures, registry
from homecoming.services.inquiries.cases import InquiryRequest
from homecoming.services.inquiries.reading import shareable
from homecoming.services.persons import record_fields
from homecoming.store.db import Database
from homecoming.tracing.inquiry import (
    FamilyStatus,
    Recipient,
    SharingScope,
)

_TRUE = {"yes", "y", "true", "1", "так", "да", "+", "x"}
_FALSE = {"no", "n", "false", "0", "ні", "нет", "-", ""}
_SCOPES = {
    "bureau": SharingScope.BUREAU,
    "бюро": SharingScope.BUREAU,
    "icrc": SharingScope.ICRC,
    "мкчх": SharingScope.ICRC,
    "мккк": SharingScope.ICRC,
    "other_party": SharingScope.OTHER_PARTY,
    "other party": SharingScope.OTHER_PARTY,
    "інша сторона": SharingScope.OTHER_PARTY,
    "другая сторона": SharingScope.OTHER_PARTY,
}
# Columns of the inquiry itself (not of the sought person's record), by header in any language.
TRACING_COLUMNS: dict[str, tuple[str, ...]] = {
    "consent": ("consent", "згода", "согласие"),
    "sharing_scope": ("sharing_scope", "sharing", "scope", "поширення", "передача"),
    "harm_risk": ("harm_risk", "ризик", "риск"),
    "language": ("language", "мова", "язык"),
    "call_sign": ("call_sign", "callsign", "позивний", "позывной"),
    "circumstances": ("circumstances", "обставини", "обстоятельства"),
}
_COLUMN_OF = {alias: name for name, aliases in TRACING_COLUMNS.items() for alias in aliases}


def requests_from_rows(
    rows: Iterable[tuple[int, Mapping[str, RawValue]]],
    *,
    party: str | None,
    file_name: str,
    mapping: Mapping[str, str] | None = None,
    received_via: str = "",
) -> Iterator[tuple[int, InquiryRequest] | list[RowProblem]]:
    """Read table rows (headers in Ukrainian, Russian or English) into inquiry requests."""
    extras: dict[int, dict[str, str]] = {}

    def split() -> Iterator[tuple[int, dict[str, RawValue]]]:
        for line, row in rows:
            own: dict[str, str] = {}
            rest: dict[str, RawValue] = {}
            for header, value in row.items():
                name = _COLUMN_OF.get(header.strip().casefold())
                if name:
                    own[name] = cell_text(value)
                else:
                    rest[header] = month_first_date(value)
            extras[line] = own
            yield line, rest

    for item in registry.evidence_from_rows(split(), mapping=mapping, file_name=file_name):
        if isinstance(item, list):
            yield item
            continue
        yield _request(item, extras.pop(item.line, {}), party=party, received_via=received_via)


_MONTH_FIRST = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{4})\s*$")


def month_first_date(value: RawValue) -> RawValue:
    """A date written month first by relatives abroad (03.14.1979, 11/25/1990) in ISO form.

    Only where no other reading exists: the first number a month, the second past 12 and a
    day of that month. Anything else is left as written (03.04.1999 stays the 3rd of April).
    """
    if not isinstance(value, str):
        return value
    found = _MONTH_FIRST.match(value)
    if found is None:
        return value
    month, day, year = int(found.group(1)), int(found.group(3)), int(found.group(4))
    if not (1 <= month <= 12 and day > 12):
        return value
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return value


def _request(
    evidence: Evidence, own: dict[str, str], *, party: str | None, received_via: str
) -> tuple[int, InquiryRequest] | list[RowProblem]:
    line = evidence.line
    problems: list[RowProblem] = []
    consent = _flag(own.get("consent", ""), line, "consent", problems)
    harm = _flag(own.get("harm_risk", ""), line, "harm_risk", problems)
    scope_text = own.get("sharing_scope", "").strip().casefold() or "bureau"
    scope = _SCOPES.get(scope_text)
    if scope is None:
        problems.append(
            RowProblem(line, "sharing_scope", f"{scope_text!r}: use bureau, icrc or other_party")
        )
    if problems:
        return problems
    assert scope is not None
    return line, InquiryRequest(
        sought=evidence.fields,
        inquirer=evidence.contact or Contact(),
        consent=consent,
        scope=scope,
        harm_risk=harm,
        language=own.get("language", "").strip().casefold() or "uk",
        call_sign=own.get("call_sign", "").strip(),
        circumstances=own.get("circumstances", "").strip(),
        party=party,
        received_via=received_via,
    )


def _flag(text: str, line: int, name: str, problems: list[RowProblem]) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        problems.append(RowProblem(line, name, f"{text!r}: answer yes or no (так/ні, да/нет)"))
    return False


def export_pfif_notes(
    db: Database,
    *,
    recipient: Recipient,
    domain: str,
    author: str,
    actor: str,
) -> tuple[bytes, int]:
    """PFIF 1.4 notes of tracing status for the inquiries this recipient may see; audited.

    A death is exported only once the family's message about it was sent: nobody should learn
    it from a feed before the family does. Until then the case shows as information added.
    """
    from homecoming.formats.pfif_notes import TracingEntry, write_tracing_notes
    from homecoming.store.tracing_models import Notification

    allowed = shareable(db, recipient=recipient)
    with db.reading() as session:
        told = set(
            session.scalars(
                select(Notification.inquiry_id).where(
                    Notification.template == FamilyStatus.DECEASED.value,
                    Notification.state == "sent",
                )
            )
        )
    entries = []
    for inquiry, record in allowed:
        status = FamilyStatus(inquiry.status)
        if status is FamilyStatus.DECEASED and inquiry.id not in told:
            status = FamilyStatus.INFORMATION_ADDED
        entries.append(
            TracingEntry(
                reference=inquiry.reference,
                fields=record_fields(record),
                status=status,
                registered_at=inquiry.created_at,
                status_at=dt.datetime.now(dt.UTC),
            )
        )
    document = write_tracing_notes(entries, domain=domain, author=author)
    with db.transaction() as session:
        audit.append(
            session,
            actor=actor,
            action="inquiries.exported",
            subject=f"recipient:{recipient.value}",
            details={
                "format": "pfif-1.4-notes",
                "inquiries": [i.id for i, _ in allowed],
                "domain": domain,
            },
        )
        disclosures.record_in(
            session,
            actor=actor,
            kind="inquiries",
            what="inquiries' tracing status (PFIF 1.4 notes)",
            recipient=recipient.value,
            legal_basis="each family's consent and sharing scope",
            items=len(entries),
            details={"inquiries": [i.id for i, _ in allowed]},
        )
    return document, len(entries)

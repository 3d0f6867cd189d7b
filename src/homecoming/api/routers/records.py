"""/records: single records of evidence and their (audited) contact details."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from homecoming.api.schemas import GUARDED, Responses, problem
from homecoming.api.schemas_admin import ContactOut, RecordOut
from homecoming.domain.record import RecordFields
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import access, contacts, persons
from homecoming.services.users import Principal

router = Router(prefix="/records", tags=["records"], responses=GUARDED)
NO_RECORD: Responses = {404: problem("No such record (or not one this user may see)")}


@router.get("/{record_id}", responses=NO_RECORD)
def show_record(
    db: DatabaseDep,
    user: Annotated[Principal, requires(Capability.PERSONS_READ)],
    record_id: IdPath,
) -> RecordOut:
    """One record as received and as normalised (a negotiator sees only their party's)."""
    view = access.show_record(db, record_id, scope=user.scope)
    row = view.record
    return RecordOut(
        id=row.id,
        person_id=row.person_id,
        source_id=row.source_id,
        source=row.source.name,
        source_kind=row.source.kind,
        party=row.source.party_code,
        line=row.line_number,
        external_id=row.external_id,
        received_at=row.source.received_at.isoformat(),
        raw=view.raw,
        fields={**fields_out(persons.record_fields(row)), "notes": view.notes},
        withheld=view.withheld,
        has_contacts=view.has_contacts,
    )


@router.get("/{record_id}/contacts", responses=NO_RECORD)
def read_contacts(
    db: DatabaseDep,
    user: Annotated[Principal, requires(Capability.CONTACTS_READ)],
    record_id: IdPath,
    purpose: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description="Why you read them; kept in the audit log with your name",
            examples=["calling the mother about the 23 May handover"],
        ),
    ],
) -> list[ContactOut]:
    """The contact details given with a record; every read is an audit entry (who, why)."""
    rows = contacts.read_contacts(db, record_id=record_id, actor=user.username, purpose=purpose)
    return [
        ContactOut(
            id=c.id,
            record_id=c.record_id,
            name=c.name,
            relation=c.relation,
            phone=c.phone,
            email=c.email,
            address=c.address,
        )
        for c in rows
    ]


def fields_out(fields: RecordFields) -> dict[str, str | bool | None]:
    """The normalised fields as JSON: enums by value, partial dates as YYYY[-MM[-DD]]."""
    return {
        "family_name": fields.family_name,
        "given_names": fields.given_names,
        "patronymic": fields.patronymic,
        "full_name": fields.full_name,
        "mother_maiden_name": fields.mother_maiden_name,
        "sex": fields.sex.value if fields.sex else None,
        "date_of_birth": fields.date_of_birth.iso(),
        "place_of_birth": fields.place_of_birth,
        "nationality": fields.nationality,
        "last_residence": fields.last_residence,
        "rank": fields.rank,
        "service_number": fields.service_number,
        "unit": fields.unit,
        "category": fields.category.value if fields.category else None,
        "event_date": fields.event_date.iso(),
        "event_place": fields.event_place,
        "place_of_detention": fields.place_of_detention,
        "health": fields.health,
        "seriously_wounded": fields.seriously_wounded,
        "distinguishing_marks": fields.distinguishing_marks,
        "fate": fields.fate.value if fields.fate else None,
        "fate_date": fields.fate_date.iso(),
        "photo_ref": fields.photo_ref,
        "notes": fields.notes,
    }

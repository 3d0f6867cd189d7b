"""Exchange agreements: create one from a file or arguments, list them, show one."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from homecoming.errors import Conflict, Forbidden, InvalidInput, NotFound
from homecoming.exchange.agreement import (
    Agreement,
    agreement_from_mapping,
    agreement_to_mapping,
    require_valid,
)
from homecoming.services import audit
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import AgreementCategory, AgreementRow, StageRow
from homecoming.store.models import Party


@dataclass(frozen=True, slots=True)
class StageInfo:
    """A planned stage and its id."""

    id: int
    number: int
    day: str
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class AgreementView:
    """An agreement as stored: its id, the rules, and its stages' ids."""

    id: int
    agreement: Agreement
    stages: list[StageInfo]
    created_by: str
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        data = agreement_to_mapping(self.agreement)
        data["id"] = self.id
        data["stages"] = [
            {"id": s.id, "number": s.number, "day": s.day, "counts": s.counts} for s in self.stages
        ]
        data["created_by"] = self.created_by
        data["created_at"] = self.created_at
        return data


def parse_agreement_file(data: bytes, *, file_name: str) -> Agreement:
    """An agreement from TOML or JSON bytes (by the file's suffix; JSON if it starts with '{')."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{file_name} is not UTF-8 text: {error}") from None
    try:
        if file_name.casefold().endswith(".json") or text.lstrip().startswith("{"):
            parsed = json.loads(text)
        else:
            parsed = tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"{file_name} cannot be read: {error}") from None
    if not isinstance(parsed, dict):
        raise InvalidInput(f"{file_name} must hold one agreement (a table or an object)")
    return agreement_from_mapping(parsed)


def create_agreement(
    db: Database, *, agreement: Agreement, actor: str, scope: Scope = EVERY_PARTY
) -> AgreementView:
    """Store an agreement, its categories and planned stages in one transaction."""
    if not scope.sees_agreement(agreement.parties):
        raise Forbidden(
            f"a {scope.party} negotiator creates only agreements {scope.party} is a party to"
        )
    require_valid(agreement)
    try:
        with db.transaction() as session:
            for party in agreement.parties:
                if session.get(Party, party) is None:
                    raise NotFound(
                        f"unknown party {party!r}: register it first (homecoming parties add)"
                    )
            row = _store(session, agreement, actor=actor)
            audit.append(
                session,
                actor=actor,
                action="agreement.created",
                subject=f"agreement:{row.id}",
                details=agreement_to_mapping(agreement),
            )
            agreement_id = row.id
    except IntegrityError:
        raise Conflict(
            f"an agreement named {agreement.name!r} exists already; choose another name"
        ) from None
    return get_agreement(db, agreement_id, scope=scope)


def store_copy(
    session: Session, *, agreement_id: int, definition: dict[str, Any], actor: str
) -> Agreement:
    """Keep another installation's agreement under its own id (a field desk's copy)."""
    agreement = require_valid(agreement_from_mapping(definition))
    _store(session, agreement, actor=actor, agreement_id=agreement_id)
    return agreement


def _store(
    session: Session, agreement: Agreement, *, actor: str, agreement_id: int | None = None
) -> AgreementRow:
    """The agreement's row and its parts (categories, stages), under `agreement_id` if given."""
    row = AgreementRow(
        id=agreement_id,
        name=agreement.name,
        party_a=agreement.parties[0],
        party_b=agreement.parties[1],
        per_side=agreement.per_side,
        agreed_on=agreement.agreed_on,
        place=agreement.place,
        reference_date=agreement.reference_date,
        definition=agreement_to_mapping(agreement),
        created_by=actor,
    )
    session.add(row)
    session.flush()
    _add_parts(session, row.id, agreement)
    return row


def _add_parts(session: Session, agreement_id: int, agreement: Agreement) -> None:
    for position, spec in enumerate(agreement.categories):
        e = spec.eligibility
        session.add(
            AgreementCategory(
                agreement_id=agreement_id,
                position=position,
                code=spec.code,
                label=spec.label,
                parity=str(spec.parity),
                total=spec.total,
                category=str(e.category) if e.category else None,
                min_age=e.min_age,
                max_age=e.max_age,
                seriously_wounded=e.seriously_wounded,
            )
        )
    for stage in agreement.stages:
        session.add(
            StageRow(
                agreement_id=agreement_id,
                number=stage.number,
                day=stage.day,
                counts=dict(stage.counts),
            )
        )
    session.flush()


def list_agreements(db: Database, *, scope: Scope = EVERY_PARTY) -> list[AgreementView]:
    """Every agreement this scope sees, newest first."""
    query = select(AgreementRow.id).where(scope.agreements()).order_by(AgreementRow.id.desc())
    with db.reading() as session:
        ids = session.scalars(query).all()
        return [_view(session, agreement_id) for agreement_id in ids]


def get_agreement(db: Database, agreement_id: int, *, scope: Scope = EVERY_PARTY) -> AgreementView:
    """One agreement, or NotFound (also when the scope may not see it)."""
    with db.reading() as session:
        load(session, agreement_id, scope=scope)
        return _view(session, agreement_id)


def load(session: Session, agreement_id: int, *, scope: Scope = EVERY_PARTY) -> Agreement:
    """The domain agreement of a stored one, or NotFound (also outside the scope)."""
    return agreement_from_mapping(scope.agreement(session, agreement_id).definition)


def stage_row(session: Session, agreement_id: int, number: int) -> StageRow:
    """The stored stage of that number, or NotFound."""
    row = session.scalars(_STAGE_ROW, {"agreement_id": agreement_id, "number": number}).first()
    if row is None:
        raise NotFound(f"agreement {agreement_id} has no stage {number}")
    return row


# Built once (every handover reads it): building a statement costs more than running it.
_STAGE_ROW = select(StageRow).where(
    StageRow.agreement_id == bindparam("agreement_id"), StageRow.number == bindparam("number")
)


def _view(session: Session, agreement_id: int) -> AgreementView:
    agreement = load(session, agreement_id)
    row = session.get(AgreementRow, agreement_id)
    assert row is not None
    stages = session.scalars(
        select(StageRow).where(StageRow.agreement_id == agreement_id).order_by(StageRow.number)
    ).all()
    return AgreementView(
        id=agreement_id,
        agreement=agreement,
        stages=[StageInfo(s.id, s.number, s.day.isoformat(), dict(s.counts)) for s in stages],
        created_by=row.created_by,
        created_at=row.created_at.isoformat(),
    )

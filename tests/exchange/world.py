"""A small exchange world for service, CLI and API tests: two parties, registry evidence about
their people, a "3 for 3" agreement in two stages, and dirty offer lists from both sides."""

from __future__ import annotations

import datetime as dt

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, Fate, RecordFields, SourceKind
from homecoming.exchange.agreement import (
    Agreement,
    CategorySpec,
    Eligibility,
    ParityRule,
    StagePlan,
)
from homecoming.exchange.wounded import ExaminingBody, MedicalDecision
from homecoming.services import agreements, exchange_lists, judgements, registry, wounded
from homecoming.services.exchange_lists import Direction
from homecoming.services.judgements import Decision
from homecoming.store.db import Database
from homecoming.store.models import Record

SOLDIER = Category.SERVICEMAN
CIVILIAN = Category.CIVILIAN

AGREEMENT = Agreement(
    name="3 for 3",
    parties=("UA", "RU"),
    per_side=3,
    categories=(
        CategorySpec(
            "soldiers", "soldiers", Eligibility(SOLDIER, seriously_wounded=False), total=2
        ),
        CategorySpec("civilians", "civilians", Eligibility(CIVILIAN), total=1),
        CategorySpec(
            "wounded", "seriously wounded", Eligibility(seriously_wounded=True), ParityRule.NONE
        ),
    ),
    stages=(
        StagePlan(1, dt.date(2025, 5, 23), {"soldiers": 1, "civilians": 1}),
        StagePlan(2, dt.date(2025, 5, 24), {"soldiers": 1}),
    ),
    agreed_on=dt.date(2025, 5, 16),
    place="Istanbul",
)

Row = tuple[str, str, PartialDate, Category, str, bool]  # family, given, born, category, unit, sw


def _fields(row: Row, fate: Fate | None) -> RecordFields:
    family, given, born, category, unit, wounded = row
    return RecordFields(
        family_name=family,
        given_names=given,
        date_of_birth=born,
        category=category,
        unit=unit,
        seriously_wounded=wounded,
        event_date=PartialDate(2023, 6, 1),
        fate=fate,
    )


def evidence(rows: list[Row], fate: Fate | None = Fate.DETAINED) -> list[Evidence]:
    return [
        Evidence(line=i + 2, raw={"name": f"{r[0]} {r[1]}"}, fields=_fields(r, fate))
        for i, r in enumerate(rows)
    ]


def import_icrc_visit(db: Database, party: str, rows: list[Evidence]) -> None:
    """An ICRC visit's list of the people `party` holds, received on 2025-04-01."""
    registry.import_evidence(
        db,
        source=registry.SourceInfo(
            kind=SourceKind.ICRC_VISIT,
            name=f"ICRC visit, held by {party}",
            party=party,
            received_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
        ),
        rows=rows,
        actor="test",
    )


# RU people held by UA (UA hands them over), and UA people held by RU.
HELD_BY_UA: list[Row] = [
    ("Иванов", "Сергей", PartialDate(1990, 3, 1), SOLDIER, "12345", False),
    ("Петров", "Алексей", PartialDate(1985, 4, 2), SOLDIER, "23456", False),
    ("Смирнова", "Ольга", PartialDate(1970, 7, 7), CIVILIAN, "", False),
    ("Кузнецов", "Дмитрий", PartialDate(1988, 8, 8), SOLDIER, "34567", False),
    ("Соколов", "Иван", PartialDate(1979, 9, 9), SOLDIER, "45678", False),
    ("Волков", "Николай", PartialDate(1975, 1, 15), SOLDIER, "56789", True),
]
HELD_BY_RU: list[Row] = [
    ("Нехір", "Олександр", PartialDate(1987, 5, 23), SOLDIER, "А1234", False),
    ("Коваленко", "Петро", PartialDate(1979, 2, 11), SOLDIER, "А2345", False),
    ("Шевченко", "Марія", PartialDate(1965, 3, 3), CIVILIAN, "", False),
    ("Бондаренко", "Андрій", PartialDate(1995, 6, 6), SOLDIER, "А3456", True),
    ("Мельник", "Василь", PartialDate(1992, 10, 10), SOLDIER, "А4567", False),
]

UA_OFFER_V1: list[Row] = [
    ("Ivanov", "Sergei", PartialDate(1990, 3, 1), SOLDIER, "12345", False),
    ("Petrov", "Aleksei", PartialDate(1985, 4, 2), SOLDIER, "23456", False),
    ("Smirnova", "Olga", PartialDate(1970, 7, 7), CIVILIAN, "", False),
    ("Kuznetsov", "Dmitrii", PartialDate(1988, 8, 8), SOLDIER, "34567", False),  # released
    ("Ivanov", "Sergey", PartialDate(1990, 3, 1), SOLDIER, "12345", False),  # listed twice
    ("Sokolov", "Ivan", PartialDate(1979, 9, 9), SOLDIER, "45678", False),  # deceased
    ("Volkov", "Nikolai", PartialDate(1975, 1, 15), SOLDIER, "56789", True),  # wounded
]
RU_OFFER_V1: list[Row] = [
    ("Нехир", "Александр", PartialDate(1987, 5, 23), SOLDIER, "А1234", False),  # Russian form
    ("Коваленко", "Пётр", PartialDate(1979, 2, 11), SOLDIER, "А2345", False),
    ("Шевченко", "Мария", PartialDate(1965, 3, 3), SOLDIER, "", False),  # a civilian as soldier
    ("Зайцев", "Борис", PartialDate(1991, 1, 1), SOLDIER, "", False),  # nobody known
    ("Мельник", "Василий", PartialDate(1993, 10, 10), SOLDIER, "А9999", False),  # dob, unit
    ("Бондаренко", "Андрей", PartialDate(1995, 6, 6), SOLDIER, "А3456", True),  # wounded
]


def build_registry(db: Database) -> None:
    """Parties and the registry's own evidence (ICRC visits, a release list, a death notice)."""
    registry.ensure_party(db, code="UA", name="Ukraine", actor="test")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="test")
    for party, rows in (("UA", HELD_BY_UA), ("RU", HELD_BY_RU)):
        import_icrc_visit(db, party, evidence(rows))
    registry.import_evidence(
        db,
        source=registry.SourceInfo(
            kind=SourceKind.PARTY_LIST,
            name="RU: returned before 2025-05",
            party="RU",
            received_at=dt.datetime(2025, 5, 6, tzinfo=dt.UTC),
        ),
        rows=evidence([HELD_BY_UA[3]], Fate.RELEASED),
        actor="test",
    )
    registry.import_evidence(
        db,
        source=registry.SourceInfo(
            kind=SourceKind.ICRC_VISIT,
            name="ICRC: death in captivity",
            party="UA",
            received_at=dt.datetime(2025, 5, 7, tzinfo=dt.UTC),
        ),
        rows=evidence([HELD_BY_UA[4]], Fate.DECEASED),
        actor="test",
    )
    # The release and the death are about people the ICRC saw: records 4~12 and 5~13.
    for a, b in ((4, 12), (5, 13)):
        judgements.judge(
            db, record_a=a, record_b=b, decision=Decision.SAME, reason="same", actor="test"
        )
    # Volkov and Bondarenko were found seriously wounded by a mixed medical commission: the
    # wounded category reads that decision (the lists' flags say so too, but do not count).
    for record_id in (6, 10):
        wounded.examine(
            db,
            person_id=_person_of(db, record_id),
            body=ExaminingBody.MIXED_MEDICAL_COMMISSION,
            examined_on=dt.date(2025, 4, 20),
            decision=MedicalDecision.REPATRIATE,
            actor="test",
        )


def _person_of(db: Database, record_id: int) -> int:
    with db.reading() as session:
        record = session.get(Record, record_id)
        assert record is not None and record.person_id is not None
        return record.person_id


def build_world(db: Database) -> int:
    """Registry, agreement and both offer lists; returns the agreement's id."""
    build_registry(db)
    view = agreements.create_agreement(db, agreement=AGREEMENT, actor="test")
    for party, rows in (("UA", UA_OFFER_V1), ("RU", RU_OFFER_V1)):
        import_list(db, view.id, party, rows, f"{party.lower()}-offer-1.csv")
    return view.id


def import_list(
    db: Database, agreement_id: int, party: str, rows: list[Row], name: str
) -> exchange_lists.ListVersionView:
    return exchange_lists.import_version(
        db,
        agreement_id=agreement_id,
        party=party,
        direction=Direction.OFFER,
        rows=evidence(rows, Fate.DETAINED),
        file_name=name,
        content_hash=f"hash-{name}-{len(rows)}-{rows[0][0]}",
        actor="test",
        received_from=f"{party} coordination HQ",
        received_at=dt.datetime(2025, 5, 20, 10, tzinfo=dt.UTC),  # before stage 1's day
    )

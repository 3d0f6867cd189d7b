"""Linking the registry: one person per human across alphabets; judgements always hold."""

from __future__ import annotations

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.search.index import Query
from homecoming.services import audit, judgements, persons, registry
from homecoming.services.judgements import Decision
from homecoming.services.linkage import link_persons
from homecoming.services.search import SearchService
from homecoming.store.db import Database

# (family, given, patronymic, date of birth, service number); the first three are one man.
ROWS = [
    ("Нехір", "Олександр", "Іванович", PartialDate(1987, 5, 23), "ВТ-444079"),
    ("Nekhir", "Oleksandr", "", PartialDate(1987, 5, 23), "BT444079"),
    ("Нехир", "Александр", "Иванович", PartialDate(1987, 5), ""),
    ("Тарасов", "Олександр", "Петрович", PartialDate(1979, 1, 2), "АА-000001"),
    ("Астапенко", "Оксана", "", PartialDate(1995, 3, 3), ""),
    ("Лавров", "Сергей", "Викторович", PartialDate(1950, 3, 21), ""),
]


def _load(db: Database, copies: int = 30) -> None:
    """The six, plus filler people so that Splink has something to train on."""
    load_people(db, ROWS, filler=copies * 20, seed=3)


def load_people(
    db: Database, rows: list[tuple[str, str, str, PartialDate, str]], *, filler: int, seed: int
) -> None:
    """These (family, given, patronymic, born, service number), then `filler` generated people."""
    from homecoming.generate.records import generate_dataset

    evidence = [
        Evidence(
            line=i + 2,
            raw={},
            fields=RecordFields(
                family_name=f, given_names=g, patronymic=p, date_of_birth=born, service_number=sn
            ),
        )
        for i, (f, g, p, born, sn) in enumerate(rows)
    ]
    generated = [
        Evidence(line=len(evidence) + i + 2, raw={}, fields=record.fields)
        for i, record in enumerate(generate_dataset(filler, seed=seed))
    ]
    registry.import_evidence(
        db,
        rows=evidence + generated,
        actor="r",
        source=registry.SourceInfo(kind=SourceKind.OTHER, name="lists"),
    )


def _person(db: Database, record_id: int) -> int:
    with db.reading() as session:
        from homecoming.store.models import Record

        record = session.get(Record, record_id)
        assert record is not None and record.person_id is not None
        return record.person_id


def test_link_joins_the_same_man_across_alphabets(db: Database) -> None:
    _load(db)
    summary = link_persons(db, actor="registrar")
    assert summary.records == len(ROWS) + 600 and summary.moved > 0
    assert _person(db, 1) == _person(db, 2) == _person(db, 3)
    assert len({_person(db, r) for r in (1, 4, 5, 6)}) == 4
    assert persons.show(db, _person(db, 1)).derived.contradictions == []
    report = audit.verify(db)
    assert report.ok


def test_judgements_hold_through_linkage_and_search_follows(db: Database) -> None:
    _load(db)
    search = SearchService(db)
    assert len(search.search(Query("Oleksandr Nekhir"))) >= 2  # three records, three persons
    judgements.judge(
        db,
        record_a=1,
        record_b=3,
        decision=Decision.NOT_SAME,
        reason="different mothers' names",
        actor="registrar",
    )
    link_persons(db, actor="registrar")
    assert _person(db, 1) == _person(db, 2)
    assert _person(db, 3) != _person(db, 1)
    hits = search.search(Query("Oleksandr Nekhir", born=PartialDate(1987, 5, 23)))
    assert {h.person_id for h in hits} >= {_person(db, 1), _person(db, 3)}

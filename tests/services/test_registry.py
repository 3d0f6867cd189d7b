"""Importing evidence: one transaction, bad rows reported by line, re-imports refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import AlreadyImported, InvalidInput, NotFound, RowProblem
from homecoming.services import audit, persons, registry
from homecoming.store import db as db_module
from homecoming.store.db import Database
from homecoming.store.models import Contact as ContactRow
from homecoming.store.models import Record, Source


def _evidence(line: int, family: str = "Нехір", **extra: object) -> Evidence:
    values: dict[str, object] = {"date_of_birth": PartialDate(1987, 5, 23), **extra}
    fields = RecordFields(family_name=family, given_names="Олександр", **values)  # type: ignore[arg-type]
    return Evidence(line=line, raw={"Прізвище": family, "Ім'я": "Олександр"}, fields=fields)


def _source(content_hash: str = "abc") -> registry.SourceInfo:
    return registry.SourceInfo(
        kind=SourceKind.PARTY_LIST,
        name="UA list 1",
        party="UA",
        file_name="list.csv",
        content_hash=content_hash,
    )


@pytest.fixture
def parties(db: Database) -> Database:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")
    return db


def _count(db: Database, model: type) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_writes_records_persons_and_one_audit_entry(parties: Database) -> None:
    rows = [_evidence(line) for line in range(2, 2502)]  # more than one batch
    result = registry.import_evidence(parties, source=_source(), rows=rows, actor="registrar")
    assert result.imported == 2500 and not result.problems
    assert _count(parties, Record) == 2500
    assert persons.count(parties) == 2500
    report = audit.verify(parties)
    assert report.ok and report.entries == 3  # two parties, one import


def test_one_bad_row_writes_nothing(parties: Database) -> None:
    rows: list[Evidence | list[RowProblem]] = [_evidence(line) for line in range(2, 1002)]
    rows[500] = [RowProblem(line=502, field="date_of_birth", reason="'31.02.1990' is not a date")]
    with pytest.raises(InvalidInput) as caught:
        registry.import_evidence(parties, source=_source(), rows=rows, actor="registrar")
    assert [str(p) for p in caught.value.problems] == [
        "line 502, field 'date_of_birth': '31.02.1990' is not a date"
    ]
    assert _count(parties, Record) == 0
    assert _count(parties, Source) == 0
    assert audit.verify(parties).entries == 2


def test_skip_bad_rows_keeps_the_good(parties: Database) -> None:
    rows: list[Evidence | list[RowProblem]] = [
        _evidence(2),
        [RowProblem(3, "sex", "unknown")],
        _evidence(4),
    ]
    result = registry.import_evidence(
        parties, source=_source(), rows=rows, actor="r", skip_bad_rows=True
    )
    assert result.imported == 2 and result.rejected_lines == {3}
    assert _count(parties, Record) == 2


def test_reimport_of_same_file_is_refused_unless_forced(parties: Database) -> None:
    registry.import_evidence(parties, source=_source(), rows=[_evidence(2)], actor="r")
    with pytest.raises(AlreadyImported, match="already imported as source 1"):
        registry.import_evidence(parties, source=_source(), rows=[_evidence(2)], actor="r")
    registry.import_evidence(parties, source=_source(), rows=[_evidence(2)], actor="r", force=True)
    assert _count(parties, Source) == 2


def test_unknown_party_is_refused(db: Database) -> None:
    with pytest.raises(NotFound, match="unknown party 'UA'"):
        registry.import_evidence(db, source=_source(), rows=[_evidence(2)], actor="r")


def test_contacts_live_apart(parties: Database) -> None:
    contact = Contact(name="Марія Нехір", relation="mother", phone="+380 00 000 0000")
    row = Evidence(line=2, raw={}, fields=RecordFields(family_name="Нехір"), contact=contact)
    registry.import_evidence(parties, source=_source(), rows=[row], actor="r")
    with parties.reading() as session:
        stored = session.scalars(select(ContactRow)).one()
        assert stored.phone == "+380 00 000 0000"
        record = session.scalars(select(Record)).one()
        assert "+380" not in str(record.raw) and "+380" not in record.notes


def test_records_are_immutable_in_the_database(parties: Database) -> None:
    registry.import_evidence(parties, source=_source(), rows=[_evidence(2)], actor="r")
    with (
        pytest.raises((DBAPIError, IntegrityError), match="immutable"),
        parties.engine.begin() as connection,
    ):
        connection.execute(text("UPDATE records SET family_name = 'X'"))
    with (
        pytest.raises((DBAPIError, IntegrityError), match="immutable"),
        parties.engine.begin() as connection,
    ):
        connection.execute(text("DELETE FROM records"))
    with parties.engine.begin() as connection:  # the linkage's assignment may change
        connection.execute(text("UPDATE records SET person_id = person_id"))


def test_person_status_is_derived_with_contradictions(parties: Database) -> None:
    rows = [
        _evidence(2, fate=Fate.CAPTURED, fate_date=PartialDate(2024, 3)),
        _evidence(
            3,
            fate=Fate.DETAINED,
            fate_date=PartialDate(2025, 1),
            date_of_birth=PartialDate(1988, 5, 23),
        ),
    ]
    registry.import_evidence(parties, source=_source(), rows=rows, actor="r")
    with parties.engine.begin() as connection:
        connection.execute(text("UPDATE records SET person_id = 1"))
    view = persons.show(parties, 1)
    assert view.derived.status == Fate.DETAINED
    assert [c.fact for c in view.derived.contradictions] == ["date_of_birth"]
    assert view.derived.contradictions[0].values == ("1987-05-23", "1988-05-23")


# PostgreSQL takes a batch of `db.COPY_FROM` rows or more by COPY; fewer by INSERT. These hold
# the two ways to the same rows, and an import's all-or-nothing across batches already copied.


def _import_both_ways(db: Database, monkeypatch: pytest.MonkeyPatch, contact: Contact) -> None:
    for copy_from, content_hash in ((10**9, "insert"), (1, "copy")):
        monkeypatch.setattr(db_module, "COPY_FROM", copy_from)
        rows = [
            _evidence(2, rank="сержант", fate=Fate.DETAINED, fate_date=PartialDate(2025, 3)),
            Evidence(line=3, raw={"a": 'b\tc\n\\ "d"'}, fields=RecordFields(), contact=contact),
        ]
        source = registry.SourceInfo(
            kind=SourceKind.PARTY_LIST,
            name=f"UA list {content_hash}",
            party="UA",
            file_name="list.csv",
            content_hash=content_hash,
        )
        registry.import_evidence(db, source=source, rows=rows, actor="registrar")


def _names(model: type) -> list[str]:
    return [column.name for column in model.__table__.columns]  # type: ignore[attr-defined]


def test_copy_and_insert_write_the_same_rows(
    parties: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = Contact(name="Марія\tНехір", relation="mother", phone="+380 00", address="a\nb")
    _import_both_ways(parties, monkeypatch, contact)
    skipped = {"id", "source_id", "person_id", "created_at", "record_id"}
    with parties.reading() as session:
        by_source: dict[int, list[dict[str, object]]] = {}
        for record in session.scalars(select(Record).order_by(Record.id)):
            values = {c: getattr(record, c) for c in _names(Record)}
            by_source.setdefault(record.source_id, []).append(
                {k: v for k, v in values.items() if k not in skipped}
            )
        contacts = [
            {c: getattr(row, c) for c in _names(ContactRow) if c not in skipped}
            for row in session.scalars(select(ContactRow).order_by(ContactRow.id))
        ]
    inserted, copied = by_source.values()
    assert copied == inserted and len(copied) == 2
    assert copied[1]["raw"] == {"a": 'b\tc\n\\ "d"'}
    assert contacts[0] == contacts[1] and contacts[1]["address"] == "a\nb"
    assert audit.verify(parties).ok


def test_a_bad_row_after_batches_already_copied_writes_nothing(
    parties: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "BATCH", 100)
    rows: list[Evidence | list[RowProblem]] = [_evidence(line) for line in range(2, 502)]
    rows.append([RowProblem(line=502, field="sex", reason="unknown")])
    writes: list[int] = []
    bulk = db_module.bulk_insert

    def counted(session: object, table: object, values: list[dict[str, object]]) -> None:
        writes.append(len(values))
        bulk(session, table, values)  # type: ignore[arg-type]

    monkeypatch.setattr(registry, "bulk_insert", counted)
    with pytest.raises(InvalidInput) as caught:
        registry.import_evidence(parties, source=_source(), rows=rows, actor="registrar")
    assert [p.line for p in caught.value.problems] == [502]
    # five batches of records (and their persons) went out before the bad row was read
    assert sum(n >= db_module.COPY_FROM for n in writes) == 10
    assert _count(parties, Record) == 0 and persons.count(parties) == 0
    assert _count(parties, Source) == 0
    assert audit.verify(parties).entries == 2

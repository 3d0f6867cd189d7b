"""Backup and restore round trips on SQLite and PostgreSQL: every table's rows come back."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.errors import AuditChainBroken, InvalidInput
from homecoming.services import audit, backup, judgements, registry
from homecoming.services.judgements import Decision
from homecoming.store.db import Database


def _fill(db: Database, names: list[str], *, source: str) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="test")
    rows = [
        Evidence(
            line=i + 2,
            raw={"ПІБ": name, "Телефон": "+380 00 000 0000"},
            fields=RecordFields(full_name=name, family_name=name.split()[0]),
        )
        for i, name in enumerate(names)
    ]
    registry.import_evidence(
        db,
        rows=rows,
        actor="registrar",
        source=registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=source, party="UA"),
    )


def _tables(db: Database) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text, in a stable order."""
    with db.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: sorted(
                tuple(_text(v) for v in row)
                for row in connection.execute(text(f'SELECT * FROM "{name}"'))
            )
            for name in names
        }


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return str(value.isoformat()).replace("+00:00", "")
    return str(value)


@pytest.fixture
def filled(db: Database) -> Database:
    _fill(db, ["Нехір Олександр Іванович", "Nekhir Oleksandr", "Ковальов Петро"], source="first")
    judgements.judge(
        db, record_a=1, record_b=2, decision=Decision.SAME, reason="same unit", actor="registrar"
    )
    return db


def test_round_trip_brings_back_every_row(filled: Database, tmp_path: Path) -> None:
    before = _tables(filled)
    manifest = backup.backup(filled, tmp_path / "copy.hcbackup")
    assert manifest.database == filled.dialect
    assert manifest.schema_revision == backup.code_revision()
    assert manifest.row_counts["records"] == 3
    assert manifest.audit_entries == audit.verify(filled).entries == 3
    # Life goes on after the backup; the restore takes the database back to the backup.
    _fill(filled, ["Тарасов Іван", "Шевченко Марія"], source="after the backup")
    assert _tables(filled) != before
    report = backup.restore(filled, tmp_path / "copy.hcbackup")
    assert _tables(filled) == before
    assert report.row_counts == manifest.row_counts
    verified = audit.verify(filled)
    assert verified.ok
    assert (verified.entries, verified.head_hash) == (3, manifest.audit_head_hash)
    # And the restored database takes new writes, the chain going on from the head.
    _fill(filled, ["Бондар Олег"], source="after the restore")
    assert audit.verify(filled).ok
    assert audit.verify(filled).entries == 4  # the party exists: only the import


def test_a_corrupt_backup_is_refused_and_nothing_changes(filled: Database, tmp_path: Path) -> None:
    path = tmp_path / "copy.hcbackup"
    manifest = backup.backup(filled, path)
    _fill(filled, ["Тарасов Іван"], source="later")
    before = _tables(filled)
    data = bytearray(path.read_bytes())
    middle = 512 + 1024 + manifest.payload_bytes // 2  # inside the payload, past both headers
    data[middle] ^= 0xFF
    broken = tmp_path / "broken.hcbackup"
    broken.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match="corrupt"):
        backup.restore(filled, broken)
    truncated = tmp_path / "truncated.hcbackup"
    truncated.write_bytes(path.read_bytes()[: 2048 + manifest.payload_bytes // 3])
    with pytest.raises(InvalidInput, match=r"truncated|damaged|corrupt"):
        backup.restore(filled, truncated)
    garbage = tmp_path / "garbage.hcbackup"
    garbage.write_bytes(b"\x00\x01 not a backup at all" * 100)
    with pytest.raises(InvalidInput, match="not a Homecoming backup"):
        backup.restore(filled, garbage)
    assert _tables(filled) == before


def _with_manifest(source: Path, target: Path, **changes: Any) -> None:
    with tarfile.open(source) as archive, tarfile.open(target, "w") as out:
        for member in archive.getmembers():
            handle = archive.extractfile(member)
            assert handle is not None
            data = handle.read()
            if member.name == backup.MANIFEST:
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_a_backup_of_another_schema_revision_is_refused(filled: Database, tmp_path: Path) -> None:
    path = tmp_path / "copy.hcbackup"
    backup.backup(filled, path)
    older = tmp_path / "older.hcbackup"
    _with_manifest(path, older, schema_revision="0001", homecoming_version="0.0.9")
    with pytest.raises(InvalidInput, match=r"revision '0001'.*0\.0\.9.*homecoming init"):
        backup.restore(filled, older)
    other = tmp_path / "other-kind.hcbackup"
    kind = "postgresql" if filled.dialect == "sqlite" else "sqlite"
    _with_manifest(path, other, database=kind)
    with pytest.raises(InvalidInput, match=f"backup of a {kind} database"):
        backup.restore(filled, other)


def test_a_tampered_chain_in_the_backup_is_refused(filled: Database, tmp_path: Path) -> None:
    with filled.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 2"))
    path = tmp_path / "copy.hcbackup"
    backup.backup(filled, path)
    with pytest.raises(AuditChainBroken, match="entry 2"):
        backup.restore(filled, path)


def test_manifest_reads_without_unpacking(filled: Database, tmp_path: Path) -> None:
    path = tmp_path / "copy.hcbackup"
    written = backup.backup(filled, path)
    assert backup.read_manifest(path) == written
    assert len(written.payload_sha256) == 64
    assert set(written.row_counts) >= {"records", "sources", "audit_log", "judgements", "contacts"}


def test_pg_tools_are_found() -> None:
    assert Path(backup.find_pg_tool("pg_dump")).name == "pg_dump"
    with pytest.raises(backup.ToolMissing, match="apt-get install postgresql-client"):
        backup.find_pg_tool("pg_no_such_tool")


def test_a_backup_taken_while_an_import_writes_is_consistent(
    filled: Database, tmp_path: Path
) -> None:
    """The copy holds the registry before or after the import, never half of it."""
    import threading

    rows = 2 * registry.BATCH
    names = [f"Нехір{i} Олександр" for i in range(rows)]
    importing = threading.Thread(target=_fill, args=(filled, names), kwargs={"source": "big"})
    importing.start()
    manifests = []
    while importing.is_alive() or not manifests:
        manifests.append(backup.backup(filled, tmp_path / f"copy-{len(manifests)}.hcbackup"))
    importing.join()
    for manifest in manifests:
        assert manifest.row_counts["records"] in (3, 3 + rows)
        assert manifest.row_counts["persons"] == manifest.row_counts["records"]  # one each
    latest = tmp_path / f"copy-{len(manifests) - 1}.hcbackup"
    before = _tables(filled)
    backup.restore(filled, tmp_path / "copy-0.hcbackup")
    assert audit.verify(filled).ok
    backup.restore(filled, latest)
    assert audit.verify(filled).ok
    if manifests[-1].row_counts["records"] == 3 + rows:
        # The outbox is work in flight: a copy taken between the import's commit and the drain
        # holds its row (claimed), which a drainer takes up again once the claim expires.
        after = _tables(filled)
        outbox = after.pop("landed_outbox")
        assert before.pop("landed_outbox") == [] and len(outbox) <= 1
        assert after == before

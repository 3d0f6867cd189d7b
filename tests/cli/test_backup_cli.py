"""`homecoming backup --out` and `homecoming restore [--yes]` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.store.db import Database
from homecoming.store.models import Record

runner = CliRunner()


def _invoke(db: Database, *args: str, data_dir: Path | None = None) -> tuple[int, str, str]:
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    result = runner.invoke(app, ["--database-url", db.url, *extra, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _records(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def _import(db: Database, tmp_path: Path, name: str, rows: str) -> None:
    path = tmp_path / name
    path.write_text("ПІБ;Дата народження\n" + rows, encoding="utf-8")
    code, _, stderr = _invoke(db, "import", str(path))
    assert code == 0, stderr


def test_backup_then_restore(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, "a.csv", "Нехір Олександр;1987\nТарасов Іван;1990\n")
    target = tmp_path / "nightly.hcbackup"
    code, stdout, stderr = _invoke(db, "backup", "--out", str(target), "--json")
    assert code == 0, stderr
    written = json.loads(stdout)
    assert written["row_counts"]["records"] == 2
    assert written["schema_revision"]
    assert len(written["payload_sha256"]) == 64
    _import(db, tmp_path, "b.csv", "Шевченко Марія;1995\n")
    assert _records(db) == 3

    code, _, stderr = _invoke(db, "restore", str(target))  # no --yes, no terminal
    assert code == 1
    assert "--yes" in stderr
    assert _records(db) == 3

    data_dir = tmp_path / "var"
    data_dir.mkdir()
    (data_dir / "search-index.npz").write_bytes(b"stale")
    code, stdout, stderr = _invoke(db, "restore", str(target), "--yes", data_dir=data_dir)
    assert code == 0, stderr
    assert "audit chain intact" in stdout
    assert "search index is rebuilt" in stderr
    assert not (data_dir / "search-index.npz").exists()
    assert _records(db) == 2
    code, stdout, _ = _invoke(db, "audit", "verify", "--json")
    assert code == 0
    assert json.loads(stdout)["entries"] == written["audit"]["entries"]


def test_restore_of_a_damaged_file_says_so(db: Database, tmp_path: Path) -> None:
    _import(db, tmp_path, "a.csv", "Нехір Олександр;1987\n")
    target = tmp_path / "nightly.hcbackup"
    assert _invoke(db, "backup", "--out", str(target))[0] == 0
    target.write_bytes(target.read_bytes()[:700])
    code, _, stderr = _invoke(db, "restore", str(target), "--yes")
    assert code == 1
    assert "error:" in stderr
    assert "nightly.hcbackup" in stderr
    assert _records(db) == 1

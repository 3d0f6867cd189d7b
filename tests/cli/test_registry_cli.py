"""The CLI over the registry: init, parties, import (all or nothing), persons, audit verify."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select, text
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.store.db import Database
from homecoming.store.models import Record

runner = CliRunner()

HEADER = "ПІБ;Дата народження;Звання;Військова частина;Стать\n"


def _invoke(db: Database, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _with_party(db: Database) -> None:
    assert _invoke(db, "parties", "add", "UA", "Ukraine")[0] == 0


def _list(tmp_path: Path, rows: list[str], encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(rows), encoding=encoding)
    return path


def _records(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def test_import_cp1251_list_and_show_the_person(db: Database, tmp_path: Path) -> None:
    _with_party(db)
    path = _list(
        tmp_path,
        ["Нехір Олександр Іванович;23.05.1987;солдат;А0000;ч\n", "Тарасов Олександр;1990;;;\n"],
        encoding="cp1251",
    )
    code, stdout, stderr = _invoke(db, "import", str(path), "--party", "UA", "--json")
    assert code == 0, stderr
    assert json.loads(stdout)["imported"] == 2
    code, stdout, _ = _invoke(db, "persons", "show", "1", "--json")
    person = json.loads(stdout)
    assert person["name"] == "Нехір Олександр Іванович"
    assert person["date_of_birth"] == "1987-05-23"
    assert person["records_detail"][0]["unit"] == "А0000"
    code, stdout, _ = _invoke(db, "persons", "list", "--json")
    assert [p["id"] for p in json.loads(stdout)] == [1, 2]


def test_one_bad_row_in_a_thousand_is_named_and_nothing_is_written(
    db: Database, tmp_path: Path
) -> None:
    _with_party(db)
    rows = [f"Прізвище{i} Ім'я;01.01.1990;;;\n" for i in range(1000)]
    rows[636] = "Нехір Олександр;31.02.1990;;;\n"  # line 638 of the file
    path = _list(tmp_path, rows)
    code, _, stderr = _invoke(db, "import", str(path), "--party", "UA")
    assert code == 1
    assert "line 638" in stderr and "Дата народження" in stderr
    assert "nothing was imported" in stderr
    assert _records(db) == 0
    rejects = (tmp_path / "list.csv.rejected.csv").read_text("utf-8-sig")
    assert rejects.splitlines()[1].startswith("638,")
    assert "Нехір Олександр" in rejects


def test_skip_bad_rows_writes_the_rest(db: Database, tmp_path: Path) -> None:
    _with_party(db)
    path = _list(tmp_path, ["Нехір Олександр;1987;;;\n", "Тарасов Олександр;13.13.1990;;;\n"])
    code, _, stderr = _invoke(db, "import", str(path), "--party", "UA", "--skip-bad-rows")
    assert code == 0, stderr
    assert _records(db) == 1


def test_reimport_refused_then_forced(db: Database, tmp_path: Path) -> None:
    _with_party(db)
    path = _list(tmp_path, ["Нехір Олександр;1987;;;\n"])
    assert _invoke(db, "import", str(path), "--party", "UA")[0] == 0
    code, _, stderr = _invoke(db, "import", str(path), "--party", "UA")
    assert code == 1 and "already imported" in stderr and "--force" in stderr
    assert _invoke(db, "import", str(path), "--party", "UA", "--force")[0] == 0
    assert _records(db) == 2


def test_unknown_header_suggests_a_mapping_file(db: Database, tmp_path: Path) -> None:
    _with_party(db)
    path = tmp_path / "odd.csv"
    path.write_text("Позивний,ПІБ\nТарас,Нехір Олександр\n", encoding="utf-8")
    code, _, stderr = _invoke(db, "import", str(path), "--party", "UA")
    assert code == 1 and "Позивний" in stderr and "mapping file" in stderr
    mapping = tmp_path / "map.csv"
    mapping.write_text("Позивний,notes\n", encoding="utf-8")
    code, _, stderr = _invoke(db, "import", str(path), "--party", "UA", "--mapping", str(mapping))
    assert code == 0, stderr


def test_audit_verify_passes_then_names_the_altered_entry(db: Database, tmp_path: Path) -> None:
    _with_party(db)
    _invoke(db, "import", str(_list(tmp_path, ["Нехір Олександр;1987;;;\n"])), "--party", "UA")
    code, stdout, _ = _invoke(db, "audit", "verify")
    assert code == 0 and "intact: 2 entries" in stdout
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET action = 'nothing' WHERE id = 2"))
    code, _, stderr = _invoke(db, "audit", "verify")
    assert code == 1 and "audit entry 2" in stderr and "edited" in stderr


def test_commands_on_an_empty_database_say_to_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/empty.sqlite3"
    result = runner.invoke(app, ["--database-url", url, "persons", "list"])
    assert result.exit_code == 1 and "homecoming init" in result.stderr
    result = runner.invoke(app, ["--database-url", url, "init"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["--database-url", url, "persons", "list"])
    assert result.exit_code == 0


def test_commands_on_a_database_behind_or_ahead_of_the_code_say_what_to_do(
    db: Database, tmp_path: Path
) -> None:
    """A database left at an older schema version is not read as if it were current (no
    traceback about a missing table): the command names both versions and the way forward."""
    from alembic import command

    from homecoming.store.db import _alembic_config, schema_head

    with db.engine.begin() as connection:  # as a database made before the newest migration
        config = _alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
    code, _, stderr = _invoke(db, "persons", "list")
    assert code == 1, stderr
    assert "0013" in stderr and schema_head() in stderr and "homecoming init" in stderr
    assert "Traceback" not in stderr
    code, stdout, stderr = _invoke(db, "backup", "--out", str(tmp_path / "before-init.backup"))
    assert code == 0 and "schema 0013" in stdout, stderr  # the advice can be followed
    code, _, stderr = _invoke(db, "init")
    assert code == 0, stderr
    code, _, stderr = _invoke(db, "persons", "list")
    assert code == 0, stderr
    version = text("UPDATE alembic_version SET version_num = :v")
    with db.engine.begin() as connection:
        connection.execute(version, {"v": "0099"})
    try:
        code, _, stderr = _invoke(db, "persons", "list")
        assert code == 1 and "0099" in stderr and "newer Homecoming" in stderr
    finally:  # the PostgreSQL database outlives the test
        with db.engine.begin() as connection:
            connection.execute(version, {"v": schema_head()})

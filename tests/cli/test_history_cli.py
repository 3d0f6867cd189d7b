"""`homecoming replies import|list` and `homecoming persons history`: a reply file read from
disk (CSV and XLSX), a bad one refused with its lines, and the history on screen and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.services import exchange_lists
from homecoming.services.search import SearchService
from homecoming.store.db import Database

from ..exchange.world import build_world

runner = CliRunner()


def _run(db: Database, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    return result.exit_code, result.stdout, result.stderr


def test_reply_import_and_history(db: Database, tmp_path: Path) -> None:
    agreement_id = build_world(db)
    ru = exchange_lists.list_versions(db, agreement_id=agreement_id, party="RU")[0]
    report = exchange_lists.validate_version(db, SearchService(db), version_id=ru.id, actor="t")
    person = next(line.person_id for line in report.lines if line.entry.line == 3)
    assert person is not None

    bad = tmp_path / "ua-reply-bad.csv"
    bad.write_text("line,answer,reason\n3,refused,\n40,accepted,\n", encoding="utf-8")
    code, _, err = _run(db, "replies", "import", str(bad), "--list", str(ru.id))
    assert code != 0 and "line 2" in err and "line 3" in err and "Traceback" not in err

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Рядок", "Відповідь", "Причина"])
    sheet.append([3, "викреслено", "не значиться серед утримуваних"])
    sheet.append([2, "прийнято", None])
    good = tmp_path / "ua-reply.xlsx"
    book.save(good)
    code, stdout, err = _run(
        db, "replies", "import", str(good), "--list", str(ru.id), "--received-from", "UA HQ"
    )
    assert code == 0, err
    assert "reply 1 of UA" in stdout and "1 accepted, 1 struck_off" in stdout
    code, stdout, _ = _run(db, "replies", "list", str(ru.id))
    assert code == 0 and "ua-reply.xlsx" in stdout

    code, stdout, _ = _run(db, "persons", "history", str(person))
    assert code == 0
    assert "offered by RU in RU offer v1 line 3" in stdout
    assert "UA answered RU offer v1 line 3: struck off" in stdout
    code, stdout, _ = _run(db, "persons", "history", str(person), "--json")
    kinds = [e["kind"] for e in json.loads(stdout)]
    assert kinds == ["offered", "struck_off"]
    code, _, err = _run(db, "persons", "history", "9999")
    assert code != 0 and "no person 9999" in err

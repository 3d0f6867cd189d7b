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


def test_crossing_and_wounded_commands(db: Database, tmp_path: Path) -> None:
    from ..web.conftest import build_exchange

    agreement_id = build_exchange(db)
    code, stdout, err = _run(
        db,
        "crossing",
        "unlisted",
        str(agreement_id),
        "1",
        "--party",
        "RU",
        "--name",
        "Гончаренко Ігор Петрович",
        "--born",
        "1994-02-02",
        "--checked-by",
        "Lt. Bondar",
        "--method",
        "documents",
        "--method",
        "questions",
    )
    assert code == 0, err
    assert "arrived unlisted" in stdout and "stage 1, RU" in stdout
    code, _, err = _run(
        db,
        "crossing",
        "unlisted",
        str(agreement_id),
        "1",
        "--party",
        "RU",
        "--name",
        "Хтось",
        "--checked-by",
        "x",
        "--method",
        "telepathy",
    )
    assert code != 0 and "not a way to check an identity" in err
    received = tmp_path / "ru-at-crossing.csv"
    received.write_text("прізвище,ім'я,дата народження\nЧужий,Петро,01.01.1990\n", "utf-8")
    code, stdout, err = _run(
        db, "crossing", "received-list", str(agreement_id), "1", str(received), "--party", "RU"
    )
    assert code == 0, err
    assert "differs from the agreed list" in stdout and "+ Чужий Петро" in stdout
    code, stdout, _ = _run(db, "crossing", "list", str(agreement_id), "1", "--json")
    assert [e["kind"] for e in json.loads(stdout)] == ["arrived_unlisted", "list_differs"]

    person = json.loads(_run(db, "crossing", "list", str(agreement_id), "1", "--json")[1])[0][
        "person_id"
    ]
    steps = [
        ("refer", "--by", "doctor", "--on", "2026-01-10", "--examine-by", "2026-02-10"),
        (
            "examine",
            "--body",
            "mixed_medical_commission",
            "--on",
            "2026-01-20",
            "--decision",
            "repatriate",
        ),
    ]
    for step in steps:
        code, stdout, err = _run(db, "wounded", step[0], str(person), *step[1:])
        assert code == 0, err
    assert "awaiting consent" in stdout
    code, _, err = _run(db, "wounded", "repatriate", str(person), "--on", "2026-01-30")
    assert code != 0 and "against his will" in err
    code, stdout, err = _run(
        db,
        "wounded",
        "consent",
        str(person),
        "--answer",
        "given",
        "--on",
        "2026-01-21",
        "--witnessed-by",
        "ICRC delegate",
    )
    assert code == 0 and "ready" in stdout, err
    code, stdout, err = _run(db, "wounded", "repatriate", str(person), "--on", "2026-01-30")
    assert code == 0 and "repatriated 2026-01-30" in stdout, err
    code, _, err = _run(db, "wounded", "refer", str(person), "--by", "icrc", "--on", "soon")
    assert code != 0 and "YYYY-MM-DD" in err

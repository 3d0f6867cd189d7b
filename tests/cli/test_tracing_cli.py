"""The tracing commands, end to end: an inquiry, a list, a lead, a second person, an e-mail."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.store.db import Database

from ..formats.pfif_rules import pfif_violations

runner = CliRunner()


class Inbox:
    def __init__(self) -> None:
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _invoke(db: Database, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", db.url, *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _ok(db: Database, *args: str, env: dict[str, str] | None = None) -> str:
    code, stdout, stderr = _invoke(db, *args, env=env)
    assert code == 0, stderr
    return stdout


def _setup(db: Database, tmp_path: Path) -> str:
    _ok(db, "parties", "add", "UA", "Ukraine")
    _ok(db, "parties", "add", "RU", "Russian Federation")
    registered = json.loads(
        _ok(
            db,
            "inquiries",
            "add",
            "--family-name",
            "Нехір",
            "--given-names",
            "Олександр",
            "--born",
            "1987-05-23",
            "--unit",
            "36 ОБрМП",
            "--inquirer",
            "Нехір Марія",
            "--relation",
            "мати",
            "--email",
            "maria@example.org",
            "--consent",
            "--scope",
            "icrc",
            "--party",
            "UA",
            "--actor",
            "liaison",
            "--json",
        )
    )
    listed = tmp_path / "ru.csv"
    listed.write_text(
        "Surname,Given name,Date of birth,Status\nNEKHYR,Oleksadr,23.05.1987,detained\n", "utf-8"
    )
    _ok(db, "import", str(listed), "--party", "RU", "--actor", "registrar")
    return str(registered["reference"])


def test_inquiry_lead_approval_and_email(
    db: Database, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    reference = _setup(db, tmp_path)
    (lead,) = json.loads(_ok(db, "leads", "list", "--json"))
    assert lead["reference"] == reference and lead["evidence"]["name"] == "NEKHYR Oleksadr"
    assert "NEKHYR" in _ok(db, "leads", "show", str(lead["id"]))
    verified = _ok(db, "leads", "verify", str(lead["id"]), "--actor", "tracer")
    assert "confirmed_captivity" in verified and "notification 1 prepared" in verified
    code, _, stderr = _invoke(db, "notifications", "approve", "1", "--actor", "tracer")
    assert code == 1 and "second person" in stderr
    _ok(db, "notifications", "approve", "1", "--actor", "liaison")
    code, _, stderr = _invoke(db, "notifications", "send")
    assert code == 1 and "HOMECOMING_SMTP_HOST" in stderr
    env = {"HOMECOMING_SMTP_HOST": "127.0.0.1", "HOMECOMING_SMTP_PORT": str(port)}
    sent = json.loads(_ok(db, "notifications", "send", "--json", env=env))
    assert sent == {"sent": [1], "failed": {}}
    assert inbox.recipients == [["maria@example.org"]]
    (told,) = json.loads(_ok(db, "disclosures", "list", "--json"))
    assert told["kind"] == "notification" and "maria" not in str(told)
    (shown,) = json.loads(_ok(db, "notifications", "list", "--json"))
    assert shown["state"] == "sent" and shown["approved_by"] == "liaison"
    status = json.loads(_ok(db, "inquiries", "show", reference, "--json"))["status"]
    assert status == "confirmed_captivity"


def test_testimony_photos_and_the_rest(db: Database, tmp_path: Path) -> None:
    reference = _setup(db, tmp_path)
    out = _ok(
        db,
        "testimonies",
        "add",
        "--witness",
        "Петренко І.",
        "--saw",
        "Nekhir from the 36th brigade",
        "--saw",
        "Коваленко",
        "--facility",
        "Колонія № 10",
        "--party",
        "UA",
        "--json",
    )
    testimony = json.loads(out)
    assert len(testimony["sightings"]) == 2 and testimony["leads"] == 1
    assert "Nekhir from the 36th brigade" in _ok(db, "testimonies", "show", str(testimony["id"]))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    _ok(db, "inquiries", "add-photo", reference, str(photo), "--caption", "2023")
    (item,) = json.loads(_ok(db, "inquiries", "gallery", "--unit", "36th brigade", "--json"))
    answered = _ok(
        db,
        "testimonies",
        "answer",
        str(testimony["id"]),
        str(item["id"]),
        "--answer",
        "recognised",
    )
    assert "lead" in answered
    leads = json.loads(_ok(db, "leads", "list", "--json"))
    assert {lead["kind"] for lead in leads} == {"record", "sighting", "recognition"}
    record = next(lead for lead in leads if lead["kind"] == "record")
    _ok(db, "leads", "reject", str(record["id"]), "--reason", "other man", "--actor", "tracer")
    _ok(db, "leads", "reopen", str(record["id"]), "--reason", "checked again", "--actor", "admin")
    prepared = json.loads(
        _ok(db, "notifications", "prepare", reference, "--template", "registered", "--json")
    )
    assert prepared["subject"].startswith("Ваше звернення зареєстровано")
    _ok(db, "notifications", "cancel", str(prepared["id"]), "--reason", "told by phone")
    contacts = _ok(db, "inquiries", "contacts", reference, "--purpose", "call the mother")
    assert "maria@example.org" in contacts
    listing = json.loads(_ok(db, "inquiries", "list", "--json"))
    assert listing["total"] == 1
    assert "matched 1 open inquiries" in _ok(db, "inquiries", "match")
    target = tmp_path / "notes.xml"
    _ok(db, "inquiries", "export-pfif", "--to", "other_party", "--out", str(target))
    assert b"<pfif:person>" not in target.read_bytes()  # the family allowed the ICRC only
    _ok(db, "inquiries", "export-pfif", "--to", "icrc", "--out", str(target))
    assert b"inquiry." + reference.encode() in target.read_bytes()
    assert pfif_violations(target.read_bytes()) == []
    _ok(db, "inquiries", "withdraw", reference, "--reason", "came home")
    assert "withdrawn" in _ok(db, "inquiries", "list")


def test_import_a_file_of_inquiries(db: Database, tmp_path: Path) -> None:
    _ok(db, "parties", "add", "UA", "Ukraine")
    path = tmp_path / "inquiries.csv"
    path.write_text(
        "Прізвище,Ім'я,Контактна особа,Телефон,Згода,Поширення\n"
        "Нехір,Олександр,Нехір Марія,+380501234567,так,icrc\n"
        "Бондар,Василь,,,ні,other_party\n",
        encoding="utf-8",
    )
    code, _, stderr = _invoke(db, "inquiries", "import", str(path), "--party", "UA")
    assert code == 1 and "line 3" in stderr
    path.write_text(
        "Прізвище,Ім'я,Контактна особа,Телефон,Згода,Поширення\n"
        "Нехір,Олександр,Нехір Марія,+380501234567,так,icrc\n",
        encoding="utf-8",
    )
    found = json.loads(_ok(db, "inquiries", "import", str(path), "--party", "UA", "--json"))
    assert len(found) == 1 and found[0]["reference"].startswith("HC-")

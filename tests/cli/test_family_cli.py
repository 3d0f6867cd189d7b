"""`inquiries add` gives the family access code once (and its letter); `inquiries family-code`
issues a new one that ends the old."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.errors import Unauthorized
from homecoming.services import family
from homecoming.store.db import Database

runner = CliRunner()
CHEAP = {"HOMECOMING_PASSWORD_HASH_TIME_COST": "1", "HOMECOMING_PASSWORD_HASH_MEMORY_KIB": "8192"}
OFFICE = {
    "HOMECOMING_OFFICE_PHONE": "+380 44 000 00 00",
    "HOMECOMING_FAMILY_PAGE_URL": "https://bureau.example/family",
}


def _ok(db: Database, *args: str) -> str:
    result = runner.invoke(app, ["--database-url", db.url, *args], env=CHEAP | OFFICE)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _open(db: Database, reference: str, code: str) -> family.FamilyVisit:
    return family.open_case(
        db,
        reference=reference,
        code=code,
        client="127.0.0.1",
        hasher=PasswordHasher(time_cost=1, memory_cost=8192),
        policy=family.FamilyPolicy(),
    )


def test_the_code_is_printed_once_with_its_letter(db: Database, tmp_path: Path) -> None:
    _ok(db, "parties", "add", "UA", "Ukraine")
    letter = tmp_path / "letter.txt"
    registered = json.loads(
        _ok(
            db,
            "inquiries",
            "add",
            "--family-name",
            "Нехір",
            "--inquirer",
            "Нехір Марія",
            "--phone",
            "+380501234567",
            "--language",
            "ru",
            "--letter",
            str(letter),
            "--json",
        )
    )
    code, reference = registered["family_access_code"], registered["reference"]
    assert _open(db, reference, code).inquiry_id == registered["id"]
    text = letter.read_text("utf-8")
    assert reference in text and code in text and "Код доступа" in text  # the family's language
    assert "https://bureau.example/family" in text and "+380 44 000 00 00" in text
    shown = json.loads(_ok(db, "inquiries", "show", reference, "--json"))
    assert code not in json.dumps(shown)  # shown once, never again

    plain = _ok(db, "inquiries", "family-code", reference)
    new = plain.rsplit(": ", 1)[1].strip()
    assert new != code and _open(db, reference, new)
    with pytest.raises(Unauthorized):
        _open(db, reference, code)
    again = json.loads(_ok(db, "inquiries", "family-code", reference, "--json"))
    assert again["reference"] == reference and again["family_access_code"] != new

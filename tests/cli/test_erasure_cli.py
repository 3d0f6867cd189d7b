"""Erasure end to end: a family's name and e-mail leave the database file, a pg_dump, the
search index, exports and backups made afterwards; the audit chain still verifies."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.services.backup import find_pg_tool
from homecoming.store.db import Database

runner = CliRunner()
FAMILY = "Зеленюк-Прокопович"
GIVEN = "Ярема"
EMAIL = "yarema.zelenyuk.mother@example.org"
INQUIRER = "Зеленюк-Прокопович Стефанія"
SECRETS = [FAMILY, GIVEN, EMAIL, INQUIRER, "Zeleniuk"]


def _invoke(db: Database, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    base = ["--database-url", db.url, "--data-dir", str(tmp_path / "var")]
    result = runner.invoke(app, [*base, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _ok(db: Database, tmp_path: Path, *args: str) -> str:
    code, stdout, stderr = _invoke(db, tmp_path, *args)
    assert code == 0, stderr
    return stdout


def _inquiry(db: Database, tmp_path: Path) -> str:
    _ok(db, tmp_path, "parties", "add", "UA", "Ukraine")
    registered = _ok(
        db, tmp_path, "inquiries", "add", "--family-name", FAMILY, "--given-names", GIVEN,
        "--born", "1991-02-03", "--inquirer", INQUIRER, "--relation", "мати",
        "--email", EMAIL, "--consent", "--party", "UA", "--actor", "liaison", "--json",
    )  # fmt: skip
    reference = str(json.loads(registered)["reference"])
    _ok(
        db, tmp_path, "inquiries", "withdraw", reference, "--reason",
        f"{INQUIRER} ({EMAIL}) asks to close it", "--actor", "liaison",
    )  # fmt: skip
    return reference


def _held_anywhere(db: Database, tmp_path: Path) -> bytes:
    """Every byte the database keeps: the SQLite file with its WAL, or a pg_dump."""
    if db.dialect == "sqlite":
        path = Path(str(make_url(db.url).database))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    url = make_url(db.url).set(drivername="postgresql")
    dumped = subprocess.run(
        [find_pg_tool("pg_dump"), "--no-owner", url.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
    )
    return dumped.stdout


def _found(data: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode("utf-8") in data]


def _exports(db: Database, tmp_path: Path) -> bytes:
    written = b""
    for what in ("persons", "records"):
        target = tmp_path / f"{what}.csv"
        _ok(
            db, tmp_path, "export", what, "--out", str(target), "--include-inquiries",
            "--plaintext",
        )  # fmt: skip
        written += target.read_bytes()
    return written


def test_an_erased_family_is_found_nowhere(db: Database, tmp_path: Path) -> None:
    reference = _inquiry(db, tmp_path)
    assert FAMILY in _ok(db, tmp_path, "search", FAMILY)
    assert FAMILY.encode() in _exports(db, tmp_path)
    dry = _ok(db, tmp_path, "inquiries", "erase", reference, "--reason", "consent withdrawn")
    assert "would erase" in dry and FAMILY not in dry
    assert FAMILY.encode() in _exports(db, tmp_path)  # a dry run changes nothing

    erased = _ok(
        db, tmp_path, "inquiries", "erase", reference, "--reason", "consent withdrawn",
        "--yes", "--actor", "officer", "--json",
    )  # fmt: skip
    report = json.loads(erased)
    assert report["contacts"] == 1 and report["audit_entries"]
    assert _ok(db, tmp_path, "audit", "verify").startswith("audit chain intact")
    assert _found(_held_anywhere(db, tmp_path)) == []
    assert FAMILY not in _ok(db, tmp_path, "search", FAMILY)
    assert _found(_exports(db, tmp_path)) == []

    identity = pyrage.x25519.Identity.generate()
    (tmp_path / "key.txt").write_text(f"# test key\n{identity}\n", "utf-8")
    backup = tmp_path / "after.hcbackup.age"
    _ok(db, tmp_path, "backup", "--out", str(backup), "--encrypt-to", str(identity.to_public()))
    assert backup.read_bytes().startswith(b"age-encryption.org/v1")
    plain = pyrage.decrypt(backup.read_bytes(), [identity])
    assert b"manifest.json" in plain and _found(plain) == []
    code, _, stderr = _invoke(db, tmp_path, "restore", str(backup), "--yes")
    assert code == 1 and "--identity" in stderr
    restored = _ok(
        db, tmp_path, "restore", str(backup), "--yes", "--identity", str(tmp_path / "key.txt")
    )
    assert "audit chain intact" in restored
    shown = json.loads(_ok(db, tmp_path, "inquiries", "show", reference, "--json"))
    assert shown["reference"] == reference

    code, _, stderr = _invoke(
        db, tmp_path, "inquiries", "erase", reference, "--reason", "again", "--yes"
    )
    assert code == 1 and "already erased" in stderr


def test_the_erasure_entry_says_what_not_the_data(db: Database, tmp_path: Path) -> None:
    reference = _inquiry(db, tmp_path)
    _ok(db, tmp_path, "inquiries", "erase", reference, "--reason", "data subject asked", "--yes")
    with db.reading() as session:
        rows = session.execute(
            text("SELECT action, actor, details FROM audit_log ORDER BY id")
        ).all()
    erasure = [r for r in rows if r[0] == "personal_data.erased"]
    assert len(erasure) == 1 and "data subject asked" in str(erasure[0][2])
    assert _found(str([r[2] for r in rows]).encode()) == []


def test_tampering_is_still_detected_after_an_erasure(db: Database, tmp_path: Path) -> None:
    reference = _inquiry(db, tmp_path)
    _ok(db, tmp_path, "inquiries", "erase", reference, "--reason", "consent withdrawn", "--yes")
    with db.transaction() as session:
        last_plain = session.execute(
            text(
                "SELECT max(id) FROM audit_log WHERE action = 'parties.added'"
                " OR action LIKE 'party%'"
            )
        ).scalar_one()
        assert last_plain is not None
        # A forged redaction marker: no erasure names this entry.
        forged = json.dumps({"redacted_by_audit_entry": 1})
        session.execute(
            text("UPDATE audit_log SET details = :d WHERE id = :i"),
            {"d": forged, "i": last_plain},
        )
    code, _, stderr = _invoke(db, tmp_path, "audit", "verify")
    assert code == 1 and f"audit entry {last_plain}" in stderr and "edited" in stderr


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE records SET family_name = 'Someone else'",
        "DELETE FROM records",
        "UPDATE records SET redacted_at = CURRENT_TIMESTAMP",  # keeps the name: refused
    ],
)
def test_records_stay_immutable_outside_an_erasure(
    db: Database, tmp_path: Path, statement: str
) -> None:
    _inquiry(db, tmp_path)
    with pytest.raises(Exception, match=r"immutable|erasure keeps"), db.transaction() as session:
        session.execute(text(statement))


def test_a_tombstone_cannot_be_changed_again(db: Database, tmp_path: Path) -> None:
    reference = _inquiry(db, tmp_path)
    _ok(db, tmp_path, "inquiries", "erase", reference, "--reason", "consent withdrawn", "--yes")
    for statement in (
        "UPDATE records SET family_name = 'Back again'",
        "UPDATE records SET redacted_at = NULL",
    ):
        with pytest.raises(Exception, match="immutable"), db.transaction() as session:
            session.execute(text(statement))


def test_exports_are_sealed_or_plain_on_purpose_and_logged(db: Database, tmp_path: Path) -> None:
    _inquiry(db, tmp_path)
    target = tmp_path / "persons.csv"
    code, _, stderr = _invoke(db, tmp_path, "export", "persons", "--out", str(target))
    assert code == 1 and "--plaintext" in stderr and not target.exists()
    code, _, stderr = _invoke(
        db, tmp_path, "export", "persons", "--out", str(target), "--plaintext", "--to", "ICRC"
    )
    assert code == 1 and "--legal-basis" in stderr
    identity = pyrage.x25519.Identity.generate()
    sealed_out = tmp_path / "records.csv.age"
    _ok(
        db, tmp_path, "export", "records", "--out", str(sealed_out), "--include-inquiries",
        "--encrypt-to", str(identity.to_public()), "--to", "ICRC Central Tracing Agency",
        "--legal-basis", "GC III art. 123", "--actor", "registrar",
    )  # fmt: skip
    assert FAMILY.encode() in pyrage.decrypt(sealed_out.read_bytes(), [identity])
    assert FAMILY.encode() not in sealed_out.read_bytes()
    (shown,) = json.loads(_ok(db, tmp_path, "disclosures", "list", "--json"))
    assert shown["recipient"] == "ICRC Central Tracing Agency" and shown["encrypted"]
    assert shown["legal_basis"] == "GC III art. 123" and shown["actor"] == "registrar"
    assert "ICRC Central" in _ok(db, tmp_path, "disclosures", "list")
    review = json.loads(_ok(db, tmp_path, "access", "review", "--json"))
    assert len(review["disclosures"]) == 1 and review["reads"] == []


def test_retention_run_is_a_dry_run_unless_applied(db: Database, tmp_path: Path) -> None:
    reference = _inquiry(db, tmp_path)
    policy = '{"withdrawn": 0}'
    env = {"HOMECOMING_RETENTION_DAYS_BY_INQUIRY_STATE": policy}
    dry = runner.invoke(app, ["--database-url", db.url, "retention", "run"], env=env)
    assert dry.exit_code == 0 and f"would erase inquiry {reference}" in dry.stdout
    assert FAMILY in _ok(db, tmp_path, "search", FAMILY)
    done = runner.invoke(app, ["--database-url", db.url, "retention", "run", "--apply"], env=env)
    assert done.exit_code == 0 and f"erased inquiry {reference}" in done.stdout
    assert FAMILY not in _ok(db, tmp_path, "search", FAMILY)
    assert _ok(db, tmp_path, "audit", "verify").startswith("audit chain intact")

"""PFIF with the peers: feeds written after Google Person Finder's own test feeds import whole,
the export keeps the PFIF 1.4 rules, and export -> import -> export changes only entry_date."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import make_url, select, text
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.cli.demo import load_scenario
from homecoming.generate.scenario import build_scenario
from homecoming.services import persons
from homecoming.store.db import Database
from homecoming.store.models import Base, Record

from .personfinder_feeds import DOMAIN, FEEDS, PERSON, PFIF_11, PFIF_12, PFIF_12_NOTE, PFIF_14
from .pfif_rules import pfif_violations

runner = CliRunner()
ENTRY_DATE = re.compile(rb"<pfif:entry_date>[^<]*</pfif:entry_date>")

# Per feed: records written, persons, notes, and the fields defaulted (as reported).
EXPECTED = {
    "global-test.pfif-1.2-source.xml": (1, 1, 0, ["full_name"]),
    "test.pfif-1.1.xml": (3, 1, 2, ["full_name"]),
    "test.pfif-1.2-badrecord.xml": (
        6,
        2,
        4,
        ["full_name", "author_name", "author_name", "full_name"],
    ),
    "test.pfif-1.2-believed-dead.xml": (1, 1, 1, []),
    "test.pfif-1.2-note.xml": (2, 2, 2, []),
    "test.pfif-1.2-notification.xml": (1, 1, 1, []),
    "test.pfif-1.2-source.xml": (1, 1, 0, ["full_name"]),
    "test.pfif-1.2.xml": (5, 1, 4, ["full_name", "author_name", "author_name"]),
    "test.pfif-1.4.xml": (5, 1, 4, ["author_name", "author_name"]),
}


def _cli(db: Database, *args: str) -> str:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def _import(db: Database, path: Path, *args: str) -> dict[str, object]:
    report: dict[str, object] = json.loads(_cli(db, "import", str(path), "--json", *args))
    return report


def _feed(tmp_path: Path, name: str, text: str | None = None) -> Path:
    path = tmp_path / name
    path.write_text(FEEDS[name] if text is None else text, encoding="utf-8")
    return path


def _export(db: Database, tmp_path: Path, name: str = "out.xml", *args: str) -> bytes:
    target = tmp_path / name
    _cli(db, "export", "persons", "--out", str(target), "--plaintext", *args)
    data = target.read_bytes()
    assert pfif_violations(data) == []
    return data


@pytest.fixture
def wipe(request: pytest.FixtureRequest) -> Callable[[Database], Database]:
    """Empty the test database again: a fresh one for the round trip's second half."""

    def wiped(db: Database) -> Database:
        if db.dialect == "postgresql":
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return db
        db.dispose()  # records refuse DELETE: start again from the migrated template
        path = make_url(db.url).database
        assert path is not None
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        fresh = Database(db.url)
        request.addfinalizer(fresh.dispose)
        return fresh

    return wiped


def _held(db: Database) -> tuple[int, list[str], dict[str, str | None]]:
    """Persons, PFIF record ids held, and each PFIF person's derived status."""
    with db.reading() as session:
        ids = sorted(session.scalars(select(Record.external_id)))
    statuses = {}
    for view in persons.iterate(db):
        status = view.derived.status
        statuses[min(r.external_id for r in view.records)] = status.value if status else None
    return persons.count(db), ids, statuses


def _defaulted_lines(text: str, report: dict[str, object]) -> list[tuple[int, str]]:
    defaulted = report["defaulted"]
    assert isinstance(defaulted, list)
    return [(d["line"], d["field"]) for d in defaulted]


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_each_feed_imports_whole_and_round_trips(
    db: Database, tmp_path: Path, name: str, wipe: Callable[[Database], Database]
) -> None:
    records, person_count, notes, defaulted = EXPECTED[name]
    report = _import(db, _feed(tmp_path, name))
    assert report["imported"] == records and report["rejected"] == []
    assert sorted(d["field"] for d in report["defaulted"]) == sorted(defaulted)  # type: ignore[attr-defined]
    before = _held(db)
    assert before[0] == person_count
    first = _export(db, tmp_path, "first.xml")
    assert first.count(b"<pfif:note>") == notes

    db = wipe(db)
    again = _import(db, tmp_path / "first.xml")
    assert again["imported"] == records and again["defaulted"] == []
    assert _held(db) == before  # the same persons, notes and statuses
    second = _export(db, tmp_path, "second.xml")
    assert ENTRY_DATE.sub(b"", second) == ENTRY_DATE.sub(b"", first)


def test_defaulted_fields_are_reported_with_their_lines(db: Database, tmp_path: Path) -> None:
    path = _feed(tmp_path, "test.pfif-1.2.xml")
    report = _import(db, path)
    lines = PFIF_12.splitlines()
    unsigned = [n for n, text in enumerate(lines, start=1) if "<pfif:note>" in text][2:]
    assert _defaulted_lines(PFIF_12, report) == [
        (3, "full_name"),
        *((line, "author_name") for line in unsigned),
    ]
    result = runner.invoke(app, ["--database-url", db.url, "import", str(path), "--force"])
    assert "5 already held, skipped" in result.stdout
    assert "missing field(s) defaulted" not in result.stdout  # nothing new landed


def test_cli_text_report_lists_each_defaulted_field(db: Database, tmp_path: Path) -> None:
    out = _cli(db, "import", str(_feed(tmp_path, "test.pfif-1.4.xml")))
    assert "2 missing field(s) defaulted" in out
    assert out.count("field 'author_name': missing; marked unknown") == 2
    with db.reading() as session:
        marks = [r.raw.get("_defaulted") for r in session.scalars(select(Record))]
    assert marks.count("author_name") == 2


def test_notes_join_their_person_also_from_a_later_file(db: Database, tmp_path: Path) -> None:
    _import(db, _feed(tmp_path, "test.pfif-1.1.xml"))
    later = _import(db, _feed(tmp_path, "test.pfif-1.2-believed-dead.xml"))
    assert later["imported"] == 1
    note_only = _import(db, _feed(tmp_path, "test.pfif-1.2-note.xml"))
    assert note_only["imported"] == 2
    with db.reading() as session:
        person_of = {
            (r.external_id, r.raw.get("entry_date")): r.person_id
            for r in session.scalars(select(Record))
        }
    people = {person_of[(PERSON, "2024-03-16T02:07:57Z")]}
    assert people == {p for (i, _), p in person_of.items() if i != f"{DOMAIN}/note.7002"} | {
        person_of[(f"{DOMAIN}/note.7002", "2024-03-17T11:13:17Z")]
    }
    # The note about a person nobody sent us stands as a person of its own.
    assert person_of[(f"{DOMAIN}/note.7002", "2025-01-17T11:13:17Z")] not in people
    [dead] = [v for v in persons.iterate(db) if len(v.records) > 2]
    assert dead.derived.status is not None and dead.derived.status.value == "deceased"


def test_records_already_held_are_skipped_by_id_and_entry_date(
    db: Database, tmp_path: Path
) -> None:
    _import(db, _feed(tmp_path, "test.pfif-1.4.xml"))
    # The 1.2 feed holds the same records with the same entry dates, bar none.
    same = _import(db, _feed(tmp_path, "test.pfif-1.2.xml"))
    assert (same["imported"], same["already_held"]) == (0, 5)
    # The 1.1 feed's second note has another entry_date: a newer version, which lands.
    newer = _import(db, _feed(tmp_path, "test.pfif-1.1.xml"))
    assert (newer["imported"], newer["already_held"]) == (1, 2)
    assert persons.count(db) == 1
    # Our own export, imported back: every record is held (its entry_date is ours).
    exported = _export(db, tmp_path)
    (tmp_path / "back.xml").write_bytes(exported)
    back = _import(db, tmp_path / "back.xml")
    assert (back["imported"], back["already_held"]) == (0, 5)


def test_export_composes_what_pfif_14_requires(db: Database, tmp_path: Path) -> None:
    _import(db, _feed(tmp_path, "test.pfif-1.2.xml"), "--name", "Finder feed")
    _import(db, _feed(tmp_path, "test.pfif-1.1.xml"))
    text = _export(db, tmp_path).decode()
    assert "<pfif:full_name>Марина Ткачук</pfif:full_name>" in text
    assert "<pfif:given_name>Марина</pfif:given_name>" in text
    assert text.count("<pfif:author_name>Finder feed</pfif:author_name>") == 2
    assert f"<pfif:linked_person_record_id>{DOMAIN}/person.999<" in text
    assert "<pfif:home_postal_code>17500</pfif:home_postal_code>" in text  # was home_zip
    assert "<pfif:author_made_contact>true</pfif:author_made_contact>" in text  # was found
    # Contact details stay home, whatever the feed carried.
    assert "@example.org" not in text and "+380" not in text


def test_one_record_id_is_written_once_the_newest(db: Database, tmp_path: Path) -> None:
    _import(db, _feed(tmp_path, "test.pfif-1.2-notification.xml"))
    _import(db, _feed(tmp_path, "test.pfif-1.2.xml"))
    text = _export(db, tmp_path).decode()
    assert text.count(f"<pfif:note_record_id>{DOMAIN}/note.7001<") == 1
    assert "2024-03-16T04:05:06Z" in text and "2024-01-16T04:05:06Z" not in text


def test_since_writes_only_what_entered_after(db: Database, tmp_path: Path) -> None:
    _import(db, _feed(tmp_path, "test.pfif-1.4.xml"))
    first = _export(db, tmp_path, "first.xml")
    last = max(re.findall(rb"<pfif:entry_date>([^<]*)<", first)).decode()
    assert _export(db, tmp_path, "none.xml", "--since", last).count(b"<pfif:note>") == 0
    time.sleep(1.01)  # entry_date counts seconds
    _import(db, _feed(tmp_path, "test.pfif-1.2-believed-dead.xml"))
    newer = _export(db, tmp_path, "newer.xml", "--since", last).decode()
    assert newer.count("<pfif:note>") == 1 and "note.218" in newer
    assert "<pfif:person>" not in newer
    result = runner.invoke(
        app,
        [
            "--database-url",
            db.url,
            "export",
            "records",
            "--out",
            str(tmp_path / "r.csv"),
            "--since",
            last,
            "--plaintext",
        ],
    )
    assert result.exit_code != 0 and "PFIF exports only" in result.stderr


def test_homecomings_own_persons_and_families_inquiries(db: Database, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("Прізвище,Ім'я,Дата народження\nНехір,Олександр,23.05.1987\n", "utf-8")
    inquiry = tmp_path / "inquiry.csv"
    inquiry.write_text("Прізвище,Ім'я\nАстапенко,Оксана\n", encoding="utf-8")
    _cli(db, "parties", "add", "UA", "Ukraine")
    _cli(db, "import", str(listing), "--party", "UA", "--received-from", "Coordination HQ")
    _cli(db, "import", str(inquiry), "--kind", "family_inquiry")
    text = _export(db, tmp_path).decode()
    assert "<pfif:full_name>Олександр Нехір</pfif:full_name>" in text or "Нехір" in text
    assert "<pfif:author_name>Coordination HQ</pfif:author_name>" in text
    assert "Астапенко" not in text
    assert "Астапенко" in _export(db, tmp_path, "all.xml", "--include-inquiries").decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("2024-03-17T14:15:16Z", "17.03.2024"), "source_date"),
        (("<pfif:entry_date>2024-03-16T02:07:57Z", "<pfif:entry_date>yesterday"), "entry_date"),
        (("<pfif:sex>female", "<pfif:sex>жін"), "sex"),
        (("<pfif:date_of_birth>1981-04", "<pfif:date_of_birth>1981-13"), "date_of_birth"),
    ],
)
def test_what_cannot_be_understood_is_still_refused(
    db: Database, tmp_path: Path, change: tuple[str, str], field: str
) -> None:
    text = PFIF_12.replace(*change)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if change[1] in t)
    record = max(
        n
        for n, t in enumerate(text.splitlines()[:line], 1)
        if "<pfif:" in t and ("<pfif:person>" in t or "<pfif:note>" in t)
    )
    path = _feed(tmp_path, "test.pfif-1.2.xml", text)
    result = runner.invoke(app, ["--database-url", db.url, "import", str(path)])
    assert result.exit_code != 0
    assert f"line {record}, field '{field}'" in result.stderr
    assert persons.count(db) == 0


def test_wrong_namespace_and_broken_xml_are_refused(db: Database, tmp_path: Path) -> None:
    wrong = _feed(tmp_path, "wrong.xml", PFIF_14.replace("zesty.ca/pfif/1.4", "zesty.ca/pfif/9"))
    result = runner.invoke(app, ["--database-url", db.url, "import", str(wrong)])
    assert result.exit_code != 0 and "no PFIF person or note" in result.stderr
    broken = _feed(tmp_path, "broken.xml", PFIF_11.replace("</pfif:first_name>", "", 1))
    result = runner.invoke(app, ["--database-url", db.url, "import", str(broken)])
    assert result.exit_code != 0 and "not well-formed" in result.stderr
    assert persons.count(db) == 0


def test_the_rule_checker_can_fail() -> None:
    bad = PFIF_14.replace("zesty.ca/pfif/1.4", "zesty.ca/pfif/1.4", 1).encode()
    problems = pfif_violations(bad)
    assert any("first_name is not a PFIF 1.4 person field" in p for p in problems)
    assert any("required author_name" in p for p in problems)
    assert pfif_violations(PFIF_12_NOTE.encode())[0].startswith("root element")


@pytest.mark.slow
def test_the_demo_round_trips(
    db: Database, tmp_path: Path, wipe: Callable[[Database], Database]
) -> None:
    load_scenario(db, build_scenario(seed=11, people=100))
    first = _export(db, tmp_path, "first.xml")
    count = persons.count(db) - _inquiry_only_persons(db)
    db = wipe(db)
    _import(db, tmp_path / "first.xml")
    assert persons.count(db) == count
    second = _export(db, tmp_path, "second.xml")
    assert ENTRY_DATE.sub(b"", second) == ENTRY_DATE.sub(b"", first)


def _inquiry_only_persons(db: Database) -> int:
    """Persons made only of families' inquiries: an export leaves them out."""
    return sum(
        1
        for view in persons.iterate(db)
        if all(r.source.kind == "family_inquiry" for r in view.records)
    )

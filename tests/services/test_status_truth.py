"""Every row of the status table, as a new user would meet it: `inquiries add`, `import`,
`leads verify` (the CLI over the services, on both databases).

The whole table is slow (every source kind × every fate); a fast subset runs by default: the
two cases issue 14 found wrong, and one row of each rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.domain.record import Fate
from homecoming.store.db import Database
from homecoming.tracing.evidence import CLOSED, STATUS_TABLE, Origin
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.templates import TEMPLATE_FOR_STATUS

runner = CliRunner()

# The word a list writes for each fate (read by the registry's normaliser).
WORDS = {
    Fate.MISSING: "зник безвісти",
    Fate.CAPTURED: "в полоні",
    Fate.DETAINED: "утримується",
    Fate.LISTED: "у списку на обмін",
    Fate.RELEASED: "звільнений",
    Fate.HOSPITALISED: "госпіталізований",
    Fate.DECEASED: "загинув",
    Fate.FOUND_ALIVE: "живий",
}
# How each source kind of the table is imported: --kind and --party (the family is UA).
IMPORTED_AS = {
    Origin.DETAINING_PARTY: ("party_list", "RU"),
    Origin.OWN_PARTY: ("party_list", "UA"),
    Origin.ICRC_VISIT: ("icrc_visit", "RU"),
    Origin.HANDOVER: ("handover", "UA"),
    Origin.VIDEO: ("video", "RU"),
    Origin.TESTIMONY: ("testimony", "UA"),
    Origin.PFIF_FEED: ("pfif_feed", None),
    Origin.FORENSIC: ("forensic", "UA"),
    Origin.OTHER: ("other", None),
}
FAST = {
    # Issue 14's two cases: the other party's video "живий", our own request list.
    (Origin.VIDEO, Fate.FOUND_ALIVE),
    (Origin.OWN_PARTY, Fate.LISTED),
    (Origin.DETAINING_PARTY, Fate.DETAINED),
    (Origin.DETAINING_PARTY, Fate.DECEASED),
    (Origin.HANDOVER, Fate.RELEASED),
    (Origin.FORENSIC, Fate.DECEASED),
    (Origin.ICRC_VISIT, Fate.FOUND_ALIVE),
}
ROWS = [
    pytest.param(origin, fate, marks=() if (origin, fate) in FAST else pytest.mark.slow)
    for origin in Origin
    for fate in Fate
]


def _ok(db: Database, *args: str) -> str:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _inquiry(db: Database) -> str:
    _ok(db, "parties", "add", "UA", "Ukraine")
    _ok(db, "parties", "add", "RU", "Russian Federation")
    added = _ok(
        db,
        "inquiries",
        "add",
        "--family-name",
        "Гнатюк",
        "--given-names",
        "Тарас",
        "--born",
        "1991-02-14",
        "--inquirer",
        "Гнатюк Ольга",
        "--relation",
        "дружина",
        "--email",
        "olha@example.org",
        "--consent",
        "--party",
        "UA",
        "--actor",
        "liaison",
        "--json",
    )
    return str(json.loads(added)["reference"])


def _land(db: Database, tmp_path: Path, origin: Origin, status: str) -> None:
    kind, party = IMPORTED_AS[origin]
    path = tmp_path / f"{origin.value}.csv"
    path.write_text(f"Прізвище,Ім'я,Дата народження,Статус\nГнатюк,Тарас,14.02.1991,{status}\n")
    args = ["import", str(path), "--kind", kind, "--actor", "registrar"]
    _ok(db, *args, *(["--party", party] if party else []))


def _verify_only_lead(db: Database, reference: str) -> dict[str, object]:
    (lead,) = json.loads(_ok(db, "leads", "list", "--json"))
    _ok(db, "leads", "verify", str(lead["id"]), "--actor", "tracer")
    shown: dict[str, object] = json.loads(_ok(db, "inquiries", "show", reference, "--json"))
    return shown


@pytest.mark.parametrize(("origin", "fate"), ROWS)
def test_each_row_of_the_table(db: Database, tmp_path: Path, origin: Origin, fate: Fate) -> None:
    reference = _inquiry(db)
    _land(db, tmp_path, origin, WORDS[fate])
    shown = _verify_only_lead(db, reference)
    wanted = STATUS_TABLE[origin][fate].family
    assert shown["status"] == wanted.value
    assert shown["open"] is (wanted not in CLOSED)
    notices = json.loads(_ok(db, "notifications", "list", "--json"))
    assert [n["template"] for n in notices] == [TEMPLATE_FOR_STATUS[wanted].value]


def test_the_other_partys_video_alive_is_not_released(db: Database, tmp_path: Path) -> None:
    """Issue 14: a video "живий", verified, told the family he was released."""
    reference = _inquiry(db)
    _land(db, tmp_path, Origin.VIDEO, "живий")
    shown = _verify_only_lead(db, reference)
    assert shown["status"] == "seen_alive" and shown["open"] is True
    (notice,) = json.loads(_ok(db, "notifications", "list", "--json"))
    assert notice["template"] == "information_added"
    assert "released" not in str(notice).lower() and "звільн" not in str(notice).lower()


def test_a_pfif_believed_alive_note_is_evidence_of_life(db: Database, tmp_path: Path) -> None:
    reference = _inquiry(db)
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>'
        "<pfif:person_record_id>example.org/person.7</pfif:person_record_id>"
        "<pfif:source_date>2025-05-23T18:30:00Z</pfif:source_date>"
        "<pfif:full_name>Гнатюк Тарас</pfif:full_name>"
        "<pfif:given_name>Тарас</pfif:given_name><pfif:family_name>Гнатюк</pfif:family_name>"
        "<pfif:date_of_birth>1991-02-14</pfif:date_of_birth>"
        "\n<pfif:note><pfif:note_record_id>example.org/note.7</pfif:note_record_id>"
        "<pfif:source_date>2025-05-25T12:00:00Z</pfif:source_date>"
        "<pfif:author_name>Returnee</pfif:author_name>"
        "<pfif:status>believed_alive</pfif:status><pfif:text>Saw him.</pfif:text></pfif:note>"
        "</pfif:person></pfif:pfif>\n",
        "utf-8",
    )
    _ok(db, "import", str(feed), "--actor", "registrar")
    # The person and its note (which carries the person's name and the status) are leads.
    leads = json.loads(_ok(db, "leads", "list", "--json"))
    assert sorted(lead["fate"] or "" for lead in leads) == ["", "found_alive"]
    for lead in leads:
        _ok(db, "leads", "verify", str(lead["id"]), "--actor", "tracer")
    shown = json.loads(_ok(db, "inquiries", "show", reference, "--json"))
    assert shown["status"] == "seen_alive" and shown["open"] is True


def test_a_reported_death_stays_open_and_a_return_still_closes_it(
    db: Database, tmp_path: Path
) -> None:
    reference = _inquiry(db)
    _land(db, tmp_path, Origin.DETAINING_PARTY, "загинув")
    shown = _verify_only_lead(db, reference)
    assert shown["status"] == FamilyStatus.REPORTED_DECEASED.value and shown["open"] is True
    # People reported dead have come home: the handover's record is matched and says so.
    _land(db, tmp_path, Origin.HANDOVER, "звільнений")
    pending = json.loads(_ok(db, "leads", "list", "--json"))
    assert len(pending) == 1 and pending[0]["fate"] == "released"
    _ok(db, "leads", "verify", str(pending[0]["id"]), "--actor", "tracer")
    shown = json.loads(_ok(db, "inquiries", "show", reference, "--json"))
    assert shown["status"] == "released" and shown["open"] is False

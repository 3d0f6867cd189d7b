"""`homecoming demo` loads the generated scenario through the import service, on both databases."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select, text
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.cli.demo import DEMO_USERS, SEED_SOLDIER
from homecoming.domain.dates import PartialDate
from homecoming.generate.scenario import build_scenario
from homecoming.notify.webpush import VapidKeys
from homecoming.search.index import Query
from homecoming.services import audit, cases, crossing, inquiries, negotiation, persons, remains
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry, Record, Source

runner = CliRunner()


def _records(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Record)) or 0


def _records_of_kind(db: Database, kind: str) -> int:
    with db.reading() as session:
        query = select(func.count()).select_from(Record).join(Source).where(Source.kind == kind)
        return session.scalar(query) or 0


def _audited(db: Database, action: str) -> int:
    with db.reading() as session:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return session.scalar(query) or 0


# Tables the demo fills through small imports and services (none reaches registry.ANALYSE_FROM).
ANALYSED = ("stage_members", "handovers", "inquiry_keys", "records")


def _tables_with_statistics(db: Database) -> set[str]:
    with db.reading() as session:
        found = session.execute(
            text("SELECT DISTINCT tablename FROM pg_stats WHERE tablename = ANY(:names)"),
            {"names": list(ANALYSED)},
        )
        return {name for (name,) in found}


def test_demo_loads_links_verifies_and_refuses_to_overwrite(db: Database, tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "var")]
    if db.dialect == "postgresql":  # what an earlier test's rows left in the statistics
        with db.transaction() as session:
            session.execute(
                text(
                    "DELETE FROM pg_statistic WHERE starelid = ANY("
                    "SELECT oid FROM pg_class WHERE relname = ANY(:names))"
                ),
                {"names": list(ANALYSED)},
            )
        assert _tables_with_statistics(db) == set()
    result = runner.invoke(app, ["--database-url", db.url, *data, "demo", "--people", "300"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    # a tracing officer's day: follow-ups due today, calls logged
    assert "Cases: 12 with tracing-officer" in result.stdout
    today = cases.follow_ups_due(db, owner="tracing-officer")
    assert len(today) == 3 and {row.office for row in today} == {"Kyiv bureau"}
    called = cases.show(db, inquiry=max(r.inquiry_id for r in today) + 1, actor="t", audited=False)
    assert called.owner == "tracing-officer" and len(called.contacts) == 1
    key = VapidKeys(tmp_path / "var")
    assert key.exists() and f"Web Push key made: {key.public_key()}" in result.stdout
    assert "stage 1 on 2025-05-23: 390 per side (270 soldiers, 120 civilians)" in result.stdout
    assert "Exchange: agreement 1" in result.stdout and "Tracing:" in result.stdout
    scenario = build_scenario(people=300)
    expected = sum(len(s.rows) for s in scenario.sources)
    # the scenario's evidence, then the exchange's list versions and handovers, and testimony
    assert _records(db) > expected
    assert _records_of_kind(db, "handover") > 0
    linked = persons.count(db)
    report = audit.verify(db)
    assert report.ok
    assert _audited(db, "source.imported") == len(scenario.sources) + len(SEED_SOLDIER)
    # the seed story's soldier, in two alphabets from two sources, is one person
    found = SearchService(db).search(Query("Oleksandr Nekhir", born=PartialDate(1987, 5, 23)))
    assert found[0].score >= 0.9 and found[0].name.startswith(("Нехір", "Нехир"))
    nehir = persons.show(db, found[0].person_id)
    assert len(nehir.records) == 2, nehir
    assert _audited(db, "linkage.run") == 1
    if db.dialect == "postgresql":  # the planner's statistics of what it loaded, gathered
        assert _tables_with_statistics(db) == set(ANALYSED)
    assert _audited(db, "user.created") == len(DEMO_USERS)
    assert all(username in result.stdout for username, _, _ in DEMO_USERS)
    # June 2025's repatriation, scaled down, followed to a family told in person.
    assert "Remains: received 60 of 61 declared from RU in 5 handovers" in result.stdout
    listed = remains.handovers(db)
    by_party = {p["party"]: p for p in listed["by_party"]}
    assert (by_party["RU"]["received"], by_party["RU"]["declared"]) == (60, 61)
    assert by_party["UA"]["received"] == 2  # one body handed to RU, one of theirs sent back
    (case,) = [c for c in remains.cases(db) if c.identified]
    shown = remains.show(db, case.reference)
    steps = [s.step for s in shown.steps]
    assert steps[-1] == "family_informed" and shown.same_as is not None
    assert all(s.confirmed_by for s in shown.steps if s.step in ("dna_match", "identified"))
    assert inquiries.show(db, case.identified[0]).status == "deceased"
    assert any(c.persons == 2 for c in remains.cases(db))  # the mixed bag

    # Issue 17: a person delivered in stage 1 with the offer, the placement and the delivery;
    # a refused request; an arrival on no list; a wounded man repatriated with his consent.
    said = re.search(
        r"persons history (\d+)`.*request refused: person (\d+); arrived on no list: person "
        r"(\d+); taken back: person (\w+); seriously wounded, repatriated with his consent: "
        r"person (\d+)",
        result.stdout.replace("\n", " "),
    )
    assert said, result.stdout
    delivered, refused, unlisted, wounded_man = (int(said.group(i)) for i in (1, 2, 3, 5))
    story = negotiation.history(db, delivered)
    assert [e.kind for e in story] == ["offered", "placed", "handed_over"]
    assert story[0].details["list"] == "RU offer v1" and story[1].details["stage"] == 1
    assert any(
        e.kind == "refused" and e.details["reason"] for e in negotiation.history(db, refused)
    )
    arrived = negotiation.history(db, unlisted)
    assert [e.kind for e in arrived] == ["arrived_unlisted"]
    assert arrived[0].details["methods"] == ["documents", "photo"]
    differs = next(
        e for e in crossing.list_events(db, agreement_id=1, number=1) if e.kind == "list_differs"
    )
    assert [a["name"] for a in differs.details["added"]] == ["Гончаренко Ігор Петрович"]
    assert len(differs.details["removed"]) == 1 and not differs.details["changed"]
    path = [e.kind for e in negotiation.history(db, wounded_man)]
    assert path[:3] == ["referred", "examined", "consent_given"]
    assert path[-1] == "repatriated" and "handed_over" not in path

    again = runner.invoke(app, ["--database-url", db.url, *data, "demo", "--people", "300"])
    assert again.exit_code == 1 and "--reset" in again.stderr

    reset = runner.invoke(
        app, ["--database-url", db.url, *data, "demo", "--people", "300", "--reset", "--no-link"]
    )
    assert reset.exit_code == 0, reset.stderr
    assert f"Web Push key kept: {key.public_key()}" in reset.stdout  # subscribers keep working
    db.dispose()  # --reset replaced the SQLite file under this handle's pooled connections
    # unlinked: one person per record, but a handover joins the person handed over (all but
    # the man who arrived on no list: nobody the registry knew)
    assert persons.count(db) == _records(db) - _records_of_kind(db, "handover") + 1
    assert 0 < linked < persons.count(db)  # the first run linked records of one person

"""`homecoming demo`: load the generated demo scenario (no real people) into the database."""

from __future__ import annotations

import datetime as dt
import secrets
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from argon2 import PasswordHasher

from homecoming.cli.runtime import open_with_search, out, progress_bar, settings_of
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import RECORD_FIELD_NAMES, Evidence, RecordFields, SourceKind
from homecoming.domain.roles import Role
from homecoming.errors import Conflict
from homecoming.generate.scenario import Scenario, SourceRow, build_scenario
from homecoming.services import (
    exchange_demo,
    history_demo,
    registry,
    remains_demo,
    tracing_demo,
    users,
)
from homecoming.store.db import Database, analyse
from homecoming.store.models import Base

DEMO_ACTOR = "demo"
# One login per role; negotiators for each party.
DEMO_USERS: tuple[tuple[str, Role, str | None], ...] = (
    ("admin", Role.ADMINISTRATOR, None),
    ("registrar", Role.REGISTRAR, None),
    ("negotiator-ua", Role.NEGOTIATOR, "UA"),
    ("negotiator-ru", Role.NEGOTIATOR, "RU"),
    ("tracing-officer", Role.TRACING_OFFICER, None),
    ("family-liaison", Role.FAMILY_LIAISON, None),
    ("auditor", Role.AUDITOR, None),
    ("forensic-expert", Role.FORENSIC_EXPERT, None),
)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    reset: Annotated[bool, typer.Option(help="Wipe the database first")] = False,
    people: Annotated[int, typer.Option(min=100, help="How many generated people")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the generator")] = 2025,
    link: Annotated[bool, typer.Option(help="Cluster the records into persons (Splink)")] = True,
) -> None:
    """Load the demo scenario: two parties, their lists, ICRC visits, inquiries, testimonies."""
    db, search = open_with_search(ctx, ready=False)
    if reset:
        db.reset()
        db, search = open_with_search(ctx, ready=False)
    elif not db.is_empty():
        raise Conflict(f"{db.safe_url} already holds data: add --reset to replace it")
    db.upgrade()
    scenario = build_scenario(seed=seed, people=people)
    load_scenario(db, scenario)
    load_seed_soldier(db)
    _describe(scenario)
    if link:
        from homecoming.services.linkage import link_persons

        summary = link_persons(
            db, actor=DEMO_ACTOR, stage=progress_bar, data_dir=settings_of(ctx).data_dir
        )
        out.print(f"Linked {summary.records:,} records into {summary.persons:,} persons.")
    exchange = exchange_demo.load_demo_exchange(
        db, actor=DEMO_ACTOR, scenario=scenario, search=search
    )
    out.print(exchange)
    out.print(
        history_demo.load_demo_history(
            db,
            actor=DEMO_ACTOR,
            scenario=scenario,
            agreement_id=exchange.agreement_id,
            search=search,
        )
    )
    out.print(f"Tracing: {tracing_demo.load_demo_tracing(db, actor=DEMO_ACTOR, search=search)}")
    loaded = remains_demo.load_demo_remains(
        db, actor=DEMO_ACTOR, data_dir=settings_of(ctx).data_dir
    )
    out.print(f"Remains: {loaded}", highlight=False)
    logins = add_demo_users(db, users.password_hasher(settings_of(ctx)))
    assigned = tracing_demo.assign_demo_cases(db, owner="tracing-officer", actor=DEMO_ACTOR)
    out.print(f"Cases: {assigned} with tracing-officer, three follow-ups due today.")
    analyse_all(db)
    _vapid_key(settings_of(ctx).data_dir)
    _print_logins(logins)


def analyse_all(db: Database) -> None:
    """On PostgreSQL, gather the planner's statistics of every table the demo filled.

    Each of the demo's imports is under `registry.ANALYSE_FROM` rows, and where autovacuum is
    off (this project's test and bench server) nothing else analyses them: every table was
    left without statistics, and the handovers, the drainer's re-match and the pages planned
    with the planner's defaults (docs/benchmarks.md). On SQLite nothing is done."""
    with db.transaction() as session:
        analyse(session, Base.metadata.sorted_tables)


def _vapid_key(data_dir: Path) -> None:
    """The server's Web Push key (made once, kept across demos: browsers subscribed to it)."""
    from homecoming.notify.webpush import VapidKeys

    keys = VapidKeys(data_dir)
    made = "kept" if keys.exists() else "made"
    public = keys.public_key() if keys.exists() else keys.init()
    out.print(f"Web Push key {made}: {public}", highlight=False)


def add_demo_users(db: Database, hasher: PasswordHasher) -> list[tuple[str, str, str]]:
    """One user per role with a random password: (username, role, password)."""
    logins = []
    for username, role, party in DEMO_USERS:
        password = secrets.token_urlsafe(12)
        users.add_user(
            db,
            username=username,
            role=role,
            party=party,
            display_name=f"Demo {role.value.replace('_', ' ')}" + (f" ({party})" if party else ""),
            password=password,
            hasher=hasher,
            actor=DEMO_ACTOR,
        )
        label = f"{role.value} ({party})" if party else role.value
        logins.append((username, label, password))
    return logins


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    out.print("Demo logins (shown only now; POST /auth/login, or /docs):")
    for username, label, password in logins:
        out.print(f"  {username:<16} {password}   {label}", highlight=False)


def load_scenario(db: Database, scenario: Scenario) -> int:
    """Import every source of the scenario through the same service as `homecoming import`."""
    for party in scenario.parties:
        registry.ensure_party(db, code=party.code, name=party.name, actor=DEMO_ACTOR)
    total = sum(len(s.rows) for s in scenario.sources)
    done = 0
    with progress_bar("loading the demo scenario", total) as advance:
        for source in scenario.sources:
            info = registry.SourceInfo(
                kind=source.kind,
                name=source.name,
                party=source.party,
                received_from=source.author,
                received_at=dt.datetime.combine(source.received, dt.time(9), dt.UTC),
                file_name=f"{source.name}.csv",
            )
            rows = [_evidence(row) for row in source.rows]
            done += registry.import_evidence(db, source=info, rows=rows, actor=DEMO_ACTOR).imported
            advance(done)
    return done


# The soldier the seed story is about (DOMAIN.md), generated: as a Ukrainian ICRC visit report
# writes him, and as the detaining party's list writes him in Russian; one person once linked.
SEED_SOLDIER = (
    (
        "icrc_visit",
        None,
        "ICRC visit report: the seed story",
        RecordFields(
            family_name="Нехір",
            given_names="Олександр",
            patronymic="Іванович",
            date_of_birth=PartialDate(1987, 5, 23),
            unit="36 ОБрМП",
            rank="старший солдат",
        ),
    ),
    (
        "party_list",
        "RU",
        "RU list of prisoners held: the seed story",
        RecordFields(
            full_name="Нехир Александр Иванович",
            date_of_birth=PartialDate(1987, 5, 23),
            unit="36 бригада морской пехоты",
        ),
    ),
)


def load_seed_soldier(db: Database) -> None:
    """The seed story's soldier, from two sources in two alphabets."""
    for kind, party, name, fields in SEED_SOLDIER:
        info = registry.SourceInfo(
            kind=SourceKind(kind),
            name=name,
            party=party,
            received_from="ICRC" if party is None else party,
            received_at=dt.datetime(2025, 5, 20, 9, tzinfo=dt.UTC),
            file_name=f"{name}.csv",
        )
        row = Evidence(line=2, raw=_raw(fields), fields=fields, contact=None)
        registry.import_evidence(db, source=info, rows=[row], actor=DEMO_ACTOR)


def _evidence(row: SourceRow) -> Evidence:
    return Evidence(line=row.line, raw=_raw(row.fields), fields=row.fields, contact=row.contact)


def _raw(fields: RecordFields) -> dict[str, str]:
    """The row as a sender's CSV with English headers would have carried it."""
    raw = {}
    for name in RECORD_FIELD_NAMES:
        value = getattr(fields, name)
        if isinstance(value, PartialDate):
            text = value.iso()
        elif isinstance(value, Enum):
            text = str(value.value)
        elif isinstance(value, bool):
            text = "yes" if value else ""
        else:
            text = value or ""
        if text:
            raw[name] = text
    return raw


def _describe(scenario: Scenario) -> None:
    agreement = scenario.agreement
    out.print(
        f"Loaded {len(scenario.people):,} generated people and "
        f"{sum(len(s.rows) for s in scenario.sources):,} records from "
        f"{len(scenario.sources)} sources."
    )
    out.print(
        f"Agreement {agreement.name!r} ({agreement.place}, {agreement.agreed_on}): "
        f"{agreement.per_side} per side, {agreement.parity}"
    )
    for stage in agreement.stages:
        out.print(
            f"  stage {stage.number} on {stage.day}: {stage.total} per side "
            f"({stage.soldiers} soldiers, {stage.civilians} civilians)"
        )

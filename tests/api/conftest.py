"""Fixtures of the HTTP tests: fast Argon2 settings, one user per role, two parties' records.

Argon2's cost is lowered here through settings only (production keeps argon2-cffi's
defaults); everything else is the real service over the real databases.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.domain.roles import Role
from homecoming.services import judgements, registry, users
from homecoming.services.judgements import Decision
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import Record

PASSWORD = "correct horse battery staple"
# (username, role, party): every role, and a negotiator for each party.
ACCOUNTS: tuple[tuple[str, Role, str | None], ...] = (
    ("admin", Role.ADMINISTRATOR, None),
    ("registrar", Role.REGISTRAR, None),
    ("negotiator-ua", Role.NEGOTIATOR, "UA"),
    ("negotiator-ru", Role.NEGOTIATOR, "RU"),
    ("tracer", Role.TRACING_OFFICER, None),
    ("liaison", Role.FAMILY_LIAISON, None),
    ("auditor", Role.AUDITOR, None),
    ("forensic", Role.FORENSIC_EXPERT, None),
)


def fast(settings: Settings) -> Settings:
    """The same settings with a cheap Argon2 (tests only)."""
    return settings.model_copy(
        update={"password_hash_time_cost": 1, "password_hash_memory_kib": 8192}
    )


@pytest.fixture
def api_settings(settings: Settings) -> Settings:
    return fast(settings)


@pytest.fixture
def app_client(api_settings: Settings) -> TestClient:
    return TestClient(create_app(api_settings))


def add_parties(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")


@pytest.fixture
def tokens(db: Database, api_settings: Settings) -> dict[str, str]:
    """One user per account above, each with an API token: username -> token."""
    add_parties(db)
    issued = {}
    for username in add_accounts(db, api_settings):
        issued[username] = users.issue_token(db, username=username, name="test", actor="test")
    return {name: token.secret for name, token in issued.items()}


def add_accounts(db: Database, settings: Settings) -> list[str]:
    """One user per account above, each with PASSWORD: their usernames, in order."""
    hasher = users.password_hasher(settings)
    for username, role, party in ACCOUNTS:
        users.add_user(
            db,
            username=username,
            role=role,
            party=party,
            password=PASSWORD,
            hasher=hasher,
            actor="test",
        )
    return [username for username, _, _ in ACCOUNTS]


@pytest.fixture
def accounts() -> tuple[tuple[str, Role, str | None], ...]:
    return ACCOUNTS


def import_names(db: Database, party: str, names: list[tuple[str, str, PartialDate]]) -> None:
    """One party list of captured people: (family name, given name, date of birth) each."""
    rows = [
        Evidence(
            line=i + 2,
            raw={"name": f"{family} {given}"},
            fields=RecordFields(
                family_name=family, given_names=given, date_of_birth=born, fate=Fate.CAPTURED
            ),
        )
        for i, (family, given, born) in enumerate(names)
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=f"{party} list", party=party)
    registry.import_evidence(db, rows=rows, actor="registrar", source=source)


@pytest.fixture
def two_parties(db: Database, tokens: dict[str, str]) -> dict[str, int]:
    """Records 1-2 from UA's list, 3-4 from RU's; records 1 and 3 judged the same man.

    Returns the ids of the persons seen by both parties, only by UA, only by RU.
    """
    import_names(
        db,
        "UA",
        [
            ("Нехір", "Олександр", PartialDate(1987, 5, 23)),
            ("Тарасов", "Олександр", PartialDate(1990)),
        ],
    )
    import_names(
        db,
        "RU",
        [
            ("Нехир", "Александр", PartialDate(1987, 5, 23)),
            ("Коваленко", "Петро", PartialDate(1979)),
        ],
    )
    judgements.judge(
        db, record_a=1, record_b=3, decision=Decision.SAME, reason="same man", actor="registrar"
    )
    return {"shared": person_of(db, 1), "ua_only": person_of(db, 2), "ru_only": person_of(db, 4)}


def person_of(db: Database, record_id: int) -> int:
    with db.reading() as session:
        row = session.get(Record, record_id)
        assert row is not None and row.person_id is not None
        return row.person_id

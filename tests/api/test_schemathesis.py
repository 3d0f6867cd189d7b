"""Schemathesis against the app's own OpenAPI document, in-process, over seeded data.

Every operation in the document at the time the test runs is exercised as an administrator
(API token), with generated valid and invalid requests, until at least TARGET requests were
made in all; every answer must be no server error, conform to its documented schema, and
carry a documented content type. SQLite only: it needs no `db` fixture, so it runs once.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlalchemy import select

from homecoming.api import PUBLIC_PATHS
from homecoming.app import create_app
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields, SourceKind
from homecoming.domain.roles import Role
from homecoming.formats import tabular
from homecoming.services import exchange_lists, inquiries, registry, stages, users
from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import Record, Source

from ..exchange.world import build_world
from .conftest import PASSWORD, add_parties, fast, import_names
from .foreign_world import MARKERS, build_foreign_world, negotiator_routes

TARGET = 1_000
MAX_ROUNDS = 4
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# A username the generator will not guess, so generated writes cannot lock this caller out.
CALLER = "schemathesis-admin-7f3c"
INQUIRY = (
    "ПІБ,Дата народження,Заявник,Телефон\nНехір Олександр,23.05.1987,Нехір Марія,+380 44 000 0000\n"
)

pytestmark = pytest.mark.slow


@pytest.fixture
def seeded(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    """A SQLite database with two parties' records, an inquiry with contacts, and the caller."""
    path = tmp_path / "homecoming.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    settings = fast(Settings(environment="test", database_url=db.url, data_dir=tmp_path / "var"))
    add_parties(db)
    born = PartialDate(1987, 5, 23)
    import_names(db, "UA", [("Нехір", "Олександр", born), ("Тарасов", "Олег", PartialDate(1990))])
    import_names(db, "RU", [("Нехир", "Александр", born), ("Коваленко", "Петро", PartialDate())])
    registry.import_evidence(
        db,
        source=registry.SourceInfo(kind=SourceKind.FAMILY_INQUIRY, name="inquiry"),
        rows=registry.evidence_from_rows(tabular.read_csv(INQUIRY.encode())),
        actor="test",
    )
    _exchange_and_tracing(db)
    users.add_user(
        db,
        username=CALLER,
        role=Role.ADMINISTRATOR,
        password=PASSWORD,
        hasher=users.password_hasher(settings),
        actor="test",
    )
    token = users.issue_token(db, username=CALLER, name="schemathesis", actor="test").secret
    db.dispose()
    yield settings, token


def _exchange_and_tracing(db: Database) -> None:
    """An agreement with validated lists and a planned round, and a family's open inquiry."""
    agreement_id = build_world(db)
    search = SearchService(db)
    for version in exchange_lists.list_versions(db, agreement_id=agreement_id):
        exchange_lists.validate_version(db, search, version_id=version.id, actor="test")
    stages.plan(db, agreement_id=agreement_id, actor="test")
    inquiries.register(
        db,
        request=inquiries.InquiryRequest(
            sought=RecordFields(family_name="Нехір", given_names="Олександр", unit="36 ОБрМП"),
            inquirer=Contact(name="Нехір Марія", relation="мати", phone="+380 44 000 0000"),
            consent=True,
        ),
        actor="test",
    )


def test_the_api_keeps_its_openapi_promises(seeded: tuple[Settings, str]) -> None:
    settings, token = seeded
    app = create_app(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    headers = {"Authorization": f"Bearer {token}"}
    sent: dict[str, int] = {op.label: 0 for op in operations}
    answered: dict[str, set[int]] = {op.label: set() for op in operations}
    failures: list[str] = []

    def run(operation: Any, examples: int, seed: int, strategy: Any = None) -> None:
        @hypothesis.given(case=strategy if strategy is not None else operation.as_strategy())
        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=False,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.seed(seed)
        def exercise(case: Any) -> None:
            sent[operation.label] += 1
            try:
                response = case.call(headers=headers)
            except Exception as crash:  # the in-process transport re-raises a 500's cause
                failures.append(f"{operation.label}: server error {crash!r}"[:800])
                return
            answered[operation.label].add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (AssertionError, BaseExceptionGroup) as failure:  # report all at once
                failures.append(f"{operation.label}: {str(failure)[:800]}")

        exercise()

    # The OpenAPI document's own examples first: ids that exist reach the handlers' happy path.
    for operation in operations:
        for strategy in operation.get_strategies_from_examples():
            run(operation, 1, seed=0, strategy=strategy)
    per_operation = math.ceil(TARGET / max(len(operations), 1))
    for round_ in range(MAX_ROUNDS):
        for operation in operations:
            run(operation, per_operation, seed=round_)
        if sum(sent.values()) >= TARGET:
            break

    total = sum(sent.values())
    print(f"schemathesis: {total} requests over {len(operations)} operations")
    assert not failures, "\n\n".join(failures[:20])
    assert total >= TARGET, sent
    assert all(n > 0 for n in sent.values()), sent
    # The caller's token held throughout: the generator reached the routes, not the guard.
    public = {f"{method} {path}" for path in PUBLIC_PATHS for method in ("GET", "POST")}
    refused = [label for label, codes in answered.items() if codes <= {401, 403}]
    assert not [label for label in refused if label not in public], answered
    succeeded = [label for label, codes in answered.items() if any(c < 300 for c in codes)]
    assert len(succeeded) >= len(operations) // 2, {k: sorted(v) for k, v in answered.items()}


# --- as a negotiator, against the other party's ids ----------------------------------------

NEGOTIATOR = "schemathesis-negotiator-ua-7f3c"
NEGOTIATOR_TARGET = 300
# Path and query parameters pointed at objects of an agreement UA is not in (or at records
# only RU holds), by parameter name; the world's key for each.
FOREIGN_IDS = {
    "agreement_id": "foreign",
    "version_id": "ru_v1",
    "other_id": "ru_v2",
    "finding_id": "finding",
    "person_id": "ru_only",
    "record_id": "ru_record",
    "number": "stage",
}


@pytest.fixture
def foreign_seeded(seeded: tuple[Settings, str]) -> tuple[Settings, str, dict[str, int]]:
    """The seeded database plus an RU–BY agreement, and UA's negotiator with a token."""
    settings, admin_token = seeded
    app = create_app(settings)
    db: Database = app.state.db
    with TestClient(app) as client:
        ids = build_foreign_world(db, client, admin_token)
    with db.reading() as session:
        record = session.scalars(
            select(Record)
            .join(Source)
            .where(Record.family_name == "Коваленко", Source.name == "RU list")
        ).one()
        assert record.person_id is not None
        ids |= {"ru_only": record.person_id, "ru_record": record.id, "stage": 1}
    users.add_user(
        db,
        username=NEGOTIATOR,
        role=Role.NEGOTIATOR,
        party="UA",
        password=PASSWORD,
        hasher=users.password_hasher(settings),
        actor="test",
    )
    token = users.issue_token(db, username=NEGOTIATOR, name="schemathesis", actor="test").secret
    db.dispose()
    return settings, token, ids


def test_a_negotiator_reaches_nothing_of_another_party_whatever_is_sent(
    foreign_seeded: tuple[Settings, str, dict[str, int]],
) -> None:
    """Generated requests as UA's negotiator, every id pointed at the RU–BY agreement's
    objects (or RU's own records): no server error, no answer with any of their data, and
    no success on a route naming one of them. (Коваленко is in RU's list of the UA–RU
    agreement here, which UA's negotiator may read, so only the RU–BY markers count.)"""
    settings, token, ids = foreign_seeded
    app = create_app(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    callable_routes = negotiator_routes() - {("POST", "/auth/logout")}
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if (op.method.upper(), op.path) in callable_routes
    ]
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    sent = 0

    def aim(case: Any) -> bool:
        """Point the case's ids at foreign objects; True when it names one."""
        named = False
        body = case.body if isinstance(case.body, dict) else None
        for container in (case.path_parameters, case.query, body):
            for key in list(container or {}):
                if key in FOREIGN_IDS or (container is body and key == "stage"):
                    wanted = ids[FOREIGN_IDS.get(key, "stage")]
                    container[key] = str(wanted) if isinstance(container[key], str) else wanted
                    named = True
        return named

    def run(operation: Any, examples: int, seed: int) -> None:
        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.seed(seed)
        def exercise(case: Any) -> None:
            nonlocal sent
            named = aim(case)
            sent += 1
            try:
                response = case.call(headers=headers)
            except Exception as crash:
                failures.append(f"{operation.label}: server error {crash!r}"[:800])
                return
            leaked = [m for m in MARKERS if m in response.text]
            if response.status_code >= 500 or leaked:
                failures.append(
                    f"{operation.label} {case.path_parameters}: {leaked} {response.text[:300]}"
                )
            elif named and response.status_code < 300:
                failures.append(
                    f"{operation.label} {case.path_parameters} {case.query}: "
                    f"{response.status_code} on another party's object"
                )

        exercise()

    per_operation = math.ceil(NEGOTIATOR_TARGET / max(len(operations), 1))
    for operation in operations:
        run(operation, per_operation, seed=0)
    print(f"schemathesis as a negotiator: {sent} requests over {len(operations)} operations")
    assert not failures, "\n\n".join(failures[:20])
    assert sent >= NEGOTIATOR_TARGET // 2

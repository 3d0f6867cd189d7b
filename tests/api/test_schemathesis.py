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
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from homecoming.api.app import create_app
from homecoming.api.deps import PUBLIC_PATHS
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields, SourceKind
from homecoming.domain.roles import Role
from homecoming.formats import tabular
from homecoming.services import exchange_lists, inquiries, registry, stages, users
from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database

from ..exchange.world import build_world
from .conftest import PASSWORD, add_parties, fast, import_names

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

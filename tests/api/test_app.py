"""The HTTP shell over the services: health, persons, sources, audit, problem details.

Every request but /health, /docs and /openapi.json carries an administrator's API token.
"""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from sqlalchemy import text

from homecoming.api.schemas import SearchHit
from homecoming.app import create_app
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.domain.roles import Role
from homecoming.search.index import Hit
from homecoming.services import registry, users
from homecoming.settings import Settings
from homecoming.store.db import Database


def _client(db: Database, settings: Settings) -> TestClient:
    """A client that sends an administrator's API token (Argon2 kept cheap for the test)."""
    fast = settings.model_copy(
        update={"password_hash_time_cost": 1, "password_hash_memory_kib": 8192}
    )
    users.add_user(
        db,
        username="admin",
        role=Role.ADMINISTRATOR,
        password="correct horse battery staple",
        hasher=users.password_hasher(fast),
        actor="test",
    )
    token = users.issue_token(db, username="admin", name="test", actor="test").secret
    return TestClient(create_app(fast), headers={"Authorization": f"Bearer {token}"})


def _load(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="admin")
    rows = [
        Evidence(
            line=2,
            raw={"ПІБ": "Нехір Олександр"},
            fields=RecordFields(
                family_name="Нехір",
                given_names="Олександр",
                date_of_birth=PartialDate(1987),
                fate=Fate.CAPTURED,
            ),
        ),
        Evidence(
            line=3,
            raw={"ПІБ": "Тарасов Олександр"},
            fields=RecordFields(family_name="Тарасов", given_names="Олександр"),
        ),
    ]
    registry.import_evidence(
        db,
        rows=rows,
        actor="registrar",
        source=registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="UA list", party="UA"),
    )


def test_health_persons_sources_audit(db: Database, settings: Settings) -> None:
    _load(db)
    client = _client(db, settings)
    assert client.get("/health").json()["status"] == "ok"
    page = client.get("/persons", params={"limit": 1}).json()
    assert page["total"] == 2
    assert page["items"][0]["name"] == "Нехір Олександр"
    detail = client.get("/persons/1").json()
    assert detail["status"] == "captured"
    assert detail["records_detail"][0]["source"] == "UA list"
    assert client.get("/sources").json()[0]["records"] == 2
    assert client.get("/audit/verify").json()["ok"] is True


def test_errors_are_problem_details(db: Database, settings: Settings) -> None:
    client = _client(db, settings)
    response = client.get("/persons/999")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("no person 999")


def test_audit_tampering_shows_over_http(db: Database, settings: Settings) -> None:
    _load(db)
    client = _client(db, settings)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 1"))
    body = client.get("/audit/verify").json()
    assert body["ok"] is False and body["faults"][0]["entry"] == 1


def test_openapi_is_served() -> None:
    client = TestClient(create_app(Settings(environment="test", database_url="sqlite://")))
    document = client.get("/openapi.json").json()
    assert {"/health", "/persons", "/persons/{person_id}", "/sources", "/audit/verify"} <= set(
        document["paths"]
    )
    assert client.get("/docs").status_code == 200


def test_search_over_http(db: Database, settings: Settings) -> None:
    _load(db)
    client = _client(db, settings)
    hits = client.get("/search", params={"q": "Oleksandr Nekhir", "born": "1987"}).json()
    assert hits[0]["name"] == "Нехір Олександр" and hits[0]["score"] > 0.8
    bad = client.get("/search", params={"q": "Nekhir", "born": "spring"})
    assert bad.status_code == 422 and "DD.MM.YYYY" in bad.json()["detail"]


def test_search_sends_hits_exactly_as_documented(db: Database, settings: Settings) -> None:
    """/search writes the index's hits as they are: they must be what SearchHit documents."""
    assert [f.name for f in dataclasses.fields(Hit)] == list(SearchHit.model_fields)
    _load(db)
    client = _client(db, settings)
    response = client.get("/search", params={"q": "Nekhir"})
    assert response.headers["content-type"] == "application/json"
    hits = response.json()
    assert hits and hits == [SearchHit.model_validate(h).model_dump(mode="json") for h in hits]
    schema = client.get("/openapi.json").json()["paths"]["/search"]["get"]["responses"]["200"]
    assert schema["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/SearchHit"
    }

"""/review and /judgements over HTTP: the queue, its explanations, decisions and undo."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.services import registry
from homecoming.services.linkage import link_persons
from homecoming.store.db import Database
from homecoming.store.models import Record


def _linked(db: Database) -> None:
    """A man in two alphabets plus generated filler, linked (the run leaves a queue)."""
    from homecoming.generate.records import generate_dataset

    rows = [
        Evidence(
            line=2,
            raw={},
            fields=RecordFields(
                family_name="Нехір", given_names="Олександр", date_of_birth=PartialDate(1987, 5, 23)
            ),
        ),
        Evidence(
            line=3,
            raw={},
            fields=RecordFields(
                family_name="Nekhir", given_names="Oleksandr", date_of_birth=PartialDate(1987)
            ),
        ),
    ]
    rows += [
        Evidence(line=i + 4, raw={}, fields=r.fields)
        for i, r in enumerate(generate_dataset(600, seed=5))
    ]
    source = registry.SourceInfo(kind=SourceKind.OTHER, name="lists")
    registry.import_evidence(db, rows=rows, actor="registrar", source=source)
    link_persons(db, actor="registrar")


def _auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def _person(db: Database, record_id: int) -> int | None:
    with db.reading() as session:
        row = session.get(Record, record_id)
        return row.person_id if row else None


def test_review_a_pair_and_take_it_back(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    _linked(db)
    registrar = _auth(tokens, "registrar")
    page = app_client.get("/review?limit=5", headers=registrar).json()
    assert page["run"]["review_pairs"] == page["total"] > 0
    assert 1 <= len(page["items"]) <= 5
    first = page["items"][0]
    assert [i["priority"] for i in page["items"]] == sorted(
        (i["priority"] for i in page["items"]), reverse=True
    )

    shown = app_client.get(f"/review/{first['pair_id']}", headers=_auth(tokens, "auditor"))
    assert shown.status_code == 200, shown.text
    detail = shown.json()
    assert detail["status"] == "open" and detail["judgement"] is None
    assert detail["explanation"][0]["comparison"] == "name"
    bars = detail["waterfall"]["bars"]
    assert bars[0]["column_name"] == "Prior" and bars[-1]["column_name"] == "Final score"
    assert abs(detail["waterfall"]["probability"] - first["probability"]) < 1e-4
    assert detail["waterfall"]["vega_lite"]["data"]["values"]
    json.dumps(detail, allow_nan=False)

    decided = app_client.post(
        f"/review/{first['pair_id']}/decision",
        json={"decision": "same", "reason": "same unit and mother's name"},
        headers=registrar,
    )
    assert decided.status_code == 201, decided.text
    judgement = decided.json()
    assert judgement["decision"] == "same" and judgement["decided_by"] == "registrar"
    left, right = first["left"]["id"], first["right"]["id"]
    assert _person(db, left) == _person(db, right)
    after = app_client.get("/review?limit=500", headers=registrar).json()
    assert first["pair_id"] not in {i["pair_id"] for i in after["items"]}
    again = app_client.post(
        f"/review/{first['pair_id']}/decision",
        json={"decision": "not_same", "reason": "second thoughts"},
        headers=registrar,
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"

    listed = app_client.get(f"/judgements?record={left}", headers=registrar).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == judgement["id"]
    undone = app_client.post(
        f"/judgements/{judgement['id']}/undo", json={"reason": "misread unit"}, headers=registrar
    )
    assert undone.status_code == 201 and undone.json()["undoes"] == judgement["id"]
    reopened = app_client.get("/review?limit=500", headers=registrar).json()
    assert first["pair_id"] in {i["pair_id"] for i in reopened["items"]}
    twice = app_client.post(
        f"/judgements/{judgement['id']}/undo", json={"reason": "again"}, headers=registrar
    )
    assert twice.status_code == 409


def test_judge_any_two_records(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    _linked(db)
    admin = _auth(tokens, "admin")
    made = app_client.post(
        "/judgements",
        json={"record_a": 1, "record_b": 2, "decision": "not_same", "reason": "other father"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    assert _person(db, 1) != _person(db, 2)
    missing = app_client.post(
        "/judgements",
        json={"record_a": 1, "record_b": 10**6, "decision": "same", "reason": "r"},
        headers=admin,
    )
    assert missing.status_code == 404
    blank = app_client.post(
        "/judgements",
        json={"record_a": 1, "record_b": 2, "decision": "same", "reason": ""},
        headers=admin,
    )
    assert blank.status_code == 422
    undo = app_client.post(
        "/judgements/1/undo", json={"reason": "x"}, headers=_auth(tokens, "auditor")
    )
    assert undo.status_code == 403

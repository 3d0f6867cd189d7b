"""The history over HTTP: a reply uploaded by a negotiator, the person's history as the API
gives it, and a bad reply refused with its lines."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.services import exchange_lists
from homecoming.services.search import SearchService
from homecoming.store.db import Database

from ..exchange.world import build_world


def _auth(tokens: dict[str, str], user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[user]}"}


def test_reply_and_history_over_http(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    agreement_id = build_world(db)
    ua = exchange_lists.list_versions(db, agreement_id=agreement_id, party="UA")[0]
    report = exchange_lists.validate_version(db, SearchService(db), version_id=ua.id, actor="t")
    person = next(line.person_id for line in report.lines if line.entry.line == 3)
    url = f"/lists/{ua.id}/replies"
    bad = {"file": ("ru.csv", b"line,answer\n3,maybe\n", "text/csv")}
    refused = app_client.post(url, files=bad, headers=_auth(tokens, "negotiator-ua"))
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["line"] == 2 and "Traceback" not in refused.text
    wrong_side = app_client.post(url, files=bad, headers=_auth(tokens, "negotiator-ru"))
    assert wrong_side.status_code == 403
    good = {"file": ("ru.csv", "line,answer,reason\n3,відмовлено,не обмінюється\n".encode(), "")}
    created = app_client.post(url, files=good, headers=_auth(tokens, "negotiator-ua"))
    assert created.status_code == 201, created.text
    assert created.json()["answers"] == {"refused": 1} and created.json()["party"] == "RU"
    listed = app_client.get(url, headers=_auth(tokens, "auditor"))
    assert [r["file_name"] for r in listed.json()] == ["ru.csv"]
    story = app_client.get(f"/persons/{person}/history", headers=_auth(tokens, "admin"))
    assert story.status_code == 200
    events = story.json()["events"]
    assert [e["kind"] for e in events] == ["offered", "refused"]
    assert events[1]["details"]["reason"] == "не обмінюється"
    assert events[1]["text"].endswith("— не обмінюється")

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


def test_crossing_and_wounded_over_http(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    from ..web.conftest import build_exchange

    agreement_id = build_exchange(db)
    ua = _auth(tokens, "negotiator-ua")
    arrival = {
        "party": "RU",
        "family_name": "Гончаренко",
        "given_names": "Ігор",
        "date_of_birth": "1994",
        "checked_by": "Lt. Bondar",
        "methods": ["photo"],
    }
    created = app_client.post(f"/crossing/{agreement_id}/1/unlisted", json=arrival, headers=ua)
    assert created.status_code == 201, created.text
    person = created.json()["person_id"]
    unchecked = app_client.post(
        f"/crossing/{agreement_id}/1/unlisted", json={**arrival, "methods": []}, headers=ua
    )
    assert unchecked.status_code == 422 and "how the identity" in unchecked.json()["detail"]
    listed = app_client.get(f"/crossing/{agreement_id}/1", headers=_auth(tokens, "auditor"))
    assert [e["kind"] for e in listed.json()] == ["arrived_unlisted"]
    file = {"file": ("ru.csv", "прізвище,ім'я\nЧужий,Петро\n".encode(), "text/csv")}
    checked = app_client.post(
        f"/crossing/{agreement_id}/1/received-list", data={"party": "RU"}, files=file, headers=ua
    )
    assert checked.status_code == 200 and checked.json()["differs"] is True

    admin = _auth(tokens, "admin")
    base = f"/wounded/{person}"
    steps = [
        ("referrals", {"referred_by": "protecting_power", "referred_on": "2026-01-10"}),
        (
            "examinations",
            {
                "body": "detaining_power_doctors",
                "examined_on": "2026-01-12",
                "decision": "repatriate",
            },
        ),
        ("consents", {"consent": "given", "given_on": "2026-01-13", "witnessed_by": "ICRC"}),
        ("repatriation", {"repatriated_on": "2026-01-20", "place": "Sumy"}),
    ]
    for path, body in steps:
        response = app_client.post(f"{base}/{path}", json=body, headers=admin)
        assert response.status_code == 201, (path, response.text)
    assert response.json()["state"] == "repatriated"
    story = app_client.get(f"/persons/{person}/history", headers=admin).json()["events"]
    assert [e["kind"] for e in story] == [
        "arrived_unlisted",
        "referred",
        "examined",
        "consent_given",
        "repatriated",
    ]
    again = app_client.post(f"{base}/repatriation", json=steps[-1][1], headers=admin)
    assert again.status_code == 422

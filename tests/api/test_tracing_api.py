"""Tracing over HTTP: register, sighting, lead, decision, second-person approval, contacts."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.services import registry
from homecoming.store.db import Database

from ..formats.pfif_rules import pfif_violations

INQUIRY = {
    "sought": {
        "family_name": "Нехір",
        "given_names": "Олександр",
        "patronymic": "Іванович",
        "date_of_birth": "1987-05-23",
        "unit": "36 ОБрМП",
    },
    "inquirer": {"name": "Нехір Марія", "relation": "мати", "email": "maria@example.org"},
    "consent": True,
    "sharing_scope": "icrc",
    "party": "UA",
}


def _as(tokens: dict[str, str], user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[user]}"}


def _list_from_ru(db: Database) -> None:
    rows = [
        Evidence(
            line=2,
            raw={"name": "NEKHYR Oleksandr"},
            fields=RecordFields(
                family_name="NEKHYR",
                given_names="Oleksandr",
                date_of_birth=PartialDate(1987, 5, 23),
                fate=Fate.DETAINED,
            ),
        )
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="RU list", party="RU")
    registry.import_evidence(db, source=source, rows=rows, actor="registrar")


def test_the_path_over_http(app_client: TestClient, tokens: dict[str, str], db: Database) -> None:
    tracer, liaison, auditor = _as(tokens, "tracer"), _as(tokens, "liaison"), _as(tokens, "auditor")
    created = app_client.post("/inquiries", json=INQUIRY, headers=liaison)
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    code = created.json()["family_access_code"]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)  # given here, once
    shown = app_client.get(f"/inquiries/{reference}", headers=auditor).json()
    assert shown["name"] == "Нехір Олександр Іванович" and "maria" not in str(shown)
    assert code not in str(shown)

    _list_from_ru(db)
    (lead,) = app_client.get("/leads", headers=auditor).json()
    assert lead["evidence"]["name"] == "NEKHYR Oleksandr" and lead["sought"]["unit"] == "36 ОБрМП"
    refused = app_client.post(
        f"/leads/{lead['id']}/decisions", json={"decision": "verify"}, headers=liaison
    )
    assert refused.status_code == 403
    decided = app_client.post(
        f"/leads/{lead['id']}/decisions", json={"decision": "verify"}, headers=tracer
    ).json()
    assert decided["status"] == "confirmed_captivity" and decided["previous_status"] == "registered"
    notification = decided["notification_id"]
    own = app_client.post(f"/notifications/{notification}/approve", headers=tracer)
    assert own.status_code == 403 and own.headers["content-type"] == "application/problem+json"
    approved = app_client.post(f"/notifications/{notification}/approve", headers=liaison).json()
    assert approved["state"] == "approved" and approved["outbox_state"] == "pending"

    contacts = app_client.get(
        f"/inquiries/{reference}/contacts", params={"purpose": "call"}, headers=liaison
    )
    assert contacts.json()[0]["email"] == "maria@example.org"
    assert (
        app_client.get(
            f"/inquiries/{reference}/contacts", params={"purpose": "x"}, headers=tracer
        ).status_code
        == 403
    )


def test_sightings_photos_and_exports(app_client: TestClient, tokens: dict[str, str]) -> None:
    liaison, tracer = _as(tokens, "liaison"), _as(tokens, "tracer")
    reference = app_client.post("/inquiries", json=INQUIRY, headers=liaison).json()["reference"]
    testimony = app_client.post(
        "/testimonies",
        json={
            "witness": "Петренко І.",
            "party": "UA",
            "sightings": [{"as_heard": "Nekhir from the 36th brigade", "facility": "Колонія"}],
        },
        headers=tracer,
    )
    assert testimony.status_code == 201, testimony.text
    assert testimony.json()["leads"] == 1
    nobody = app_client.post(
        "/testimonies",
        json={"witness": "X", "sightings": [{"as_heard": "36th brigade"}]},
        headers=tracer,
    )
    assert nobody.status_code == 422
    uploaded = app_client.post(
        f"/inquiries/{reference}/photos",
        files={"file": ("face.jpg", b"\xff\xd8\xff", "image/jpeg")},
        data={"caption": "2023"},
        headers=liaison,
    )
    assert uploaded.status_code == 201, uploaded.text
    photo = uploaded.json()
    image = app_client.get(photo["url"], headers=tracer)
    assert image.content == b"\xff\xd8\xff" and image.headers["content-type"] == "image/jpeg"
    (shown,) = app_client.get("/inquiries/gallery?unit=36-я бригада", headers=tracer).json()
    answer = app_client.post(
        f"/testimonies/{testimony.json()['id']}/answers",
        json={"photo_id": shown["id"], "answer": "recognised"},
        headers=tracer,
    ).json()
    assert answer["lead_id"] is not None
    to_icrc = app_client.get("/inquiries/export/pfif?to=icrc", headers=tracer)
    assert reference.encode() in to_icrc.content
    assert pfif_violations(to_icrc.content) == []
    to_party = app_client.get("/inquiries/export/pfif?to=other_party", headers=tracer)
    assert reference.encode() not in to_party.content
    prepared = app_client.post(
        "/notifications",
        json={"inquiry": reference, "template": "registered", "language": "en"},
        headers=liaison,
    ).json()
    assert prepared["subject"] == f"Your inquiry is registered: {reference}"
    cancelled = app_client.post(
        f"/notifications/{prepared['id']}/cancel",
        json={"reason": "told by phone"},
        headers=tracer,
    ).json()
    assert cancelled["state"] == "cancelled"
    withdrawn = app_client.post(
        f"/inquiries/{reference}/withdraw", json={"reason": "found"}, headers=liaison
    ).json()
    assert withdrawn["status"] == "withdrawn" and not withdrawn["open"]

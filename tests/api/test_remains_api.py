"""/remains over HTTP: a liaison cannot record a forensic step, the one who recorded an
identification cannot confirm it (403), a second forensic expert can, and the family's case
closes as deceased; `GET /remains` shows declared beside received per party."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.domain.roles import Role
from homecoming.services import inquiries, users
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.tracing.inquiry import SharingScope


def _inquiry(db: Database) -> str:
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name="Мельник", given_names="Іван", date_of_birth=PartialDate(1990, 1, 2)
        ),
        inquirer=Contact(name="Мельник Олена", relation="мати", phone="+380501234567"),
        consent=True,
        scope=SharingScope.BUREAU,
        party="UA",
    )
    return inquiries.register(db, request=request, actor="liaison").reference


def test_identification_over_http(
    app_client: TestClient, db: Database, tokens: dict[str, str], api_settings: Settings
) -> None:
    def as_(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[user]}"}

    second = users.add_user(
        db,
        username="forensic2",
        role=Role.FORENSIC_EXPERT,
        password="x" * 16,
        hasher=users.password_hasher(api_settings),
        actor="test",
    )
    assert second
    tokens["forensic2"] = users.issue_token(db, username="forensic2", name="t", actor="test").secret
    reference = _inquiry(db)
    bags = [{"label": "1"}, {"label": "2", "persons": 2}, {"label": "3", "same_as": "1"}]
    body = {"day": "2025-06-11", "from_party": "RU", "to_party": "UA", "bags": bags}
    made = app_client.post(
        "/remains/handovers", json=body | {"declared": 4}, headers=as_("liaison")
    )
    assert made.status_code == 201, made.text
    assert made.json()["reconciliation"] == "received 3 of 4 declared"
    listed = app_client.get("/remains", headers=as_("auditor")).json()
    assert listed["by_party"] == [
        {
            "party": "RU",
            "handovers": 1,
            "declared": 4,
            "received": 3,
            "reconciliation": "received 3 of 4 declared",
        }
    ]
    ref = {
        "inquiry": reference,
        "relation": "father",
        "taken_on": "2025-07-01",
        "institution": "Lab",
        "institution_reference": "F-1",
        "consent": True,
    }
    added = app_client.post("/remains/references", json=ref, headers=as_("liaison"))
    assert added.status_code == 201, added.text
    no_consent = app_client.post(
        "/remains/references", json=ref | {"consent": False}, headers=as_("liaison")
    )
    assert no_consent.status_code == 422
    case = "RC-2025-000001"
    refused = app_client.post(
        f"/remains/cases/{case}/steps", json={"step": "examined"}, headers=as_("liaison")
    )
    assert refused.status_code == 403
    match = app_client.post(
        f"/remains/cases/{case}/steps",
        json={"step": "dna_match", "inquiry": reference, "lab_reference": "L-1"},
        headers=as_("forensic"),
    )
    assert match.status_code == 201, match.text
    own = app_client.post(f"/remains/steps/{match.json()['id']}/confirm", headers=as_("forensic"))
    assert own.status_code == 403 and "four eyes" in own.text
    ok = app_client.post(f"/remains/steps/{match.json()['id']}/confirm", headers=as_("forensic2"))
    assert ok.status_code == 200, ok.text
    found = app_client.post(
        f"/remains/cases/{case}/steps",
        json={"step": "identified", "inquiry": reference, "method": "dna"},
        headers=as_("forensic"),
    )
    done = app_client.post(f"/remains/steps/{found.json()['id']}/confirm", headers=as_("admin"))
    assert done.status_code == 200 and done.json()["inquiry_status"] == "deceased"
    shown = app_client.get(f"/remains/cases/{case}", headers=as_("tracer")).json()
    assert shown["identified"] == [reference]
    assert app_client.get("/remains/cases", headers=as_("registrar")).status_code == 403

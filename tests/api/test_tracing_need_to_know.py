"""What families and witnesses told reaches only those who read inquiries (issue 22)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.services import registry
from homecoming.store.db import Database

from .test_tracing_api import INQUIRY

CIRCUMSTANCES = "зник 12.02.2024 біля Авдіївки; мати боїться тиску на родину"
WITNESS = "Петренко Іван, released 2025-03, lives Kyiv"


def _as(tokens: dict[str, str], user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[user]}"}


def test_an_inquirys_circumstances_stay_on_the_inquiry(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    body = {**INQUIRY, "circumstances": CIRCUMSTANCES, "harm_risk": True}
    created = app_client.post("/inquiries", json=body, headers=_as(tokens, "liaison"))
    assert created.status_code == 201, created.text
    reference, record_id = created.json()["reference"], created.json()["record_id"]
    shown = app_client.get(f"/inquiries/{reference}", headers=_as(tokens, "tracer")).json()
    assert shown["circumstances"] == CIRCUMSTANCES
    for user in ("registrar", "negotiator-ua", "auditor", "tracer"):
        record = app_client.get(f"/records/{record_id}", headers=_as(tokens, user))
        assert record.status_code == 200, (user, record.text)
        assert "Авдіївки" not in record.text, user
        person = app_client.get(f"/persons/{record.json()['person_id']}", headers=_as(tokens, user))
        assert "Авдіївки" not in person.text, user


def test_a_testimonys_source_names_no_witness(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    recorded = app_client.post(
        "/testimonies",
        json={
            "witness": WITNESS,
            "party": "UA",
            "sightings": [{"as_heard": "Nekhir from the 36th brigade", "facility": "Колонія"}],
        },
        headers=_as(tokens, "tracer"),
    )
    assert recorded.status_code == 201, recorded.text
    for user in ("registrar", "negotiator-ua", "auditor"):
        sources = app_client.get("/sources", headers=_as(tokens, user))
        assert sources.status_code == 200
        assert "Петренко" not in sources.text and "Kyiv" not in sources.text, user
    testimony = app_client.get(
        f"/testimonies/{recorded.json()['id']}", headers=_as(tokens, "tracer")
    )
    assert testimony.status_code == 200 and testimony.json()["witness"] == WITNESS


def test_circumstances_kept_in_an_older_record_are_withheld(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    """Records are never edited: those written before the fix are filtered when read."""
    fields = RecordFields(family_name="Нехір", given_names="Олександр", notes=CIRCUMSTANCES)
    source = registry.SourceInfo(kind=SourceKind.FAMILY_INQUIRY, name="inquiry", party="UA")
    evidence = Evidence(
        line=2, raw={"ПІБ": "Нехір Олександр", "notes": CIRCUMSTANCES}, fields=fields
    )
    registry.import_evidence(db, source=source, rows=[evidence], actor="liaison")
    for user, sees in (("registrar", False), ("negotiator-ua", False), ("tracer", True)):
        record = app_client.get("/records/1", headers=_as(tokens, user))
        assert record.status_code == 200, record.text
        assert ("Авдіївки" in record.text) is sees, user
        if not sees:
            assert "notes" in record.json()["withheld"]

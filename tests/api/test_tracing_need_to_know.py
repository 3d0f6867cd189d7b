"""What families and witnesses told reaches only those who read inquiries (issue 22)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.services import registry
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.tracing_models import InquiryPhoto

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


# --- finding 7: a photo is what its bytes say, and is never cached or sniffed ---------------

HTML = b"<html><script>alert(document.cookie)</script></html>"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def test_a_photo_that_is_not_an_image_is_refused(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    liaison = _as(tokens, "liaison")
    reference = app_client.post("/inquiries", json=INQUIRY, headers=liaison).json()["reference"]
    refused = app_client.post(
        f"/inquiries/{reference}/photos",
        files={"file": ("evil.png", HTML, "image/png")},
        headers=liaison,
    )
    assert refused.status_code == 422, refused.text
    assert (
        "evil.png" in refused.json()["detail"]
        and "not a JPEG, PNG or WebP" in (refused.json()["detail"])
    )


def test_a_photo_is_served_as_its_bytes_say_never_cached_or_sniffed(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    liaison = _as(tokens, "liaison")
    reference = app_client.post("/inquiries", json=INQUIRY, headers=liaison).json()["reference"]
    added = app_client.post(
        f"/inquiries/{reference}/photos",
        files={"file": ("face.png", JPEG, "image/png")},  # a JPEG, whatever its name says
        headers=liaison,
    )
    assert added.status_code == 201, added.text
    image = app_client.get(added.json()["url"], headers=_as(tokens, "tracer"))
    assert image.status_code == 200 and image.content == JPEG
    assert image.headers["content-type"] == "image/jpeg"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["cache-control"] == "no-store"


def test_a_file_kept_before_photos_were_checked_is_not_served(
    app_client: TestClient, db: Database, tokens: dict[str, str], api_settings: Settings
) -> None:
    liaison = _as(tokens, "liaison")
    reference = app_client.post("/inquiries", json=INQUIRY, headers=liaison).json()["reference"]
    added = app_client.post(
        f"/inquiries/{reference}/photos",
        files={"file": ("face.jpg", JPEG, "image/jpeg")},
        headers=liaison,
    )
    with db.reading() as session:
        photo = session.get(InquiryPhoto, added.json()["id"])
        assert photo is not None
        (api_settings.data_dir / photo.path).write_bytes(HTML)  # as an upload of before
    served = app_client.get(added.json()["url"], headers=_as(tokens, "tracer"))
    assert served.status_code == 404 and b"<script>" not in served.content

"""Tracing pages over HTTP, on SQLite and PostgreSQL: the inquiry form and its case reference,
contact details only with a purpose, leads verified, a second person approving the message,
and the debrief gallery."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from homecoming.services import audit
from homecoming.store.db import Database

from .conftest import log_in

EN = {"accept-language": "en"}
INQUIRY = {
    "family_name": "Нехір",
    "given_names": "Олександр",
    "date_of_birth": "23.05.1987",
    "unit": "36 ОБрМП",
    "contact_name": "Нехір Марія",
    "contact_relation": "wife",
    "contact_email": "maria@example.org",
    "consent": "1",
    "sharing_scope": "icrc",
    "language": "uk",
    "party": "UA",
}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _register(client: TestClient, token: str) -> str:
    answer = client.post(
        "/ui/inquiries", data=INQUIRY | {"csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text[:400]
    return str(answer.headers["location"])


def test_an_inquiry_is_registered_and_its_reference_shown(
    exchange_app: TestClient, db: Database
) -> None:
    token = log_in(exchange_app, "tracer")
    bad = exchange_app.post(
        "/ui/inquiries", data={"csrf_token": token, "family_name": "Нехір"}, headers=EN
    )
    assert bad.status_code == 422 and "contact_name" in bad.text
    assert 'value="Нехір"' in bad.text  # what was typed stays in the form
    case = exchange_app.get(_register(exchange_app, token), headers=EN)
    reference = re.search(r"data-reference>(HC-\d{4}-\d{6})<", case.text)
    assert reference, "the family is given the case reference"
    assert "maria@example.org" not in case.text  # a tracing officer never sees contacts
    assert "a record in the registry" in case.text  # matched at once against the registry
    # A liaison sees the contact details only with a purpose, and the reading is audited.
    exchange_app.cookies.clear()
    liaison = log_in(exchange_app, "liaison")
    url = case.url.path + "/contacts"
    empty = exchange_app.post(url, data={"csrf_token": liaison, "purpose": " "})
    assert empty.status_code == 422 and "maria@example.org" not in empty.text
    shown = exchange_app.post(url, data={"csrf_token": liaison, "purpose": "call the wife"})
    assert shown.status_code == 200 and "maria@example.org" in shown.text
    assert audit.verify(db).ok
    exchange_app.cookies.clear()
    tracer = log_in(exchange_app, "tracer")
    assert exchange_app.post(url, data={"csrf_token": tracer, "purpose": "x"}).status_code == 403


def test_a_verified_lead_needs_a_second_person_to_approve_the_message(
    exchange_app: TestClient,
) -> None:
    token = log_in(exchange_app, "tracer")
    _register(exchange_app, token)
    queue = exchange_app.get("/ui/leads", headers=EN)
    lead = re.search(r'id="lead-(\d+)" data-state="pending"', queue.text)
    assert lead and "How the names were compared" in queue.text
    url = f"/ui/leads/{lead.group(1)}/decision"
    no_reason = exchange_app.post(url, data={"csrf_token": token, "decision": "reject"})
    assert no_reason.status_code == 422
    done = exchange_app.post(
        url, data={"csrf_token": token, "decision": "verify"}, follow_redirects=False
    )
    assert done.status_code == 303 and "notification=" in done.headers["location"]
    waiting = exchange_app.get("/ui/notifications", headers=EN)
    message = re.search(r'id="notification-(\d+)" data-state="prepared"', waiting.text)
    assert message and "data-own" in waiting.text  # the preparer gets no Approve button
    approve = f"/ui/notifications/{message.group(1)}/approve"
    own = exchange_app.post(approve, data={"csrf_token": token}, headers=EN)
    assert own.status_code == 403 and "a second person must approve it" in own.text
    exchange_app.cookies.clear()
    second = log_in(exchange_app, "liaison")
    approved = exchange_app.post(approve, data={"csrf_token": second}, follow_redirects=False)
    assert approved.status_code == 303
    sent = exchange_app.get("/ui/notifications?state=approved")
    assert f'id="notification-{message.group(1)}" data-state="approved"' in sent.text
    dashboard = exchange_app.get("/ui/")
    assert re.search(r'data-count="open-inquiries"><a[^>]*>1<', dashboard.text)


def test_the_debrief_gallery_records_a_recognition_as_a_lead(exchange_app: TestClient) -> None:
    token = log_in(exchange_app, "tracer")
    case = _register(exchange_app, token).split("?")[0]
    added = exchange_app.post(
        case + "/photos",
        data={"csrf_token": token, "caption": "2023"},
        files={"photo": ("face.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert added.status_code == 303
    started = exchange_app.post(
        "/ui/gallery/testimonies",
        data={
            "csrf_token": token,
            "witness": "Released 2025-05-24",
            "sightings": "Коваленко from the 36th brigade",
            "facility": "Колонія № 10",
        },
        follow_redirects=False,
    )
    assert started.status_code == 303
    testimony = re.search(r"testimony=(\d+)", started.headers["location"])
    assert testimony
    gallery = exchange_app.get("/ui/gallery", params={"unit": "36", "testimony": testimony[1]})
    photo = re.search(r'name="photo" value="(\d+)"', gallery.text)
    assert photo
    image = exchange_app.get(f"/ui/gallery/photos/{photo[1]}")
    assert image.content == PNG and image.headers["cache-control"] == "no-store"
    answered = exchange_app.post(
        "/ui/gallery/answers",
        data={
            "csrf_token": token,
            "testimony": testimony[1],
            "photo": photo[1],
            "answer": "recognised",
            "answer_facility": "Колонія № 10",
        },
        follow_redirects=False,
    )
    assert answered.status_code == 303
    assert 'data-answer="recognised"' in exchange_app.get(answered.headers["location"]).text
    leads = exchange_app.get("/ui/leads", headers=EN)
    assert "recognised in the family&#39;s photo" in leads.text

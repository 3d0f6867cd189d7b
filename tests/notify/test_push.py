"""Web Push and SMS to a test family, on SQLite and PostgreSQL.

A push service and an SMS gateway are played by a small HTTP server on loopback. The push it
receives is decrypted with the browser's own private key (RFC 8291, as a browser would): the
family is told only that there is news, never a name, a reference or a status; the family
page then shows the message. Subscribing goes through the family page's endpoint.
"""

from __future__ import annotations

import base64
import json
import os
import re

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.errors import Conflict, InvalidInput
from homecoming.notify import DeliveryError
from homecoming.notify.channels import configured
from homecoming.notify.sms import SmsGatewayChannel
from homecoming.notify.webpush import VapidKeys, WebPushChannel, b64url
from homecoming.services import (
    delivery,
    erasure,
    family,
    inquiries,
    notifications,
    push,
    registry,
    users,
)
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.family_models import Nudge, PushSubscription
from homecoming.tracing.templates import TemplateName

from ..api.conftest import fast
from .loopback import Loopback, loopback_server

PHONE = "+380501234567"
EMAIL = "maria@example.org"
NUDGE_UK = "У вашій справі є новини: відкрийте сторінку родини."
TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


class Browser:
    """A browser's push keys: what it subscribes with, and what it decrypts with."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64url(point)

    def form(self, token: str) -> dict[str, str]:
        return {
            "endpoint": self.endpoint,
            "p256dh": self.p256dh,
            "auth": b64url(self.auth),
            "csrf_token": token,
        }

    def decrypt(self, body: bytes) -> dict[str, str]:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        payload: dict[str, str] = json.loads(plain)
        return payload


def _register(db: Database, settings: Settings, **contact: str) -> tuple[str, str]:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    code, code_hash = family.new_code_and_hash(users.password_hasher(settings))
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name="Нехір", given_names="Олександр", date_of_birth=PartialDate(1987)
        ),
        inquirer=Contact(name="Марія", **contact),
        consent=False,
        party="UA",
    )
    found = inquiries.register(db, request=request, actor="liaison", family_code_hash=code_hash)
    return found.reference, code


def _id(db: Database, reference: str) -> int:
    with db.reading() as session:
        return inquiries.find(session, reference).id


def _open(settings: Settings, reference: str, code: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(settings), client=("10.0.0.7", 50000))
    client.headers["accept-language"] = "uk"
    token = TOKEN.search(client.get("/family").text)
    assert token
    opened = client.post(
        "/family",
        data={"reference": reference, "code": code, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    page = client.get("/family/case")
    found = TOKEN.search(page.text)
    assert found
    return client, found.group(1)


@pytest.fixture
def push_settings(settings: Settings) -> Settings:
    fast_settings = fast(settings)
    VapidKeys(fast_settings.data_dir).init()
    return fast_settings


@pytest.fixture
def service() -> Loopback:
    with loopback_server() as server:
        yield server  # type: ignore[misc]


def _approved(db: Database, reference: str, template: TemplateName, sms: bool = False) -> int:
    view = notifications.prepare(db, inquiry=reference, actor="tracer", template=template)
    notifications.approve(db, notification_id=view.id, actor="liaison", sms=sms)
    return view.id


def test_push_reaches_the_family_without_personal_data(
    db: Database, push_settings: Settings, service: Loopback
) -> None:
    reference, code = _register(db, push_settings, email=EMAIL)
    client, token = _open(push_settings, reference, code)
    page = client.get("/family/case")
    key = VapidKeys(push_settings.data_dir).public_key()
    assert f'data-key="{key}"' in page.text and "data-push-subscribe" in page.text
    browser = Browser(f"{service.url}/push/abc123")
    answer = client.post("/family/push", data=browser.form(token))
    assert answer.status_code == 201, answer.text
    assert answer.json()["service"] == "127.0.0.1"
    again = client.post("/family/push", data=browser.form(token))  # the same browser: one row
    assert again.json()["id"] == answer.json()["id"]
    assert f'data-device="{answer.json()["id"]}"' in client.get("/family/case").text

    notification_id = _approved(db, reference, TemplateName.CONFIRMED_CAPTIVITY)
    channel = WebPushChannel.from_settings(push_settings)
    report = push.deliver(db, channel=channel, actor="cli")
    assert report.sent == [notification_id] and not report.failed
    (received,) = service.received
    assert received.path == "/push/abc123"
    assert received.headers["content-encoding"] == "aes128gcm"
    assert received.headers["ttl"] == str(7 * 24 * 3600)
    vapid = received.headers["authorization"]
    assert vapid.startswith("vapid t=") and f"k={key}" in vapid
    claims = json.loads(base64.urlsafe_b64decode(vapid[8:].split(".")[1] + "=="))
    assert claims["aud"] == service.url and claims["sub"] == push_settings.push_subject
    payload = browser.decrypt(received.body)
    assert payload == {"title": "Служба розшуку", "body": NUDGE_UK, "url": "/family/case"}
    for personal in ("Нехір", "Олександр", reference, "полон", "captivity", EMAIL):
        assert personal not in json.dumps(payload, ensure_ascii=False)
    # The family reads the message itself on the page; the e-mail still waits for its channel.
    shown = notifications.show(db, notification_id)
    assert shown.state == "sent" and shown.outbox_state == "pending"
    page = client.get("/family/case").text
    assert page.count("data-message") == 1
    assert re.search(r'<small><time datetime="\d{4}-\d\d-\d\dT', page)  # dated by the push
    assert push.deliver(db, channel=channel, actor="cli").sent == []  # nothing sent twice


def test_a_death_is_never_announced_by_push(
    db: Database, push_settings: Settings, service: Loopback
) -> None:
    reference, code = _register(db, push_settings, email=EMAIL)
    client, token = _open(push_settings, reference, code)
    browser = Browser(f"{service.url}/push/d")
    assert client.post("/family/push", data=browser.form(token)).status_code == 201
    _approved(db, reference, TemplateName.DECEASED)
    push.deliver(db, channel=WebPushChannel.from_settings(push_settings), actor="cli")
    (received,) = service.received
    assert browser.decrypt(received.body)["body"] == NUDGE_UK  # the same words as any news


def test_an_unsubscribed_browser_is_removed_and_failures_keep_no_address(
    db: Database, push_settings: Settings, service: Loopback
) -> None:
    reference, code = _register(db, push_settings, email=EMAIL)
    client, token = _open(push_settings, reference, code)
    browser = Browser(f"{service.url}/push/gone-secret-token")
    client.post("/family/push", data=browser.form(token))
    notification_id = _approved(db, reference, TemplateName.INFORMATION_ADDED)
    channel = WebPushChannel.from_settings(push_settings)
    service.status = 500
    failed = push.deliver(db, channel=channel, actor="cli")
    assert failed.failed == {notification_id: "the push service refused the message (HTTP 500)"}
    assert notifications.show(db, notification_id).state == "approved"
    service.status = 410
    push.deliver(db, channel=channel, actor="cli")
    assert push.subscriptions(db, _id(db, reference)) == []
    with db.reading() as session:
        errors = [n.last_error for n in session.query(Nudge)]
    assert errors and not any("gone-secret-token" in e for e in errors)
    assert push.deliver(db, channel=channel, actor="cli").sent == []  # no more pushes to it


def test_the_family_removes_a_device_and_bad_subscriptions_are_refused(
    db: Database, push_settings: Settings
) -> None:
    reference, code = _register(db, push_settings, email=EMAIL)
    other, other_code = _register(db, push_settings, email="other@example.org")
    client, token = _open(push_settings, reference, code)
    bad = client.post(
        "/family/push",
        data={"endpoint": "ftp://x", "p256dh": "AAAA", "auth": "!!", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"endpoint", "keys.p256dh", "keys.auth"}
    forged = client.post("/family/push", data=Browser("https://push.example/x").form("forged"))
    assert forged.status_code == 401
    made = client.post("/family/push", data=Browser("https://push.example/1").form(token)).json()
    # Another family cannot stop this family's notices.
    stranger, stranger_token = _open(push_settings, other, other_code)
    stranger.post(f"/family/push/{made['id']}/remove", data={"csrf_token": stranger_token})
    assert len(push.subscriptions(db, _id(db, reference))) == 1
    removed = client.post(
        f"/family/push/{made['id']}/remove", data={"csrf_token": token}, follow_redirects=False
    )
    assert removed.headers["location"] == "/family/case?done=push_removed"
    assert push.subscriptions(db, _id(db, reference)) == []


def test_sms_carries_only_the_nudge(
    db: Database, push_settings: Settings, service: Loopback
) -> None:
    reference, _code = _register(db, push_settings, phone=PHONE)  # no e-mail, no browser
    notification_id = _approved(db, reference, TemplateName.RELEASED, sms=True)
    channel = SmsGatewayChannel(url=f"{service.url}/sms", token="gw-token", sender="Rozshuk")
    assert push.deliver(db, channel=channel, actor="cli").sent == [notification_id]
    (received,) = service.received
    assert received.headers["authorization"] == "Bearer gw-token"
    assert json.loads(received.body) == {"to": PHONE, "text": NUDGE_UK, "from": "Rozshuk"}
    service.status = 503
    notification_id = _approved(db, reference, TemplateName.INFORMATION_ADDED, sms=True)
    report = push.deliver(db, channel=channel, actor="cli")
    assert report.failed == {notification_id: "the SMS gateway refused the text (HTTP 503)"}


def test_without_any_way_to_reach_the_family_approval_is_refused(
    db: Database, push_settings: Settings
) -> None:
    reference, _code = _register(db, push_settings, phone=PHONE)
    view = notifications.prepare(
        db, inquiry=reference, actor="tracer", template=TemplateName.INFORMATION_ADDED
    )
    with pytest.raises(Conflict, match="no e-mail address to write to and no device"):
        notifications.approve(db, notification_id=view.id, actor="liaison", sms=False)


def test_channels_follow_the_settings(settings: Settings) -> None:
    with pytest.raises(DeliveryError, match="no channel is configured"):
        configured(settings)
    VapidKeys(settings.data_dir).init()
    with_sms = settings.model_copy(update={"sms_gateway_url": "http://127.0.0.1:9/sms"})
    assert [c.name for c in configured(with_sms)] == ["webpush", "sms"]
    with pytest.raises(Conflict, match="already holds the VAPID key"):
        VapidKeys(settings.data_dir).init()
    assert oct(VapidKeys(settings.data_dir).path.stat().st_mode & 0o777) == "0o600"


def test_erasure_takes_the_subscriptions(db: Database, push_settings: Settings) -> None:
    reference, code = _register(db, push_settings, email=EMAIL, phone=PHONE)
    client, token = _open(push_settings, reference, code)
    client.post("/family/push", data=Browser("https://push.example/1").form(token))
    _approved(db, reference, TemplateName.INFORMATION_ADDED, sms=True)
    erasure.erase(
        db,
        inquiry=reference,
        reason="the family asked",
        actor="liaison",
        data_dir=push_settings.data_dir,
    )
    with db.reading() as session:
        assert session.query(PushSubscription).count() == 0
        assert session.query(Nudge).count() == 0


def test_bad_keys_never_land(db: Database, push_settings: Settings) -> None:
    reference, _code = _register(db, push_settings, email=EMAIL)
    with pytest.raises(InvalidInput):
        push.subscribe(
            db,
            inquiry_id=_id(db, reference),
            endpoint="https://push.example/1",
            p256dh=b64url(b"\x04" * 64),  # one byte short
            auth=b64url(b"a" * 16),
            client="test",
        )
    assert push.subscriptions(db, _id(db, reference)) == []


def test_send_delivers_every_configured_channel(
    db: Database, push_settings: Settings, service: Loopback
) -> None:
    reference, code = _register(db, push_settings, phone=PHONE)
    client, token = _open(push_settings, reference, code)
    browser = Browser(f"{service.url}/push/all")
    client.post("/family/push", data=browser.form(token))
    notification_id = _approved(db, reference, TemplateName.INFORMATION_ADDED, sms=True)
    settings = push_settings.model_copy(update={"sms_gateway_url": f"{service.url}/sms"})
    report = delivery.deliver_all(db, channels=configured(settings), actor="cli")
    assert report.sent == [notification_id] and not report.failed
    assert sorted(r.path for r in service.received) == ["/push/all", "/sms"]

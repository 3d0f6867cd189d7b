"""Turning on notices from the family page in a real browser (Debian's Chromium, headless).

Chromium's PushManager reaches only its own push service (Google's FCM) and cannot be pointed
at a push service on loopback. Headless Chromium 156 goes no further than that:
`pushManager.subscribe()` fails with "AbortError: Registration failed - permission denied"
even with the notifications permission granted and `permissions.query({name: "push"})`
answering "granted" (old and new headless alike). So this test proves, in the browser,
what happens up to that service: the button shows where the Push API exists, the service
worker registers from /family/sw.js with scope /family/, the browser asks to subscribe with
this server's VAPID key, and a failure is told to the family in their language. The
subscription endpoint, delivery to a push service on loopback and the decryption of the push
are tested over HTTP in tests/notify/test_push.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.notify.webpush import VapidKeys
from homecoming.services import family, inquiries, registry, users
from homecoming.settings import Settings
from homecoming.store.db import Database

from .conftest import browser_context, fast, need_chromium, seed, serving
from .test_browser import shot

pytestmark = pytest.mark.browser

with contextlib.suppress(ImportError):  # the dev extra installs it; conftest skips without
    from playwright.sync_api import Browser, expect


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    need_chromium()
    folder = tmp_path_factory.mktemp("push")
    url = f"sqlite:///{folder / 'homecoming.sqlite3'}"
    db = Database(url)
    db.upgrade()
    settings = fast(Settings(environment="test", database_url=url, data_dir=folder / "var"))
    seed(db, settings, people=False)
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    code, code_hash = family.new_code_and_hash(users.password_hasher(settings))
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name="Нехір", given_names="Олександр", date_of_birth=PartialDate(1987)
        ),
        inquirer=Contact(name="Марія", email="maria@example.org"),
        consent=False,
        party="UA",
    )
    found = inquiries.register(db, request=request, actor="liaison", family_code_hash=code_hash)
    key = VapidKeys(settings.data_dir).init()
    with serving(settings) as base:
        yield {"base": base, "reference": found.reference, "code": code, "key": key}


def test_the_family_turns_on_notices(browser: Browser, world: dict[str, str]) -> None:
    with browser_context(browser, world["base"], "uk-UA") as context:
        context.grant_permissions(["notifications"], origin=world["base"])
        page = context.new_page()
        page.goto("/family")
        page.locator("#reference").fill(world["reference"])
        page.locator("#code").fill(world["code"])
        page.locator("form button[type=submit]").first.click()
        box = page.locator("[data-push]")
        expect(box).to_have_attribute("data-key", world["key"])
        button = page.locator("[data-push-subscribe]")
        expect(button).to_be_visible()  # the Push API is there: the button shows
        button.click()
        done = page.locator("[data-done=push]")
        failed = page.locator("[data-push-status][data-error]")
        expect(done.or_(failed)).to_be_visible(timeout=20_000)
        scope = page.evaluate(
            "navigator.serviceWorker.getRegistration('/family/').then(r => r && r.scope)"
        )
        assert scope == f"{world['base']}/family/"
        shot(page, "family-push")
        if done.count():
            expect(page.locator("[data-device]")).to_have_count(1)
        else:
            error = failed.get_attribute("data-error") or ""
            assert error.startswith("AbortError"), error
            expect(failed).to_have_text("Не вдалося увімкнути сповіщення на цьому пристрої.")
            expect(button).to_be_enabled()

"""Exchange day in a real browser (Debian's Chromium, headless): a tracing officer verifies the
leads resting on a stage's handovers as a batch; the same officer cannot approve the messages
that prepared; a family liaison officer approves them as a batch; a note that the returnee
phoned home himself closes a message unsent."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from homecoming.services import exchange_day, leads, notifications
from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database

from ..services.test_exchange_day import handed_over_with_inquiries
from .conftest import browser_context, fast, need_chromium, serving
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser

with contextlib.suppress(ImportError):  # the dev extra installs it; conftest skips without
    from playwright.sync_api import Browser, expect


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    need_chromium()
    folder = tmp_path_factory.mktemp("day")
    url = f"sqlite:///{folder / 'homecoming.sqlite3'}"
    db = Database(url)
    db.upgrade()
    leads.subscribe(db, SearchService(db))  # as the app does: tracing hears of the handovers
    settings = fast(Settings(environment="test", database_url=url, data_dir=folder / "var"))
    # A text goes to the family that left only a phone (the gateway is never called here).
    settings = settings.model_copy(update={"sms_gateway_url": "http://127.0.0.1:9/sms"})
    agreement_id = handed_over_with_inquiries(db, settings, families=2)
    with serving(settings) as base:
        yield {"base": base, "agreement": agreement_id, "db": db}


def test_batch_verification_then_batch_approval_by_a_second_person(
    browser: Browser, world: dict[str, object]
) -> None:
    agreement_id = world["agreement"]
    db = world["db"]
    assert isinstance(db, Database)
    day_url = f"/ui/exchanges/{agreement_id}/stages/1/day"
    with browser_context(browser, str(world["base"]), "uk-UA") as context:
        page = context.new_page()
        log_in(page, "tracer")
        page.goto(f"/ui/exchanges/{agreement_id}/stages/1")
        page.locator("[data-exchange-day]").click()
        expect(page.locator("h1")).to_have_text("День обміну: етап 1")
        pending = page.locator("tr[data-lead-state=pending]")
        leads = pending.count()
        assert leads >= 2
        page.locator("[data-verify-batch]").click()
        expect(page.locator("[data-done=verified]")).to_be_visible()
        expect(page.locator("tr[data-lead-state=pending]")).to_have_count(0)
        prepared = page.locator("tr[data-notification-state=prepared]")
        expect(prepared).to_have_count(2)
        # Whoever prepared the messages cannot approve them: no box to tick, and said why.
        expect(page.locator("input[name=notification]")).to_have_count(0)
        expect(page.locator("[data-own]")).to_have_count(2)
        shot(page, "exchange-day-verified")
    with browser_context(browser, str(world["base"]), "uk-UA") as context:
        page = context.new_page()
        log_in(page, "liaison")
        page.goto(day_url)
        boxes = page.locator("input[name=notification]")
        expect(boxes).to_have_count(2)
        first = page.locator("tr[data-notification-state=prepared]").first
        closed = int(first.get_attribute("data-notification") or 0)
        first.locator("input[name=note]").fill("подзвонив матері з автобуса")
        first.locator("button[type=submit]").click()
        expect(page.locator("[data-done=phoned_home]")).to_be_visible()
        expect(page.locator(f"tr[data-notification='{closed}']")).to_have_attribute(
            "data-notification-state", "cancelled"
        )
        expect(page.locator("input[name=notification]")).to_have_count(1)
        page.locator("[data-approve-batch]").click()
        expect(page.locator("[data-done=approved]")).to_be_visible()
        expect(page.locator("tr[data-notification-state=approved]")).to_have_count(1)
        shot(page, "exchange-day-approved")
    day = exchange_day.rows(db, agreement_id=int(str(agreement_id)), number=1)
    states = {r.notification_id: r.notification_state for r in day if r.notification_id}
    assert sorted(states.values()) == ["approved", "cancelled"]
    approved = next(n for n, s in states.items() if s == "approved")
    assert notifications.show(db, approved).approved_by == "liaison"

"""The family page and the officer's day in a real browser (Debian's Chromium, headless).

One uvicorn server over a seeded SQLite file holding the exchange test world. A tracing
officer registers an inquiry and gets the family's code once with its letter; the family
opens its case with it, in Russian too; a wrong code is told apart from nothing. The handover
desk fits 1,280 and 1,400 px. Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest

from homecoming.settings import Settings
from homecoming.store.db import Database

from .conftest import browser_context, build_exchange, fast, need_chromium, seed, serving
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser

with contextlib.suppress(ImportError):  # the dev extra installs it; conftest skips without
    from playwright.sync_api import Browser, BrowserContext, Page, expect


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    need_chromium()
    folder = tmp_path_factory.mktemp("family")
    url = f"sqlite:///{folder / 'homecoming.sqlite3'}"
    db = Database(url)
    db.upgrade()
    settings = fast(Settings(environment="test", database_url=url, data_dir=folder / "var"))
    settings = settings.model_copy(update={"office_phone": "+380 44 000 00 00"})
    seed(db, settings, people=False)
    agreement = build_exchange(db)
    with serving(settings) as base:
        yield {"base": base, "agreement": agreement}


@pytest.fixture
def context(world: dict[str, object], browser: Browser) -> Iterator[BrowserContext]:
    with browser_context(browser, str(world["base"]), "uk-UA") as made:
        yield made


def _register(page: Page) -> tuple[str, str]:
    log_in(page, "tracer")
    page.goto("/ui/inquiries/new")
    page.locator("#family_name").fill("Нехір")
    page.locator("#given_names").fill("Олександр")
    page.locator("#contact_name").fill("Нехір Марія")
    page.locator("#contact_email").fill("maria@example.org")
    page.locator("#inquiry-form button[type=submit]").click()
    code = page.locator("[data-family-code]").inner_text()
    reference = page.locator("[data-reference]").inner_text()
    expect(page.locator("[data-letter]")).to_contain_text(code)
    expect(page.locator("[data-print]")).to_be_visible()
    shot(page, "inquiry-registered-letter")
    page.reload()
    expect(page.locator("[data-family-code]")).to_have_count(0)  # shown once
    return reference, code


def test_a_family_opens_its_case_with_the_code(
    context: BrowserContext, browser: Browser, world: dict[str, object]
) -> None:
    reference, code = _register(context.new_page())
    with browser_context(browser, str(world["base"]), "uk-UA") as home:
        page = home.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto("/family")
        expect(page.locator("h1")).to_have_text("Стан вашого звернення")
        shot(page, "family-form")
        page.locator("#reference").fill(reference)
        page.locator("#code").fill("AAAA-BBBB-CCCC")
        page.locator("form button[type=submit]").click()
        expect(page.locator('[data-error="not_found"]')).to_be_visible()
        page.locator("#code").fill(code.lower())
        page.locator("form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/family/case$"))
        expect(page.locator(".family-status")).to_have_text("Ваше звернення зареєстровано")
        expect(page.locator("main")).to_contain_text("+380 44 000 00 00")
        expect(page.locator("main")).not_to_contain_text("maria@example.org")
        shot(page, "family-case-uk")
        page.locator("a[lang=ru]").click()
        expect(page.locator(".family-status")).to_have_text("Ваше обращение зарегистрировано")
        shot(page, "family-case-ru")
        page.locator('form[action="/family/leave"] button').click()  # close on this device
        expect(page).to_have_url(re.compile(r"/family$"))
        page.goto("/family/case")
        expect(page).to_have_url(re.compile(r"/family$"))
        # The wrong code's page is answered 401, which Chromium logs; nothing else may fail.
        assert not [e for e in errors if "status of 401" not in e], errors


@pytest.mark.parametrize("width", [1280, 1400])
def test_the_handover_desk_fits_the_screen(
    browser: Browser, world: dict[str, object], width: int
) -> None:
    with browser_context(browser, str(world["base"]), "uk-UA") as made:
        page = made.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, "admin")
        page.goto(f"/ui/exchanges/{world['agreement']}/stages/1/handovers?party=RU")
        expect(page.locator("#tally table")).to_be_visible()
        shot(page, f"handover-desk-{width}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the desk runs {overflow} px off the right edge at {width} px"
        right = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('#tally table, main table')]"
            ".map(t => t.getBoundingClientRect().right))"
        )
        assert right <= width, f"a table ends at {right} px on a {width} px screen"

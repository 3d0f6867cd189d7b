"""The UI in a real browser: Debian's Chromium, headless, driven by Playwright.

One uvicorn server on a free loopback port over a seeded SQLite file serves every test in
this module; each test has its own browser context (cookies, language). A screenshot of every
page goes to var/screenshots/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from homecoming.settings import Settings
from homecoming.store.db import Database

from .conftest import PASSWORD, browser_context, fast, need_chromium, seed, serving

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

with contextlib.suppress(ImportError):  # the dev extra installs it; conftest skips without
    from playwright.sync_api import Browser, BrowserContext, Page, expect


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The real app under uvicorn on 127.0.0.1, over a seeded SQLite file."""
    need_chromium()
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'homecoming.sqlite3'}"
    Database(url).upgrade()
    settings = fast(Settings(environment="test", database_url=url, data_dir=folder / "var"))
    persons = seed(Database(url), settings)
    with serving(settings) as base:
        yield {"base": base, "persons": persons, "folder": folder}


@pytest.fixture
def context(server: dict[str, object], browser: Browser) -> Iterator[BrowserContext]:
    with browser_context(browser, str(server["base"]), "uk-UA") as made:
        yield made


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 1_000, f"{target} is empty"


def log_in(page: Page, username: str) -> None:
    page.goto("/ui/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("header nav")).to_be_visible()


def test_log_in_see_the_dashboard_and_its_chart(context: BrowserContext) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/ui/")
    expect(page).to_have_url("/ui/login?next=/ui/")
    expect(page.locator("h1")).to_have_text("Увійти")  # the browser asks for Ukrainian
    shot(page, "login-uk")
    log_in(page, "admin")
    expect(page.locator("h1")).to_have_text("Огляд")
    expect(page.locator('[data-count="records"]')).to_have_text("2")
    canvas = page.locator("#status-chart")
    expect(canvas).to_have_attribute("data-drawn", "1")  # Chart.js drew from the local file
    assert canvas.bounding_box() is not None and canvas.bounding_box()["height"] > 100  # type: ignore[index]
    shot(page, "dashboard")
    assert not errors, errors  # no CSP refusal, no script error


def test_search_in_cyrillic_finds_the_latin_record(
    context: BrowserContext, server: dict[str, object]
) -> None:
    page = context.new_page()
    log_in(page, "tracer")
    page.goto("/ui/search")
    page.locator("#q").press_sequentially("Олександр Нехір", delay=20)
    first = page.locator(".hit").first
    expect(first.locator(".hit-name")).to_have_text("Nekhir Oleksandr")  # no Enter: as you type
    expect(first.locator(".reason").first).to_contain_text("ім’я")
    expect(page).to_have_url(
        "/ui/search?q=%D0%9E%D0%BB%D0%B5%D0%BA%D1%81%D0%B0%D0%BD%D0%B4%D1%80+%D0%9D%D0%B5%D1%85%D1%96%D1%80&born="
    )
    first.locator("details summary").click()
    expect(first.locator("table.explain")).to_be_visible()
    shot(page, "search")
    first.locator(".hit-name").click()
    persons = server["persons"]
    assert isinstance(persons, dict)
    expect(page).to_have_url(f"/ui/persons/{persons['ua']}")
    expect(page.locator("h1")).to_have_text("Nekhir Oleksandr")
    expect(page.locator(".facts .status")).to_have_text("у полоні")
    shot(page, "person")


def test_import_a_bad_file_then_a_good_one(
    context: BrowserContext, server: dict[str, object]
) -> None:
    folder = server["folder"]
    assert isinstance(folder, Path)
    bad = folder / "list-bad.csv"
    bad.write_text(
        "Прізвище,Ім'я,Дата народження\nШевченко,Тарас,09.03.1984\nБондар,Іван,31.02.1990\n",
        "utf-8",
    )
    good = folder / "list-good.csv"
    good.write_text(
        "Прізвище,Ім'я,Дата народження\nШевченко,Тарас,09.03.1984\nБондар,Іван,28.02.1990\n",
        "utf-8",
    )
    page = context.new_page()
    log_in(page, "registrar")
    page.locator("header nav a", has_text="Імпорт").click()
    page.locator("#file").set_input_files(str(bad))
    page.locator("#party").select_option("UA")
    page.locator("form.stack button[type=submit]").click()
    errors = page.locator("section.errors table.problems tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").first).to_have_text("3")
    expect(errors.first).to_contain_text("Дата народження")
    expect(page.locator("#confirm")).to_be_disabled()
    shot(page, "import-errors")
    page.goto("/ui/import")
    page.locator("#file").set_input_files(str(good))
    page.locator("#party").select_option("UA")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("table.preview tbody tr")).to_have_count(2)
    expect(page.locator("table.preview tbody tr").nth(1)).to_contain_text("1990-02-28")
    shot(page, "import-preview")
    page.locator("#confirm").click()
    expect(page.locator(".success")).to_contain_text("Імпортовано 2 записи")
    shot(page, "import-done")
    page.goto("/ui/search?q=Bondar+Ivan")
    expect(page.locator(".hit-name").first).to_have_text("Бондар Іван")


def test_switch_language_and_audit(context: BrowserContext) -> None:
    page = context.new_page()
    log_in(page, "auditor")
    page.locator(".languages a", has_text="English").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("header nav a", has_text="Audit").click()
    page.locator("button", has_text="Verify the chain").click()
    expect(page.locator('[data-chain="ok"]')).to_contain_text("The chain holds")
    shot(page, "audit")
    page.goto("/ui/sources")
    shot(page, "sources")
    expect(page.locator("header nav a", has_text="Import")).to_have_count(0)  # not an auditor's


def test_the_login_page_follows_accept_language(
    browser: Browser, server: dict[str, object]
) -> None:
    english = browser.new_context(base_url=str(server["base"]), locale="en-GB")
    try:
        page = english.new_page()
        page.goto("/ui/login")
        expect(page.locator("h1")).to_have_text("Log in")
        expect(page.locator("label[for=username]")).to_have_text("Username")
        shot(page, "login-en")
    finally:
        english.close()

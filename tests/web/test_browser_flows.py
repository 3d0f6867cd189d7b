"""The exchange, review and tracing pages in a real browser (Debian's Chromium, headless).

One uvicorn server over a seeded SQLite file: the users, the exchange test world validated
and composed, a family's inquiry with its leads, and a linkage run that leaves pairs to
review. Each flow saves screenshots of its pages under var/screenshots/.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.services import inquiries, leads
from homecoming.services.linkage import link_persons
from homecoming.services.search import SearchService
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.tracing.inquiry import SharingScope

from ..services.test_review import _load
from .conftest import browser_context, build_exchange, fast, need_chromium, seed, serving
from .test_browser import log_in, shot

pytestmark = pytest.mark.browser

with contextlib.suppress(ImportError):  # the dev extra installs it; conftest skips without
    from playwright.sync_api import Browser, BrowserContext, expect


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The real app under uvicorn over an exchange, an inquiry and a linkage run."""
    need_chromium()
    folder = tmp_path_factory.mktemp("flows")
    url = f"sqlite:///{folder / 'homecoming.sqlite3'}"
    db = Database(url)
    db.upgrade()
    # A module's world outlives the per-test wiring of tests/conftest.py: wire it as the app does.
    leads.subscribe(db, SearchService(db))
    settings = fast(Settings(environment="test", database_url=url, data_dir=folder / "var"))
    seed(db, settings, people=False)
    agreement = build_exchange(db)
    inquiries.register(
        db,
        request=inquiries.InquiryRequest(
            sought=RecordFields(
                family_name="Нехір", given_names="Олександр", date_of_birth=PartialDate(1987, 5, 23)
            ),
            inquirer=Contact(name="Нехір Марія", email="maria@example.org"),
            consent=True,
            scope=SharingScope.ICRC,
        ),
        actor="tracer",
    )
    _load(db)
    link_persons(db, actor="registrar", data_dir=folder / "var")
    with serving(settings) as base:
        yield {"base": base, "agreement": agreement}


@pytest.fixture
def context(world: dict[str, object], browser: Browser) -> Iterator[BrowserContext]:
    with browser_context(browser, str(world["base"]), "en-GB") as made:
        yield made


def test_accept_a_validation_finding(context: BrowserContext, world: dict[str, object]) -> None:
    page = context.new_page()
    log_in(page, "admin")
    page.goto(f"/ui/exchanges/{world['agreement']}")
    expect(page.locator("h1")).to_have_text("3 for 3")
    shot(page, "agreement")
    page.locator("a", has_text="RU offer v1").click()
    row = page.locator("tr.finding.blocking").first
    finding_id = row.get_attribute("id")
    row.locator("summary").click()
    row.locator("input[name=reason]").fill("the ICRC saw him under both spellings")
    row.locator("button[value=accept]").click()
    decided = page.locator(f"#{finding_id}")
    expect(decided).to_have_attribute("data-decision", "accept")  # swapped in by htmx
    expect(decided.locator(".decided")).to_contain_text("Accept")
    shot(page, "list-findings")
    page.goto(f"/ui/exchanges/{world['agreement']}/stages/1")
    expect(page.locator("table.parity tbody tr").first).to_have_class("holds")
    shot(page, "stage")


def test_record_a_handover_and_see_the_tally_change(
    context: BrowserContext, world: dict[str, object]
) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "registrar")
    page.goto(f"/ui/exchanges/{world['agreement']}/stages/1/handovers?party=RU")
    cell = page.locator('[data-crossed="RU-soldiers"] strong')
    expect(cell).to_have_text("0")
    # Stage 1 takes RU's oldest soldier (the same captivity, then age): Коваленко, born 1979.
    page.locator("#q").press_sequentially("Kovalenko", delay=20)  # Latin typed, Cyrillic listed
    candidate = page.locator("#candidates [data-candidate]")
    expect(candidate).to_have_count(1)
    expect(candidate.locator(".hit-name")).to_have_text("Коваленко Пётр")
    page.locator("#q").press("Enter")  # to the person
    expect(candidate).to_be_focused()
    page.keyboard.press("1")  # delivered, one key
    expect(page.locator("#recorded .success")).to_contain_text("Delivered")
    expect(cell).to_have_text("1")  # the tally followed without a reload
    expect(page.locator("#q")).to_be_focused()
    shot(page, "handover-desk")
    page.goto(f"/ui/exchanges/{world['agreement']}/reconciliation")
    expect(page.locator('[data-running="RU"]')).to_contain_text("1 of 3: 1 of 2 soldiers")
    shot(page, "reconciliation")
    page.goto("/ui/")
    expect(page.locator("#exchange-chart")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#card-handovers")).to_contain_text("Delivered")
    shot(page, "dashboard-exchange")
    assert not errors, errors


def test_verify_a_lead_and_a_second_person_approves(context: BrowserContext) -> None:
    page = context.new_page()
    log_in(page, "tracer")
    page.goto("/ui/leads")
    lead = page.locator("article.lead").first
    expect(lead.locator("table.sides")).to_contain_text("Нехір Олександр")
    shot(page, "leads")
    lead.locator("button[value=verify]").click()
    expect(page.locator(".success")).to_contain_text("second person must approve")
    page.goto("/ui/notifications")
    message = page.locator("article.message").first
    expect(message.locator("[data-own]")).to_be_visible()  # the preparer cannot approve
    expect(message.locator("button", has_text="Approve")).to_have_count(0)
    shot(page, "notifications")
    page.locator("header form button").click()  # log out
    log_in(page, "liaison")
    page.goto("/ui/notifications")
    page.locator("article.message").first.locator("button", has_text="Approve").click()
    expect(page.locator(".success")).to_contain_text("is done")
    page.goto("/ui/notifications?state=approved")
    expect(page.locator("article.message").first).to_have_attribute("data-state", "approved")
    page.goto("/ui/inquiries")
    page.locator("table a").first.click()
    page.locator("#purpose").fill("calling the wife about the release")
    page.locator("button", has_text="Show contact details").click()
    expect(page.locator(".contact")).to_contain_text("maria@example.org")
    shot(page, "inquiry")
    page.goto("/ui/inquiries/new")
    shot(page, "inquiry-form")
    page.goto("/ui/gallery")
    shot(page, "gallery")


def test_decide_a_review_pair(context: BrowserContext) -> None:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, "registrar")
    page.goto("/ui/review")
    count = page.locator(".count").inner_text()
    shot(page, "review-queue")
    page.locator("table.pairs a").first.click()
    expect(page.locator("#waterfall-chart")).to_have_attribute("data-drawn", "1")
    shot(page, "review-pair")
    page.locator("#reason").fill("different dates of birth, different fathers")
    page.locator("button[value=not_same]").click()
    expect(page).to_have_url(__import__("re").compile(r"decided="))
    page.goto("/ui/review")
    assert page.locator(".count").inner_text() != count
    assert not errors, errors


def test_import_a_received_list_from_the_agreement_page(
    context: BrowserContext, world: dict[str, object], tmp_path: Path
) -> None:
    """A bad row keeps the list out and is shown by line with the choices kept; the corrected
    file lands as the party's next version and opens."""
    page = context.new_page()
    log_in(page, "negotiator-ua")
    page.goto(f"/ui/exchanges/{world['agreement']}")
    path = tmp_path / "ua-request.csv"
    header = "Прізвище,Ім'я,Дата народження,Категорія\n"
    path.write_text(header + "Коваль,Петро,31.02.1981,військовослужбовець\n", encoding="utf-8")
    form = page.locator("form[action$='/lists']")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("select[name=party]").select_option("UA")
    form.locator("select[name=direction]").select_option("request")
    form.locator("input[name=received_from]").fill("UA delegation")
    form.locator("button[type=submit]").click()
    alert = page.locator("form[action$='/lists'] [role=alert]")
    expect(alert).to_contain_text("not imported")
    expect(alert.locator("table.problems tbody tr").first).to_contain_text("2")
    expect(page.locator("input[name=received_from]")).to_have_value("UA delegation")
    expect(page.locator("select[name=direction]")).to_have_value("request")
    shot(page, "list-import-refused")
    path.write_text(header + "Коваль,Петро,28.02.1981,військовослужбовець\n", encoding="utf-8")
    form = page.locator("form[action$='/lists']")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/ui/lists/\d+$"))
    expect(page.locator("main")).to_contain_text("Коваль")
    page.goto(f"/ui/exchanges/{world['agreement']}")
    expect(page.locator("main")).to_contain_text("UA request v1")

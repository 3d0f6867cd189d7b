"""Fixtures of the web UI tests.

- Page tests (test_pages.py) use FastAPI's TestClient over the `db` fixture, so they run on
  SQLite and on PostgreSQL, with one user per role (tests/api/conftest.py's accounts,
  imported from there) logged in through the login form itself, CSRF token and all.
- Browser tests (test_browser.py, test_browser_flows.py, marker `browser`) start the real app
  with uvicorn on a free loopback port over a seeded SQLite file (`serving`) and drive Debian's
  /usr/bin/chromium headless with Playwright (`browser`, one per module). They run once (SQLite
  only). Without Chromium they skip, saying how to install it (`make chromium`); under CI=true
  they fail instead.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, Fate, RecordFields, SourceKind
from homecoming.services import registry
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.store.models import Record

from ..api.conftest import PASSWORD, add_accounts, fast

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

try:
    from playwright.sync_api import Browser, BrowserContext, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]


def form_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = CSRF_FIELD.search(html)
    assert found, "the page has no form with a csrf_token"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the login page; returns the session's CSRF token."""
    page = client.get("/ui/login")
    assert page.status_code == 200
    answer = client.post(
        "/ui/login",
        data={"username": username, "password": password, "csrf_token": form_token(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:500]
    return client.cookies["csrf"]


def seed(db: Database, settings: Settings, *, people: bool = True) -> dict[str, int]:
    """Parties, one user per account, and two lists; returns person ids by who sees them.

    UA's list writes its man in Latin ("Nekhir Oleksandr"), as some lists do; RU's list
    holds another man. `ua` is seen by UA's negotiator only, `ru` by RU's only.
    """
    registry.ensure_party(db, code="UA", name="Ukraine", actor="test")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="test")
    add_accounts(db, settings)
    if not people:  # users only: the exchange and tracing worlds bring their own people
        return {}
    ua = _list(db, "UA", [("Nekhir", "Oleksandr", PartialDate(1987, 5, 23), Fate.CAPTURED)])
    ru = _list(db, "RU", [("Коваленко", "Петро", PartialDate(1979), Fate.DETAINED)])
    return {"ua": ua, "ru": ru}


def _list(db: Database, party: str, people: list[tuple[str, str, PartialDate, Fate]]) -> int:
    rows = [
        Evidence(
            line=i + 2,
            raw={"name": f"{family} {given}"},
            fields=RecordFields(
                family_name=family, given_names=given, date_of_birth=born, fate=fate
            ),
        )
        for i, (family, given, born, fate) in enumerate(people)
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=f"{party} list", party=party)
    result = registry.import_evidence(db, rows=rows, actor="registrar", source=source)
    assert result.source_id is not None
    record_id = registry.record_ids_of(db, result.source_id)[0]
    with db.reading() as session:
        row = session.get(Record, record_id)
        assert row is not None and row.person_id is not None
        return row.person_id


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return fast(settings)


@pytest.fixture
def seeded(db: Database, web_settings: Settings) -> dict[str, int]:
    return seed(db, web_settings)


@pytest.fixture
def web_app(web_settings: Settings, seeded: dict[str, int]) -> TestClient:
    return TestClient(create_app(web_settings))


def build_exchange(db: Database) -> int:
    """The exchange test world (tests/exchange/world.py) validated and composed: agreement id.

    RU's list calls a civilian a soldier; that finding is corrected, so both stages compose.
    """
    from homecoming.exchange.findings import Decision
    from homecoming.services import exchange_lists, stages
    from homecoming.services.search import SearchService

    from ..exchange.world import build_world

    agreement_id = build_world(db)
    search = SearchService(db)
    for version in exchange_lists.list_versions(db, agreement_id=agreement_id):
        report = exchange_lists.validate_version(db, search, version_id=version.id, actor="test")
        for line in report.lines:
            for finding in line.findings:
                if finding.kind == "wrong_category":
                    exchange_lists.decide_finding(
                        db,
                        finding_id=finding.id,
                        decision=Decision.CORRECT,
                        corrected_category="civilians",
                        reason="her papers say civilian",
                        actor="test",
                    )
    stages.plan(db, agreement_id=agreement_id, actor="test")
    return agreement_id


@pytest.fixture
def exchange(db: Database, web_settings: Settings) -> int:
    """Users, and the exchange world validated and composed: the agreement's id."""
    seed(db, web_settings, people=False)
    return build_exchange(db)


@pytest.fixture
def exchange_app(web_settings: Settings, exchange: int) -> TestClient:
    return TestClient(create_app(web_settings))


# --- browser tests ---------------------------------------------------------------------------


def need_chromium() -> None:
    """Skip (fail under CI) when Playwright or Chromium is missing, saying how to get it."""
    missing = (
        "Playwright is not installed (pip install -e '.[dev]')"
        if sync_playwright is None
        else f"{CHROMIUM} is missing: run `make chromium` as root"
        if not CHROMIUM.exists()
        else ""
    )
    if missing:
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, in a thread: its base URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 20 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one per module."""
    need_chromium()
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@contextmanager
def browser_context(browser: Browser, base_url: str, locale: str) -> Iterator[BrowserContext]:
    """A fresh context (cookies, language) on the served app, closed afterwards."""
    made = browser.new_context(
        base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900}
    )
    made.set_default_timeout(10_000)
    yield made
    made.close()

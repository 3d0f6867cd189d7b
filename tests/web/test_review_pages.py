"""The review queue over HTTP, on SQLite and PostgreSQL: pairs side by side with Splink's
waterfall, and a decision that is a judgement (persons regroup at once)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.services import review
from homecoming.services.linkage import link_persons
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.web.pages.review import waterfall_bars

from ..services.test_review import _load
from .conftest import log_in, seed

EN = {"accept-language": "en"}


@pytest.fixture
def review_app(db: Database, web_settings: Settings, tmp_path: Path) -> TestClient:
    seed(db, web_settings, people=False)
    _load(db)
    link_persons(db, actor="registrar", data_dir=tmp_path / "var")
    return TestClient(create_app(web_settings))


def test_a_pair_is_shown_with_its_waterfall_and_decided(
    review_app: TestClient, db: Database
) -> None:
    log_in(review_app, "auditor")
    queue = review_app.get("/ui/review", headers=EN)
    total = review.queue(db).total
    assert total > 0 and f"{total} pair" in queue.text
    first = re.search(r'href="/ui/review/(\d+)"', queue.text)
    assert first
    pair = review_app.get(f"/ui/review/{first[1]}", headers=EN)
    assert pair.status_code == 200
    assert 'data-chart="waterfall"' in pair.text and "final score" in pair.text
    assert 'name="decision"' not in pair.text  # an auditor reads, never decides
    review_app.cookies.clear()
    token = log_in(review_app, "registrar")
    url = f"/ui/review/{first[1]}/decision"
    no_reason = review_app.post(url, data={"csrf_token": token, "decision": "same"}, headers=EN)
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    done = review_app.post(
        url,
        data={"csrf_token": token, "decision": "not_same", "reason": "different fathers"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and f"decided={first[1]}" in done.headers["location"]
    assert review.queue(db).total == total - 1
    again = review_app.post(
        url, data={"csrf_token": token, "decision": "same", "reason": "r"}, headers=EN
    )
    assert again.status_code == 409 and "already decided" in again.text


def test_the_waterfall_bars_float_from_the_prior_to_the_final_score() -> None:
    bars = waterfall_bars(
        [
            {"column_name": "Prior", "log2_bayes_factor": -8.0},
            {"column_name": "name", "log2_bayes_factor": 6.0},
            {"column_name": "date_of_birth", "log2_bayes_factor": -1.5},
            {"column_name": "Final score", "log2_bayes_factor": -3.5},
        ]
    )
    assert [(b["start"], b["end"]) for b in bars] == [
        (0.0, -8.0),
        (-8.0, -2.0),
        (-2.0, -3.5),
        (0.0, -3.5),
    ]
    assert [b["kind"] for b in bars] == ["total", "up", "down", "total"]

"""The Ukrainian UI says nothing in English: no catalogue sentence left untranslated on a page,
no "58 of 1000" built in English; the leads page is one card per inquiry and person, paged,
with counts per state."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from homecoming.web import labels
from homecoming.web.catalogue import read
from homecoming.web.i18n import Translator

from .conftest import log_in
from .test_tracing_pages import INQUIRY

DOMAIN_PERSON = Path(labels.__file__).parents[1] / "domain" / "person.py"
ENGLISH_FIGURES = re.compile(r"\b\d+ of \d+\b")


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _english_sentences() -> list[str]:
    """Catalogue messages a Ukrainian page must never show as they are (English)."""
    found = []
    for message in read("uk"):
        plain = isinstance(message.id, str) and message.id and "%(" not in message.id
        if plain and len(message.id) >= 12 and " " in message.id and message.string != message.id:
            found.append(message.id)
    return found


def test_every_contradiction_note_of_the_domain_is_in_the_catalogue() -> None:
    tree = ast.parse(DOMAIN_PERSON.read_text("utf-8"))
    notes = [
        k.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for k in node.keywords
        if k.arg == "note" and isinstance(k.value, ast.Constant) and k.value.value
    ]
    assert notes and set(notes) <= labels.CONTRADICTION_NOTES
    for note in notes:
        assert Translator("uk").gettext(note) != note


def test_the_running_total_is_said_in_ukrainian(exchange_app: TestClient, exchange: int) -> None:
    log_in(exchange_app, "admin")
    english = _english_sentences()
    pages = [
        "/ui/",
        "/ui/exchanges",
        f"/ui/exchanges/{exchange}",
        f"/ui/exchanges/{exchange}/reconciliation",
        f"/ui/exchanges/{exchange}/stages/1/handovers?party=RU",
    ]
    for url in pages:
        answer = exchange_app.get(url, headers={"accept-language": "uk"})
        assert answer.status_code == 200, url
        text = _text(answer.text)
        assert not ENGLISH_FIGURES.search(text), (url, ENGLISH_FIGURES.findall(text))
        left = [sentence for sentence in english if sentence in text]
        assert not left, (url, left)
    agreement = _text(exchange_app.get(f"/ui/exchanges/{exchange}").text)
    assert "0 з 3 (військові: 0 з 2, цивільні: 0 з 1)" in agreement


def test_the_leads_page_is_one_card_per_person_paged(exchange_app: TestClient) -> None:
    token = log_in(exchange_app, "tracer")
    for _ in range(2):
        answer = exchange_app.post(
            "/ui/inquiries", data=INQUIRY | {"csrf_token": token}, follow_redirects=False
        )
        assert answer.status_code == 303
    page = exchange_app.get("/ui/leads?state=all", headers={"accept-language": "uk"})
    cards = re.findall(r'<section class="lead-group" data-group="(\d+)-(\w+)"', page.text)
    assert len(set(cards)) == len(cards) and len({inquiry for inquiry, _ in cards}) == 2
    articles = page.text.count('<article class="lead card"')
    assert f'data-state-count="pending">{articles}<' in page.text  # nothing left out
    assert f"{len(cards)} особи чи записи" in _text(page.text) and 'rel="next"' not in page.text
    assert not ENGLISH_FIGURES.search(_text(page.text))
    scores = [float(x) for x in re.findall(r'<span class="score">([\d.]+)</span>', page.text)]
    cut = sorted(scores)[len(scores) // 2]
    strong = exchange_app.get(f"/ui/leads?state=all&min_score={cut}")
    shown = [float(x) for x in re.findall(r'<span class="score">([\d.]+)</span>', strong.text)]
    assert shown and min(shown) >= cut and len(shown) <= len(scores)
    assert f'value="{cut}"' in strong.text
    second = exchange_app.get(f"/ui/leads?kind=record&days=0&offset={len(cards) - 1}")
    assert second.text.count('class="lead-group"') == 1 and 'rel="prev"' in second.text

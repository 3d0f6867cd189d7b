"""A person's path through negotiations on the person page, in Ukrainian and English, and
what a negotiator of the other party sees of it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from homecoming.services import negotiation, stages
from homecoming.store.db import Database

from .conftest import log_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_person_page_shows_the_path(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    member = next(
        m
        for m in stages.show(db, agreement_id=exchange, number=1).members
        if m.party == "RU" and m.category == "soldiers"
    )
    log_in(exchange_app, "registrar")
    page = _text(
        exchange_app.get(f"/ui/persons/{member.person_id}", headers={"accept-language": "uk"}).text
    )
    assert "Шлях через переговори" in page
    assert "запропоновано" in page and "RU offer v1, рядок" in page
    assert "включено до етапу" in page and "етап 1 (2025-05-23)" in page
    english = _text(
        exchange_app.get(f"/ui/persons/{member.person_id}", headers={"accept-language": "en"}).text
    )
    assert "offered" in english and "placed in a stage" in english
    # RU's negotiator sees the person (RU's offer lists him) and the path under RU's agreement.
    log_in(exchange_app, "negotiator-ru")
    own = exchange_app.get(f"/ui/persons/{member.person_id}", headers={"accept-language": "en"})
    assert own.status_code == 200 and "placed in a stage" in own.text
    assert [e.kind for e in negotiation.history(db, member.person_id)][-1] == "placed"


def test_the_agreement_page_shows_the_new_rules(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    import tomllib

    from homecoming.exchange.agreement import agreement_from_mapping
    from homecoming.services import agreements

    from ..exchange.test_eligibility_rules import AGREEMENT

    made = agreements.create_agreement(
        db, agreement=agreement_from_mapping(tomllib.loads(AGREEMENT)), actor="t"
    )
    log_in(exchange_app, "auditor")
    page = _text(
        exchange_app.get(f"/ui/exchanges/{made.id}", headers={"accept-language": "uk"}).text
    )
    assert "жінки" in page
    assert "потрапили в полон до 2023-01-01" in page and "звання: рядовий, сержант" in page
    assert "підрозділ: 36 ОБрМП" in page and "під слідством або засуджені" in page

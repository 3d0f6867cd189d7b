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
    young = agreements.create_agreement(
        db,
        agreement=agreement_from_mapping(
            {
                "name": "young for young",
                "parties": ["UA", "RU"],
                "per_side": 1,
                "categories": {"young": {"parity": "all_for_all", "stage_parity": 1}},
                "stages": [{"number": 1, "day": "2025-10-02"}],
            }
        ),
        actor="t",
    )
    page = _text(
        exchange_app.get(f"/ui/exchanges/{young.id}", headers={"accept-language": "uk"}).text
    )
    assert "приблизно порівну в кожному етапі (±1" in page


def test_the_crossing_page_records_an_arrival_and_a_man_taken_back(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    url = f"/ui/exchanges/{exchange}/stages/1/crossing"
    token = log_in(exchange_app, "negotiator-ua")
    uk = {"accept-language": "uk"}
    empty = exchange_app.get(url, headers=uk)
    assert empty.status_code == 200 and "Поза переданими за списком нічого" in empty.text
    unchecked = exchange_app.post(
        url + "/unlisted",
        data={
            "csrf_token": token,
            "party": "RU",
            "name": "Гончаренко Ігор",
            "checked_by": "Бондар",
        },
        headers=uk,
    )
    assert unchecked.status_code == 422 and "documents, photo, questions" in unchecked.text
    done = exchange_app.post(
        url + "/unlisted",
        data={
            "csrf_token": token,
            "party": "RU",
            "name": "Гончаренко Ігор",
            "born": "1994",
            "checked_by": "Бондар",
            "method": ["documents", "questions"],
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    member = next(
        m for m in stages.show(db, agreement_id=exchange, number=1).members if m.party == "UA"
    )
    back = exchange_app.post(
        url + "/taken-back",
        data={
            "csrf_token": token,
            "party": "UA",
            "person": str(member.person_id),
            "reason": "автобус",
        },
        follow_redirects=False,
    )
    assert back.status_code == 303
    page = _text(exchange_app.get(url + "?recorded=1", headers=uk).text)
    assert "прибув, не будучи в жодному списку" in page
    assert "особу перевірив Бондар: документи, запитання" in page
    assert "доставлено до місця обміну й забрано назад" in page and "автобус" in page
    nobody = exchange_app.post(
        url + "/taken-back",
        data={"csrf_token": token, "party": "UA", "person": "abc", "reason": "x"},
        headers=uk,
    )
    assert nobody.status_code == 422
    log_in(exchange_app, "auditor")
    seen = exchange_app.get(url, headers=uk)
    assert seen.status_code == 200 and "Записати прибуття" not in seen.text


def test_a_wounded_case_and_its_passed_deadline_show_on_the_person_page(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    import datetime as dt

    from homecoming.exchange.wounded import Referrer
    from homecoming.services import wounded

    member = stages.show(db, agreement_id=exchange, number=1).members[0]
    wounded.refer(
        db,
        person_id=member.person_id,
        referred_by=Referrer.SELF,
        referred_on=dt.date(2025, 1, 10),
        examine_by=dt.date(2025, 2, 10),
        actor="t",
    )
    log_in(exchange_app, "admin")
    page = _text(
        exchange_app.get(f"/ui/persons/{member.person_id}", headers={"accept-language": "uk"}).text
    )
    assert "Тяжкопоранений або тяжкохворий: направлено, ще не оглянуто" in page
    assert "строк огляду минув" in page and "ініціатор: сам полонений" in page

"""Remains pages over HTTP, on SQLite and PostgreSQL: declared beside received in Ukrainian
and English, a case's steps, and a match confirmed by a second person only."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.services import inquiries, remains
from homecoming.store.db import Database
from homecoming.tracing.inquiry import SharingScope
from homecoming.tracing.remains import Relation, Step

from .conftest import form_token, log_in

EN = {"accept-language": "en"}


def _world(db: Database) -> int:
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name="Мельник", given_names="Іван", date_of_birth=PartialDate(1990)
        ),
        inquirer=Contact(name="Мельник Олена", relation="мати", phone="+380501234567"),
        consent=True,
        scope=SharingScope.BUREAU,
        party="UA",
    )
    reference = inquiries.register(db, request=request, actor="liaison").reference
    bags = [remains.Bag("1"), remains.Bag("2", persons=2), remains.Bag("3", same_as="1")]
    remains.receive(
        db,
        day=dt.date(2025, 6, 11),
        from_party="RU",
        to_party="UA",
        bags=bags,
        declared=4,
        actor="liaison",
    )
    remains.add_reference(
        db,
        inquiry=reference,
        relation=Relation.FATHER,
        taken_on=dt.date(2025, 7, 1),
        institution="Lab",
        institution_reference="F-1",
        consent=True,
        actor="liaison",
    )
    match = remains.record_step(
        db,
        case="RC-2025-000001",
        step=Step.DNA_MATCH,
        inquiry=reference,
        lab_reference="L-1",
        actor="forensic",
    )
    return match.id


def test_remains_pages_and_four_eyes(web_app: TestClient, db: Database) -> None:
    step_id = _world(db)
    log_in(web_app, "forensic")
    page = web_app.get("/ui/remains")
    assert page.status_code == 200 and "Останки" in page.text
    assert "отримано 3 із 4 заявлених" in page.text
    english = web_app.get("/ui/remains", headers=EN)
    assert "received 3 of 4 declared" in english.text and "RC-2025-000003" in english.text
    case = web_app.get("/ui/remains/cases/RC-2025-000001", headers=EN)
    assert "You recorded this step: someone else must confirm it." in case.text
    refused = web_app.post(
        f"/ui/remains/cases/RC-2025-000001/steps/{step_id}/confirm",
        data={"csrf_token": form_token(case.text)},
        headers=EN,
    )
    assert refused.status_code == 403 and "four eyes" in refused.text
    web_app.cookies.clear()
    log_in(web_app, "admin")
    case = web_app.get("/ui/remains/cases/RC-2025-000001", headers=EN)
    done = web_app.post(
        f"/ui/remains/cases/RC-2025-000001/steps/{step_id}/confirm",
        data={"csrf_token": form_token(case.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = web_app.get("/ui/remains/cases/RC-2025-000001", headers=EN)
    assert "DNA match" in shown.text and ">admin<" in shown.text
    web_app.cookies.clear()
    log_in(web_app, "registrar")
    assert web_app.get("/ui/remains").status_code == 403

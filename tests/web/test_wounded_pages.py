"""The seriously wounded's four steps on the person page, and a person sent back after
handover on the crossing page: posted as the roles allowed, refused to the others, errors
shown on the page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from homecoming.exchange.reconciliation import Outcome
from homecoming.services import handovers, stages, wounded
from homecoming.store.db import Database

from .conftest import log_in

UK = {"accept-language": "uk"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _ua_member(db: Database, agreement_id: int, index: int = 0) -> int:
    found = [m for m in stages.show(db, agreement_id=agreement_id, number=1).members]
    return [m.person_id for m in found if m.party == "UA"][index]


def test_the_four_steps_are_recorded_from_the_person_page(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    person = _ua_member(db, exchange)
    base = f"/ui/persons/{person}/wounded"
    token = log_in(exchange_app, "negotiator-ua")
    page = exchange_app.get(f"/ui/persons/{person}", headers=UK)
    assert page.status_code == 200 and "Записати направлення" in page.text
    assert "Записати репатріацію" in page.text
    early = exchange_app.post(
        base + "/repatriation",
        data={"csrf_token": token, "repatriated_on": "2025-03-01"},
        headers=UK,
    )
    assert early.status_code == 409 and 'role="alert"' in early.text
    assert "Traceback" not in early.text and wounded.case(db, person).repatriation is None
    bad_date = exchange_app.post(
        base + "/referral",
        data={"csrf_token": token, "referred_by": "icrc", "referred_on": "01.02.2025"},
        headers=UK,
    )
    assert bad_date.status_code == 422
    assert "the referral&#39;s date must be a date as YYYY-MM-DD, not &#39;01.02.2025&#39;" in (
        bad_date.text
    )
    assert 'value="01.02.2025"' in bad_date.text and wounded.case(db, person).referrals == []
    unknown = exchange_app.post(
        base + "/referral",
        data={"csrf_token": token, "referred_by": "the press", "referred_on": "2025-02-01"},
    )
    assert unknown.status_code == 422 and "who referred must be one of self, doctor" in (
        unknown.text
    )
    steps = [
        (
            "/referral",
            {
                "referred_by": "icrc",
                "referrer": "ICRC delegate Moreau",
                "referred_on": "2025-02-01",
                "examine_by": "2025-03-01",
            },
        ),
        (
            "/examination",
            {
                "body": "mixed_medical_commission",
                "examined_on": "2025-02-20",
                "decision": "repatriate",
                "repatriate_by": "2025-05-01",
            },
        ),
        ("/consent", {"consent": "given", "given_on": "2025-02-25", "witnessed_by": "Dr. Weber"}),
    ]
    for path, fields in steps:
        done = exchange_app.post(
            base + path, data={"csrf_token": token, **fields}, follow_redirects=False
        )
        assert done.status_code == 303, (path, done.text)
        assert done.headers["location"] == f"/ui/persons/{person}?recorded=wounded#wounded"
    after = _text(exchange_app.get(f"/ui/persons/{person}?recorded=wounded", headers=UK).text)
    assert "Записано. Тепер: підлягає репатріації, за його згодою" in after
    assert "ICRC delegate Moreau" in after and "змішана медична комісія" in after
    assert "Dr. Weber" in after
    home = exchange_app.post(
        base + "/repatriation",
        data={"csrf_token": token, "repatriated_on": "2025-03-05", "place": "Sumy"},
        follow_redirects=False,
    )
    assert home.status_code == 303
    shown = _text(exchange_app.get(f"/ui/persons/{person}?recorded=wounded", headers=UK).text)
    assert "Записано. Тепер: репатрійовано" in shown
    case = wounded.case(db, person)
    assert case.state == "repatriated" and case.repatriation is not None
    assert case.referrals[0]["referred_by"] == "icrc"
    assert case.examinations[0]["body"] == "mixed_medical_commission"
    assert case.consents[0]["witnessed_by"] == "Dr. Weber"
    english = _text(
        exchange_app.get(
            f"/ui/persons/{person}?recorded=wounded", headers={"accept-language": "en"}
        ).text
    )
    assert "Recorded. Now: repatriated" in english


def test_a_refused_consent_stops_the_repatriation_on_the_page(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    person = _ua_member(db, exchange)
    base = f"/ui/persons/{person}/wounded"
    token = log_in(exchange_app, "admin")
    for path, fields in (
        ("/examination", {"body": "detaining_power_doctors", "examined_on": "2025-02-20"}),
        ("/consent", {"consent": "refused", "given_on": "2025-02-25", "witnessed_by": "ICRC"}),
    ):
        data = {"csrf_token": token, "decision": "repatriate", **fields}
        assert exchange_app.post(base + path, data=data, follow_redirects=False).status_code == 303
    refused = exchange_app.post(
        base + "/repatriation",
        data={"csrf_token": token, "repatriated_on": "2025-03-05"},
        headers=UK,
    )
    assert refused.status_code == 409 and "refused" in refused.text
    assert wounded.case(db, person).state == "consent_refused"
    unheard = exchange_app.post(
        base + "/consent", data={"csrf_token": token, "consent": "given", "given_on": "2025-03-01"}
    )
    assert unheard.status_code == 422 and "say who heard the prisoner" in unheard.text


def test_the_wounded_forms_need_the_apis_capabilities_and_scope(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    person = _ua_member(db, exchange)
    base = f"/ui/persons/{person}/wounded"
    referral = {"referred_by": "self", "referred_on": "2025-02-01"}
    for username in ("auditor", "tracer", "liaison", "forensic", "registrar"):
        exchange_app.cookies.clear()
        token = log_in(exchange_app, username)
        for path, fields in (("/referral", referral), ("/examination", {}), ("/consent", {})):
            answer = exchange_app.post(base + path, data={"csrf_token": token, **fields})
            assert answer.status_code == 403, (username, path)
    exchange_app.cookies.clear()
    token = log_in(exchange_app, "auditor")
    page = exchange_app.get(f"/ui/persons/{person}", headers=UK)
    assert page.status_code == 200 and "Записати направлення" not in page.text
    answer = exchange_app.post(
        base + "/repatriation", data={"csrf_token": token, "repatriated_on": "2025-03-05"}
    )
    assert answer.status_code == 403
    exchange_app.cookies.clear()
    token = log_in(exchange_app, "registrar")  # records handovers: the repatriation, not the rest
    page = exchange_app.get(f"/ui/persons/{person}", headers=UK)
    assert "Записати репатріацію" in page.text and "Записати направлення" not in page.text
    exchange_app.cookies.clear()
    token = log_in(exchange_app, "negotiator-ru")  # another party's person: not found
    hidden = exchange_app.post(base + "/referral", data={"csrf_token": token, **referral})
    assert hidden.status_code == 404 and wounded.case(db, person).referrals == []
    forged = exchange_app.post(base + "/referral", data={"csrf_token": "forged", **referral})
    assert forged.status_code == 403


def test_the_crossing_page_records_a_person_sent_back_after_handover(
    exchange_app: TestClient, exchange: int, db: Database
) -> None:
    url = f"/ui/exchanges/{exchange}/stages/1/crossing"
    person = _ua_member(db, exchange, 1)
    token = log_in(exchange_app, "negotiator-ua")
    form = exchange_app.get(url, headers=UK)
    assert "Записати повернення" in form.text
    fields = {"csrf_token": token, "party": "UA", "person": str(person), "reason": "not him"}
    early = exchange_app.post(url + "/sent-back", data=fields, headers=UK)
    assert early.status_code == 409 and "only a person handed over can be sent back" in early.text
    handovers.record_handover(
        db,
        None,
        agreement_id=exchange,
        number=1,
        party="UA",
        person_id=person,
        outcome=Outcome.DELIVERED,
        actor="op",
    )
    empty = exchange_app.post(url + "/sent-back", data={**fields, "reason": " "}, headers=UK)
    assert empty.status_code == 422
    done = exchange_app.post(
        url + "/sent-back",
        data={**fields, "reason": "a civilian of the same name"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == url + "?recorded=1"
    page = _text(exchange_app.get(url + "?recorded=1", headers=UK).text)
    assert "Записано." in page and "передано, потім повернуто назад" in page
    assert "a civilian of the same name" in page
    for username in ("auditor", "tracer"):
        exchange_app.cookies.clear()
        token = log_in(exchange_app, username)
        refused = exchange_app.post(url + "/sent-back", data={**fields, "csrf_token": token})
        assert refused.status_code == 403

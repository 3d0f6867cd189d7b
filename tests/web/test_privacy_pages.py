"""Privacy pages, on SQLite and PostgreSQL: the erasure's confirm page, the disclosure log and
the access review, in English and Ukrainian."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.services import audit, disclosures
from homecoming.store.db import Database

from .conftest import form_token, log_in
from .test_tracing_pages import _register

EN = {"accept-language": "en"}
UK = {"accept-language": "uk"}


def test_a_liaison_erases_an_inquiry_after_confirming(
    exchange_app: TestClient, db: Database
) -> None:
    token = log_in(exchange_app, "liaison")
    case_path = _register(exchange_app, token)
    case = exchange_app.get(case_path, headers=EN)
    assert "Erase this inquiry" in case.text
    inquiry_id = case_path.rstrip("/").split("/")[-1].split("?")[0]
    page = exchange_app.get(f"/ui/inquiries/{inquiry_id}/erase", headers=EN)
    assert page.status_code == 200 and "1 contact of the family is deleted" in page.text
    assert "Нехір" not in page.text.split("<h1>")[1]
    assert (
        "Стерти персональні дані"
        in exchange_app.get(f"/ui/inquiries/{inquiry_id}/erase", headers=UK).text
    )
    token = form_token(page.text)
    unconfirmed = exchange_app.post(
        f"/ui/inquiries/{inquiry_id}/erase",
        data={"csrf_token": token, "reason": "consent withdrawn"},
        headers=EN,
    )
    assert unconfirmed.status_code == 422 and "cannot be undone" in unconfirmed.text
    done = exchange_app.post(
        f"/ui/inquiries/{inquiry_id}/erase",
        data={"csrf_token": token, "reason": "consent withdrawn", "confirm": "yes"},
        headers=EN,
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?erased=1")
    after = exchange_app.get(done.headers["location"], headers=EN)
    assert "is erased" in after.text and "maria@example.org" not in after.text
    # The heading no longer names the sought person (leads still show other sources' evidence).
    assert "Нехір" not in after.text.split("<h1>")[1].split("</h1>")[0]
    assert audit.verify(db).ok
    exchange_app.cookies.clear()
    log_in(exchange_app, "tracer")
    refused = exchange_app.get(f"/ui/inquiries/{inquiry_id}/erase", headers=EN)
    assert refused.status_code == 403


def test_the_auditor_reads_disclosures_and_the_access_review(
    exchange_app: TestClient, db: Database
) -> None:
    disclosures.record(
        db, actor="registrar", kind="export", what="persons (csv)", recipient="ICRC CTA",
        legal_basis="GC III art. 123", items=7,
    )  # fmt: skip
    log_in(exchange_app, "auditor")
    page = exchange_app.get("/ui/disclosures", headers=EN)
    assert page.status_code == 200 and "ICRC CTA" in page.text and "GC III art. 123" in page.text
    assert "Правова підстава" in exchange_app.get("/ui/disclosures", headers=UK).text
    review = exchange_app.get("/ui/access-review", headers=EN)
    assert review.status_code == 200 and "Disclosures in the period: 1." in review.text
    exchange_app.cookies.clear()
    log_in(exchange_app, "liaison")
    assert exchange_app.get("/ui/disclosures", headers=EN).status_code == 403

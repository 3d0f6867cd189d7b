"""Erasure, disclosures and the access review over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.store.db import Database

from .test_tracing_api import INQUIRY, _as


def test_erase_over_http(app_client: TestClient, tokens: dict[str, str], db: Database) -> None:
    liaison, auditor, tracer = _as(tokens, "liaison"), _as(tokens, "auditor"), _as(tokens, "tracer")
    reference = app_client.post("/inquiries", json=INQUIRY, headers=liaison).json()["reference"]
    read = app_client.get(f"/inquiries/{reference}/contacts?purpose=call+back", headers=liaison)
    assert read.status_code == 200 and read.json()[0]["email"] == "maria@example.org"
    body = {"reason": "consent withdrawn"}
    refused = app_client.post(f"/inquiries/{reference}/erase", json=body, headers=tracer)
    assert refused.status_code == 403
    dry = app_client.post(
        f"/inquiries/{reference}/erase", json={**body, "dry_run": True}, headers=liaison
    ).json()
    assert dry["dry_run"] and dry["contacts"] == 1 and dry["audit_entry"] is None
    done = app_client.post(f"/inquiries/{reference}/erase", json=body, headers=liaison)
    assert done.status_code == 200, done.text
    assert done.json()["audit_entry"] and not done.json()["dry_run"]
    again = app_client.post(f"/inquiries/{reference}/erase", json=body, headers=liaison)
    assert again.status_code == 409
    assert (
        app_client.get(f"/inquiries/{reference}/contacts?purpose=x", headers=liaison).json() == []
    )
    shown = app_client.get(f"/inquiries/{reference}", headers=auditor).json()
    assert "Нехір" not in str(shown)
    assert app_client.get("/audit/verify", headers=auditor).json()["ok"]
    review = app_client.get("/access-review", headers=auditor).json()
    assert review["by_actor"] == {"liaison": 2} and review["reads"][0]["purpose"] == "(erased)"
    assert app_client.get("/disclosures", headers=auditor).json() == []

"""Records over HTTP: as received and normalised, party-scoped; contacts read only with a
purpose, only by those who must, and every read in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

INQUIRY = (
    "ПІБ,Дата народження,Заявник,Ступінь спорідненості,Телефон\n"
    "Нехір Олександр Іванович,23.05.1987,Нехір Марія,мати,+380 44 000 0000\n"
)


def _get(client: TestClient, token: str, url: str, **params: Any) -> Any:
    return client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})


def _inquiry(client: TestClient, token: str) -> int:
    response = client.post(
        "/sources",
        files={"file": ("inquiry.csv", INQUIRY.encode(), "text/csv")},
        data={"kind": "family_inquiry"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    ids = _get(client, token, "/persons").json()["items"]
    person = _get(client, token, f"/persons/{ids[-1]['id']}").json()
    record_id: int = person["records_detail"][0]["id"]
    return record_id


def test_a_record_as_received_and_normalised(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    body = _get(app_client, tokens["auditor"], "/records/1").json()
    assert body["raw"] == {"name": "Нехір Олександр"}
    assert body["fields"]["family_name"] == "Нехір"
    assert body["fields"]["date_of_birth"] == "1987-05-23"
    assert body["fields"]["fate"] == "captured"
    assert (body["party"], body["source_kind"], body["line"]) == ("UA", "party_list", 2)
    assert body["person_id"] == two_parties["shared"]
    assert body["has_contacts"] is False and body["withheld"] == []
    assert _get(app_client, tokens["auditor"], "/records/999").status_code == 404
    assert _get(app_client, tokens["auditor"], "/records/0").status_code == 422


@pytest.mark.parametrize(
    ("username", "own", "other"), [("negotiator-ua", 1, 3), ("negotiator-ru", 4, 2)]
)
def test_a_negotiator_reads_only_their_party_records(
    app_client: TestClient,
    tokens: dict[str, str],
    two_parties: dict[str, int],
    username: str,
    own: int,
    other: int,
) -> None:
    assert _get(app_client, tokens[username], f"/records/{own}").status_code == 200
    hidden = _get(app_client, tokens[username], f"/records/{other}")
    missing = _get(app_client, tokens[username], "/records/999")
    assert hidden.status_code == 404
    # A hidden record looks exactly like no record.
    assert hidden.json()["detail"].replace(str(other), "N") == missing.json()["detail"].replace(
        "999", "N"
    )


def test_contact_details_never_show_in_the_record(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    record_id = _inquiry(app_client, tokens["admin"])
    response = _get(app_client, tokens["registrar"], f"/records/{record_id}")
    body = response.json()
    assert body["has_contacts"] is True
    # The importer keeps contact columns out of `raw`; nothing is left to withhold.
    assert body["withheld"] == []
    assert not {"Заявник", "Ступінь спорідненості", "Телефон"} & set(body["raw"])
    assert "+380" not in response.text and "Марія" not in response.text
    assert body["raw"]["ПІБ"] == "Нехір Олександр Іванович"


def test_contacts_are_read_with_a_purpose_and_audited(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    record_id = _inquiry(app_client, tokens["admin"])
    url = f"/records/{record_id}/contacts"
    read = _get(app_client, tokens["liaison"], url, purpose="call the mother about 23 May")
    assert read.status_code == 200, read.text
    (contact,) = read.json()
    assert (contact["name"], contact["relation"], contact["phone"]) == (
        "Нехір Марія",
        "мати",
        "+380 44 000 0000",
    )
    with db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "contacts.read")
        ).one()
    assert (entry.actor, entry.subject) == ("liaison", f"record:{record_id}")
    assert entry.details["purpose"] == "call the mother about 23 May"
    assert "+380" not in str(entry.details) and "Марія" not in str(entry.details)

    assert _get(app_client, tokens["liaison"], url).status_code == 422  # no purpose
    blank = _get(app_client, tokens["liaison"], url, purpose="   ")
    assert blank.status_code == 422 and "purpose" in blank.json()["detail"]
    for username in ("registrar", "negotiator-ua", "tracer", "auditor"):
        denied = _get(app_client, tokens[username], url, purpose="curious")
        assert denied.status_code == 403, username
    missing = _get(app_client, tokens["admin"], "/records/999/contacts", purpose="check")
    assert missing.status_code == 404
    with db.reading() as session:
        reads = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "contacts.read")
        ).all()
    assert len(reads) == 1  # refused reads disclosed nothing and logged no read

"""Imports over HTTP: the same contract as `homecoming import`, as a multipart upload."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from homecoming.store.db import Database
from homecoming.store.models import Record, Source

from ..formats.personfinder_feeds import PFIF_12
from ..formats.test_xlsx_limits import zip_bomb

GOOD = "Прізвище,Ім'я,Дата народження,Звання\nНехір,Олександр,23.05.1987,солдат\n"
MIXED = (
    "Прізвище,Ім'я,Дата народження\n"
    "Нехір,Олександр,23.05.1987\n"
    "Тарасов,Петро,31.02.1990\n"
    "Коваленко,Іван,1979\n"
    "Бондар,Олег,весна\n"
)
PFIF = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>tracing.example.org/person.1</pfif:person_record_id>
    <pfif:entry_date>2025-05-24T09:00:00Z</pfif:entry_date>
    <pfif:source_date>2025-05-23T18:30:00Z</pfif:source_date>
    <pfif:full_name>Нехір Олександр Іванович</pfif:full_name>
  </pfif:person>
</pfif:pfif>
"""


def _upload(
    client: TestClient,
    token: str,
    name: str,
    data: bytes,
    **form: Any,
) -> Any:
    files: dict[str, Any] = {"file": (name, data, "application/octet-stream")}
    if "mapping" in form:
        files["mapping"] = ("mapping.json", form.pop("mapping"), "application/json")
    return client.post(
        "/sources",
        files=files,
        data={k: str(v).lower() if isinstance(v, bool) else v for k, v in form.items()},
        headers={"Authorization": f"Bearer {token}"},
    )


def _count(db: Database, model: Any) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_csv_lands_as_one_source(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    response = _upload(
        app_client,
        tokens["registrar"],
        "C:\\lists\\ua-23-may.csv",
        GOOD.encode("cp1251"),
        party="ua",
        received_from="Coordination HQ",
        received_at="2025-05-23T08:00:00",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["imported"], body["rejected"], body["file_name"]) == (1, [], "ua-23-may.csv")
    with db.reading() as session:
        source = session.get(Source, body["source_id"])
        assert source is not None
        assert (source.party_code, source.received_from, source.created_by) == (
            "UA",
            "Coordination HQ",
            "registrar",
        )
        assert source.received_at.isoformat().startswith("2025-05-23T08:00:00")
    hits = app_client.get(
        "/search",
        params={"q": "Oleksandr Nekhir"},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    ).json()
    assert hits and hits[0]["date_of_birth"] == "1987-05-23"  # searchable at once


def test_bad_rows_stop_the_import_and_are_listed(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    response = _upload(app_client, tokens["admin"], "mixed.csv", MIXED.encode())
    assert response.status_code == 422
    problem = response.json()
    assert [(e["line"], e["field"]) for e in problem["errors"]] == [
        (3, "Дата народження"),
        (5, "Дата народження"),
    ]
    assert "nothing was imported" in problem["detail"]
    assert _count(db, Source) == 0 and _count(db, Record) == 0

    skipped = _upload(app_client, tokens["admin"], "mixed.csv", MIXED.encode(), skip_bad_rows=True)
    assert skipped.status_code == 201, skipped.text
    body = skipped.json()
    assert (body["imported"], body["rejected_lines"]) == (2, [3, 5])
    assert body["rejected"][0]["reason"]
    assert _count(db, Record) == 2


def test_the_same_bytes_twice_need_force(app_client: TestClient, tokens: dict[str, str]) -> None:
    token = tokens["admin"]
    assert _upload(app_client, token, "a.csv", GOOD.encode()).status_code == 201
    again = _upload(app_client, token, "b.csv", GOOD.encode())
    assert again.status_code == 409 and "force" in again.json()["detail"]
    assert _upload(app_client, token, "b.csv", GOOD.encode(), force=True).status_code == 201


def test_xlsx_pfif_and_a_mapping(
    app_client: TestClient, tokens: dict[str, str], db: Database
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Фамилия", "Имя", "Позывной"])
    sheet.append(["Нехир", "Александр", "Сокол"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    refused = _upload(app_client, tokens["admin"], "ru.xlsx", buffer.getvalue())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "Позывной"
    mapped = _upload(
        app_client,
        tokens["admin"],
        "ru.xlsx",
        buffer.getvalue(),
        mapping=json.dumps({"Позывной": "notes"}).encode(),
    )
    assert mapped.status_code == 201, mapped.text
    with db.reading() as session:
        assert session.scalars(select(Record.notes)).one() == "Сокол"

    pfif = _upload(app_client, tokens["admin"], "feed.xml", PFIF.encode(), kind="party_list")
    assert pfif.status_code == 201, pfif.text
    with db.reading() as session:
        source = session.get(Source, pfif.json()["source_id"])
        assert source is not None and source.kind == "pfif_feed"


def test_unreadable_or_misaddressed_uploads(app_client: TestClient, tokens: dict[str, str]) -> None:
    token = tokens["admin"]
    assert _upload(app_client, token, "empty.csv", b"").status_code == 422
    unknown_party = _upload(app_client, token, "a.csv", GOOD.encode(), party="XX")
    assert unknown_party.status_code == 404 and "XX" in unknown_party.json()["detail"]
    broken = _upload(app_client, token, "list.xlsx", b"PK\x03\x04not really a zip")
    assert broken.status_code == 422 and "list.xlsx" in broken.json()["detail"]
    bad_kind = _upload(app_client, token, "a.csv", GOOD.encode(), kind="rumour")
    assert bad_kind.json()["errors"][0]["field"] == "body.kind"
    no_file = app_client.post(
        "/sources", data={"party": "UA"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "body.file"


def test_only_importers_import(app_client: TestClient, tokens: dict[str, str]) -> None:
    for username in ("negotiator-ua", "tracer", "liaison", "auditor"):
        response = _upload(app_client, tokens[username], "a.csv", GOOD.encode())
        assert response.status_code == 403, username


def test_an_xlsx_zip_bomb_is_refused_with_413(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    bomb = zip_bomb()
    refused = _upload(app_client, tokens["admin"], "list.xlsx", bomb, party="UA")
    assert refused.status_code == 413, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    detail = refused.json()["detail"]
    assert "list.xlsx" in detail and "ask the sender" in detail and "Traceback" not in detail
    as_list = app_client.post(
        "/lists",
        files={"file": ("offer.xlsx", bomb, "application/octet-stream")},
        data={"agreement_id": "1", "party": "UA"},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert as_list.status_code == 413, as_list.text
    assert _count(db, Source) == 0


def test_a_pfif_upload_reports_defaulted_fields_and_records_already_held(
    app_client: TestClient, tokens: dict[str, str]
) -> None:
    feed = PFIF_12.encode()
    first = _upload(app_client, tokens["admin"], "test.pfif-1.2.xml", feed)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["imported"], body["already_held"]) == (5, 0)
    assert [d["field"] for d in body["defaulted"]] == ["full_name", "author_name", "author_name"]
    assert body["defaulted"][1]["reason"].startswith("missing; marked unknown")
    again = _upload(app_client, tokens["admin"], "again.xml", feed, force=True)
    assert (again.json()["imported"], again.json()["already_held"]) == (0, 5)
    assert again.json()["defaulted"] == []

"""Case management over HTTP, on SQLite and PostgreSQL: the pages (owner, hand-over,
follow-up, contact log, the queues), the /cases API and the `homecoming cases` CLI."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from homecoming.app import create_app
from homecoming.cli import app
from homecoming.services import inquiries
from homecoming.settings import Settings
from homecoming.store.db import Database

from .conftest import form_token, log_in
from .test_tracing_pages import INQUIRY, _register


def _case_id(location: str) -> int:
    return int(location.rsplit("/", 1)[1].split("?")[0])


def test_a_case_file_in_the_ui(web_app: TestClient, db: Database) -> None:
    token = log_in(web_app, "liaison")
    inquiry_id = _case_id(_register(web_app, token))
    page = web_app.get(f"/ui/inquiries/{inquiry_id}")
    assert f'href="/ui/cases/{inquiry_id}"' in page.text
    case = web_app.get(f"/ui/cases/{inquiry_id}", headers={"accept-language": "uk"})
    assert case.status_code == 200 and "Журнал контактів" in case.text
    token = form_token(case.text)
    bad = web_app.post(
        f"/ui/cases/{inquiry_id}/owner",
        data={"owner": "auditor", "office": "", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert 'data-field="owner"' in bad.text and 'data-field="office"' in bad.text
    for url, data in (
        ("owner", {"owner": "liaison", "office": "Kyiv"}),
        ("handover", {"to_office": "Lviv", "to_owner": "tracer", "reason": "the family moved"}),
        (
            "follow-up",
            {"on": (dt.date.today() - dt.timedelta(days=1)).isoformat(), "note": "photo"},
        ),
        ("contacts", {"kind": "call", "summary": "", "no_news": "1", "happened_at": ""}),
    ):
        done = web_app.post(
            f"/ui/cases/{inquiry_id}/{url}",
            data=data | {"csrf_token": token},
            follow_redirects=False,
        )
        assert done.status_code == 303, (url, done.text[:300])
    case = web_app.get(f"/ui/cases/{inquiry_id}")
    assert "<dd data-office>Lviv</dd>" in case.text and "<dd data-owner>tracer</dd>" in case.text
    assert "data-transfer" in case.text and "data-contact=" in case.text
    queues = web_app.get("/ui/cases?office=Lviv")
    assert queues.status_code == 200
    assert queues.text.count('data-case="') == 1  # due for follow-up; just called: not no-news
    # An auditor reads the file but changes nothing.
    web_app.cookies.clear()
    token = log_in(web_app, "auditor")
    page = web_app.get(f"/ui/cases/{inquiry_id}")
    assert page.status_code == 200 and 'data-form="contact"' not in page.text
    refused = web_app.post(
        f"/ui/cases/{inquiry_id}/contacts", data={"kind": "call", "csrf_token": token}
    )
    assert refused.status_code == 403


def test_the_cases_api_and_cli(
    db: Database, web_settings: Settings, seeded: dict[str, int]
) -> None:
    client = TestClient(create_app(web_settings))
    token = log_in(client, "admin")
    created = client.post(
        "/inquiries",
        json={
            "sought": {"family_name": "Нехір", "given_names": "Олександр"},
            "inquirer": {"name": "Марія", "phone": "+380501112233"},
            "consent": False,
        },
        headers={"X-CSRF-Token": token},
    )
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    with db.transaction() as session:
        inquiries.find(session, reference).created_at = dt.datetime.now(dt.UTC) - dt.timedelta(
            days=31
        )
    headers = {"X-CSRF-Token": token}
    assert [r["reference"] for r in client.get("/cases/no-news").json()] == [reference]
    owner = client.post(
        f"/cases/{reference}/owner", json={"owner": "tracer", "office": "Kyiv"}, headers=headers
    )
    assert owner.status_code == 200 and owner.json()["owner"] == "tracer"
    wrong = client.post(
        f"/cases/{reference}/owner", json={"owner": "registrar", "office": "Kyiv"}, headers=headers
    )
    assert wrong.status_code == 422 and "handle inquiries" in wrong.text
    logged = client.post(
        f"/cases/{reference}/contacts",
        json={
            "kind": "letter",
            "happened_at": dt.datetime.now(dt.UTC).isoformat(),
            "summary": "wrote that there is no news",
            "no_news": True,
        },
        headers=headers,
    )
    assert logged.status_code == 201 and logged.json()["contacts"][0]["kind"] == "letter"
    assert client.get("/cases/no-news").json() == []
    runner = CliRunner()
    env = {"HOMECOMING_DATA_DIR": str(web_settings.data_dir)}
    result = runner.invoke(
        app,
        [
            "--database-url",
            db.url,
            "cases",
            "follow-up",
            reference,
            "--on",
            dt.date.today().isoformat(),
            "--note",
            "ask about the letter",
            "--json",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["follow_up_note"] == "ask about the letter"
    result = runner.invoke(
        app, ["--database-url", db.url, "cases", "follow-ups", "--json"], env=env
    )
    assert [r["reference"] for r in json.loads(result.stdout)] == [reference]
    result = runner.invoke(
        app,
        [
            "--database-url",
            db.url,
            "cases",
            "hand-over",
            reference,
            "--to-office",
            "Kyiv",
            "--to-owner",
            "tracer",
            "--reason",
            "x",
        ],
        env=env,
    )
    assert result.exit_code != 0 and "already with Kyiv" in result.stderr
    assert INQUIRY  # the UI form's fields are the ones the other test registers with

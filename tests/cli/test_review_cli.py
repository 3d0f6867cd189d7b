"""`homecoming review`: list, show (with the waterfall), decide, judgements, undo."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.domain.record import Evidence, SourceKind
from homecoming.services import registry
from homecoming.services.linkage import link_persons
from homecoming.store.db import Database
from homecoming.store.models import Record

runner = CliRunner()


def _invoke(db: Database, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _linked(db: Database) -> None:
    from homecoming.generate.records import generate_dataset

    rows = [
        Evidence(line=i + 2, raw={}, fields=r.fields)
        for i, r in enumerate(generate_dataset(600, seed=5))
    ]
    source = registry.SourceInfo(kind=SourceKind.OTHER, name="lists")
    registry.import_evidence(db, rows=rows, actor="registrar", source=source)
    link_persons(db, actor="registrar")


def _person(db: Database, record_id: int) -> int | None:
    with db.reading() as session:
        row = session.get(Record, record_id)
        return row.person_id if row else None


def test_review_from_the_command_line(db: Database) -> None:
    code, stdout, _ = _invoke(db, "review", "list")
    assert code == 0 and "persons link" in stdout  # no run yet: says what to do
    _linked(db)
    code, stdout, _ = _invoke(db, "review", "list", "--limit", "3", "--json")
    page = json.loads(stdout)
    assert code == 0 and page["total"] > 0 and len(page["items"]) <= 3
    pair = page["items"][0]
    code, stdout, _ = _invoke(db, "review", "list", "--limit", "3")
    assert code == 0 and f"of {page['total']} open pairs" in stdout

    code, stdout, _ = _invoke(db, "review", "show", str(pair["pair_id"]), "--json")
    shown = json.loads(stdout)
    assert code == 0 and shown["status"] == "open"
    assert shown["waterfall"]["bars"][-1]["column_name"] == "Final score"
    code, stdout, _ = _invoke(db, "review", "show", str(pair["pair_id"]))
    assert code == 0 and "waterfall" in stdout and "Final score" in stdout

    code, _, stderr = _invoke(db, "review", "decide", str(pair["pair_id"]), "same", "--reason", " ")
    assert code == 1 and "say why" in stderr
    code, stdout, _ = _invoke(
        db, "review", "decide", str(pair["pair_id"]), "not_same", "--reason", "other unit"
    )
    assert code == 0 and "closed" in stdout
    left, right = pair["left"]["id"], pair["right"]["id"]
    assert _person(db, left) != _person(db, right)
    code, _, stderr = _invoke(db, "review", "decide", str(pair["pair_id"]), "same", "--reason", "r")
    assert code == 1 and "already decided" in stderr

    code, stdout, _ = _invoke(db, "review", "judgements", "--record", str(left), "--json")
    judged = json.loads(stdout)
    assert judged["total"] == 1 and judged["items"][0]["decision"] == "not_same"
    judgement_id = judged["items"][0]["id"]
    code, stdout, _ = _invoke(db, "review", "undo", str(judgement_id), "--reason", "misread")
    assert code == 0 and f"undoes judgement {judgement_id}" in stdout
    code, stdout, _ = _invoke(db, "review", "list", "--limit", "10000", "--json")
    assert pair["pair_id"] in {i["pair_id"] for i in json.loads(stdout)["items"]}
    code, _, stderr = _invoke(db, "review", "show", "999999")
    assert code == 1 and "no review pair" in stderr

"""The field desk from the command line: `keys`, `stages pack`, `desk open|pending|record|
export|serve`, `handovers merge|conflicts|resolve|field-log`.

The issue's "Done when": the demo's stage is packed, opened in a second data directory, three
outcomes are recorded there, the merge raises the central tally by exactly three, and merging
the same log again changes nothing. The centre runs on SQLite and PostgreSQL; the desk is
always the SQLite file in its own data directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.exchange.reconciliation import CROSSED, Outcome
from homecoming.store.db import Database

from ..services.test_exchange_handovers import _stage
from ..web.conftest import log_in

runner = CliRunner()
FAST = {"HOMECOMING_PASSWORD_HASH_TIME_COST": "1", "HOMECOMING_PASSWORD_HASH_MEMORY_KIB": "8192"}
PASSWORD = "correct horse battery staple"


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input, env=FAST)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _ok(*args: str) -> str:
    code, stdout, stderr = _run(*args)
    assert code == 0, stderr
    return stdout


def _crossed(centre: list[str], agreement: int, stage: int) -> int:
    tally = json.loads(_ok(*centre, "handovers", "tally", str(agreement), str(stage), "--json"))
    return sum(
        n
        for categories in tally["counts"].values()
        for outcomes in categories.values()
        for outcome, n in outcomes.items()
        if Outcome(outcome) in CROSSED
    )


def _keys(centre_dir: Path, field_dir: Path, tmp_path: Path) -> str:
    """Both sides make keys and trust each other; returns the laptop's age key."""
    _ok("--data-dir", str(centre_dir), "keys", "init", "--name", "bureau")
    own = json.loads(_ok("--data-dir", str(field_dir), "keys", "init", "--name", "bus-1", "--json"))
    _ok("--data-dir", str(centre_dir), "keys", "export", "--out", str(tmp_path / "bureau.pub"))
    _ok("--data-dir", str(field_dir), "keys", "export", "--out", str(tmp_path / "bus-1.pub"))
    _ok("--data-dir", str(field_dir), "keys", "trust", str(tmp_path / "bureau.pub"),
        "--name", "bureau")  # fmt: skip
    _ok("--data-dir", str(centre_dir), "keys", "trust", str(tmp_path / "bus-1.pub"),
        "--name", "bus-1")  # fmt: skip
    return str(own["age"])


@pytest.mark.slow
def test_the_demo_stage_goes_to_the_field_and_comes_back(db: Database, tmp_path: Path) -> None:
    centre_dir, field_dir = tmp_path / "centre", tmp_path / "field"
    centre = ["--database-url", db.url, "--data-dir", str(centre_dir)]
    field = ["--data-dir", str(field_dir)]
    _ok(*centre, "demo", "--people", "1000", "--no-link")
    age = _keys(centre_dir, field_dir, tmp_path)
    pack = tmp_path / "stage-1.hcpack"
    _ok(*centre, "stages", "pack", "1", "1", "--out", str(pack), "--encrypt-to", age)

    tampered = tmp_path / "tampered.hcpack"
    tampered.write_bytes(pack.read_bytes()[:-40] + bytes(40))
    code, _, stderr = _run(*field, "desk", "open", str(tampered))
    assert code == 1 and "error:" in stderr and "Traceback" not in stderr

    opened = json.loads(_ok(*field, "desk", "open", str(pack), "--name", "bus-1", "--json"))
    assert opened["stage"] == 1 and opened["page"].endswith("/stages/1/handovers")
    waiting = json.loads(_ok(*field, "desk", "pending", "--json"))
    assert len(waiting) >= 3 and {"contact", "raw"}.isdisjoint(waiting[0])

    before = _crossed(centre, 1, 1)
    for person, operator in zip(waiting[:3], ("olena", "petro", "olena"), strict=True):
        _ok(*field, "desk", "record", "--operator", operator,
            "--person", str(person["person_id"]), "--outcome", "delivered")  # fmt: skip
    _ok(*field, "desk", "record", "--operator", "petro", "--note", "bus 1 left at 10:40")
    assert len(json.loads(_ok(*field, "desk", "pending", "--json"))) == len(waiting) - 3
    log = tmp_path / "desk-log.hcdesk"
    _ok(*field, "desk", "export", "--out", str(log), "--operator", "olena")

    merged = json.loads(_ok(*centre, "handovers", "merge", str(log), "--json"))
    assert (merged["new"], merged["written"], merged["conflicts_opened"]) == (4, 3, 0)
    assert _crossed(centre, 1, 1) == before + 3
    rows = _ok(*centre, "handovers", "list", "1", "1", "--json")

    again = json.loads(_ok(*centre, "handovers", "merge", str(log), "--json"))
    assert (again["new"], again["already"], again["written"]) == (0, 4, 0)
    assert _crossed(centre, 1, 1) == before + 3
    assert _ok(*centre, "handovers", "list", "1", "1", "--json") == rows
    notes = json.loads(_ok(*centre, "handovers", "field-log", "1", "1", "--json"))
    assert [n["note"] for n in notes if n["outcome"] == "note"] == ["bus 1 left at 10:40"]
    assert "intact" in _ok(*centre, "audit", "verify")


def test_a_disagreement_is_listed_and_resolved(db: Database, tmp_path: Path) -> None:
    agreement, ua, _ = _stage(db, 2)
    centre_dir, field_dir = tmp_path / "centre", tmp_path / "field"
    centre = ["--database-url", db.url, "--data-dir", str(centre_dir)]
    field = ["--data-dir", str(field_dir)]
    _keys(centre_dir, field_dir, tmp_path)
    pack = tmp_path / "stage.hcpack"
    _ok(*centre, "stages", "pack", str(agreement), "1", "--out", str(pack))
    _ok(*field, "desk", "open", str(pack))
    _ok(*field, "desk", "record", "--operator", "olena", "--person", str(ua[0]),
        "--outcome", "not_delivered")  # fmt: skip
    _ok(*field, "desk", "record", "--operator", "olena", "--arrival", "Unlisted Ivan",
        "--party", "UA", "--born", "1990-01-01")  # fmt: skip
    _ok(*centre, "handovers", "record", str(agreement), "1", "--party", "UA",
        "--person", str(ua[0]), "--outcome", "delivered")  # fmt: skip
    log = tmp_path / "log.hcdesk"
    _ok(*field, "desk", "export", "--out", str(log))
    _ok(*centre, "handovers", "merge", str(log))

    listed = json.loads(_ok(*centre, "handovers", "conflicts", "--json"))
    kinds = {c["kind"]: c for c in listed}
    assert set(kinds) == {"outcome", "arrival"}
    assert kinds["outcome"]["current"] == "delivered"
    assert kinds["outcome"]["claims"][0]["operator"] == "olena"
    code, _, stderr = _run(*centre, "handovers", "resolve", str(kinds["outcome"]["id"]),
                           "--reason", "")  # fmt: skip
    assert code == 1 and "reason" in stderr
    _ok(*centre, "handovers", "resolve", str(kinds["outcome"]["id"]),
        "--outcome", "not_delivered", "--reason", "the bus manifest")  # fmt: skip
    _ok(*centre, "handovers", "resolve", str(kinds["arrival"]["id"]), "--reason", "seen")
    assert "nothing to decide" in _ok(*centre, "handovers", "conflicts")
    latest = json.loads(_ok(*centre, "handovers", "list", str(agreement), "1", "--latest",
                            "--json"))  # fmt: skip
    assert {r["person_id"]: r["outcome"] for r in latest}[ua[0]] == "not_delivered"


def test_desk_serve_serves_the_handover_page_without_the_centre(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement, ua, _ = _stage(db, 2)
    centre_dir, field_dir = tmp_path / "centre", tmp_path / "field"
    centre = ["--database-url", db.url, "--data-dir", str(centre_dir)]
    field = ["--data-dir", str(field_dir)]
    _keys(centre_dir, field_dir, tmp_path)
    pack = tmp_path / "stage.hcpack"
    _ok(*centre, "stages", "pack", str(agreement), "1", "--out", str(pack))
    _ok(*field, "desk", "open", str(pack))
    code, _, stderr = _run(*field, "users", "add", "olena", "--role", "registrar",
                           "--password-stdin", input=PASSWORD + "\n")  # fmt: skip
    assert code == 0, stderr

    caught: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda served, **options: caught.update(app=served))
    monkeypatch.setenv("HOMECOMING_DATABASE_URL", db.url)  # ignored: the desk is its own file
    page = _ok(*field, "desk", "serve")
    assert f"/ui/exchanges/{agreement}/stages/1/handovers" in page

    client = TestClient(caught["app"])
    token = log_in(client, "olena", PASSWORD)
    desk_page = client.get(f"/ui/exchanges/{agreement}/stages/1/handovers?party=UA")
    assert desk_page.status_code == 200
    assert 'data-key="1"' in desk_page.text  # the same keys as at the centre
    recorded = client.post(
        f"/ui/exchanges/{agreement}/stages/1/handovers",
        data={
            "party": "UA",
            "person_id": str(ua[0]),
            "outcome": "delivered",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text[:300]
    client.close()

    log = tmp_path / "log.hcdesk"
    _ok(*field, "desk", "export", "--out", str(log))
    merged = json.loads(_ok(*centre, "handovers", "merge", str(log), "--json"))
    assert merged["written"] == 1
    rows = json.loads(_ok(*centre, "handovers", "list", str(agreement), "1", "--json"))
    assert [(r["person_id"], r["recorded_by"]) for r in rows] == [(ua[0], "olena")]

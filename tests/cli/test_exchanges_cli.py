"""The exchange commands: agreements, lists (import, versions, diff, validate, report, decide),
stages (plan, show, add, remove, export), handovers (record, list, tally, declare), reconcile."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.services import registry
from homecoming.store.db import Database

from ..exchange.world import build_registry

runner = CliRunner()

AGREEMENT_TOML = """
name = "3 for 3"
parties = ["UA", "RU"]
per_side = 3
agreed_on = 2025-05-16
place = "Istanbul"

[categories.soldiers]
label = "soldiers"
parity = "n_for_n"
total = 2
category = "serviceman"
seriously_wounded = false

[categories.civilians]
label = "civilians"
total = 1
category = "civilian"

[categories.wounded]
label = "seriously wounded"
parity = "none"
seriously_wounded = true

[[stages]]
number = 1
day = 2025-05-23
counts = { soldiers = 1, civilians = 1 }

[[stages]]
number = 2
day = 2025-05-24
counts = { soldiers = 1 }
"""

HEADER = "Прізвище,Ім'я,Дата народження,Категорія,Військова частина\n"
RU_OFFER = (
    "Нехир,Александр,23.05.1987,військовослужбовець,А1234\n"
    "Коваленко,Пётр,11.02.1979,військовослужбовець,А2345\n"
    "Шевченко,Мария,03.03.1965,цивільний,\n"
    "Зайцев,Борис,01.01.1991,військовослужбовець,\n"
)
UA_OFFER = (
    "Ivanov,Sergei,01.03.1990,військовослужбовець,12345\n"
    "Petrov,Aleksei,02.04.1985,військовослужбовець,23456\n"
    "Smirnova,Olga,07.07.1970,цивільний,\n"
)


def _run(db: Database, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database-url", db.url, *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _json(db: Database, *args: str) -> object:
    code, stdout, stderr = _run(db, *args, "--json")
    assert code == 0, stderr
    return json.loads(stdout)


def test_an_exchange_from_the_command_line(db: Database, tmp_path: Path) -> None:
    build_registry(db)
    agreement_file = tmp_path / "may.toml"
    agreement_file.write_text(AGREEMENT_TOML, encoding="utf-8")
    created = _json(db, "agreements", "create", str(agreement_file))
    assert isinstance(created, dict) and created["name"] == "3 for 3"
    agreement = str(created["id"])
    assert _run(db, "agreements", "show", agreement)[1].count("stage") == 2
    assert _json(db, "agreements", "list")[0]["id"] == created["id"]  # type: ignore[index]

    versions = {}
    for party, body in (("RU", RU_OFFER), ("UA", UA_OFFER)):
        path = tmp_path / f"{party}.csv"
        path.write_text(HEADER + body, encoding="utf-8")
        out = _json(db, "lists", "import", str(path), "--agreement", agreement, "--party", party)
        versions[party] = str(out["id"])  # type: ignore[index]
        code, _, stderr = _run(
            db, "lists", "import", str(path), "--agreement", agreement, "--party", party
        )
        assert code == 1 and "already" in stderr
    listed = _json(db, "lists", "versions", "--agreement", agreement)
    assert [v["party"] for v in listed] == ["RU", "UA"]  # type: ignore[index,union-attr]

    report = _json(db, "lists", "validate", versions["RU"])
    kinds = {k: n for k, n in report["counts"].items()}  # type: ignore[index]
    assert kinds == {"not_found": 1}
    _run(db, "lists", "validate", versions["UA"])
    xlsx = tmp_path / "report.xlsx"
    code, _, stderr = _run(db, "lists", "report", versions["RU"], "--out", str(xlsx))
    assert code == 0, stderr
    sheet = openpyxl.load_workbook(xlsx).active
    cells = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:2] == ("line", "name") and ("not_found" in {r[11] for r in cells})
    finding = next(
        f["id"]
        for line in report["lines"]  # type: ignore[index]
        for f in line["findings"]
    )
    code, stdout, _ = _run(
        db, "lists", "decide", str(finding), "--decision", "accept", "--reason", "nobody known"
    )
    assert code == 0 and "accept" in stdout

    plan = _json(db, "stages", "plan", agreement)
    assert plan["stages"][0]["counts"] == {  # type: ignore[index]
        "UA": {"civilians": 1, "soldiers": 1},
        "RU": {"civilians": 1, "soldiers": 1},
    }
    stage = _json(db, "stages", "show", agreement, "1")
    ua_soldier = next(
        m["person_id"]
        for m in stage["members"]  # type: ignore[index]
        if m["party"] == "UA" and m["category"] == "soldiers"
    )
    code, _, stderr = _run(db, "stages", "remove", agreement, "1", "--person", f"UA:{ua_soldier}")
    assert code == 1 and "break the agreement" in stderr

    export = tmp_path / "stage1-ua.csv"
    assert (
        _run(db, "stages", "export", agreement, "1", "--party", "UA", "--out", str(export))[0] == 0
    )
    lines = export.read_text("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "stage,family_name,given_names,patronymic,date_of_birth,rank,service_number,category"
    )
    assert len(lines) == 3

    record = ("handovers", "record", agreement, "1", "--party", "UA", "--person", str(ua_soldier))
    recorded = _json(db, *record, "--outcome", "delivered")
    assert recorded["record_id"] is not None  # type: ignore[index]
    code, _, stderr = _run(db, *record, "--outcome", "declined")
    assert code == 1 and "evidence" in stderr
    tally = _json(db, "handovers", "tally", agreement, "1")
    assert tally["counts"]["UA"] == {"soldiers": {"delivered": 1}}  # type: ignore[index]
    assert len(_json(db, "handovers", "list", agreement, "1")) == 1  # type: ignore[arg-type]
    code, _, _ = _run(
        db,
        "handovers",
        "declare",
        agreement,
        "1",
        "--by",
        "RU",
        "--handing",
        "UA",
        "--category",
        "soldiers",
        "--count",
        "2",
    )
    assert code == 0
    result = _json(db, "reconcile", agreement)
    assert result["running"]["UA"] == "1 of 3: 1 of 2 soldiers, 0 of 1 civilians"  # type: ignore[index]
    code, stdout, _ = _run(db, "reconcile", agreement)
    assert "RU: 2 (+1)" in stdout


def test_an_agreement_from_options_and_a_clear_refusal(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Ukraine", actor="t")
    registry.ensure_party(db, code="RU", name="Russia", actor="t")
    code, stdout, stderr = _run(
        db,
        "agreements",
        "create",
        "--name",
        "young for young",
        "--parties",
        "UA,RU",
        "--per-side",
        "10",
        "--category",
        "young:n_for_n:10:serviceman:18-25",
        "--stage",
        "2025-10-02:young=10",
    )
    assert code == 0, stderr
    assert "serviceman, aged 18-25; n_for_n, 10 per side" in stdout
    code, _, stderr = _run(
        db,
        "agreements",
        "create",
        "--name",
        "bad",
        "--parties",
        "UA,RU",
        "--per-side",
        "10",
        "--category",
        "young:n_for_n:10",
        "--stage",
        "2025-10-02:young=9",
    )
    assert code == 1 and "hand over 9 per side, the total is 10" in stderr

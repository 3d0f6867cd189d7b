"""Remains from the command line: a handover by count with mixed bags, the other side's own
dead sent back, a DNA identification confirmed by a second person, the family told in person."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from homecoming.cli import app
from homecoming.store.db import Database

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

AGREEMENT = """
name = "Istanbul, June 2025 (test)"
parties = ["UA", "RU"]
per_side = 10
[categories.soldiers]
parity = "n_for_n"
total = 10
[categories.bodies]
label = "Bodies of the fallen"
parity = "none"
remains = true
[[stages]]
number = 1
day = "2025-06-11"
counts = { soldiers = 10 }
"""
# Bag 2 holds two persons; bags 3 and 4 are one person; bag 5 is the other side's own.
BAGS = "bag,persons,same_as,other_side,tag\n1,,,,\n2,2,,,\n3,,,,\n4,,3,,\n5,,,так,жетон RU-118\n"


def _run(db: Database, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["--database-url", db.url, "--data-dir", str(tmp_path / "var"), *args]
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _ok(db: Database, tmp_path: Path, *args: str) -> str:
    code, stdout, stderr = _run(db, tmp_path, *args)
    assert code == 0, stderr
    return stdout


def _setup(db: Database, tmp_path: Path) -> str:
    _ok(db, tmp_path, "parties", "add", "UA", "Ukraine")
    _ok(db, tmp_path, "parties", "add", "RU", "Russian Federation")
    added = _ok(
        db,
        tmp_path,
        "inquiries",
        "add",
        "--family-name",
        "Бондар",
        "--given-names",
        "Андрій",
        "--born",
        "1989-09-30",
        "--inquirer",
        "Бондар Галина",
        "--relation",
        "мати",
        "--email",
        "halyna@example.org",
        "--consent",
        "--party",
        "UA",
        "--json",
    )
    return str(json.loads(added)["reference"])


def test_a_handover_of_remains_to_a_family_told_in_person(db: Database, tmp_path: Path) -> None:
    reference = _setup(db, tmp_path)
    agreement = tmp_path / "june.toml"
    agreement.write_text(AGREEMENT, "utf-8")
    _ok(db, tmp_path, "agreements", "create", str(agreement))
    # The DNA reference register: metadata only, consent required, a queue of those lacking.
    queue = json.loads(_ok(db, tmp_path, "remains", "reference-queue", "--json"))
    assert [q["inquiry"] for q in queue] == [reference]
    code, _, stderr = _run(
        db,
        tmp_path,
        "remains",
        "reference-add",
        reference,
        "--relation",
        "sibling",
        "--taken-on",
        "2025-07-01",
        "--institution",
        "Lab A",
        "--institution-reference",
        "S-1",
    )
    assert code == 1 and "consent" in stderr
    _ok(
        db,
        tmp_path,
        "remains",
        "reference-add",
        reference,
        "--relation",
        "sibling",
        "--taken-on",
        "2025-07-01",
        "--institution",
        "Lab A",
        "--institution-reference",
        "S-1",
        "--consent",
    )
    refs = json.loads(_ok(db, tmp_path, "remains", "references", reference, "--json"))
    assert refs["enough"] is False  # one sibling is not enough: a parent or a child is
    _ok(
        db,
        tmp_path,
        "remains",
        "reference-add",
        reference,
        "--relation",
        "mother",
        "--taken-on",
        "2025-07-01",
        "--institution",
        "Lab A",
        "--institution-reference",
        "M-1",
        "--consent",
        "--investigator-order",
        "order 12/2025",
    )
    assert json.loads(_ok(db, tmp_path, "remains", "references", reference, "--json"))["enough"]
    assert json.loads(_ok(db, tmp_path, "remains", "reference-queue", "--json")) == []

    bags = tmp_path / "bags.csv"
    bags.write_text(BAGS, "utf-8")
    received = json.loads(
        _ok(
            db,
            tmp_path,
            "remains",
            "receive",
            "--from",
            "RU",
            "--to",
            "UA",
            "--day",
            "2025-06-11",
            "--bags",
            str(bags),
            "--declared",
            "6",
            "--agreement",
            "1",
            "--stage",
            "1",
            "--json",
        )
    )
    assert received["category"] == "bodies"
    assert (received["bags"], received["received"], received["other_side"]) == (5, 5, 1)
    assert received["reconciliation"] == "received 5 of 6 declared"
    cases = json.loads(_ok(db, tmp_path, "remains", "cases", "--json"))
    refs_by_bag = {c["bag_label"]: c["reference"] for c in cases}
    assert refs_by_bag["1"] == "RC-2025-000001" and cases[3]["same_as"] == refs_by_bag["3"]

    # The other side's own dead go back.
    _ok(
        db,
        tmp_path,
        "remains",
        "step",
        refs_by_bag["5"],
        "examined",
        "--other-side",
        "--notes",
        "uniform and tag of the other side",
    )
    back = json.loads(
        _ok(
            db,
            tmp_path,
            "remains",
            "send-back",
            refs_by_bag["5"],
            "--day",
            "2025-06-14",
            "--json",
        )
    )
    assert (back["from_party"], back["to_party"], back["returns"]) == ("UA", "RU", 1)
    listed = json.loads(_ok(db, tmp_path, "remains", "list", "--json"))
    by_party = {p["party"]: p for p in listed["by_party"]}
    assert by_party["RU"]["declared"] == 6 and by_party["RU"]["received"] == 5
    assert by_party["RU"]["reconciliation"] == "received 5 of 6 declared"
    assert by_party["UA"]["received"] == 1 and listed["handovers"][0]["sent_back"] == 1

    # Identification, step by step; a match and an identification need a second person.
    case = refs_by_bag["3"]
    for name in ("examined", "sample_taken", "dna_profile"):
        _ok(db, tmp_path, "remains", "step", case, name, "--actor", "expert.a")
    code, _, stderr = _run(
        db,
        tmp_path,
        "remains",
        "step",
        case,
        "identified",
        "--inquiry",
        reference,
        "--method",
        "dna",
        "--actor",
        "expert.a",
    )
    assert code == 1 and "confirmed dna_match" in stderr
    match = json.loads(
        _ok(
            db,
            tmp_path,
            "remains",
            "step",
            case,
            "dna_match",
            "--inquiry",
            reference,
            "--institution",
            "Lab A",
            "--lab-reference",
            "LAB-2025-0042",
            "--actor",
            "expert.a",
            "--json",
        )
    )
    code, _, stderr = _run(
        db, tmp_path, "remains", "confirm", str(match["id"]), "--actor", "expert.a"
    )
    assert code == 1 and "four eyes" in stderr
    _ok(db, tmp_path, "remains", "confirm", str(match["id"]), "--actor", "expert.b")
    # The same person, through the other bag of the same body.
    identified = json.loads(
        _ok(
            db,
            tmp_path,
            "remains",
            "step",
            refs_by_bag["4"],
            "identified",
            "--inquiry",
            reference,
            "--method",
            "dna",
            "--actor",
            "expert.a",
            "--json",
        )
    )
    code, _, _ = _run(
        db, tmp_path, "remains", "step", case, "family_informed", "--inquiry", reference
    )
    assert code == 1  # not before the identification is confirmed
    done = json.loads(
        _ok(
            db,
            tmp_path,
            "remains",
            "confirm",
            str(identified["id"]),
            "--actor",
            "expert.b",
            "--json",
        )
    )
    assert done["inquiry_status"] == "deceased" and done["notification_id"]
    (notice,) = json.loads(_ok(db, tmp_path, "notifications", "list", "--json"))
    assert notice["template"] == "deceased"  # only asks to speak in person
    shown = json.loads(_ok(db, tmp_path, "inquiries", "show", reference, "--json"))
    assert shown["status"] == "deceased" and shown["open"] is False
    _ok(
        db,
        tmp_path,
        "remains",
        "step",
        refs_by_bag["4"],
        "family_informed",
        "--inquiry",
        reference,
        "--notes",
        "told in person at home",
        "--actor",
        "liaison",
    )
    _ok(
        db,
        tmp_path,
        "remains",
        "step",
        refs_by_bag["4"],
        "handed_to_family",
        "--inquiry",
        reference,
        "--actor",
        "liaison",
    )
    case_view = json.loads(_ok(db, tmp_path, "remains", "show", refs_by_bag["4"], "--json"))
    assert case_view["identified"] == [reference]
    assert [s["step"] for s in case_view["steps"]][-2:] == ["family_informed", "handed_to_family"]

    # The belongings catalogue: only photos with consent; a recognition is a lead.
    photo = tmp_path / "watch.png"
    photo.write_bytes(PNG)
    _ok(
        db,
        tmp_path,
        "remains",
        "add-photo",
        refs_by_bag["1"],
        str(photo),
        "--description",
        "a watch",
    )
    assert json.loads(_ok(db, tmp_path, "remains", "catalogue", "--json")) == []
    shown_photo = json.loads(
        _ok(
            db,
            tmp_path,
            "remains",
            "add-photo",
            refs_by_bag["1"],
            str(photo),
            "--description",
            "a ring",
            "--consent",
            "--json",
        )
    )
    (entry,) = json.loads(_ok(db, tmp_path, "remains", "catalogue", "--json"))
    assert entry["id"] == shown_photo["id"] and entry["description"] == "a ring"
    other = _ok(
        db,
        tmp_path,
        "inquiries",
        "add",
        "--family-name",
        "Коваль",
        "--given-names",
        "Петро",
        "--inquirer",
        "Коваль Ніна",
        "--phone",
        "+380501112233",
        "--party",
        "UA",
        "--json",
    )
    other_ref = json.loads(other)["reference"]
    found = json.loads(
        _ok(
            db, tmp_path, "remains", "recognise", str(entry["id"]), "--inquiry", other_ref, "--json"
        )
    )
    lead = json.loads(_ok(db, tmp_path, "leads", "show", str(found["lead"]), "--json"))
    assert lead["kind"] == "belongings" and lead["evidence"]["remains_case"] == refs_by_bag["1"]

    out = tmp_path / "cases.csv"
    _ok(db, tmp_path, "remains", "export", "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5 and {r["identified"] for r in rows} == {"", reference}
    audit = _ok(db, tmp_path, "audit", "verify")
    assert "intact" in audit.lower() or "ok" in audit.lower()


def test_bad_bags_are_named_by_line(db: Database, tmp_path: Path) -> None:
    _setup(db, tmp_path)
    bags = tmp_path / "bags.csv"
    bags.write_text("bag,persons\n1,two\n,1\n", "utf-8")
    code, _, stderr = _run(
        db,
        tmp_path,
        "remains",
        "receive",
        "--from",
        "RU",
        "--to",
        "UA",
        "--day",
        "2025-06-11",
        "--bags",
        str(bags),
    )
    assert code == 1 and "line 2" in stderr and "line 3" in stderr and "Traceback" not in stderr

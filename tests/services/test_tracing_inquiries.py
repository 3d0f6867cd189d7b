"""Inquiries: a file of them, sharing scope in exports, photos at debriefs, withdrawal, demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml import ElementTree

from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, SourceKind
from homecoming.errors import AlreadyImported, InvalidInput
from homecoming.formats import tabular
from homecoming.services import inquiries, leads, registry, testimonies
from homecoming.store.db import Database
from homecoming.tracing.inquiry import Recipient, SharingScope

from ..formats.pfif_rules import pfif_violations

HEADER = (
    "Прізвище,Ім'я,По батькові,Дата народження,Військова частина,"
    "Контактна особа,Телефон,Email,Згода,Поширення,Позивний\n"
)
ROWS = (
    "Нехір,Олександр,Іванович,23.05.1987,36 ОБрМП,"
    "Нехір Марія,+380501234567,m@example.org,так,icrc,\n"
    "Бондар,Василь,,1990,72 ОМБр,Бондар Ольга,+380671112233,,так,other_party,Грім\n"
    "Шевчук,Ігор,,1985,,Шевчук Анна,+380931234567,,ні,bureau,\n"
)
NS = {"pfif": "http://zesty.ca/pfif/1.4"}


def _parties(db: Database) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="admin")


def _import(db: Database, path: Path, **kwargs: object) -> list[inquiries.Registered]:
    return inquiries.register_many(
        db,
        requests=inquiries.requests_from_rows(
            tabular.read_table(path), party="UA", file_name=path.name
        ),
        file_name=path.name,
        content_hash=tabular.file_hash(path),
        party="UA",
        actor="liaison",
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_file_of_inquiries_lands_whole(db: Database, tmp_path: Path) -> None:
    _parties(db)
    path = tmp_path / "inquiries.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    found = _import(db, path)
    assert [r.reference[-6:] for r in found] == ["000001", "000002", "000003"]
    first = inquiries.show(db, found[0].reference)
    assert first.name == "Нехір Олександр Іванович" and first.sharing_scope == "icrc"
    second = inquiries.show(db, found[1].id)
    assert second.call_sign == "Грім" and second.effective_scope == "other_party"
    assert inquiries.show(db, found[2].id).effective_scope == "bureau"
    with pytest.raises(AlreadyImported):
        _import(db, path)


def test_bad_rows_stop_the_file_with_their_lines(db: Database, tmp_path: Path) -> None:
    _parties(db)
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "Нехір,Олександр,,1987,,Нехір Марія,+380501234567,,може,icrc,\n"
        + "Бондар,Василь,,1990,,,,,ні,other_party,\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as error:
        _import(db, path)
    problems = {(p.line, p.field) for p in error.value.problems}
    assert (2, "consent") in problems
    assert (3, "contact_name") in problems and (3, "sharing_scope") in problems
    assert inquiries.list_inquiries(db)[0] == 0


def test_exports_follow_the_familys_choice(db: Database, tmp_path: Path) -> None:
    _parties(db)
    path = tmp_path / "inquiries.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    _import(db, path)
    seen = {}
    for recipient in Recipient:
        document, count = inquiries.export_pfif_notes(
            db, recipient=recipient, domain="bureau.example", author="NIB", actor="tracer"
        )
        assert pfif_violations(document) == []
        root = ElementTree.fromstring(document)
        names = [e.text for e in root.iterfind("pfif:person/pfif:family_name", NS)]
        seen[recipient] = names
        assert count == len(names)
        assert b"+380" not in document and b"example.org" not in document
        notes = root.findall("pfif:person/pfif:note/pfif:status", NS)
        assert {n.text for n in notes} == {"information_sought"}
    assert seen[Recipient.BUREAU] == ["Нехір", "Бондар", "Шевчук"]
    assert seen[Recipient.ICRC] == ["Нехір", "Бондар"]
    assert seen[Recipient.OTHER_PARTY] == ["Бондар"]


def test_art_137_keeps_a_case_from_the_other_party(db: Database) -> None:
    _parties(db)
    inquiries.register(
        db,
        request=inquiries.InquiryRequest(
            sought=RecordFields(family_name="Литвин", given_names="Олег"),
            inquirer=Contact(name="Литвин Ірина", phone="+380000000001"),
            consent=True,
            scope=SharingScope.OTHER_PARTY,
            harm_risk=True,
            party="UA",
        ),
        actor="liaison",
    )
    _, to_party = inquiries.export_pfif_notes(
        db, recipient=Recipient.OTHER_PARTY, domain="b.example", author="NIB", actor="t"
    )
    _, to_icrc = inquiries.export_pfif_notes(
        db, recipient=Recipient.ICRC, domain="b.example", author="NIB", actor="t"
    )
    assert (to_party, to_icrc) == (0, 1)


def test_refused_requests_say_why(db: Database) -> None:
    _parties(db)
    request = inquiries.InquiryRequest(
        sought=RecordFields(),
        inquirer=Contact(name=""),
        consent=False,
        scope=SharingScope.ICRC,
        language="de",
        party="UA",
    )
    with pytest.raises(InvalidInput) as error:
        inquiries.register(db, request=request, actor="liaison")
    fields = {p.field for p in error.value.problems}
    assert fields == {"family_name", "contact_name", "contact_phone", "language", "sharing_scope"}


def test_photo_gallery_and_a_recognition(db: Database, tmp_path: Path) -> None:
    _parties(db)
    path = tmp_path / "inquiries.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    nekhir, bondar, _ = _import(db, path)
    data_dir = tmp_path / "var"
    photo = inquiries.add_photo(
        db,
        data_dir=data_dir,
        inquiry=nekhir.reference,
        data=b"\xff\xd8\xffjpeg",
        file_name="a.jpg",
        actor="liaison",
    )
    inquiries.add_photo(
        db,
        data_dir=data_dir,
        inquiry=bondar.id,
        data=b"\x89PNG\r\n\x1a\n",
        file_name="b.png",
        actor="liaison",
    )
    assert (data_dir / photo.path).read_bytes() == b"\xff\xd8\xffjpeg"
    with pytest.raises(InvalidInput, match="JPEG, PNG or WebP"):
        inquiries.add_photo(
            db, data_dir=data_dir, inquiry=nekhir.id, data=b"x", file_name="a.txt", actor="l"
        )
    assert [p.reference for p in inquiries.gallery(db, unit="36th brigade")] == [nekhir.reference]
    assert len(inquiries.gallery(db)) == 2
    recorded = testimonies.record_testimony(
        db,
        witness="Петренко І.",
        sightings=[testimonies.sighting_from_words("Коваленко з 36-ї бригади")],
        actor="tracer",
        party="UA",
    )
    not_him = testimonies.record_answer(
        db,
        testimony_id=recorded.id,
        photo_id=photo.id + 1,
        answer=testimonies.Answer.NOT_RECOGNISED,
        actor="tracer",
    )
    assert not_him.lead_id is None
    answer = testimonies.record_answer(
        db,
        testimony_id=recorded.id,
        photo_id=photo.id,
        answer=testimonies.Answer.RECOGNISED,
        facility="Колонія № 10",
        seen_when="2025-03",
        actor="tracer",
    )
    assert answer.lead_id is not None
    lead = leads.show(db, answer.lead_id)
    assert lead.kind == "recognition" and lead.inquiry_id == nekhir.id
    assert lead.evidence["place_of_detention"] == "Колонія № 10"
    assert inquiries.gallery(db, facility="Колонія") == []  # facility of records/leads with one
    assert len(testimonies.show(db, recorded.id).answers) == 2


def test_a_withdrawn_inquiry_is_not_rematched(db: Database) -> None:
    _parties(db)
    case = inquiries.register(
        db,
        request=inquiries.InquiryRequest(
            sought=RecordFields(family_name="Нехір", given_names="Олександр"),
            inquirer=Contact(name="Нехір Марія", phone="+380501234567"),
            consent=False,
            party="UA",
        ),
        actor="liaison",
    )
    inquiries.withdraw(db, inquiry=case.reference, reason="found at home", actor="liaison")
    rows = [
        Evidence(
            line=2,
            raw={"n": "x"},
            fields=RecordFields(family_name="Nekhir", given_names="Oleksandr", fate=Fate.DETAINED),
        )
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name="RU list", party="RU")
    registry.import_evidence(db, source=source, rows=rows, actor="registrar")
    assert leads.queue(db) == []
    assert inquiries.show(db, case.id).status == "withdrawn"


def test_demo_tracing_opens_the_scenarios_inquiries(db: Database) -> None:
    from homecoming.cli.demo import load_scenario
    from homecoming.generate.scenario import build_scenario
    from homecoming.services.tracing_demo import load_demo_tracing

    load_scenario(db, build_scenario(seed=7, people=300))
    loaded = load_demo_tracing(db, actor="demo")
    assert loaded.inquiries > 20 and loaded.leads > 0 and loaded.testimony_id is not None
    total, _ = inquiries.list_inquiries(db, open_only=True)
    assert total == loaded.inquiries
    sightings = leads.queue(db, limit=1000)
    assert any(lead.kind == "sighting" for lead in sightings)
    again = load_demo_tracing(db, actor="demo")
    assert again.inquiries == 0  # every scenario inquiry already has its case


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("03.14.1979", "1979-03-14"),  # month first: no other reading
        ("11/25/1990", "1990-11-25"),
        ("03.04.1999", "1999-04-03"),  # either reading: day first, as everywhere else
        ("14.03.1979", "1979-03-14"),
        ("1979", "1979"),
    ],
)
def test_a_date_written_month_first_is_read_where_nothing_else_fits(
    db: Database, tmp_path: Path, written: str, read: str
) -> None:
    _parties(db)
    path = tmp_path / "abroad.csv"
    path.write_text(
        HEADER + f"Кощенко,Геннадій,Фомич,{written},,Кощенко Ірина,+380501234567,,так,icrc,\n",
        encoding="utf-8",
    )
    (found,) = _import(db, path)
    assert inquiries.show(db, found.id).date_of_birth == read


def test_a_month_past_twelve_either_way_still_stops_the_file(db: Database, tmp_path: Path) -> None:
    _parties(db)
    path = tmp_path / "bad-date.csv"
    path.write_text(
        HEADER + "Кощенко,Геннадій,,13.14.1979,,Кощенко Ірина,+380501234567,,так,icrc,\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput):
        _import(db, path)

"""PFIF import (1.4 and older) and export, on documents written here."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Fate, RecordFields, Sex
from homecoming.formats.pfif import (
    NOTE_FIELDS,
    PERSON_FIELDS,
    PFIF_NS,
    PfifError,
    parse_pfif,
    read_pfif,
    write_pfif,
)

from .pfif_rules import pfif_violations

PFIF_14 = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>tracing.example.org/person.1</pfif:person_record_id>
    <pfif:entry_date>2025-05-24T09:00:00Z</pfif:entry_date>
    <pfif:author_name>Олена Нехір</pfif:author_name>
    <pfif:source_name>Hotline</pfif:source_name>
    <pfif:source_date>2025-05-23T18:30:00Z</pfif:source_date>
    <pfif:full_name>Нехір Олександр Іванович</pfif:full_name>
    <pfif:given_name>Олександр</pfif:given_name>
    <pfif:family_name>Нехір</pfif:family_name>
    <pfif:alternate_names>Oleksandr Nekhir</pfif:alternate_names>
    <pfif:description>Шрам на лівій руці</pfif:description>
    <pfif:sex>male</pfif:sex>
    <pfif:date_of_birth>1987-05-23</pfif:date_of_birth>
    <pfif:age>37</pfif:age>
    <pfif:home_city>Кам’янське</pfif:home_city>
    <pfif:home_country>UA</pfif:home_country>
    <pfif:photo_url>https://tracing.example.org/p1.jpg</pfif:photo_url>
    <pfif:note>
      <pfif:note_record_id>tracing.example.org/note.1</pfif:note_record_id>
      <pfif:author_name>Returnee</pfif:author_name>
      <pfif:source_date>2025-05-25T12:00:00Z</pfif:source_date>
      <pfif:author_made_contact>true</pfif:author_made_contact>
      <pfif:status>believed_alive</pfif:status>
      <pfif:last_known_location>Колонія №10</pfif:last_known_location>
      <pfif:text>Бачив його в березні.</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>tracing.example.org/note.2</pfif:note_record_id>
    <pfif:person_record_id>tracing.example.org/person.1</pfif:person_record_id>
    <pfif:linked_person_record_id>other.example.org/p.9</pfif:linked_person_record_id>
    <pfif:author_name>Operator</pfif:author_name>
    <pfif:source_date>2025-05-26T08:00:00Z</pfif:source_date>
    <pfif:status>believed_dead</pfif:status>
    <pfif:text>Duplicate of other.example.org/p.9</pfif:text>
  </pfif:note>
</pfif:pfif>
"""

PFIF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.2">
  <pfif:person>
    <pfif:person_record_id>old.example.org/42</pfif:person_record_id>
    <pfif:first_name>Serhii</pfif:first_name>
    <pfif:last_name>Kovalov</pfif:last_name>
    <pfif:sex>male</pfif:sex>
    <pfif:home_zip>61000</pfif:home_zip>
    <pfif:other>Last seen near Izium</pfif:other>
    <pfif:note>
      <pfif:note_record_id>old.example.org/n.1</pfif:note_record_id>
      <pfif:author_name>Anna</pfif:author_name>
      <pfif:source_date>2022-09-12T10:00:00Z</pfif:source_date>
      <pfif:found>false</pfif:found>
      <pfif:status>believed_missing</pfif:status>
      <pfif:text>No news since September.</pfif:text>
    </pfif:note>
  </pfif:person>
</pfif:pfif>
"""


def test_pfif_14_person_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(PFIF_14, encoding="utf-8")
    document = read_pfif(path)
    assert document.version == "1.4"
    assert document.problems == []
    [person] = document.persons
    assert person.person_record_id == "tracing.example.org/person.1"
    assert person.line == 3
    fields = person.fields
    assert (fields.family_name, fields.given_names, fields.patronymic) == (
        "Нехір",
        "Олександр",
        "Іванович",
    )
    assert fields.sex is Sex.MALE
    assert fields.date_of_birth == PartialDate(1987, 5, 23)
    assert fields.last_residence == "Камʼянське, UA"
    assert fields.notes == "Шрам на лівій руці"
    assert person.raw["alternate_names"] == "Oleksandr Nekhir"
    assert person.raw["home_city"] == "Кам’янське"  # raw is as received

    nested, linked = document.notes
    assert nested.person_record_id == "tracing.example.org/person.1"
    assert nested.fields.fate is Fate.FOUND_ALIVE
    assert nested.fields.fate_date == PartialDate(2025, 5, 25)
    assert nested.fields.event_place == "Колонія №10"
    assert nested.fields.notes == "Бачив його в березні."
    assert linked.fields.fate is Fate.DECEASED
    assert linked.raw["linked_person_record_id"] == "other.example.org/p.9"
    assert linked.line == 30


def test_pfif_12_fields_are_renamed() -> None:
    document = parse_pfif(PFIF_12.encode())
    assert document.version == "1.2"
    [person] = document.persons
    assert (person.fields.given_names, person.fields.family_name) == ("Serhii", "Kovalov")
    assert person.fields.full_name == "Serhii Kovalov"
    assert person.fields.last_residence == "61000"
    assert person.fields.notes == "Last seen near Izium"
    assert person.raw["first_name"] == "Serhii"
    [note] = document.notes
    assert note.fields.fate is Fate.MISSING
    assert note.raw["found"] == "false"
    assert note.person_record_id == "old.example.org/42"


def test_missing_required_fields_are_reported_with_lines() -> None:
    text = PFIF_14.replace("<pfif:source_date>2025-05-23T18:30:00Z</pfif:source_date>", "").replace(
        "<pfif:author_name>Operator</pfif:author_name>", ""
    )
    document = parse_pfif(text.encode())
    assert document.persons == []
    assert [(p.line, p.field) for p in document.problems] == [(3, "source_date")]
    # A note without author_name lands as Person Finder's do, the field marked unknown.
    assert [(n.note_record_id, n.defaulted) for n in document.notes] == [
        ("tracing.example.org/note.1", ()),
        ("tracing.example.org/note.2", ("author_name",)),
    ]
    assert document.notes[1].raw["_defaulted"] == "author_name"


def test_a_person_without_any_name_is_refused() -> None:
    text = PFIF_12.replace("<pfif:first_name>Serhii</pfif:first_name>", "").replace(
        "<pfif:last_name>Kovalov</pfif:last_name>", ""
    )
    [problem] = parse_pfif(text.encode()).problems
    assert (problem.line, problem.field) == (3, "full_name")
    assert "has no name" in problem.reason


def test_bad_values_are_problems() -> None:
    text = PFIF_14.replace("<pfif:sex>male</pfif:sex>", "<pfif:sex>чол</pfif:sex>").replace(
        "believed_dead", "believed_gone"
    )
    problems = parse_pfif(text.encode()).problems
    assert {p.field for p in problems} == {"sex", "status"}
    assert "female, male or other" in problems[0].reason


def test_duplicate_record_ids_are_problems() -> None:
    text = PFIF_14.replace("note.2", "note.1")
    [problem] = parse_pfif(text.encode()).problems
    assert problem.field == "note_record_id"
    assert "already used on line 20" in problem.reason


def test_expired_placeholders_are_listed_not_refused() -> None:
    placeholder = (
        f'<pfif:pfif xmlns:pfif="{PFIF_NS}"><pfif:person>'
        "<pfif:person_record_id>tracing.example.org/person.7</pfif:person_record_id>"
        "<pfif:entry_date>2025-06-01T00:00:00Z</pfif:entry_date>"
        "<pfif:expiry_date>2025-06-01T00:00:00Z</pfif:expiry_date>"
        "</pfif:person></pfif:pfif>"
    )
    document = parse_pfif(placeholder.encode())
    assert document.expired == ["tracing.example.org/person.7"]
    assert document.persons == []
    assert document.problems == []


def test_pfif_inside_an_atom_feed() -> None:
    body = (
        PFIF_14.split("?>", 1)[1]
        .replace("<pfif:pfif", "<pfif:x")
        .replace("</pfif:pfif>", "</pfif:x>")
    )
    atom = (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content>{body}</content></entry></feed>'
    )
    document = parse_pfif(atom.encode())
    assert len(document.persons) == 1
    assert len(document.notes) == 2


def test_xml_bomb_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n]>\n'
        "<lolz>&lol2;</lolz>"
    )
    with pytest.raises(PfifError, match="XML bombs"):
        parse_pfif(bomb.encode(), name="bomb.xml")


def test_external_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        f'<pfif:pfif xmlns:pfif="{PFIF_NS}"><pfif:person>'
        "<pfif:full_name>&x;</pfif:full_name></pfif:person></pfif:pfif>"
    )
    with pytest.raises(PfifError, match="external-entity") as caught:
        parse_pfif(xxe.encode())
    assert "top secret" not in str(caught.value)


def test_malformed_xml_gives_the_line() -> None:
    with pytest.raises(PfifError, match="line 29: not well-formed"):
        parse_pfif(PFIF_14.replace("</pfif:person_record_id>", "", 1).encode())


def test_not_pfif() -> None:
    with pytest.raises(PfifError, match="no PFIF person or note"):
        parse_pfif(b"<people><person/></people>")


def _person(**changes: Any) -> RecordFields:
    base = RecordFields(
        family_name="Нехір",
        given_names="Олександр",
        patronymic="Іванович",
        full_name="Нехір Олександр Іванович",
        sex=Sex.MALE,
        date_of_birth=PartialDate(1987, 5),
        last_residence="Камʼянське",
        photo_ref="https://example.org/p.jpg",
        notes="Шрам <на> лівій руці & \x01татуювання",
    )
    return dataclasses.replace(base, **changes)


SOURCE = {
    "source_date": "2025-05-23T18:30:00Z",
    "source_name": "Homecoming",
    "author_name": "Bureau",
}
NOTE = {
    "note_record_id": "homecoming.example/note.1",
    "person_record_id": "homecoming.example/person.1",
    "author_name": "Bureau",
    "source_date": "2025-05-25T12:00:00Z",
    "status": "believed_alive",
    "text": "Released on 25 May",
}


def test_export_round_trip() -> None:
    fields = _person()
    data = write_pfif(
        [("homecoming.example/person.1", fields, SOURCE)],
        [NOTE],
        now=dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC),
    )
    assert pfif_violations(data) == []
    document = parse_pfif(data)
    assert document.problems == []
    [person] = document.persons
    assert person.fields == dataclasses.replace(fields, notes=fields.notes.replace("\x01", ""))
    assert person.raw["entry_date"] == "2025-06-01T12:00:00Z"
    assert person.raw["source_name"] == "Homecoming"
    [note] = document.notes
    assert note.fields.fate is Fate.FOUND_ALIVE
    assert note.person_record_id == "homecoming.example/person.1"


def test_export_follows_the_schema_order() -> None:
    data = write_pfif([("homecoming.example/person.1", _person(), SOURCE)], [NOTE])
    assert pfif_violations(data) == []
    root = ET.fromstring(data)
    [person] = list(root)
    person_tags = [c.tag.rpartition("}")[2] for c in person if not c.tag.endswith("note")]
    assert person_tags == [t for t in PERSON_FIELDS if t in person_tags]
    assert {"person_record_id", "source_date", "full_name"} <= set(person_tags)
    [note] = [c for c in person if c.tag.endswith("}note")]
    note_tags = [c.tag.rpartition("}")[2] for c in note]
    assert note_tags == [t for t in NOTE_FIELDS if t in note_tags]
    assert root.tag == f"{{{PFIF_NS}}}pfif"


def test_export_writes_a_display_name_when_full_name_is_empty() -> None:
    data = write_pfif([("homecoming.example/person.1", _person(full_name=""), SOURCE)])
    assert pfif_violations(data) == []
    [person] = parse_pfif(data).persons
    assert person.fields.full_name == "Нехір Олександр Іванович"


def test_top_level_notes_for_persons_not_in_the_document() -> None:
    note = {**NOTE, "person_record_id": "elsewhere.example/p.1"}
    root = ET.fromstring(write_pfif([], [note]))
    assert [c.tag.rpartition("}")[2] for c in root] == ["note"]


@pytest.mark.parametrize(
    ("person_id", "source", "match"),
    [
        ("no-domain", SOURCE, "domain/local-id"),
        ("homecoming.example/1", {}, "without source_date"),
        ("homecoming.example/1", {"source_date": "23.05.2025"}, "must be UTC"),
        ("homecoming.example/1", {**SOURCE, "rank": "sergeant"}, "not PFIF person fields"),
    ],
)
def test_export_refuses_bad_persons(person_id: str, source: dict[str, str], match: str) -> None:
    with pytest.raises(PfifError, match=match):
        write_pfif([(person_id, _person(), source)])


def test_export_refuses_bad_notes() -> None:
    with pytest.raises(PfifError, match="without text"):
        write_pfif([], [{k: v for k, v in NOTE.items() if k != "text"}])
    with pytest.raises(PfifError, match="not a PFIF note status"):
        write_pfif([], [{**NOTE, "status": "alive"}])


_word = st.text(
    alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВІЇЄНОabcdefghijkXYZ", min_size=1, max_size=8
)
_words = st.lists(_word, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(
    family=_word,
    given_names=_words,
    sex=st.sampled_from([None, *Sex]),
    born=st.sampled_from([PartialDate(), PartialDate(1987), PartialDate(1987, 5, 23)]),
    residence=st.one_of(st.just(""), _words),
    notes=st.one_of(st.just(""), _words),
)
def test_export_then_import_keeps_what_pfif_carries(
    family: str,
    given_names: str,
    sex: Sex | None,
    born: PartialDate,
    residence: str,
    notes: str,
) -> None:
    fields = RecordFields(
        family_name=family,
        given_names=given_names,
        full_name=f"{given_names} {family}",
        sex=sex,
        date_of_birth=born,
        last_residence=residence,
        notes=notes,
    )
    data = write_pfif([("homecoming.example/p.1", fields, SOURCE)])
    assert pfif_violations(data) == []
    [person] = parse_pfif(data).persons
    assert person.fields == fields

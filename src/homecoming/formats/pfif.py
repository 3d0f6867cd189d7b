"""PFIF 1.4 import and export; PFIF 1.1–1.3 are read too (fields renamed to 1.4 names).

Import maps each ``person`` and each ``note`` to record fields plus the raw fields as
received. Export writes only what PFIF has a field for: names, sex, date of birth,
residence, photo and description. Rank, unit, service number, category and fate
stay out on purpose (PFIF feeds travel far; those facts are need-to-know); send a
fate as a note with a status when it is meant to be shared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.normalise import (
    EXTERNAL_ID,
    cell_text,
    check_length,
    free_text,
    normalise_apostrophes,
    split_full_name,
)
from homecoming.domain.record import Fate, RecordFields, Sex
from homecoming.errors import InvalidInput, RowProblem

_T = TypeVar("_T")

PFIF_NS = "http://zesty.ca/pfif/1.4"
PFIF_VERSIONS: dict[str, str] = {f"http://zesty.ca/pfif/1.{n}": f"1.{n}" for n in (1, 2, 3, 4)}

# PFIF 1.4 element order (the schema's xs:sequence).
PERSON_FIELDS: tuple[str, ...] = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
NOTE_FIELDS: tuple[str, ...] = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)
# Older names → PFIF 1.4 names.
RENAMED_FIELDS: dict[str, str] = {
    "first_name": "given_name",
    "last_name": "family_name",
    "found": "author_made_contact",
    "other": "description",
    "home_zip": "home_postal_code",
}
HOME_FIELDS = (
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
)
# What PFIF requires of each version, and what an export must write (PFIF 1.4).
REQUIRED_PERSON: dict[str, tuple[str, ...]] = {
    "1.1": ("person_record_id", "given_name", "family_name"),
    "1.2": ("person_record_id", "given_name", "family_name"),
    "1.3": ("person_record_id", "full_name"),
    "1.4": ("person_record_id", "source_date", "full_name"),
}
REQUIRED_NOTE = ("note_record_id", "author_name", "source_date", "text")
NAME_FIELDS = ("full_name", "given_name", "family_name")
# Required fields that Person Finder itself does without: a record lacking them still lands,
# the field marked unknown (`DEFAULTED_KEY` in the record's raw fields) and reported.
DEFAULTABLE_PERSON = frozenset(NAME_FIELDS)
DEFAULTABLE_NOTE = frozenset({"author_name"})
DEFAULTED_KEY = "_defaulted"
STATUS_FATES: dict[str, Fate | None] = {
    "": None,
    "information_sought": None,
    "is_note_author": None,
    "believed_alive": Fate.FOUND_ALIVE,
    "believed_missing": Fate.MISSING,
    "believed_dead": Fate.DECEASED,
}
# PFIF fields → the record fields they feed, whose lengths the store limits.
LIMITED_FIELDS: dict[str, str] = {
    "person_record_id": EXTERNAL_ID,
    "note_record_id": EXTERNAL_ID,
    "full_name": "full_name",
    "given_name": "given_names",
    "family_name": "family_name",
    "photo_url": "photo_ref",
    "last_known_location": "event_place",
}
_UTC_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class PfifError(InvalidInput):
    """A PFIF document that cannot be read or written at all (unsafe, malformed, not PFIF)."""


@dataclass(frozen=True, slots=True)
class PfifPerson:
    """One PFIF person record: its id, the normalised fields and the raw fields as received."""

    person_record_id: str
    fields: RecordFields
    raw: dict[str, str]
    line: int
    defaulted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PfifNote:
    """One PFIF note, as a record about the person it is attached to."""

    note_record_id: str
    person_record_id: str
    fields: RecordFields
    raw: dict[str, str]
    line: int
    defaulted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PfifDocument:
    """What a PFIF document held; records with problems are left out and listed."""

    version: str
    persons: list[PfifPerson] = field(default_factory=list)
    notes: list[PfifNote] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)  # ids of expired placeholders


class _LinedElement(ET.Element):
    """An element that remembers the line of its start tag."""

    sourceline: int = 0


# --- parsing -----------------------------------------------------------------------


def read_pfif(path: Path) -> PfifDocument:
    """Read a PFIF file from disk."""
    return parse_pfif(path.read_bytes(), name=path.name)


def parse_pfif(data: bytes, *, name: str = "PFIF document") -> PfifDocument:
    """Parse PFIF 1.1–1.4 (bare or inside an Atom feed); refuse DTDs, entities and XXE."""
    root = _parse_tree(data, name=name)
    persons, notes = _pfif_elements(root)
    if not persons and not notes:
        raise PfifError(
            f"{name}: no PFIF person or note found; the elements must be in a PFIF"
            f" namespace such as {PFIF_NS}"
        )
    problems: list[RowProblem] = []
    versions = {_version_of(e) for e in (*persons, *(n for n, _ in notes))}
    document = PfifDocument(version=max(versions), problems=problems)
    for ordinal, element in enumerate(persons, start=1):
        if _is_placeholder(element):
            document.expired.append(_child_text(element, "person_record_id"))
            continue
        person, found = _person_from(element, line=_line(element) or ordinal)
        problems.extend(found)
        if person is not None:
            document.persons.append(person)
    for ordinal, (element, parent_id) in enumerate(notes, start=1):
        note, found = _note_from(element, parent_id, line=_line(element) or ordinal)
        problems.extend(found)
        if note is not None:
            document.notes.append(note)
    problems.extend(_duplicate_ids(document))
    return document


def _parse_tree(data: bytes, *, name: str) -> ET.Element:
    parsers: list[SafeET.DefusedXMLParser] = []

    def element_factory(tag: str, attrib: dict[str, str]) -> ET.Element:
        element = _LinedElement(tag, attrib)
        element.sourceline = parsers[0].parser.CurrentLineNumber if parsers else 0
        return element

    builder = ET.TreeBuilder(element_factory=element_factory)
    parser = SafeET.DefusedXMLParser(target=builder, forbid_dtd=True)
    parsers.append(parser)
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except DefusedXmlException as exc:
        raise PfifError(
            f"{name}: refused, the document declares a DTD or entities ({exc}). PFIF never"
            " needs them and they are how XML bombs and external-entity attacks work;"
            " remove the <!DOCTYPE …> block and send it again"
        ) from exc
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise PfifError(f"{name}, line {line}: not well-formed XML ({exc})") from exc
    except (LookupError, ValueError) as exc:  # e.g. encoding="…" that Python does not know
        line = parser.parser.CurrentLineNumber
        raise PfifError(
            f"{name}, line {line}: cannot read the XML ({exc}); save it as UTF-8 and declare"
            ' <?xml version="1.0" encoding="utf-8"?>'
        ) from exc
    return root


def _pfif_elements(root: ET.Element) -> tuple[list[ET.Element], list[tuple[ET.Element, str]]]:
    persons = [e for e in root.iter() if _local(e) == "person" and _version_of(e)]
    notes: list[tuple[ET.Element, str]] = []
    nested: set[int] = set()
    for person in persons:
        person_id = _child_text(person, "person_record_id")
        for child in person:
            if _local(child) == "note" and _version_of(child):
                notes.append((child, person_id))
                nested.add(id(child))
    for element in root.iter():
        if _local(element) == "note" and _version_of(element) and id(element) not in nested:
            notes.append((element, ""))
    return persons, notes


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _namespace(element: ET.Element) -> str:
    return element.tag[1:].partition("}")[0] if element.tag.startswith("{") else ""


def _version_of(element: ET.Element) -> str:
    return PFIF_VERSIONS.get(_namespace(element), "")


def _line(element: ET.Element) -> int:
    """The line of the element's start tag; 0 when the parser did not record it."""
    line = getattr(element, "sourceline", 0)
    return line if isinstance(line, int) else 0


def _child_text(element: ET.Element, local: str) -> str:
    return _raw_fields(element).get(local, "")


def _raw_fields(element: ET.Element) -> dict[str, str]:
    """The record's PFIF fields as received (older names kept), text trimmed."""
    ns = _namespace(element)
    return {
        _local(child): (child.text or "").strip()
        for child in element
        if _namespace(child) == ns and _local(child) != "note"
    }


def _renamed(raw: Mapping[str, str]) -> dict[str, str]:
    return {RENAMED_FIELDS.get(k, k): v for k, v in raw.items()}


def _missing(
    values: Mapping[str, str], required: Sequence[str], *, line: int, what: str
) -> list[RowProblem]:
    return [
        RowProblem(line, name, f"the {what} has no {name}, which PFIF requires")
        for name in required
        if not values.get(name)
    ]


def _is_placeholder(element: ET.Element) -> bool:
    """An expired record keeps only its id and dates: the source deleted the person's data."""
    values = _renamed(_raw_fields(element))
    kept = {"person_record_id", "entry_date", "expiry_date", "source_date"}
    return bool(values.get("expiry_date") and values.get("person_record_id")) and not any(
        v for k, v in values.items() if k not in kept
    )


def _person_from(element: ET.Element, *, line: int) -> tuple[PfifPerson | None, list[RowProblem]]:
    raw = _raw_fields(element)
    values = _renamed(raw)
    required = REQUIRED_PERSON[_version_of(element)]
    problems = _missing(
        values, [f for f in required if f not in DEFAULTABLE_PERSON], line=line, what="person"
    )
    if not any(values.get(name) for name in NAME_FIELDS):
        problems.append(
            RowProblem(
                line,
                "full_name",
                "the person has no name (full_name, given_name or family_name): there is"
                " nobody to look for",
            )
        )
    # Checked against PFIF 1.4, which the export writes: a missing full_name is composed.
    expected = ("full_name", *(f for f in required if f in DEFAULTABLE_PERSON))
    defaulted = tuple(dict.fromkeys(f for f in expected if not values.get(f)))
    problems.extend(_too_long(values, line=line))
    sex = _checked(values, "sex", _parse_sex, line, problems)
    born = _checked(values, "date_of_birth", PartialDate.parse, line, problems)
    problems.extend(_bad_dates(values, line=line))
    if problems:
        return None, problems
    names = _person_names(values)
    residence = normalise_apostrophes(
        ", ".join(cell_text(values[k]) for k in HOME_FIELDS if values.get(k))
    )
    problems.extend(_too_long({**names, "last_residence": residence}, line=line, direct=True))
    if problems:
        return None, problems
    fields = RecordFields(
        family_name=names["family_name"],
        given_names=names["given_names"],
        patronymic=names["patronymic"],
        full_name=names["full_name"],
        sex=sex,
        date_of_birth=born or PartialDate(),
        last_residence=residence,
        photo_ref=values.get("photo_url", ""),
        notes=free_text(values.get("description", "")),
    )
    if defaulted:
        raw = {**raw, DEFAULTED_KEY: ",".join(defaulted)}
    return PfifPerson(values["person_record_id"], fields, raw, line, defaulted), []


def _person_names(values: Mapping[str, str]) -> dict[str, str]:
    given = normalise_apostrophes(cell_text(values.get("given_name", "")))
    family = normalise_apostrophes(cell_text(values.get("family_name", "")))
    full = normalise_apostrophes(cell_text(values.get("full_name", "")))
    parts = split_full_name(full)
    patronymic = ""
    if not given and not family:
        given, family, patronymic = parts.given_names, parts.family_name, parts.patronymic
    elif (parts.given_names, parts.family_name) == (given, family):
        patronymic = parts.patronymic  # "Нехір Олександр Іванович" with given and family
    full = full or " ".join(p for p in (given, family) if p)
    return {
        "family_name": family,
        "given_names": given,
        "patronymic": patronymic,
        "full_name": full,
    }


def _too_long(values: Mapping[str, str], *, line: int, direct: bool = False) -> list[RowProblem]:
    """Fields longer than the record field they feed holds (direct: keys are record fields)."""
    problems = []
    for name, text in values.items():
        target = name if direct else LIMITED_FIELDS.get(name)
        if target is None:
            continue
        try:
            check_length(target, text)
        except ValueError as exc:
            problems.append(RowProblem(line, name, str(exc)))
    return problems


def _checked(
    values: Mapping[str, str],
    name: str,
    parse: Callable[[str], _T],
    line: int,
    problems: list[RowProblem],
) -> _T | None:
    text = values.get(name, "")
    if not text:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.append(RowProblem(line, name, str(exc)))
        return None


def _bad_dates(values: Mapping[str, str], *, line: int) -> list[RowProblem]:
    """PFIF record dates are UTC to the second; anything else cannot be ordered or compared."""
    return [
        RowProblem(
            line, name, f"{values[name]!r} is not a PFIF date: write UTC like 2025-05-23T10:00:00Z"
        )
        for name in ("entry_date", "source_date", "expiry_date")
        if values.get(name) and not _UTC_DATETIME.match(values[name])
    ]


def _parse_sex(text: str) -> Sex:
    try:
        return Sex(text.strip().casefold())
    except ValueError:
        raise ValueError(f"{text!r} is not a PFIF sex: write female, male or other") from None


def _parse_status(text: str) -> Fate | None:
    key = text.strip().casefold()
    if key not in STATUS_FATES:
        choices = ", ".join(s for s in STATUS_FATES if s)
        raise ValueError(f"{text!r} is not a PFIF note status: use one of {choices}")
    return STATUS_FATES[key]


def _note_from(
    element: ET.Element, parent_id: str, *, line: int
) -> tuple[PfifNote | None, list[RowProblem]]:
    raw = _raw_fields(element)
    values = _renamed(raw)
    required = [f for f in REQUIRED_NOTE if f not in DEFAULTABLE_NOTE]
    problems = _missing(values, required, line=line, what="note")
    defaulted = tuple(f for f in REQUIRED_NOTE if f in DEFAULTABLE_NOTE and not values.get(f))
    problems.extend(_too_long(values, line=line))
    person_id = values.get("person_record_id") or parent_id
    if not person_id:
        problems.append(
            RowProblem(line, "person_record_id", "the note says nothing of whom it is about")
        )
    fate = _checked(values, "status", _parse_status, line, problems)
    problems.extend(_bad_dates(values, line=line))
    if problems:
        return None, problems
    fields = RecordFields(
        fate=fate,
        fate_date=_date_part(values.get("source_date", "")) if fate else PartialDate(),
        event_place=normalise_apostrophes(cell_text(values.get("last_known_location", ""))),
        photo_ref=values.get("photo_url", ""),
        notes=free_text(values.get("text", "")),
    )
    # A nested note's person is its parent: written down, so the note can travel alone.
    raw = {**raw, "person_record_id": person_id}
    if defaulted:
        raw[DEFAULTED_KEY] = ",".join(defaulted)
    return PfifNote(values["note_record_id"], person_id, fields, raw, line, defaulted), []


def _date_part(timestamp: str) -> PartialDate:
    try:
        return PartialDate.parse(timestamp[:10])
    except DateParseError:
        return PartialDate()


def _duplicate_ids(document: PfifDocument) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for kind, records in (("person", document.persons), ("note", document.notes)):
        seen: dict[str, int] = {}
        for record in records:
            record_id = _record_id(record)
            if record_id in seen:
                problems.append(
                    RowProblem(
                        record.line,
                        f"{kind}_record_id",
                        f"{record_id!r} was already used on line {seen[record_id]}:"
                        " each record needs its own id",
                    )
                )
            seen.setdefault(record_id, record.line)
    return problems


def _record_id(record: PfifPerson | PfifNote) -> str:
    return record.note_record_id if isinstance(record, PfifNote) else record.person_record_id


# --- export -----------------------------------------------------------------------------


def write_pfif(
    persons: Iterable[tuple[str, RecordFields, Mapping[str, str]]],
    notes: Iterable[Mapping[str, str]] = (),
    *,
    now: dt.datetime | None = None,
) -> bytes:
    """Write a PFIF 1.4 document: (person_record_id, fields, source info) and note dicts."""
    values = (person_values(person_id, fields, source) for person_id, fields, source in persons)
    return write_pfif_values(values, notes, now=now)


def write_pfif_values(
    persons: Iterable[Mapping[str, str]],
    notes: Iterable[Mapping[str, str]] = (),
    *,
    now: dt.datetime | None = None,
) -> bytes:
    """Write a PFIF 1.4 document from person and note field dicts (PFIF 1.4 names).

    A note goes inside its person when the person is in the document, at the top otherwise;
    a record without entry_date gets `now`.
    """
    stamp = utc_stamp(now or dt.datetime.now(dt.UTC))
    ET.register_namespace("pfif", PFIF_NS)
    root = ET.Element(_tag("pfif"))
    by_id: dict[str, ET.Element] = {}
    for person in persons:
        element = _person_element(person, stamp=stamp)
        root.append(element)
        by_id[person["person_record_id"]] = element
    for note in notes:
        parent = by_id.get(note.get("person_record_id", ""), root)
        parent.append(_note_element(note, stamp=stamp))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def person_values(
    person_id: str, fields: RecordFields, source: Mapping[str, str]
) -> dict[str, str]:
    """The PFIF 1.4 person fields for one record (source info supplies author/source/dates)."""
    unknown = set(source) - set(PERSON_FIELDS)
    if unknown:
        raise PfifError(f"person {person_id}: {sorted(unknown)} are not PFIF person fields")
    values = dict(source)
    values.update(
        person_record_id=person_id,
        full_name=fields.full_name or fields.display_name(),
        given_name=fields.given_names,
        family_name=fields.family_name,
        sex=fields.sex.value if fields.sex else "",
        date_of_birth=fields.date_of_birth.iso(),
        home_street=fields.last_residence,
        photo_url=fields.photo_ref,
        description=fields.notes,
    )
    return values


def _person_element(person: Mapping[str, str], *, stamp: str) -> ET.Element:
    what = f"person {person.get('person_record_id', '?')!r}"
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise PfifError(f"{what}: {sorted(unknown)} are not PFIF person fields")
    values = dict(person)
    values.setdefault("entry_date", stamp)
    _require(values, REQUIRED_PERSON["1.4"], what=what)
    _check_export(values, what=what)
    return _record_element("person", PERSON_FIELDS, values)


def _note_element(note: Mapping[str, str], *, stamp: str) -> ET.Element:
    what = f"note {note.get('note_record_id', '?')!r}"
    unknown = set(note) - set(NOTE_FIELDS)
    if unknown:
        raise PfifError(f"{what}: {sorted(unknown)} are not PFIF note fields")
    values = dict(note)
    values.setdefault("entry_date", stamp)
    _require(values, (*REQUIRED_NOTE, "person_record_id"), what=what)
    _check_export(values, what=what)
    if values.get("status", "") not in STATUS_FATES:
        raise PfifError(f"{what}: {values['status']!r} is not a PFIF note status")
    return _record_element("note", NOTE_FIELDS, values)


def _require(values: Mapping[str, str], required: Iterable[str], *, what: str) -> None:
    missing = [name for name in required if not values.get(name)]
    if missing:
        raise PfifError(f"{what}: cannot export without {', '.join(missing)}")


def _check_export(values: Mapping[str, str], *, what: str) -> None:
    record_id = values.get("person_record_id", "")
    if record_id and "/" not in record_id:
        raise PfifError(f"{what}: a PFIF record id looks like 'domain/local-id', not {record_id!r}")
    for name in ("source_date", "entry_date", "expiry_date"):
        if values.get(name) and not _UTC_DATETIME.match(values[name]):
            raise PfifError(f"{what}: {name} must be UTC like 2025-05-23T10:00:00Z")


def _record_element(kind: str, order: Sequence[str], values: Mapping[str, str]) -> ET.Element:
    element = ET.Element(_tag(kind))
    for name in order:
        if values.get(name):
            ET.SubElement(element, _tag(name)).text = _NOT_XML_CHAR.sub("", values[name])
    return element


def _tag(local: str) -> str:
    return f"{{{PFIF_NS}}}{local}"


def utc_stamp(moment: dt.datetime) -> str:
    """A moment as PFIF writes dates: UTC, to the second, like 2025-05-23T10:00:00Z."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def received_values(raw: Mapping[str, str], kind: str) -> dict[str, str]:
    """A record's fields as received, under PFIF 1.4 names: what an export sends back.

    Older names are renamed, empty fields and our own marks (`_defaulted`) left out.
    """
    order = PERSON_FIELDS if kind == "person" else NOTE_FIELDS
    renamed = {RENAMED_FIELDS.get(k, k): v for k, v in raw.items() if isinstance(v, str) and v}
    return {name: renamed[name] for name in order if name in renamed}

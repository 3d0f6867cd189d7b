"""Write PFIF 1.4 documents of persons and notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from xml.etree import ElementTree as ET

from homecoming.domain.record import RecordFields
from homecoming.formats.pfif.common import (
    _NOT_XML_CHAR,
    _UTC_DATETIME,
    NOTE_FIELDS,
    PERSON_FIELDS,
    PFIF_NS,
    RENAMED_FIELDS,
    REQUIRED_NOTE,
    REQUIRED_PERSON,
    STATUS_FATES,
    PfifError,
)

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

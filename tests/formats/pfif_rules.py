"""The PFIF 1.4 rules an export must keep, checked on the bytes (used by every export test).

Written from the PFIF 1.4 specification (zesty.ca/pfif/1.4), not from our writer: required
fields, record ids `domain/local-id`, UTC dates `YYYY-MM-DDThh:mm:ssZ`, birth dates
`YYYY[-MM[-DD]]`, the closed vocabularies, and the schema's element order.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

NS = "http://zesty.ca/pfif/1.4"
PERSON = [
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
]
NOTE = [
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
]
REQUIRED = {
    "person": ("person_record_id", "source_date", "full_name"),
    "note": ("note_record_id", "author_name", "source_date", "text"),
}
RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*/\S+$")  # domain name / unique string
UTC = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$")
BIRTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
AGE = re.compile(r"^\d+(-\d+)?$")
VOCABULARY = {
    "sex": {"female", "male", "other"},
    "status": {
        "information_sought",
        "is_note_author",
        "believed_alive",
        "believed_missing",
        "believed_dead",
    },
    "author_made_contact": {"true", "false"},
}


def pfif_violations(document: bytes) -> list[str]:
    """Every way the document breaks PFIF 1.4; empty when it keeps every rule."""
    root = ET.fromstring(document)
    if root.tag != f"{{{NS}}}pfif":
        return [f"root element is {root.tag}, not pfif:pfif in {NS}"]
    problems: list[str] = []
    for child in root:
        kind = _local(child)
        if kind == "person":
            problems += _record(child, "person", PERSON)
            person_id = _text(child, "person_record_id")
            for note in (n for n in child if _local(n) == "note"):
                problems += _record(note, "note", NOTE)
                if _text(note, "person_record_id") not in ("", person_id):
                    problems.append(f"note {_text(note, 'note_record_id')}: inside another person")
        elif kind == "note":
            problems += _record(child, "note", NOTE)
            if not _text(child, "person_record_id"):
                problems.append(f"note {_text(child, 'note_record_id')}: no person_record_id")
        else:
            problems.append(f"unexpected element {child.tag} under pfif:pfif")
    return problems


def _record(element: ET.Element, kind: str, order: list[str]) -> list[str]:
    name = f"{kind} {_text(element, f'{kind}_record_id') or '?'}"
    fields = [c for c in element if _local(c) != "note"]
    tags = [_local(c) for c in fields]
    problems = [f"{name}: {t} is not a PFIF 1.4 {kind} field" for t in tags if t not in order]
    problems += [
        f"{name}: {c.tag} is outside the PFIF 1.4 namespace"
        for c in fields
        if not c.tag.startswith(f"{{{NS}}}")
    ]
    known = [t for t in tags if t in order]
    if known != sorted(known, key=order.index):
        problems.append(f"{name}: fields out of the schema's order: {known}")
    if len(set(tags)) != len(tags):
        problems.append(f"{name}: a field repeated: {tags}")
    values = {_local(c): (c.text or "") for c in fields}
    problems += [
        f"{name}: required {f} missing or empty"
        for f in REQUIRED[kind]
        if not values.get(f, "").strip()
    ]
    for field, value in values.items():
        problems += [f"{name}: {field} {p}" for p in _value_problems(field, value)]
    return problems


def _value_problems(field: str, value: str) -> list[str]:
    if field.endswith("record_id"):
        return [] if RECORD_ID.match(value) else [f"{value!r} is not domain/local-id"]
    if field in ("entry_date", "source_date", "expiry_date"):
        return [] if UTC.match(value) else [f"{value!r} is not UTC YYYY-MM-DDThh:mm:ssZ"]
    if field == "date_of_birth":
        return [] if BIRTH.match(value) else [f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"]
    if field == "age":
        return [] if AGE.match(value) else [f"{value!r} is not an age or a range of ages"]
    if field in VOCABULARY and value not in VOCABULARY[field]:
        return [f"{value!r} is not one of {sorted(VOCABULARY[field])}"]
    if value != value.strip() or not value:
        return ["is empty or has surrounding whitespace"]
    return []


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _text(element: ET.Element, local: str) -> str:
    found = element.find(f"{{{NS}}}{local}")
    return (found.text or "") if found is not None else ""

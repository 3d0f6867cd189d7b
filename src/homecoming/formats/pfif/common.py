"""PFIF's vocabulary: versions, fields, limits, the records read and their error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar
from xml.etree import ElementTree as ET

from homecoming.domain.normalise import (
    EXTERNAL_ID,
)
from homecoming.domain.record import Fate, RecordFields
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

"""A record: one row of evidence from one source, in normalised form (GCIII 17/122, GCIV 138)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum

from homecoming.domain.dates import PartialDate


class SourceKind(StrEnum):
    PARTY_LIST = "party_list"
    ICRC_VISIT = "icrc_visit"
    FAMILY_INQUIRY = "family_inquiry"
    TESTIMONY = "testimony"
    PFIF_FEED = "pfif_feed"
    HANDOVER = "handover"  # what an operator recorded at the crossing
    VIDEO = "video"  # a video or photo published by anyone (evidence of life, nothing more)
    FORENSIC = "forensic"  # a laboratory's DNA match or an authorised forensic identification
    OTHER = "other"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Category(StrEnum):
    SERVICEMAN = "serviceman"
    CIVILIAN = "civilian"


class Fate(StrEnum):
    """What a source claims happened to the person, in the order a case usually moves."""

    MISSING = "missing"
    CAPTURED = "captured"
    DETAINED = "detained"
    LISTED = "listed"
    RELEASED = "released"
    HOSPITALISED = "hospitalised"
    DECEASED = "deceased"
    FOUND_ALIVE = "found_alive"


# Fields a record carries, in the order of GCIII Art. 122(4) and GCIV Art. 138.
@dataclass(frozen=True, slots=True)
class RecordFields:
    """The normalised fields of one record. Every text field is '' when unknown."""

    family_name: str = ""
    given_names: str = ""
    patronymic: str = ""  # or the father's first name, whichever the source gave
    full_name: str = ""  # as written, when the source gave one string
    mother_maiden_name: str = ""
    sex: Sex | None = None
    date_of_birth: PartialDate = field(default_factory=PartialDate)
    place_of_birth: str = ""
    nationality: str = ""
    last_residence: str = ""
    rank: str = ""
    service_number: str = ""
    unit: str = ""
    category: Category | None = None
    event_date: PartialDate = field(default_factory=PartialDate)  # capture or disappearance
    event_place: str = ""
    place_of_detention: str = ""
    health: str = ""
    seriously_wounded: bool = False
    distinguishing_marks: str = ""
    fate: Fate | None = None
    fate_date: PartialDate = field(default_factory=PartialDate)
    photo_ref: str = ""
    notes: str = ""

    def display_name(self) -> str:
        """Family name, given names, patronymic; or the full name as written."""
        parts = [self.family_name, self.given_names, self.patronymic]
        joined = " ".join(p for p in parts if p)
        return joined or self.full_name


RECORD_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(RecordFields))


@dataclass(frozen=True, slots=True)
class Contact:
    """Contact details of a next of kin or inquirer: kept apart, read only by privileged roles."""

    name: str = ""
    relation: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One accepted input row: the raw cells as received and their normalised reading."""

    line: int
    raw: dict[str, str]
    fields: RecordFields
    contact: Contact | None = None
    external_id: str = ""


# Cyrillic letters that lists type for their Latin twins in service numbers (ТС-716490, TC-716490).
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТХІ", "ABEKMHOPCTXI")


def service_number_key(text: str) -> str:
    """A service number as compared: upper case, look-alikes folded, no dashes or spaces."""
    return "".join(ch for ch in text.upper().translate(_HOMOGLYPHS) if ch.isalnum())

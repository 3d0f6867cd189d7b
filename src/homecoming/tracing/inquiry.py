"""A family's inquiry: consent, how far it may be shared, and the status the family is told.

Sharing follows the family's choice and GCIV Art. 137: the bureau always holds the report;
the ICRC (Central Tracing Agency) only when the family allowed it; the other party only when
the family allowed it and nothing suggests that telling that party could harm the person or
the relatives.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class SharingScope(StrEnum):
    """How far the family lets the report travel, each step including the ones before."""

    BUREAU = "bureau"  # the bureau only
    ICRC = "icrc"  # also the ICRC's Central Tracing Agency
    OTHER_PARTY = "other_party"  # also the other party to the conflict


SCOPE_ORDER = (SharingScope.BUREAU, SharingScope.ICRC, SharingScope.OTHER_PARTY)


class Recipient(StrEnum):
    """Who an export is for."""

    BUREAU = "bureau"
    ICRC = "icrc"
    OTHER_PARTY = "other_party"


@dataclass(frozen=True, slots=True)
class Sharing:
    """What the family agreed to, as recorded with the inquiry."""

    consent: bool
    scope: SharingScope
    harm_risk: bool = False  # Art. 137: telling the other party could harm the person or family


def effective_scope(sharing: Sharing) -> SharingScope:
    """The widest scope that may actually be used: no consent means the bureau only."""
    if not sharing.consent:
        return SharingScope.BUREAU
    if sharing.scope is SharingScope.OTHER_PARTY and sharing.harm_risk:
        return SharingScope.ICRC
    return sharing.scope


def may_share(sharing: Sharing, recipient: Recipient) -> bool:
    """True when this inquiry may go to this recipient."""
    allowed = SCOPE_ORDER.index(effective_scope(sharing))
    return SCOPE_ORDER.index(SharingScope(recipient.value)) <= allowed


class FamilyStatus(StrEnum):
    """The steps families know (law 2505-VIII practice), in the order a case moves."""

    REGISTERED = "registered"  # report registered
    INFORMATION_ADDED = "information_added"  # information added to the case
    SEEN_ALIVE = "seen_alive"  # evidence of life (a video, a testimony), captivity unconfirmed
    CONFIRMED_CAPTIVITY = "confirmed_captivity"  # confirmed in captivity
    REPORTED_DECEASED = "reported_deceased"  # a death reported, not identified: told in person
    RELEASED = "released"  # came home
    DECEASED = "deceased"  # identified (DNA, forensics); told in person, never by a message
    WITHDRAWN = "withdrawn"  # the family closed the inquiry


REFERENCE_PREFIX = "HC"
_REFERENCE = re.compile(r"^HC-(\d{4})-(\d{6,})$")


def case_reference(year: int, number: int) -> str:
    """The reference a family is given: HC-2026-000123."""
    return f"{REFERENCE_PREFIX}-{year:04d}-{number:06d}"


def parse_reference(text: str) -> int | None:
    """The inquiry number in a reference (or a plain number), None when it is neither."""
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    found = _REFERENCE.match(text)
    return int(found.group(2)) if found else None


def registration_year(moment: dt.datetime) -> int:
    return moment.astimezone(dt.UTC).year


LANGUAGES = ("uk", "en", "ru")

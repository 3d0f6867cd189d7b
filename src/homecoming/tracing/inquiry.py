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

from homecoming.domain.record import Fate


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
    CONFIRMED_CAPTIVITY = "confirmed_captivity"  # confirmed in captivity
    RELEASED = "released"  # came home
    DECEASED = "deceased"  # told in person, with care, never by a message alone
    WITHDRAWN = "withdrawn"  # the family closed the inquiry


STATUS_RANK = {
    FamilyStatus.REGISTERED: 0,
    FamilyStatus.INFORMATION_ADDED: 1,
    FamilyStatus.CONFIRMED_CAPTIVITY: 2,
    FamilyStatus.RELEASED: 3,
    FamilyStatus.DECEASED: 3,
    FamilyStatus.WITHDRAWN: 4,
}
CLOSED = frozenset({FamilyStatus.RELEASED, FamilyStatus.DECEASED, FamilyStatus.WITHDRAWN})

_FATE_STATUS = {
    Fate.CAPTURED: FamilyStatus.CONFIRMED_CAPTIVITY,
    Fate.DETAINED: FamilyStatus.CONFIRMED_CAPTIVITY,
    Fate.LISTED: FamilyStatus.CONFIRMED_CAPTIVITY,
    Fate.HOSPITALISED: FamilyStatus.CONFIRMED_CAPTIVITY,
    Fate.RELEASED: FamilyStatus.RELEASED,
    Fate.FOUND_ALIVE: FamilyStatus.RELEASED,
    Fate.DECEASED: FamilyStatus.DECEASED,
}


def status_for_fate(fate: Fate | None) -> FamilyStatus:
    """The family-facing status that verified evidence of this fate supports."""
    if fate is None:
        return FamilyStatus.INFORMATION_ADDED
    return _FATE_STATUS.get(fate, FamilyStatus.INFORMATION_ADDED)


def next_status(current: FamilyStatus, verified_fates: list[Fate | None]) -> FamilyStatus:
    """The status after verified evidence: never backwards, deceased only on such evidence.

    A lone "deceased" does not override a verified release (Person Finder's lesson), and a
    verified release does not override a verified death: both stay in the leads, and the
    status keeps the first that reached the last step.
    """
    if current is FamilyStatus.WITHDRAWN:
        return current
    best: FamilyStatus = current
    for fate in verified_fates:
        candidate = status_for_fate(fate)
        if STATUS_RANK[candidate] > STATUS_RANK[best]:
            best = candidate
    return best


def is_news(current: FamilyStatus, fate: Fate | None) -> bool:
    """True when evidence of this fate would move the family's status forward."""
    return fate is not None and STATUS_RANK[status_for_fate(fate)] > STATUS_RANK[current]


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

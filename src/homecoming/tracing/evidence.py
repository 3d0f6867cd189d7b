"""What verified evidence proves: a source kind and a fate give a person's and a family's status.

One table (`STATUS_TABLE`, printed in docs/tracing.md and checked against it by the tests)
answers, for each kind of source and each fate it claims, what the person's status and the
family-facing status become. Its rules:

- Seen alive (a video, a testimony, a PFIF `believed_alive` note) is evidence of life, in
  captivity or at an unknown place. It is never "released".
- Only a handover record, or the detaining party's own record of a release, says "released".
- Captivity is confirmed by the detaining party (its lists and its answers through the ICRC)
  or by an ICRC visit. A party's own request list, or a family's inquiry, confirms nothing.
- A reported death (a GCIII Art. 120 notice, a party's list, a tag returned with remains) is
  "reported deceased": the family is told in person, the case stays open and matching goes on.
- Only an identification (a laboratory's DNA match, or a forensic identification recorded by
  an authorised person) closes a case as deceased.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from homecoming.domain.record import Fate, SourceKind
from homecoming.tracing.inquiry import FamilyStatus


class Origin(StrEnum):
    """A source kind as the status table reads it: who speaks, from what standing."""

    DETAINING_PARTY = "detaining_party"  # a list or answer of the party holding the person
    OWN_PARTY = "own_party"  # the family's own party (its request lists), or a party not known
    ICRC_VISIT = "icrc_visit"  # the ICRC saw the person
    HANDOVER = "handover"  # our operator recorded the crossing (or the remains handed over)
    VIDEO = "video"  # a video or photo published by anyone
    TESTIMONY = "testimony"  # a released person or a witness saw them
    PFIF_FEED = "pfif_feed"  # a person-finder note
    FORENSIC = "forensic"  # a laboratory's DNA match or an authorised forensic identification
    OTHER = "other"


class PersonStatus(StrEnum):
    """What the evidence proves about the person."""

    MISSING = "missing"
    REPORTED = "reported"  # a claim that confirms nothing on its own
    SEEN_ALIVE = "seen_alive"
    IN_CAPTIVITY = "in_captivity"  # confirmed by the detaining party or an ICRC visit
    RELEASED = "released"
    REPORTED_DECEASED = "reported_deceased"
    IDENTIFIED_DECEASED = "identified_deceased"


@dataclass(frozen=True, slots=True)
class Reading:
    """One row of the table: the person's status and the family-facing status."""

    person: PersonStatus
    family: FamilyStatus


_ALIVE_FATES = (Fate.CAPTURED, Fate.DETAINED, Fate.LISTED, Fate.HOSPITALISED)
_P, _F = PersonStatus, FamilyStatus
_INFO = Reading(_P.REPORTED, _F.INFORMATION_ADDED)
_MISSING = Reading(_P.MISSING, _F.INFORMATION_ADDED)
_LIFE = Reading(_P.SEEN_ALIVE, _F.SEEN_ALIVE)
_HELD = Reading(_P.IN_CAPTIVITY, _F.CONFIRMED_CAPTIVITY)
_HOME = Reading(_P.RELEASED, _F.RELEASED)
_DEATH_REPORTED = Reading(_P.REPORTED_DECEASED, _F.REPORTED_DECEASED)
_IDENTIFIED = Reading(_P.IDENTIFIED_DECEASED, _F.DECEASED)


def _row(
    *, alive: Reading, found_alive: Reading, released: Reading, deceased: Reading
) -> dict[Fate, Reading]:
    return {
        Fate.MISSING: _MISSING,
        **dict.fromkeys(_ALIVE_FATES, alive),
        Fate.FOUND_ALIVE: found_alive,
        Fate.RELEASED: released,
        Fate.DECEASED: deceased,
    }


# Origin -> fate -> reading. Every origin has every fate: docs/tracing.md prints it whole.
STATUS_TABLE: dict[Origin, dict[Fate, Reading]] = {
    Origin.DETAINING_PARTY: _row(
        alive=_HELD, found_alive=_LIFE, released=_HOME, deceased=_DEATH_REPORTED
    ),
    Origin.OWN_PARTY: _row(
        alive=_INFO, found_alive=_INFO, released=_INFO, deceased=_DEATH_REPORTED
    ),
    Origin.ICRC_VISIT: _row(
        alive=_HELD, found_alive=_HELD, released=_INFO, deceased=_DEATH_REPORTED
    ),
    Origin.HANDOVER: _row(alive=_INFO, found_alive=_HOME, released=_HOME, deceased=_DEATH_REPORTED),
    Origin.VIDEO: _row(alive=_LIFE, found_alive=_LIFE, released=_INFO, deceased=_DEATH_REPORTED),
    Origin.TESTIMONY: _row(
        alive=_LIFE, found_alive=_LIFE, released=_INFO, deceased=_DEATH_REPORTED
    ),
    Origin.PFIF_FEED: _row(
        alive=_INFO, found_alive=_LIFE, released=_INFO, deceased=_DEATH_REPORTED
    ),
    Origin.FORENSIC: _row(alive=_INFO, found_alive=_INFO, released=_INFO, deceased=_IDENTIFIED),
    Origin.OTHER: _row(alive=_INFO, found_alive=_LIFE, released=_INFO, deceased=_DEATH_REPORTED),
}

# A sighting or a recognition with no fate still adds information.
NO_FATE = _INFO


def origin_of(kind: SourceKind, *, source_party: str | None, family_party: str | None) -> Origin:
    """How the table reads a source: a party's list is the detaining party's only when that
    party is known and is not the family's own (a family's inquiry is never evidence)."""
    if kind is SourceKind.PARTY_LIST:
        detaining = source_party is not None and family_party is not None
        if detaining and source_party != family_party:
            return Origin.DETAINING_PARTY
        return Origin.OWN_PARTY
    return {
        SourceKind.ICRC_VISIT: Origin.ICRC_VISIT,
        SourceKind.HANDOVER: Origin.HANDOVER,
        SourceKind.VIDEO: Origin.VIDEO,
        SourceKind.TESTIMONY: Origin.TESTIMONY,
        SourceKind.PFIF_FEED: Origin.PFIF_FEED,
        SourceKind.FORENSIC: Origin.FORENSIC,
    }.get(kind, Origin.OTHER)


def read(origin: Origin, fate: Fate | None) -> Reading:
    """The person's and the family's status that this evidence supports."""
    return NO_FATE if fate is None else STATUS_TABLE[origin][fate]


# How far each family-facing status is along a case; never backwards.
STATUS_RANK = {
    FamilyStatus.REGISTERED: 0,
    FamilyStatus.INFORMATION_ADDED: 1,
    FamilyStatus.SEEN_ALIVE: 2,
    FamilyStatus.CONFIRMED_CAPTIVITY: 3,
    FamilyStatus.REPORTED_DECEASED: 4,
    FamilyStatus.RELEASED: 5,
    FamilyStatus.DECEASED: 5,
    FamilyStatus.WITHDRAWN: 6,
}
# A reported death keeps the case open: only a return or an identification closes it.
CLOSED = frozenset({FamilyStatus.RELEASED, FamilyStatus.DECEASED, FamilyStatus.WITHDRAWN})
# Told in person, never by a message that says what happened.
IN_PERSON = frozenset({FamilyStatus.REPORTED_DECEASED, FamilyStatus.DECEASED})


def next_status(current: FamilyStatus, readings: list[FamilyStatus]) -> FamilyStatus:
    """The status after verified evidence: never backwards; the first to reach a step keeps it.

    A lone "deceased" does not override a verified release (Person Finder's lesson), and a
    verified release does not override an identification: both stay in the leads.
    """
    if current is FamilyStatus.WITHDRAWN:
        return current
    best: FamilyStatus = current
    for candidate in readings:
        if STATUS_RANK[candidate] > STATUS_RANK[best]:
            best = candidate
    return best


def is_news(current: FamilyStatus, reading: FamilyStatus) -> bool:
    """True when evidence read this way would move the family's status forward."""
    return STATUS_RANK[reading] > STATUS_RANK[current]

"""A person's status, timeline and contradictions, derived from its records' claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Fate, SourceKind, service_number_key

# Sources that speak from first-hand custody outweigh hearsay when claims conflict.
_SOURCE_WEIGHT = {
    SourceKind.PARTY_LIST: 3,
    SourceKind.ICRC_VISIT: 4,
    SourceKind.HANDOVER: 5,  # seen crossing by our own operator
    SourceKind.TESTIMONY: 2,
    SourceKind.FAMILY_INQUIRY: 1,
    SourceKind.PFIF_FEED: 1,
    SourceKind.VIDEO: 2,
    SourceKind.FORENSIC: 6,  # an identification of remains
    SourceKind.OTHER: 1,
}
_ALIVE = {
    Fate.CAPTURED,
    Fate.DETAINED,
    Fate.LISTED,
    Fate.RELEASED,
    Fate.HOSPITALISED,
    Fate.FOUND_ALIVE,
}


@dataclass(frozen=True, slots=True)
class Claim:
    """What one record says, with where it came from."""

    record_id: int
    source_id: int
    source_name: str
    source_kind: SourceKind
    received_at: dt.datetime
    fate: Fate | None
    fate_date: PartialDate
    date_of_birth: PartialDate
    sex: str | None = None
    service_number: str = ""

    @property
    def when(self) -> tuple[int, int, int, dt.datetime]:
        """Sort key: the claimed date where known, else when the source arrived."""
        date = self.fate_date
        if date.year is None:
            received = self.received_at
            return (received.year, received.month, received.day, received)
        return (date.year, date.month or 0, date.day or 0, self.received_at)


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two records that disagree on one fact; shown, never silently resolved."""

    fact: str
    record_ids: tuple[int, ...]
    values: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class DerivedStatus:
    """The status a person's evidence supports, the claim behind it, and what disagrees."""

    status: Fate | None
    basis: Claim | None
    timeline: list[Claim]
    contradictions: list[Contradiction] = field(default_factory=list)


def derive(claims: list[Claim]) -> DerivedStatus:
    """Status from the latest fate claim; a lone late weaker claim does not override stronger."""
    timeline = sorted(claims, key=lambda c: c.when)
    with_fate = [c for c in timeline if c.fate is not None]
    basis = _status_basis(with_fate)
    contradictions = _fate_conflicts(with_fate) + _date_of_birth_conflicts(claims)
    contradictions += _value_conflicts(claims, "sex", lambda c: c.sex or "")
    contradictions += _value_conflicts(
        claims, "service_number", lambda c: service_number_key(c.service_number)
    )
    return DerivedStatus(basis.fate if basis else None, basis, timeline, contradictions)


def _status_basis(with_fate: list[Claim]) -> Claim | None:
    if not with_fate:
        return None
    latest = with_fate[-1]
    if latest.fate == Fate.DECEASED:
        # Person Finder's lesson: one late "dead" note from a weak source must not
        # override better evidence that the person is alive.
        stronger_alive = [
            c
            for c in with_fate
            if c.fate in _ALIVE
            and _SOURCE_WEIGHT[c.source_kind] > _SOURCE_WEIGHT[latest.source_kind]
        ]
        if stronger_alive:
            return stronger_alive[-1]
    return latest


def _fate_conflicts(with_fate: list[Claim]) -> list[Contradiction]:
    dead = [c for c in with_fate if c.fate == Fate.DECEASED]
    alive_after = [c for c in with_fate if c.fate in _ALIVE and dead and c.when > dead[0].when]
    if not dead or not alive_after:
        return []
    pair = (dead[0], alive_after[-1])
    return [
        Contradiction(
            fact="fate",
            record_ids=tuple(c.record_id for c in pair),
            values=tuple(str(c.fate) for c in pair),
            note="reported deceased, yet a later source reports the person alive",
        )
    ]


def _compatible(a: PartialDate, b: PartialDate) -> bool:
    pairs = ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    return all(x is None or y is None or x == y for x, y in pairs)


def _date_of_birth_conflicts(claims: list[Claim]) -> list[Contradiction]:
    dated = [c for c in claims if not c.date_of_birth.is_empty]
    for i, first in enumerate(dated):
        clashing = [
            c for c in dated[i + 1 :] if not _compatible(first.date_of_birth, c.date_of_birth)
        ]
        if clashing:
            group = [first, *clashing]
            return [
                Contradiction(
                    fact="date_of_birth",
                    record_ids=tuple(c.record_id for c in group),
                    values=tuple(c.date_of_birth.iso() for c in group),
                )
            ]
    return []


def _value_conflicts(
    claims: list[Claim], fact: str, value: Callable[[Claim], str]
) -> list[Contradiction]:
    seen: dict[str, list[int]] = {}
    for claim in claims:
        text = value(claim).strip()
        if text:
            seen.setdefault(text, []).append(claim.record_id)
    if len(seen) < 2:
        return []
    return [
        Contradiction(
            fact=fact,
            record_ids=tuple(ids[0] for ids in seen.values()),
            values=tuple(seen),
        )
    ]

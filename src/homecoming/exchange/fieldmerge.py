"""Merging field desks' outcomes: which one stands for a person, and when a person must decide.

Pure rules, so that two desks merged in either order end in the same state:

- Each desk's claim about a person is its *latest* entry for them (a desk corrects itself).
- When the centre has a standing outcome of its own (recorded at the centre, or decided by a
  person after a conflict), it stays; every field claim that differs is a conflict.
- Otherwise the claims decide: if they agree, that outcome stands; if they differ, the claim
  recorded first at the crossing stands until a person decides (ties: desk, then the desk's
  own order), and the disagreement is a conflict.

The outcome that stands is a function of the set of claims, never of the order they came in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
Value = tuple[str, str]  # (outcome, the substitute's name folded; empty unless substituted)


@dataclass(frozen=True, slots=True)
class Claim:
    """What one desk's entry says happened to one person."""

    desk: str
    seq: int  # the desk's own order of its entries
    outcome: str
    substitute: str = ""
    at: dt.datetime = EARLIEST

    @property
    def value(self) -> Value:
        return (self.outcome, " ".join(self.substitute.casefold().split()))


@dataclass(frozen=True, slots=True)
class Decision:
    """For one person: the field claim to write (None: leave the standing outcome), and the
    claims that disagree with what stands (non-empty: a person must decide)."""

    write: Claim | None
    disagreeing: tuple[Claim, ...]

    @property
    def conflict(self) -> bool:
        return bool(self.disagreeing)


def latest_per_desk(claims: Iterable[Claim]) -> list[Claim]:
    """Each desk's last word about the person, in a stable order."""
    latest: dict[str, Claim] = {}
    for claim in claims:
        held = latest.get(claim.desk)
        if held is None or claim.seq > held.seq:
            latest[claim.desk] = claim
    return sorted(latest.values(), key=_first)


def _first(claim: Claim) -> tuple[dt.datetime, str, int]:
    return (claim.at, claim.desk, claim.seq)


def decide(standing: Value | None, claims: Sequence[Claim], current: Value | None) -> Decision:
    """The decision for one person.

    `standing` is the centre's own outcome (None when only desks have spoken), `claims` each
    desk's latest open claim, `current` the outcome the centre's handovers show now.
    """
    if standing is not None:
        disagreeing = tuple(c for c in claims if c.value != standing)
        return Decision(write=None, disagreeing=disagreeing)
    if not claims:
        return Decision(write=None, disagreeing=())
    chosen = min(claims, key=_first)
    disagreeing = tuple(c for c in claims if c.value != chosen.value)
    return Decision(write=chosen if chosen.value != current else None, disagreeing=disagreeing)

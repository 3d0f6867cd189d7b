"""Remains: case references, the identification steps in order, what a step needs before it,
and whether a family's DNA references are enough. Pure rules; the services keep the rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    """The steps of a case, in the order they are taken (each a row with who and when)."""

    RECEIVED = "received"
    EXAMINED = "examined"  # forensic notes, belongings, tags, photos of belongings
    SAMPLE_TAKEN = "sample_taken"
    DNA_PROFILE = "dna_profile"  # requested / obtained: the laboratory's reference only
    DNA_MATCH = "dna_match"  # the laboratory reports a match to a family's reference
    IDENTIFIED = "identified"  # who, by what method; a second person confirms
    FAMILY_INFORMED = "family_informed"  # in person, recorded
    HANDED_TO_FAMILY = "handed_to_family"


STEP_ORDER = tuple(Step)
# Steps a second person must confirm (never the one who recorded them).
FOUR_EYES = frozenset({Step.DNA_MATCH, Step.IDENTIFIED})
# Steps that name the inquiry (the family) they are about.
NAMES_AN_INQUIRY = frozenset(
    {Step.DNA_MATCH, Step.IDENTIFIED, Step.FAMILY_INFORMED, Step.HANDED_TO_FAMILY}
)
# Steps for the forensic side (capability forensics.write); the rest a liaison may record.
FORENSIC_STEPS = frozenset(
    {Step.EXAMINED, Step.SAMPLE_TAKEN, Step.DNA_PROFILE, Step.DNA_MATCH, Step.IDENTIFIED}
)


class Method(StrEnum):
    DNA = "dna"  # a laboratory's DNA match
    FORENSIC = "forensic"  # a forensic identification by an authorised person


class Relation(StrEnum):
    """A reference donor's relation to the missing person."""

    MOTHER = "mother"
    FATHER = "father"
    CHILD = "child"
    SIBLING = "sibling"
    SPOUSE = "spouse"  # only with a child of theirs: alone, not a relative by blood
    OTHER = "other"


def references_enough(relations: Iterable[Relation]) -> bool:
    """Parents and children first: one parent or one child is enough, else two siblings."""
    found = list(relations)
    direct = {Relation.MOTHER, Relation.FATHER, Relation.CHILD}
    return any(r in direct for r in found) or found.count(Relation.SIBLING) >= 2


@dataclass(frozen=True, slots=True)
class Done:
    """A step already taken in a case, as the rules see it."""

    step: Step
    individual: int
    inquiry_id: int | None
    confirmed: bool
    method: str = ""


def missing_before(
    step: Step, *, individual: int, inquiry_id: int | None, method: str, done: list[Done]
) -> str | None:
    """What must happen before this step, or None when it may be recorded now."""
    mine = [d for d in done if d.individual == individual]
    if step in NAMES_AN_INQUIRY and inquiry_id is None:
        return f"a {step.value} step names the family's case: add --inquiry HC-…"
    if step is Step.IDENTIFIED:
        if method not in {m.value for m in Method}:
            return "say how: --method dna (a laboratory's match) or --method forensic"
        if method == Method.DNA and not _confirmed(mine, Step.DNA_MATCH, inquiry_id):
            return "a DNA identification needs a confirmed dna_match to this family first"
    if step is Step.FAMILY_INFORMED and not _confirmed(mine, Step.IDENTIFIED, inquiry_id):
        return "the family is told only after a confirmed identification"
    if step is Step.HANDED_TO_FAMILY and not any(
        d.step is Step.FAMILY_INFORMED and d.inquiry_id == inquiry_id for d in mine
    ):
        return "the remains go to the family after they are told in person"
    return None


def _confirmed(done: list[Done], step: Step, inquiry_id: int | None) -> bool:
    return any(d.step is step and d.inquiry_id == inquiry_id and d.confirmed for d in done)


REFERENCE_PREFIX = "RC"
_REFERENCE = re.compile(r"^RC-(\d{4})-(\d{6,})$")


def case_reference(year: int, number: int) -> str:
    """A remains case's reference: RC-2025-000123."""
    return f"{REFERENCE_PREFIX}-{year:04d}-{number:06d}"


def parse_case_reference(text: str) -> int | None:
    """The case number in a reference (or a plain number), None when it is neither."""
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    found = _REFERENCE.match(text)
    return int(found.group(2)) if found else None


def reconciliation_line(received: int, declared: int | None) -> str:
    """'received 60 of 61 declared' (or 'received 60, none declared')."""
    if declared is None:
        return f"received {received}, none declared"
    return f"received {received} of {declared} declared"

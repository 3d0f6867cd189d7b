"""The status table in docs/tracing.md is the one the code uses, and it keeps the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.domain.record import Fate, SourceKind
from homecoming.tracing.evidence import (
    CLOSED,
    STATUS_TABLE,
    Origin,
    PersonStatus,
    origin_of,
    read,
)
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.templates import TEMPLATE_FOR_STATUS, TemplateName

DOC = Path(__file__).resolve().parents[2] / "docs" / "tracing.md"


def _doc_table() -> dict[tuple[str, str], tuple[str, str]]:
    """(origin, fate) -> (person, family) as docs/tracing.md prints it."""
    text = DOC.read_text("utf-8")
    section = text[text.index("### What evidence proves") :]
    rows = section.splitlines()
    first = next(i for i, line in enumerate(rows) if line.startswith("|"))
    lines = []
    for line in rows[first:]:
        if not line.startswith("|"):
            break
        lines.append(line)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    columns = [[f.strip() for f in cell.removeprefix("fate:").split(",")] for cell in header[1:]]
    cells: dict[tuple[str, str], tuple[str, str]] = {}
    for line in lines[2:]:
        origin, *values = (cell.strip() for cell in line.strip("|").split("|"))
        for fates, value in zip(columns, values, strict=True):
            person, family = (part.strip() for part in value.split("/"))
            for fate in fates:
                cells[(origin, fate)] = (person, family)
    return cells


def test_the_docs_table_is_the_code_table() -> None:
    documented = _doc_table()
    coded = {
        (origin.value, fate.value): (reading.person.value, reading.family.value)
        for origin, row in STATUS_TABLE.items()
        for fate, reading in row.items()
    }
    assert len(coded) == len(Origin) * len(Fate)
    assert documented == coded


@pytest.mark.parametrize("origin", list(Origin))
def test_seen_alive_is_never_released(origin: Origin) -> None:
    if origin in (Origin.HANDOVER, Origin.DETAINING_PARTY):
        return
    for fate in Fate:
        assert read(origin, fate).family is not FamilyStatus.RELEASED, (origin, fate)


def test_only_a_handover_or_the_detaining_party_says_released() -> None:
    saying = {
        (o, f) for o, row in STATUS_TABLE.items() for f, r in row.items() if r.person == "released"
    }
    assert {o for o, _ in saying} == {Origin.HANDOVER, Origin.DETAINING_PARTY}
    assert read(Origin.VIDEO, Fate.FOUND_ALIVE).person is PersonStatus.SEEN_ALIVE
    assert read(Origin.PFIF_FEED, Fate.FOUND_ALIVE).family is FamilyStatus.SEEN_ALIVE


def test_captivity_is_confirmed_only_by_the_detaining_party_or_an_icrc_visit() -> None:
    confirming = {
        o
        for o, row in STATUS_TABLE.items()
        for r in row.values()
        if r.family is FamilyStatus.CONFIRMED_CAPTIVITY
    }
    assert confirming == {Origin.DETAINING_PARTY, Origin.ICRC_VISIT}
    own = origin_of(SourceKind.PARTY_LIST, source_party="UA", family_party="UA")
    assert own is Origin.OWN_PARTY
    assert read(own, Fate.LISTED).family is FamilyStatus.INFORMATION_ADDED
    # A party not known on either side is not taken for the detaining party.
    assert origin_of(SourceKind.PARTY_LIST, source_party=None, family_party="UA") is own
    assert origin_of(SourceKind.PARTY_LIST, source_party="RU", family_party=None) is own
    theirs = origin_of(SourceKind.PARTY_LIST, source_party="RU", family_party="UA")
    assert theirs is Origin.DETAINING_PARTY


def test_only_an_identification_closes_a_case_as_deceased() -> None:
    for origin, row in STATUS_TABLE.items():
        reading = row[Fate.DECEASED]
        if origin is Origin.FORENSIC:
            assert reading.family is FamilyStatus.DECEASED
        else:
            assert reading.family is FamilyStatus.REPORTED_DECEASED
            assert reading.family not in CLOSED


def test_no_message_says_more_than_the_evidence() -> None:
    assert TEMPLATE_FOR_STATUS[FamilyStatus.SEEN_ALIVE] is TemplateName.INFORMATION_ADDED
    assert TEMPLATE_FOR_STATUS[FamilyStatus.REPORTED_DECEASED] is TemplateName.DECEASED

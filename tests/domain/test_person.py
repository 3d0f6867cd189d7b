"""A person's status and contradictions are derived from the claims of its records."""

from __future__ import annotations

import datetime as dt

from homecoming.domain.dates import PartialDate
from homecoming.domain.person import Claim, derive
from homecoming.domain.record import Fate, SourceKind

RECEIVED = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)


def _claim(
    record_id: int,
    kind: SourceKind,
    fate: Fate | None,
    when: PartialDate,
    born: PartialDate | None = None,
) -> Claim:
    return Claim(
        record_id=record_id,
        source_id=record_id,
        source_name=f"source {record_id}",
        source_kind=kind,
        received_at=RECEIVED,
        fate=fate,
        fate_date=when,
        date_of_birth=born or PartialDate(),
    )


def test_latest_claim_gives_the_status() -> None:
    derived = derive(
        [
            _claim(2, SourceKind.ICRC_VISIT, Fate.DETAINED, PartialDate(2025, 2)),
            _claim(1, SourceKind.FAMILY_INQUIRY, Fate.MISSING, PartialDate(2024, 3)),
        ]
    )
    assert derived.status == Fate.DETAINED
    assert [c.record_id for c in derived.timeline] == [1, 2]
    assert derived.contradictions == []


def test_a_late_weak_death_note_does_not_override_an_icrc_visit() -> None:
    derived = derive(
        [
            _claim(1, SourceKind.ICRC_VISIT, Fate.DETAINED, PartialDate(2025, 2)),
            _claim(2, SourceKind.PFIF_FEED, Fate.DECEASED, PartialDate(2025, 3)),
        ]
    )
    assert derived.status == Fate.DETAINED
    assert derived.basis is not None and derived.basis.record_id == 1


def test_dead_then_alive_is_a_contradiction_shown_not_resolved() -> None:
    derived = derive(
        [
            _claim(1, SourceKind.PARTY_LIST, Fate.DECEASED, PartialDate(2024, 9)),
            _claim(2, SourceKind.ICRC_VISIT, Fate.DETAINED, PartialDate(2025, 2)),
        ]
    )
    assert derived.status == Fate.DETAINED
    assert [(c.fact, c.record_ids) for c in derived.contradictions] == [("fate", (1, 2))]


def test_partial_dates_of_birth_that_agree_are_not_a_contradiction() -> None:
    derived = derive(
        [
            _claim(1, SourceKind.PARTY_LIST, None, PartialDate(), PartialDate(1987)),
            _claim(2, SourceKind.ICRC_VISIT, None, PartialDate(), PartialDate(1987, 5, 23)),
            _claim(3, SourceKind.TESTIMONY, None, PartialDate(), PartialDate(1987, 5)),
        ]
    )
    assert derived.contradictions == []
    clash = derive(
        [
            _claim(1, SourceKind.PARTY_LIST, None, PartialDate(), PartialDate(1987, 5, 23)),
            _claim(2, SourceKind.ICRC_VISIT, None, PartialDate(), PartialDate(1987, 3)),
        ]
    )
    assert clash.contradictions[0].values == ("1987-05-23", "1987-03")

"""The demo scenario: its sources, their rows, and the May 2025 agreement."""

from __future__ import annotations

import collections
import datetime as dt
from functools import cache

from homecoming.domain.record import Fate, SourceKind
from homecoming.generate.scenario import MAY_2025_AGREEMENT, Scenario, build_scenario


@cache
def _demo() -> Scenario:
    return build_scenario()


@cache
def _small(seed: int) -> Scenario:
    return build_scenario(seed=seed, people=1_500)


def test_agreement_numbers() -> None:
    agreement = _demo().agreement
    assert agreement is MAY_2025_AGREEMENT
    assert agreement.per_side == 1000 and agreement.parties == ("UA", "RU")
    assert [s.day for s in agreement.stages] == [
        dt.date(2025, 5, 23), dt.date(2025, 5, 24), dt.date(2025, 5, 25),
    ]  # fmt: skip
    assert [s.total for s in agreement.stages] == [390, 307, 303]
    assert [(s.soldiers, s.civilians) for s in agreement.stages] == [(270, 120), (307, 0), (303, 0)]
    assert sum(s.total for s in agreement.stages) == agreement.per_side


def test_parties_and_size() -> None:
    scenario = _demo()
    assert [(p.code, p.name) for p in scenario.parties] == [
        ("UA", "Ukraine"), ("RU", "Russian Federation"),
    ]  # fmt: skip
    assert len(scenario.people) == 20_000
    rows = sum(len(s.rows) for s in scenario.sources)
    assert 15_000 < rows < 40_000


def test_every_kind_of_source_is_there() -> None:
    kinds = collections.Counter(s.kind for s in _demo().sources)
    assert kinds[SourceKind.PARTY_LIST] >= 2
    assert kinds[SourceKind.ICRC_VISIT] >= 2
    assert kinds[SourceKind.FAMILY_INQUIRY] >= 2
    assert kinds[SourceKind.TESTIMONY] >= 50
    assert {s.party for s in _demo().sources} == {"UA", "RU"}
    assert len({s.name for s in _demo().sources}) == len(_demo().sources)


def test_enough_people_held_for_the_exchange() -> None:
    for holder in ("UA", "RU"):
        held = [p for p in _demo().people if p.held_by == holder]
        soldiers = sum(p.category.value == "serviceman" for p in held)
        assert soldiers >= 880 and len(held) - soldiers >= 120


def test_rows_are_numbered_and_true() -> None:
    people = {p.person_id: p for p in _demo().people}
    for source in _demo().sources:
        assert [r.line for r in source.rows] == list(range(2, len(source.rows) + 2))
        for row in source.rows:
            assert row.truth_person_id == "" or row.truth_person_id in people
            assert (row.contact is not None) == (source.kind is SourceKind.FAMILY_INQUIRY)


def test_contacts_are_complete() -> None:
    for source in _demo().sources:
        for row in source.rows:
            if row.contact is not None:
                c = row.contact
                assert c.name and c.relation and c.phone and "@" in c.email and c.address


def test_party_lists_hold_what_they_claim() -> None:
    people = {p.person_id: p for p in _demo().people}
    for source in _demo().sources:
        if source.kind is SourceKind.PARTY_LIST and "held" in source.name:
            holders = collections.Counter(people[r.truth_person_id].held_by for r in source.rows)
            assert holders.most_common(1)[0][0] == source.party
            assert all(r.fields.fate is Fate.DETAINED for r in source.rows)


def test_testimonies_name_fellow_prisoners() -> None:
    people = {p.person_id: p for p in _demo().people}
    strangers = 0
    for source in _demo().sources:
        if source.kind is SourceKind.TESTIMONY:
            for row in source.rows:
                assert row.fields.family_name and not row.fields.date_of_birth.iso()
                if not row.truth_person_id:
                    strangers += 1
                else:
                    assert people[row.truth_person_id].held_by == "RU"
    assert strangers > 0


def test_deterministic() -> None:
    assert _small(1) == build_scenario(seed=1, people=1_500)
    assert _small(1) != _small(2)


def test_no_source_speaks_before_the_event() -> None:
    people = {p.person_id: p for p in _demo().people}
    for source in _demo().sources:
        if source.kind in (SourceKind.ICRC_VISIT, SourceKind.FAMILY_INQUIRY, SourceKind.TESTIMONY):
            for row in source.rows:
                if row.truth_person_id:
                    assert people[row.truth_person_id].event_date < source.received

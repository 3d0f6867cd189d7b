"""The seed scenario of issue 5, end to end on both databases: the May 2025 "1000 for 1000"
agreement in three stages, dirty offer lists from both parties validated against the registry,
the stages composed by CP-SAT with parity, stage 1 handed over person by person (one declines,
one is substituted, one is not delivered) and the reconciliation figures, all exact.

The people are generated (no real person): each side holds 1,002 people of the other party,
named from short lists of Ukrainian and Russian names so that every (family, given) pair is
unique within a side.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, Fate, RecordFields, SourceKind
from homecoming.exchange.findings import Decision
from homecoming.exchange.planning import Candidate, plan_stages
from homecoming.exchange.reconciliation import Outcome
from homecoming.generate.scenario import build_scenario
from homecoming.services import (
    agreements,
    audit,
    exchange_demo,
    exchange_lists,
    handovers,
    judgements,
    persons,
    reconciliation,
    registry,
    stages,
)
from homecoming.services.judgements import Decision as Judgement
from homecoming.services.scope import Scope
from homecoming.services.search import SearchService
from homecoming.store.db import Database
from homecoming.store.models import Record


def _words(text: str) -> list[str]:
    return text.split()


UA_FAMILIES = _words(
    "Коваленко Шевченко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Бойко Мельник "
    "Ткачук Савченко Руденко Лисенко Марченко Мороз Петренко Клименко Павленко Кравчук "
    "Левченко Гончаренко Харченко Коваль Гнатюк Литвиненко Кучер Панченко Остапенко Дячук "
    "Нестеренко Білик Зінченко Ярошенко Тимошенко Мазур Гордієнко Антоненко Сидоренко Романюк"
)
UA_GIVEN = _words(
    "Олександр Андрій Сергій Дмитро Володимир Іван Микола Василь Юрій Петро Олег Віталій "
    "Богдан Тарас Роман Ігор Максим Михайло Євген Артем Назар Остап Ярослав Степан Григорій "
    "Денис"
)
RU_FAMILIES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Федоров "
    "Морозов Волков Алексеев Лебедев Семенов Егоров Павлов Козлов Степанов Николаев Орлов "
    "Андреев Макаров Никитин Захаров Зайцев Соловьев Борисов Яковлев Григорьев Романов "
    "Воробьев Сергеев Кузьмин Фролов Александров Дмитриев Королев Гусев Киселев"
)
RU_GIVEN = _words(
    "Александр Алексей Сергей Дмитрий Андрей Иван Николай Владимир Михаил Евгений Павел "
    "Артем Максим Игорь Роман Олег Виктор Юрий Денис Антон Кирилл Никита Константин Вадим "
    "Илья Станислав"
)

SOLDIERS, CIVILIANS = 880, 120
RELEASED_EARLIER = SOLDIERS + CIVILIANS  # index of the person exchanged in 2024
SPARE = RELEASED_EARLIER + 1  # held, not offered: the substitute RU brings instead
HELD = SPARE + 1  # people each side holds
DAY_SHIFT = {"UA": 0, "RU": 14}


@dataclass(frozen=True, slots=True)
class Held:
    """One person a side holds, as the ICRC registered them."""

    index: int
    family: str
    given: str
    born: PartialDate
    category: Category
    service_number: str
    unit: str
    captured: PartialDate

    def fields(self, fate: Fate) -> RecordFields:
        return RecordFields(
            family_name=self.family,
            given_names=self.given,
            date_of_birth=self.born,
            category=self.category,
            service_number=self.service_number,
            unit=self.unit,
            event_date=self.captured,
            fate=fate,
        )


def held_by(holder: str) -> list[Held]:
    """The people `holder` holds: of the other party, soldiers first, then civilians."""
    families, given = (RU_FAMILIES, RU_GIVEN) if holder == "UA" else (UA_FAMILIES, UA_GIVEN)
    people = []
    for i in range(HELD):
        civilian = SOLDIERS <= i < RELEASED_EARLIER
        captured = dt.date(2022, 3, 1) + dt.timedelta(days=i)
        people.append(
            Held(
                index=i,
                family=families[i % 40],
                given=given[(i // 40) % 26],
                # The two sides' i-th people share a given name and a unit: not a birthday.
                born=PartialDate(1965 + i % 35, 1 + i % 12, 1 + (i + DAY_SHIFT[holder]) % 28),
                category=Category.CIVILIAN if civilian else Category.SERVICEMAN,
                service_number="" if civilian else f"{holder}-{100_000 + i}",
                unit="" if civilian else f"в/ч {10_000 + i % 50}",
                captured=PartialDate.from_date(captured),
            )
        )
    return people


# How each party misspells the other's people on its list (index -> family, given).
MISSPELT = {
    # UA writes Петров Александр in Ukrainian, Соколов Александр in Latin with a typo.
    "UA": {5: ("Петров", "Олександр"), 6: ("Sokolof", "Aleksandr")},
    # RU writes Олійник Олександр in Russian, Шевчук Олександр in Latin with a typo.
    "RU": {5: ("Олейник", "Александр"), 6: ("Shevchuk", "Oleksnadr")},
}
DUPLICATE = 10  # listed again at the end of the list
CIVILIAN_AS_SOLDIER = RELEASED_EARLIER - 1  # a civilian on the list as a serviceman


def offer_rows(holder: str, people: list[Held]) -> list[Evidence]:
    """The holder's offer as received: 1,004 lines with the dirt real lists have."""
    rows = []
    for person in people[:RELEASED_EARLIER]:
        fields = person.fields(Fate.LISTED)
        if person.index in MISSPELT[holder]:
            family, given = MISSPELT[holder][person.index]
            # Typed by hand from another document: no service number to lean on.
            fields = dataclasses.replace(
                fields, family_name=family, given_names=given, service_number=""
            )
        if person.index == CIVILIAN_AS_SOLDIER:
            fields = dataclasses.replace(fields, category=Category.SERVICEMAN)
        rows.append(fields)
    rows.append(people[DUPLICATE].fields(Fate.LISTED))
    rows.append(people[RELEASED_EARLIER].fields(Fate.LISTED))
    nobody = "Невідомий" if holder == "RU" else "Неизвестный"
    rows.append(
        RecordFields(
            family_name=nobody,
            given_names="Яким",
            date_of_birth=PartialDate(1999, 9, 9),
            category=Category.SERVICEMAN,
            fate=Fate.LISTED,
        )
    )
    return [
        Evidence(line=n, raw={"name": f.display_name()}, fields=f) for n, f in enumerate(rows, 2)
    ]


def build_registry(db: Database) -> dict[str, list[int]]:
    """ICRC registrations of everyone held, and the 2024 release of one per side; returns each
    holder's person ids in index order."""
    registry.ensure_party(db, code="UA", name="Ukraine", actor="registrar")
    registry.ensure_party(db, code="RU", name="Russian Federation", actor="registrar")
    ids: dict[str, list[int]] = {}
    for holder in ("UA", "RU"):
        people = held_by(holder)
        visit = registry.import_evidence(
            db,
            source=registry.SourceInfo(
                kind=SourceKind.ICRC_VISIT,
                name=f"ICRC visits, held by {holder}",
                party=holder,
                received_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
            ),
            rows=[
                Evidence(line=p.index + 2, raw={}, fields=p.fields(Fate.DETAINED)) for p in people
            ],
            actor="registrar",
        )
        released = people[RELEASED_EARLIER]
        release = registry.import_evidence(
            db,
            source=registry.SourceInfo(
                kind=SourceKind.ICRC_VISIT,
                name=f"ICRC: released by {holder} on 2025-05-06",
                party=holder,
                received_at=dt.datetime(2025, 5, 6, 18, tzinfo=dt.UTC),
            ),
            rows=[
                Evidence(
                    line=2,
                    raw={},
                    fields=dataclasses.replace(
                        released.fields(Fate.RELEASED), fate_date=PartialDate(2025, 5, 6)
                    ),
                )
            ],
            actor="registrar",
        )
        assert visit.source_id is not None and release.source_id is not None
        visited = registry.record_ids_of(db, visit.source_id)
        (freed,) = registry.record_ids_of(db, release.source_id)
        judgements.judge(
            db,
            record_a=visited[RELEASED_EARLIER],
            record_b=freed,
            decision=Judgement.SAME,
            reason="same man: service number and date of birth agree",
            actor="registrar",
        )
        with db.reading() as session:
            by_record = dict(
                session.execute(
                    select(Record.id, Record.person_id).where(Record.id.in_(visited))
                ).all()
            )
        ids[holder] = [p for p in (by_record[r] for r in visited) if p is not None]
        assert len(ids[holder]) == HELD  # every record landed on a person of its own
    return ids


def listed_name(holder: str, index: int) -> str:
    """The name `holder`'s offer gives the person of that index."""
    if index in MISSPELT[holder]:
        return " ".join(MISSPELT[holder][index])
    person = held_by(holder)[index]
    return f"{person.family} {person.given}"


@dataclass(frozen=True, slots=True)
class Scenario:
    agreement_id: int
    ids: dict[str, list[int]]  # holder -> person id of each index
    reports: dict[str, exchange_lists.ValidationReport]
    search: SearchService

    def index(self, holder: str, person_id: int) -> int:
        return self.ids[holder].index(person_id)


def build(db: Database) -> Scenario:
    """Registry, the agreement, both offers imported as received and validated."""
    ids = build_registry(db)
    agreement = exchange_demo.may_2025_agreement(build_scenario())
    view = agreements.create_agreement(db, agreement=agreement, actor="negotiator")
    search = SearchService(db)
    reports = {}
    for holder in ("UA", "RU"):
        version = exchange_lists.import_version(
            db,
            agreement_id=view.id,
            party=holder,
            direction=exchange_lists.Direction.OFFER,
            rows=offer_rows(holder, held_by(holder)),
            file_name=f"{holder.lower()}-offer-2025-05-20.csv",
            content_hash=f"may-2025-{holder}-offer-v1",
            received_from=f"{holder} delegation, Istanbul",
            received_at=dt.datetime(2025, 5, 20, 10, tzinfo=dt.UTC),
            actor="registrar",
        )
        reports[holder] = exchange_lists.validate_version(
            db, search, version_id=version.id, actor="registrar"
        )
    return Scenario(view.id, ids, reports, search)


def _kinds(report: exchange_lists.ValidationReport) -> list[tuple[int, str]]:
    return [(line.entry.line, f.kind) for line in report.lines for f in line.findings]


def check_findings(db: Database, world: Scenario) -> None:
    """Exactly the dirt put in is found, and nothing else; the misspelt names resolve."""
    for holder, report in world.reports.items():
        assert report.version.label == f"{holder} offer v1" and report.version.entries == 1003
        assert _kinds(report) == [
            (1001, "wrong_category"),  # the civilian listed as a serviceman
            (1002, "listed_twice"),  # person 10 again
            (1003, "already_released"),  # released on 2025-05-06
            (1004, "not_found"),  # nobody of that name is held
        ]
        lines = {line.entry.line: line for line in report.lines}
        ids = world.ids[holder]
        for index in MISSPELT[holder]:  # line = index + 2
            line = lines[index + 2]
            assert (line.person_id, line.findings) == (ids[index], [])
            assert line.score >= 0.99
            registered = persons.show(db, ids[index]).display_name
            assert registered.startswith(held_by(holder)[index].family)
        assert sum(1 for line in report.lines if line.person_id is not None) == 1002
        assert lines[1002].person_id == lines[12].person_id == ids[DUPLICATE]
        (twice,) = lines[1002].findings
        assert twice.evidence["lines"] == [12, 1002] and twice.blocking
        (released,) = lines[1003].findings
        assert lines[1003].person_id == ids[RELEASED_EARLIER]
        assert released.evidence["source"] == f"ICRC: released by {holder} on 2025-05-06"
        (wrong,) = lines[1001].findings
        assert (lines[1001].person_id, lines[1001].category) == (
            ids[CIVILIAN_AS_SOLDIER],
            "soldiers",
        )
        assert wrong.message == "listed as soldiers: a civilian in a serviceman category"
        assert lines[1004].person_id is None
        assert report.counts == {
            "already_released": 1,
            "listed_twice": 1,
            "not_found": 1,
            "wrong_category": 1,
        }


def decide_findings(db: Database, world: Scenario) -> None:
    """What an operator does: the civilian is corrected to civilians, the rest held back."""
    for holder, report in world.reports.items():
        for line in report.lines:
            for finding in line.findings:
                wrong = finding.kind == "wrong_category"
                exchange_lists.decide_finding(
                    db,
                    finding_id=finding.id,
                    decision=Decision.CORRECT if wrong else Decision.ACCEPT,
                    corrected_category="civilians" if wrong else None,
                    reason="a civilian: her papers say so" if wrong else "right: not exchanged",
                    actor=f"negotiator-{holder.lower()}",
                    scope=Scope(holder),
                )
    accepted = exchange_lists.accepted_entries(db, agreement_id=world.agreement_id)
    assert Counter((e.party, e.category) for e in accepted) == {
        ("UA", "soldiers"): 880,
        ("UA", "civilians"): 120,
        ("RU", "soldiers"): 880,
        ("RU", "civilians"): 120,
    }


def check_stages(world: Scenario, plan: stages.PlanView) -> None:
    """Parity and the counts of May 2025, every accepted person in exactly one stage."""
    assert plan.solver_status in {"OPTIMAL", "FEASIBLE"} and plan.left_out == 0
    assert [(s.number, s.day, s.planned) for s in plan.stages] == [
        (1, "2025-05-23", {"soldiers": 270, "civilians": 120}),
        (2, "2025-05-24", {"soldiers": 307}),
        (3, "2025-05-25", {"soldiers": 303}),
    ]
    assert [s.counts for s in plan.stages] == [
        {"UA": {"civilians": 120, "soldiers": 270}, "RU": {"civilians": 120, "soldiers": 270}},
        {"UA": {"soldiers": 307}, "RU": {"soldiers": 307}},
        {"UA": {"soldiers": 303}, "RU": {"soldiers": 303}},
    ]
    assert [f for s in plan.stages for f in s.findings if f.severity == "breach"] == []
    for holder in ("UA", "RU"):
        placed = [
            world.index(holder, m.person_id)
            for s in plan.stages
            for m in s.members
            if m.party == holder
        ]
        assert sorted(placed) == list(range(SOLDIERS + CIVILIANS))  # once each, nobody else
        civilians = sorted(
            world.index(holder, m.person_id)
            for m in plan.stages[0].members
            if m.party == holder and m.category == "civilians"
        )
        assert civilians == list(range(SOLDIERS, SOLDIERS + CIVILIANS))


@dataclass(frozen=True, slots=True)
class Picked:
    """The three people whose handover goes wrong in stage 1."""

    declined: int  # UA's soldier who declines repatriation
    substituted: int  # RU's soldier in whose place RU brings someone else
    not_delivered: int  # RU's civilian who is not brought


def _first(world: Scenario, stage: stages.StageView, holder: str, category: str) -> int:
    """The member longest in captivity (lowest index) on one side and category."""
    return min(
        (m.person_id for m in stage.members if m.party == holder and m.category == category),
        key=lambda p: world.index(holder, p),
    )


def hand_over_stage_1(db: Database, world: Scenario) -> Picked:
    """Stage 1, person by person: 780 recordings, three of which go wrong."""
    stage = stages.show(db, agreement_id=world.agreement_id, number=1)
    picked = Picked(
        declined=_first(world, stage, "UA", "soldiers"),
        substituted=_first(world, stage, "RU", "soldiers"),
        not_delivered=_first(world, stage, "RU", "civilians"),
    )
    spare = held_by("RU")[SPARE]  # Шевченко Денис, held by RU, on no list
    assert (spare.family, spare.given) == ("Шевченко", "Денис")
    for member in stage.members:
        extra: dict[str, object] = {}
        outcome = Outcome.DELIVERED
        if member.person_id == picked.declined and member.party == "UA":
            outcome = Outcome.DECLINED
            extra["evidence"] = "ICRC interview 2025-05-22 (generated)"
        elif member.person_id == picked.substituted and member.party == "RU":
            outcome = Outcome.SUBSTITUTED
            extra["substitute"] = handovers.Substitute(
                "Shevchenko", "Denys", date_of_birth=spare.born
            )
        elif member.person_id == picked.not_delivered and member.party == "RU":
            outcome = Outcome.NOT_DELIVERED
        handovers.record_handover(
            db,
            world.search,
            agreement_id=world.agreement_id,
            number=1,
            party=member.party,
            person_id=member.person_id,
            outcome=outcome,
            actor=f"operator-{member.party.lower()}",
            **extra,  # type: ignore[arg-type]
        )
    return picked


def check_handovers(db: Database, world: Scenario, picked: Picked) -> None:
    """Live tallies exact; the substitute resolved to the registry's person; statuses follow."""
    tally = handovers.tally(db, agreement_id=world.agreement_id, number=1)
    assert tally.counts == {
        "UA": {"soldiers": {"delivered": 269, "declined": 1}, "civilians": {"delivered": 120}},
        "RU": {
            "soldiers": {"delivered": 269, "substituted": 1},
            "civilians": {"delivered": 119, "not_delivered": 1},
        },
    }
    assert tally.pending == {"UA": {}, "RU": {}}
    assert (tally.crossed("UA", "soldiers"), tally.crossed("RU", "soldiers")) == (269, 270)
    rows = handovers.list_handovers(db, agreement_id=world.agreement_id, number=1)
    assert len(rows) == 780
    (swap,) = [r for r in rows if r.outcome == "substituted"]
    assert (swap.person_id, swap.substitute_person_id) == (
        picked.substituted,
        world.ids["RU"][SPARE],
    )
    (declined,) = [r for r in rows if r.outcome == "declined"]
    assert declined.record_id is None and declined.evidence.startswith("ICRC interview")
    status = {
        pid: persons.show(db, pid).derived.status
        for pid in (picked.declined, picked.substituted, picked.not_delivered, swap.person_id)
    }
    assert status == {
        picked.declined: "detained",
        picked.substituted: "detained",
        picked.not_delivered: "detained",
    }
    assert persons.show(db, world.ids["RU"][SPARE]).derived.status == "released"
    delivered = next(r for r in rows if r.outcome == "delivered" and r.party == "UA")
    assert persons.show(db, delivered.person_id).derived.status == "released"


def declare_counts(db: Database, world: Scenario) -> None:
    """Each party's own figures: two differ from ours by one, one agrees."""
    for by, handing, category, count, note in (
        ("UA", "UA", "soldiers", 270, "UA Coordination HQ: the man who declined counted"),
        ("RU", "RU", "civilians", 120, "RU Ministry of Defence statement (generated)"),
        ("RU", "UA", "soldiers", 269, "RU Ministry of Defence statement (generated)"),
    ):
        reconciliation.declare_count(
            db,
            agreement_id=world.agreement_id,
            number=1,
            declared_by=by,
            handing_party=handing,
            category=category,
            count=count,
            note=note,
            actor="negotiator",
        )


def _sides(line: object) -> list[tuple[object, ...]]:
    return [
        (
            s.party,
            s.agreed,
            s.listed,
            s.delivered,
            [(d.by, d.count, d.differs_by) for d in s.declared],
        )
        for s in line.sides  # type: ignore[attr-defined]
    ]


def check_reconciliation(db: Database, world: Scenario, picked: Picked) -> None:
    """The figures of May 2025 after stage 1, exactly."""
    result = reconciliation.reconciliation(db, agreement_id=world.agreement_id)
    assert result.running == {
        "UA": "389 of 1000: 269 of 880 soldiers, 120 of 120 civilians",
        "RU": "389 of 1000: 270 of 880 soldiers, 119 of 120 civilians",
    }
    assert result.delivered_total == {"UA": 389, "RU": 389}
    lines = {(line.stage, line.category): line for line in result.lines}
    assert list(lines) == [
        (1, "soldiers"),
        (1, "civilians"),
        (2, "soldiers"),
        (3, "soldiers"),
        (None, "soldiers"),
        (None, "civilians"),
    ]
    assert _sides(lines[1, "soldiers"]) == [
        ("UA", 270, 270, 269, [("RU", 269, 0), ("UA", 270, 1)]),
        ("RU", 270, 270, 270, []),
    ]
    assert _sides(lines[1, "civilians"]) == [
        ("UA", 120, 120, 120, []),
        ("RU", 120, 120, 119, [("RU", 120, 1)]),
    ]
    assert _sides(lines[2, "soldiers"]) == [("UA", 307, 307, 0, []), ("RU", 307, 307, 0, [])]
    assert _sides(lines[3, "soldiers"]) == [("UA", 303, 303, 0, []), ("RU", 303, 303, 0, [])]
    assert _sides(lines[None, "soldiers"]) == [
        ("UA", 880, 880, 269, [("RU", 269, 0), ("UA", 270, 1)]),
        ("RU", 880, 880, 270, []),
    ]
    assert _sides(lines[None, "civilians"]) == [
        ("UA", 120, 120, 120, []),
        ("RU", 120, 120, 119, [("RU", 120, 1)]),
    ]
    assert [line.balanced for line in lines.values()] == [False, False, True, True, False, False]
    substitute = world.ids["RU"][SPARE]
    assert [
        (m.party, m.category, m.person_id, m.name, m.outcome, m.note)
        for m in result.mismatches
        if m.stage == 1
    ] == [
        (
            "RU",
            "civilians",
            picked.not_delivered,
            listed_name("RU", world.index("RU", picked.not_delivered)),
            "not_delivered",
            "",
        ),
        (
            "RU",
            "soldiers",
            picked.substituted,
            listed_name("RU", world.index("RU", picked.substituted)),
            "substituted",
            f"substituted by Shevchenko Denys (person {substitute})",
        ),
        (
            "UA",
            "soldiers",
            picked.declined,
            listed_name("UA", world.index("UA", picked.declined)),
            "declined",
            "ICRC interview 2025-05-22 (generated)",
        ),
    ]
    later = Counter((m.stage, m.party, m.outcome) for m in result.mismatches if m.stage != 1)
    assert later == {
        (2, "UA", "not recorded"): 307,
        (2, "RU", "not recorded"): 307,
        (3, "UA", "not recorded"): 303,
        (3, "RU", "not recorded"): 303,
    }


def test_may_2025_one_thousand_for_one_thousand(db: Database) -> None:
    world = build(db)
    check_findings(db, world)
    decide_findings(db, world)
    check_stages(world, stages.plan(db, agreement_id=world.agreement_id, actor="negotiator"))
    started = time.perf_counter()
    picked = hand_over_stage_1(db, world)
    print(f"780 handovers recorded in {time.perf_counter() - started:.1f} s")
    check_handovers(db, world, picked)
    declare_counts(db, world)
    check_reconciliation(db, world, picked)
    # A person delivered on 23 May is "already released" on any later list.
    delivered = held_by("UA")[world.index("UA", _delivered(db, world, "UA"))]
    again = exchange_lists.import_version(
        db,
        agreement_id=world.agreement_id,
        party="UA",
        direction=exchange_lists.Direction.OFFER,
        rows=[Evidence(line=2, raw={}, fields=delivered.fields(Fate.LISTED))],
        file_name="ua-offer-2025-05-24.csv",
        content_hash="may-2025-UA-offer-v2",
        actor="registrar",
    )
    report = exchange_lists.validate_version(
        db, world.search, version_id=again.id, actor="registrar"
    )
    assert [(f.kind, f.message) for line in report.lines for f in line.findings] == [
        ("already_released", "already handed over in stage 1 of '1000 for 1000'")
    ]
    assert audit.verify(db).ok


def _delivered(db: Database, world: Scenario, party: str) -> int:
    rows = handovers.list_handovers(db, agreement_id=world.agreement_id, number=1, party=party)
    return next(r.person_id for r in rows if r.outcome == "delivered")


def test_stage_one_takes_the_longest_in_captivity_first() -> None:
    """docs/exchanges.md: the solver places early the longest in captivity (no wounded here)."""
    agreement = exchange_demo.may_2025_agreement(build_scenario())
    candidates = [
        Candidate(
            key=n * 2 + (party == "RU"),
            party=party,
            category="soldiers" if n < SOLDIERS else "civilians",
            captivity_days=2_000 - n,
        )
        for n in range(SOLDIERS + CIVILIANS)
        for party in ("UA", "RU")
    ]
    plan = plan_stages(agreement, candidates)
    first = {key // 2 for key in plan.members[1]["UA"] + plan.members[1]["RU"]}
    assert first == set(range(270)) | set(range(SOLDIERS, SOLDIERS + CIVILIANS))

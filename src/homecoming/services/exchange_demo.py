"""The demo exchange: the May 2025 "1000 for 1000" agreement over the demo scenario's people.

Both parties' offer lists are cut from the lists of prisoners each holds (so they are dirty the
way real ones are: misspelt in both alphabets, a few repeated, some already released or
reported dead), imported as versions, validated; stage 1 is composed by the solver and some
of its handovers are recorded, so there is something real to look at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, Fate
from homecoming.exchange.agreement import Agreement, CategorySpec, Eligibility, StagePlan
from homecoming.exchange.reconciliation import Outcome
from homecoming.generate.scenario import Scenario, build_scenario
from homecoming.services import (
    agreements,
    exchange_lists,
    handovers,
    reconciliation,
    stages,
)
from homecoming.services.exchange_lists import Direction
from homecoming.services.search import SearchService
from homecoming.store.db import Database

OFFER_ROWS = 1_300  # per side: enough for 880 soldiers and 120 civilians after the findings
HANDED_OVER = 60  # stage 1 handovers recorded per side in the demo


@dataclass(frozen=True, slots=True)
class DemoExchange:
    agreement_id: int
    list_versions: list[int]
    findings: dict[str, int]
    stage_counts: dict[int, dict[str, dict[str, int]]]
    handovers: int
    running: dict[str, str]

    def __rich__(self) -> str:
        stage_1 = self.stage_counts.get(1, {})
        composed = "; ".join(
            f"{party} {', '.join(f'{n} {c}' for c, n in counts.items())}"
            for party, counts in stage_1.items()
        )
        return (
            f"Exchange: agreement {self.agreement_id}, offers as list versions "
            f"{self.list_versions} ({sum(self.findings.values())} findings); stage 1 composed "
            f"({composed}); {self.handovers} handovers recorded. "
            + " ".join(f"{p}: {text}." for p, text in self.running.items())
        )


def may_2025_agreement(scenario: Scenario) -> Agreement:
    """The scenario's agreement as the exchange domain reads it."""
    source = scenario.agreement
    soldiers = sum(s.soldiers for s in source.stages)
    civilians = sum(s.civilians for s in source.stages)
    return Agreement(
        name=source.name,
        parties=source.parties,
        per_side=source.per_side,
        categories=(
            CategorySpec("soldiers", "soldiers", Eligibility(Category.SERVICEMAN), total=soldiers),
            CategorySpec("civilians", "civilians", Eligibility(Category.CIVILIAN), total=civilians),
        ),
        stages=tuple(
            StagePlan(
                s.number,
                s.day,
                {"soldiers": s.soldiers} | ({"civilians": s.civilians} if s.civilians else {}),
            )
            for s in source.stages
        ),
        agreed_on=source.agreed_on,
        place=source.place,
    )


def load_demo_exchange(
    db: Database,
    *,
    actor: str,
    scenario: Scenario | None = None,
    search: SearchService | None = None,
) -> DemoExchange:
    """Agreement, both offers imported and validated, stage 1 composed and partly handed over."""
    scenario = scenario or build_scenario()
    agreement = may_2025_agreement(scenario)
    view = agreements.create_agreement(db, agreement=agreement, actor=actor)
    search = search or SearchService(db)
    versions, findings = [], {}
    for holder in agreement.parties:
        version = exchange_lists.import_version(
            db,
            agreement_id=view.id,
            party=holder,
            direction=Direction.OFFER,
            rows=_offer_rows(scenario, holder),
            file_name=f"{holder.lower()}-offer-2025-05-20.csv",
            content_hash=f"demo-{holder}-offer-{scenario.seed}",
            received_from=f"{holder} delegation, Istanbul",
            received_at=dt.datetime(2025, 5, 20, 10, tzinfo=dt.UTC),
            actor=actor,
        )
        report = exchange_lists.validate_version(db, search, version_id=version.id, actor=actor)
        versions.append(version.id)
        findings[holder] = sum(report.counts.values())
    stages.plan(db, agreement_id=view.id, actor=actor)
    recorded = _hand_over(db, search, view.id, agreement, actor)
    reconciliation.declare_count(
        db,
        agreement_id=view.id,
        number=1,
        declared_by="RU",
        handing_party="UA",
        category="soldiers",
        count=HANDED_OVER + 1,
        note="RU Ministry of Defence statement (generated)",
        actor=actor,
    )
    counts = {
        s.number: stages.show(db, agreement_id=view.id, number=s.number).counts
        for s in agreement.stages
    }
    running = dict(reconciliation.reconciliation(db, agreement_id=view.id).running)
    return DemoExchange(view.id, versions, findings, counts, recorded, running)


def _offer_rows(scenario: Scenario, holder: str) -> list[Evidence]:
    """The first rows of the holder's list of prisoners, as an offer with its own line numbers."""
    held = scenario.source(f"{holder}: prisoners held, as of 2025-05-01")
    rows = []
    for line, row in enumerate(held.rows[:OFFER_ROWS], 2):
        fields = dataclasses.replace(row.fields, fate=Fate.LISTED)
        raw = {
            "family_name": fields.family_name,
            "given_names": fields.given_names,
            "patronymic": fields.patronymic,
            "full_name": fields.full_name,
            "date_of_birth": fields.date_of_birth.iso(),
            "rank": fields.rank,
            "service_number": fields.service_number,
            "unit": fields.unit,
            "category": str(fields.category or ""),
        }
        rows.append(Evidence(line=line, raw={k: v for k, v in raw.items() if v}, fields=fields))
    return rows


def _hand_over(
    db: Database, search: SearchService, agreement_id: int, agreement: Agreement, actor: str
) -> int:
    """Stage 1 under way: most delivered, one declines, one is not delivered, one substituted."""
    view = stages.show(db, agreement_id=agreement_id, number=1)
    later = stages.show(db, agreement_id=agreement_id, number=len(agreement.stages))
    recorded = 0
    for party in agreement.parties:
        side = [m for m in view.members if m.party == party]
        soldiers = [m for m in side if m.category == "soldiers"]
        civilians = [m for m in side if m.category != "soldiers"]
        members = (soldiers[: HANDED_OVER * 2 // 3] + civilians)[:HANDED_OVER]
        instead = next((m for m in later.members if m.party == party), None)
        for index, member in enumerate(members):
            outcome, evidence, substitute = Outcome.DELIVERED, "", None
            if index == 0:
                outcome, evidence = Outcome.DECLINED, "ICRC interview on 2025-05-22 (generated)"
            elif index == 1:
                outcome = Outcome.NOT_DELIVERED
            elif index == 2 and instead is not None:
                # They brought someone listed for a later stage instead.
                family, _, given = instead.name.partition(" ")
                outcome = Outcome.SUBSTITUTED
                substitute = handovers.Substitute(family, given, date_of_birth=PartialDate())
            handovers.record_handover(
                db,
                search,
                agreement_id=agreement_id,
                number=1,
                party=party,
                person_id=member.person_id,
                outcome=outcome,
                evidence=evidence,
                substitute=substitute,
                actor=actor,
            )
            recorded += 1
    return recorded

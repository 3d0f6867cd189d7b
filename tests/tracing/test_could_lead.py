"""A pair is left unscored only when its score cannot reach the lead threshold: the bound
(`match.bounds.best_weight`) is at least the model's weight on every generated pair, at any
prior and any name frequency, and `could_lead` is False only for pairs scored under 0.5."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.generate.people import generate_people
from homecoming.generate.records import generate_records
from homecoming.match.bounds import MARGIN, best_weight
from homecoming.match.levels import compare_facts
from homecoming.match.model import TF_MINIMUM, default_model, probability
from homecoming.services.inquiries import described
from homecoming.tracing import matching
from homecoming.tracing.matching import (
    LEAD_THRESHOLD,
    Described,
    could_lead,
    evidence_keys,
    inquiry_keys,
    score,
)

PRIORS = (1e-2, 1e-4, 1e-6)
FREQUENCIES = (None, TF_MINIMUM, 1e-7, 1e-5, 1e-3)


def _pairs() -> list[tuple[Described, Described]]:
    """Inquiries about generated people beside generated records sharing a name key with
    them: about the same people (noisy renderings: the pairs that reach a lead) and others."""
    people = list(generate_people(1_500, seed=11))
    rng = random.Random(11)
    sought = [  # as a family writes: in Ukrainian, the date and unit as they know them
        Described(
            family_name=person.name_uk.family,
            given_names=person.name_uk.given,
            patronymic=person.name_uk.patronymic,
            date_of_birth=PartialDate.from_date(person.date_of_birth),
            sex=person.sex.value,
            unit=f"{person.unit.number} бригада" if person.unit else "",
        )
        for person in people[:300]
    ]
    seen = [described(r.fields) for r in generate_records(people, seed=11)]
    by_key: dict[int, list[Described]] = defaultdict(list)
    for item in seen:
        for key in evidence_keys(item):
            by_key[key].append(item)
    pairs = {
        (case, item)
        for case in sought
        for key in inquiry_keys(case)
        for item in by_key.get(key, [])
    }
    pairs |= {(rng.choice(sought), rng.choice(seen)) for _ in range(2_000)}
    return sorted(pairs, key=repr)


@pytest.fixture(scope="module")
def pairs() -> list[tuple[Described, Described]]:
    return _pairs()


def test_the_bound_is_at_least_the_models_weight(pairs: list[tuple[Described, Described]]) -> None:
    model = default_model()
    close = 0
    for sought, seen in pairs:
        born, _ = matching._born_as_told(sought, seen)
        left, right = matching._facts(sought, born), matching._facts(seen)
        levels, _ = compare_facts(left, right)
        for prior in PRIORS:
            bound = best_weight(model, left, right, prior=prior)
            for tf in FREQUENCIES:
                weight = model.weight(levels, prior=prior, tf=tf)
                assert bound + MARGIN >= weight, (sought, seen, levels, prior, tf)
                close += bound - weight < 1.0
    assert len(pairs) > 3_000
    assert close > 100  # the bound is reached, near enough, by pairs whose names agree


def test_a_pair_could_lead_unless_its_score_is_under_the_threshold(
    pairs: list[tuple[Described, Described]],
) -> None:
    hopeless: dict[float, int] = defaultdict(int)
    leads = 0
    for sought, seen in pairs:
        for prior in PRIORS:
            unscored = not could_lead(sought, seen, prior=prior)
            hopeless[prior] += unscored
            for tf in FREQUENCIES:
                found = score(sought, seen, prior=prior, frequency=lambda _, tf=tf: tf)
                leads += found.score >= LEAD_THRESHOLD and prior == PRIORS[-1]
                if unscored:
                    assert found.score < LEAD_THRESHOLD, (sought, seen, prior, tf, found)
    # Most pairs are left unscored in a registry of a million; those scored still lead.
    assert hopeless[1e-6] > len(pairs) / 2
    assert 0 < hopeless[1e-4] < hopeless[1e-6]
    assert leads > 100


def test_a_pair_just_reaching_the_threshold_is_scored(
    pairs: list[tuple[Described, Described]],
) -> None:
    """At the prior where a pair's score just reaches the threshold (and any tighter bound
    would leave it out), it is scored."""
    model = default_model()
    reached = 0
    for sought, seen in pairs[::3]:
        born, _ = matching._born_as_told(sought, seen)
        levels, _ = compare_facts(matching._facts(sought, born), matching._facts(seen))
        for tf in FREQUENCIES:
            rest = model.weight(levels, prior=0.5, tf=tf)  # the prior's weight is 0 at 0.5
            prior = probability(0.01 - rest)
            if not 1e-9 < prior < 0.5:
                continue
            found = score(sought, seen, prior=prior, frequency=lambda _, tf=tf: tf)
            assert found.score >= LEAD_THRESHOLD
            assert could_lead(sought, seen, prior=prior), (sought, seen, prior, tf)
            reached += 1
    assert reached > 300


def test_what_the_model_does_not_decide_alone_is_always_scored() -> None:
    """Verified, a surname heard alone, a call sign on both sides: never left unscored."""
    sought = Described(
        family_name="Коваленко",
        given_names="Петро",
        date_of_birth=PartialDate(1990, 3, 14),
        sex="male",
        unit="72 ОМБр",
        call_sign="Грім",
    )
    far = {"date_of_birth": PartialDate(1951, 3, 14), "sex": "female"}
    other = Described(family_name="Коваленко", given_names="Іван", **far)  # type: ignore[arg-type]
    assert not could_lead(sought, other, prior=1e-6)
    assert could_lead(sought, other, prior=1e-6, verified_person=True)
    assert score(sought, other, prior=1e-6, verified_person=True).score >= LEAD_THRESHOLD
    surname = Described(family_name="Коваленко", unit="72 бригада", **far)  # type: ignore[arg-type]
    assert could_lead(sought, surname, prior=1e-6)
    assert score(sought, surname, prior=1e-6).score >= LEAD_THRESHOLD
    heard = replace(other, call_sign="Hrim", unit="72 бригада")
    assert could_lead(sought, heard, prior=1e-6)
    assert score(sought, heard, prior=1e-6).score >= LEAD_THRESHOLD  # the call sign and unit

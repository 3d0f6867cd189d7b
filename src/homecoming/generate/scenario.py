"""The demo scenario: two parties, ~20,000 people, the sources that speak of them, and the May
2025 "1000 for 1000" agreement, as plain data. Everything is generated; nobody is real."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from faker import Faker

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Fate, RecordFields, SourceKind
from homecoming.generate.forms import feminine_surname, masculine_surname
from homecoming.generate.noise import Noise, NoiseProfile
from homecoming.generate.people import Person, generate_people
from homecoming.generate.records import localized, render_record
from homecoming.generate.renderings import (
    Rendering,
    RenderingMix,
)
from homecoming.generate.sampling import below, pick, pick_weighted
from homecoming.generate.vocabulary import (
    RELATION_CUM_WEIGHTS,
    RELATIONS,
    RU_FEMALE,
    RU_MALE,
    UK_FEMALE,
    UK_MALE,
    Localized,
)


@dataclass(frozen=True, slots=True)
class Party:
    code: str
    name: str


PARTIES: tuple[Party, ...] = (Party("UA", "Ukraine"), Party("RU", "Russian Federation"))


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of a source as received; truth_person_id is '' when it names nobody real."""

    line: int  # the line in the file as received (the header is line 1)
    fields: RecordFields
    contact: Contact | None
    truth_person_id: str
    rendering: Rendering
    noise: tuple[Noise, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """A named body of evidence: who sent it, on whose side, when, and its rows."""

    name: str
    kind: SourceKind
    party: str  # the party that sent it, or in whose custody an ICRC visit took place
    author: str
    received: dt.date
    rows: tuple[SourceRow, ...]


@dataclass(frozen=True, slots=True)
class ExchangeStage:
    """One day of the exchange: how many each side hands over, per category."""

    number: int
    day: dt.date
    soldiers: int
    civilians: int

    @property
    def total(self) -> int:
        return self.soldiers + self.civilians


@dataclass(frozen=True, slots=True)
class Agreement:
    """An exchange agreed between the parties: the total per side and the stages."""

    name: str
    agreed_on: dt.date
    place: str
    parties: tuple[str, str]
    per_side: int
    parity: str  # "N for N" within each category, per stage
    stages: tuple[ExchangeStage, ...]


MAY_2025_AGREEMENT = Agreement(
    name="1000 for 1000",
    agreed_on=dt.date(2025, 5, 16),
    place="Istanbul",
    parties=("UA", "RU"),
    per_side=1000,
    parity="N for N",
    stages=(
        ExchangeStage(1, dt.date(2025, 5, 23), soldiers=270, civilians=120),
        ExchangeStage(2, dt.date(2025, 5, 24), soldiers=307, civilians=0),
        ExchangeStage(3, dt.date(2025, 5, 25), soldiers=303, civilians=0),
    ),
)


@dataclass(frozen=True, slots=True)
class Scenario:
    """The parties, the people (ground truth), the sources and the agreement."""

    seed: int
    parties: tuple[Party, ...]
    people: tuple[Person, ...]
    sources: tuple[Source, ...]
    agreement: Agreement

    def source(self, name: str) -> Source:
        """The source of that name."""
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def rows(self) -> Iterator[tuple[Source, SourceRow]]:
        """Every row of every source, with its source."""
        for source in self.sources:
            for row in source.rows:
                yield source, row


def build_scenario(seed: int = 2025, people: int = 20_000) -> Scenario:
    """The whole demo scenario, the same for the same seed."""
    population = tuple(generate_people(people, seed=seed))
    builder = _Builder(seed, population)
    sources = (
        *builder.party_lists(),
        *builder.icrc_visits(),
        *builder.family_inquiries(),
        *builder.testimonies(),
        *builder.death_notices(),
        *builder.release_lists(),
    )
    return Scenario(seed, PARTIES, population, sources, MAY_2025_AGREEMENT)


# Which fields each kind of source carries; the rest stay empty.
_NAMES = frozenset({"family_name", "given_names", "patronymic", "full_name", "sex"})
_KEPT: dict[str, frozenset[str]] = {
    "party_list": _NAMES
    | {
        "date_of_birth",
        "place_of_birth",
        "nationality",
        "rank",
        "service_number",
        "unit",
        "category",
        "event_date",
        "event_place",
        "place_of_detention",
        "seriously_wounded",
    },
    "icrc_visit": _NAMES
    | {
        "date_of_birth",
        "place_of_birth",
        "nationality",
        "rank",
        "service_number",
        "category",
        "place_of_detention",
        "seriously_wounded",
    },
    "family_inquiry": _NAMES
    | {"date_of_birth", "place_of_birth", "rank", "unit", "category", "event_date", "event_place"},
    "testimony": frozenset({"family_name", "given_names", "unit", "place_of_detention"}),
    "notice": _NAMES | {"date_of_birth", "rank", "unit", "category", "place_of_detention"},
}
_EMPTY = RecordFields()

LIGHT_NOISE = NoiseProfile().scaled(0.6)
PARTY_LIST_NOISE = dataclasses.replace(LIGHT_NOISE, full_name_only=0.5)
FAMILY_NOISE = dataclasses.replace(
    NoiseProfile().scaled(0.5), no_patronymic=0.1, full_name_only=0.0, both_name_forms=0.0
)
TESTIMONY_NOISE = dataclasses.replace(
    NoiseProfile(), full_name_only=0.0, both_name_forms=0.0, swapped_order=0.0, no_patronymic=1.0
)


class _Builder:
    """Draws every source from one seeded generator, in a fixed order."""

    def __init__(self, seed: int, people: tuple[Person, ...]) -> None:
        self.rng = random.Random(f"scenario:{seed}")
        self.people = people
        self.fakers = {"UA": Faker("uk_UA"), "RU": Faker("ru_RU")}
        for faker in self.fakers.values():
            faker.seed_instance(seed)

    def party_lists(self) -> tuple[Source, ...]:
        """Each party's list of the prisoners it holds: incomplete, partly stale, with repeats."""
        lists = []
        for holder, coverage, mix in (
            ("UA", 0.95, RenderingMix(0.7, 0.2, 0.1, 0.0)),
            ("RU", 0.70, RenderingMix(0.05, 0.85, 0.0, 0.1)),
        ):
            held = [p for p in self.people if p.held_by == holder and self._chance(coverage)]
            stale = [
                p
                for p in self.people
                if p.party != holder
                and p.fate in (Fate.RELEASED, Fate.DECEASED)
                and self._chance(0.25)
            ]
            listed = held + stale
            listed += [pick(self.rng, listed) for _ in range(len(listed) // 100)]
            self.rng.shuffle(listed)
            rows = self._rows(listed, mix, PARTY_LIST_NOISE, "party_list", fate=Fate.DETAINED)
            name = f"{holder}: prisoners held, as of 2025-05-01"
            lists.append(
                _source(
                    name,
                    SourceKind.PARTY_LIST,
                    holder,
                    dt.date(2025, 5, 2),
                    rows,
                    author=f"{holder} National Information Bureau",
                )
            )
        return tuple(lists)

    def _detained_by_place(self, language: str) -> defaultdict[str, list[Person]]:
        """The people held at each place of detention, the place named in `language`."""
        held: defaultdict[str, list[Person]] = defaultdict(list)
        for person in self.people:
            if person.place_of_detention is not None:
                held[getattr(person.place_of_detention, language)].append(person)
        return held

    def icrc_visits(self) -> tuple[Source, ...]:
        """ICRC visits to places of detention on both sides, in Latin and the holder's script."""
        by_place = self._detained_by_place("en")
        visits = []
        for number, (holder, day) in enumerate(
            (
                ("RU", dt.date(2024, 9, 12)),
                ("UA", dt.date(2024, 12, 5)),
                ("RU", dt.date(2025, 2, 20)),
                ("UA", dt.date(2025, 4, 10)),
            ),
            1,
        ):
            places = sorted(k for k, v in by_place.items() if v[0].held_by == holder)
            chosen = self.rng.sample(places, min(3, len(places)))
            seen = [
                p
                for place in chosen
                for p in by_place[place]
                if p.event_date < day and self._chance(0.6)
            ]
            own = (
                RenderingMix(0.0, 0.4, 0.0, 0.6)
                if holder == "RU"
                else RenderingMix(0.4, 0.0, 0.6, 0.0)
            )
            rows = self._rows(seen, own, LIGHT_NOISE, "icrc_visit", fate=Fate.DETAINED)
            visits.append(
                _source(
                    f"ICRC visit {number}: {', '.join(chosen)}",
                    SourceKind.ICRC_VISIT,
                    holder,
                    day,
                    rows,
                    author="ICRC",
                )
            )
        return tuple(visits)

    def family_inquiries(self) -> tuple[Source, ...]:
        """Families asking after their missing and captured relatives, batched by month."""
        sources = []
        for party, share, mix in (
            ("UA", 0.35, RenderingMix(0.85, 0.1, 0.05, 0.0)),
            ("RU", 0.10, RenderingMix(0.05, 0.95, 0.0, 0.0)),
        ):
            asked = [
                p
                for p in self.people
                if p.party == party and p.fate is not Fate.RELEASED and self._chance(share)
            ]
            batches: defaultdict[int, list[Person]] = defaultdict(list)
            for index, person in enumerate(asked):
                batches[_inquiry_month(index, person)].append(person)
            for month, batch in sorted(batches.items()):
                rows = self._rows(
                    batch, mix, FAMILY_NOISE, "family_inquiry", fate=Fate.MISSING, contact=True
                )
                sources.append(
                    _source(
                        f"{party}: family inquiries, 2025-{month:02d}",
                        SourceKind.FAMILY_INQUIRY,
                        party,
                        dt.date(2025, month, 28),
                        rows,
                        author=f"{party} tracing hotline",
                    )
                )
        return tuple(sources)

    def testimonies(self) -> tuple[Source, ...]:
        """Released prisoners naming those they saw in captivity, often by surname only."""
        detained = self._detained_by_place("uk")
        witnesses = [p for p in self.people if p.party == "UA" and p.fate is Fate.RELEASED]
        strangers = iter(generate_people(10_000, seed=self.rng.randrange(1 << 30)))
        places = sorted(k for k, v in detained.items() if v[0].party == "UA")
        sources = []
        for number, witness in enumerate(witnesses[:150], 1):
            place = pick(self.rng, places)
            released = witness.fate_date or dt.date(2025, 4, 30)
            fellows = [p for p in detained[place] if p.event_date < released]
            named = self.rng.sample(fellows, min(len(fellows), 2 + below(self.rng, 6)))
            rows = self._rows(
                named,
                RenderingMix(0.9, 0.1, 0.0, 0.0),
                TESTIMONY_NOISE,
                "testimony",
                fate=Fate.DETAINED,
            )
            rows = tuple(_sighting(self.rng, row) for row in rows)
            if self._chance(0.2):  # a name nobody can match: misheard, or never in the registry
                stranger = self._rows(
                    [next(strangers)],
                    RenderingMix(1, 0, 0, 0),
                    TESTIMONY_NOISE,
                    "testimony",
                    fate=Fate.DETAINED,
                )[0]
                rows += (
                    dataclasses.replace(
                        _sighting(self.rng, stranger), truth_person_id="", line=len(rows) + 2
                    ),
                )
            author = f"Testimony {number}: {witness.name_uk.family} {witness.name_uk.given[0]}."
            received = released + dt.timedelta(days=3)
            sources.append(
                _source(
                    author,
                    SourceKind.TESTIMONY,
                    "UA",
                    received,
                    rows,
                    author=author.split(": ", 1)[1],
                )
            )
        return tuple(sources)

    def death_notices(self) -> tuple[Source, ...]:
        """Each holding party's notices of deaths in captivity (GCIII Art. 120)."""
        sources = []
        for holder, mix in (
            ("RU", RenderingMix(0.0, 1.0, 0.0, 0.0)),
            ("UA", RenderingMix(1.0, 0.0, 0.0, 0.0)),
        ):
            dead = [
                p
                for p in self.people
                if p.party != holder and p.fate is Fate.DECEASED and self._chance(0.4)
            ]
            rows = self._rows(dead, mix, LIGHT_NOISE, "notice", fate=Fate.DECEASED)
            sources.append(
                _source(
                    f"{holder}: notices of death in captivity",
                    SourceKind.OTHER,
                    holder,
                    dt.date(2025, 5, 5),
                    rows,
                    author=f"{holder} National Information Bureau",
                )
            )
        return tuple(sources)

    def release_lists(self) -> tuple[Source, ...]:
        """Each party's list of its own people who came home in earlier exchanges."""
        sources = []
        for party, mix in (
            ("UA", RenderingMix(1.0, 0.0, 0.0, 0.0)),
            ("RU", RenderingMix(0.0, 1.0, 0.0, 0.0)),
        ):
            home = [p for p in self.people if p.party == party and p.fate is Fate.RELEASED]
            rows = self._rows(home, mix, LIGHT_NOISE, "notice", fate=Fate.RELEASED)
            sources.append(
                _source(
                    f"{party}: returned in exchanges before 2025-05",
                    SourceKind.PARTY_LIST,
                    party,
                    dt.date(2025, 5, 6),
                    rows,
                    author=f"{party} National Information Bureau",
                )
            )
        return tuple(sources)

    def _rows(
        self,
        people: Sequence[Person],
        mix: RenderingMix,
        noise: NoiseProfile,
        kind: str,
        *,
        fate: Fate,
        contact: bool = False,
    ) -> tuple[SourceRow, ...]:
        draw = mix.sampler()
        rows = []
        for index, person in enumerate(people):
            rendering = draw(self.rng)
            fields, tags = render_record(person, self.rng, rendering=rendering, noise=noise)
            fields = _keep(fields, _KEPT[kind], fate, person)
            if "place_of_detention" in _KEPT[kind] and person.place_of_detention is not None:
                # Whoever lists a prisoner, or visits one, knows where they are held.
                place = localized(person.place_of_detention, rendering)
                fields = dataclasses.replace(fields, place_of_detention=place)
            if kind == "icrc_visit" and person.seriously_wounded:
                fields = dataclasses.replace(fields, health=localized(_WOUNDED, rendering))
            inquirer = self._contact(person, rendering) if contact else None
            rows.append(
                SourceRow(
                    index + 2,
                    fields,
                    inquirer,
                    person.person_id,
                    rendering,
                    _visible(tags, _KEPT[kind]),
                )
            )
        return tuple(rows)

    def _contact(self, person: Person, rendering: Rendering) -> Contact:
        """The relative asking: a generated name, phone, e-mail and address."""
        faker = self.fakers[person.party]
        relation = pick_weighted(self.rng, RELATIONS, RELATION_CUM_WEIGHTS)
        female = relation.en in ("mother", "wife", "sister", "daughter")
        form = rendering.name_form
        family = person.name(form).family
        family = (
            feminine_surname(masculine_surname(family), form)
            if female
            else (masculine_surname(family))
        )
        pools = {
            ("uk", True): UK_FEMALE,
            ("uk", False): UK_MALE,
            ("ru", True): RU_FEMALE,
            ("ru", False): RU_MALE,
        }
        given = pick(self.rng, pools[form, female].given)
        return Contact(
            name=f"{family} {given}",
            relation=_in(relation, form),
            phone=str(faker.phone_number()),
            email=str(faker.free_email()),
            address=str(faker.address()).replace("\n", ", "),
        )

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p


def _source(
    name: str,
    kind: SourceKind,
    party: str,
    received: dt.date,
    rows: tuple[SourceRow, ...],
    *,
    author: str,
) -> Source:
    return Source(name, kind, party, author, received, rows)


def _inquiry_month(index: int, person: Person) -> int:
    """Spread inquiries over January to May 2025, never before the disappearance."""
    month = 1 + index % 5
    if person.event_date.year == 2025:
        month = max(month, min(5, person.event_date.month + 1))
    return month


def _in(text: Localized, form: str) -> str:
    return text.uk if form == "uk" else text.ru


def _keep(fields: RecordFields, kept: frozenset[str], fate: Fate, person: Person) -> RecordFields:
    """Empty the fields this kind of source does not carry; set the fate it asserts."""
    changes: dict[str, Any] = {
        name: getattr(_EMPTY, name) for name in _ALL_FIELDS if name not in kept
    }
    changes["fate"] = fate
    if fate in (Fate.DECEASED, Fate.RELEASED) and person.fate_date is not None:
        changes["fate_date"] = PartialDate.from_date(person.fate_date)
    else:
        changes["fate_date"] = PartialDate()
    return dataclasses.replace(fields, **changes)


_WOUNDED = Localized("тяжко поранений", "тяжело ранен", "seriously wounded")
_ALL_FIELDS = tuple(f.name for f in dataclasses.fields(RecordFields))

# Tags about fields a source does not carry at all say nothing about that row.
_FIELD_OF_TAG = {
    Noise.MISSING_SEX: "sex",
    Noise.MISSING_PLACE_OF_BIRTH: "place_of_birth",
    Noise.MISSING_SERVICE_NUMBER: "service_number",
    Noise.MISSING_UNIT: "unit",
    Noise.MISSING_RANK: "rank",
    Noise.SERVICE_NUMBER_TYPO: "service_number",
    Noise.WRONG_CATEGORY: "category",
    Noise.DOB_MISSING: "date_of_birth",
    Noise.DOB_YEAR_ONLY: "date_of_birth",
    Noise.DOB_YEAR_MONTH: "date_of_birth",
    Noise.DOB_DAY_MONTH_SWAPPED: "date_of_birth",
    Noise.DOB_DIGIT_OFF: "date_of_birth",
    Noise.DOB_YEAR_OFF: "date_of_birth",
    Noise.TYPO_PATRONYMIC: "patronymic",
}


def _visible(tags: tuple[Noise, ...], kept: frozenset[str]) -> tuple[Noise, ...]:
    return tuple(t for t in tags if _FIELD_OF_TAG.get(t, "family_name") in kept)


def _sighting(rng: random.Random, row: SourceRow) -> SourceRow:
    """A witness names a fellow prisoner: surname only often, with or without a given name."""
    tags = list(row.noise)
    fields = row.fields
    if rng.random() < 0.5:
        fields = dataclasses.replace(fields, given_names="")
        tags.append(Noise.SURNAME_ONLY)
    if rng.random() < 0.5:
        fields = dataclasses.replace(fields, unit="")
    return dataclasses.replace(row, fields=fields, noise=tuple(tags))

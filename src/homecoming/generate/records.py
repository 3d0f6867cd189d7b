"""Records about generated people as different sources write them, with the ground truth."""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, RecordFields
from homecoming.generate.noise import Noise, NoiseProfile, date_of_birth, typo
from homecoming.generate.people import Person, Unit, generate_people
from homecoming.generate.renderings import Rendering, RenderingMix, Script, romanise
from homecoming.generate.sampling import below
from homecoming.generate.variants import DIMINUTIVE_RU, DIMINUTIVE_UK, ENGLISH
from homecoming.generate.vocabulary import COUNTRIES, Localized

SHUFFLE_WINDOW = 10_000
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class GeneratedRecord:
    """One generated record, who it is really about, and how it was written."""

    record_id: str
    truth_person_id: str
    fields: RecordFields
    rendering: Rendering
    noise: tuple[Noise, ...]


# What the hot path carries before ids are given: (person id, fields, rendering, noise).
_Draft = tuple[str, RecordFields, Rendering, tuple[Noise, ...]]


def generate_records(
    people: Iterable[Person],
    *,
    seed: int,
    records_per_person: float = 2.5,
    noise: NoiseProfile | None = None,
    mix: RenderingMix | None = None,
    limit: int | None = None,
) -> Iterator[GeneratedRecord]:
    """Yield records about the people (1 + Poisson(mean - 1) each), shuffled, ids R00000001…."""
    rng = random.Random(f"records:{seed}")
    drafts = _drafts(
        people, rng, records_per_person, noise or NoiseProfile(), mix or RenderingMix()
    )
    if limit is not None:
        drafts = itertools.islice(drafts, limit)
    for number, (person_id, fields, rendering, tags) in enumerate(_shuffled(drafts, rng), 1):
        yield GeneratedRecord(f"R{number:08d}", person_id, fields, rendering, tags)


def generate_dataset(
    records: int,
    *,
    seed: int,
    records_per_person: float = 2.5,
    noise: NoiseProfile | None = None,
    mix: RenderingMix | None = None,
) -> Iterator[GeneratedRecord]:
    """Exactly `records` records about as many people as that takes (for benchmarks)."""
    people = generate_people(records, seed=seed)
    return generate_records(
        people,
        seed=seed,
        records_per_person=records_per_person,
        noise=noise,
        mix=mix,
        limit=records,
    )


def pairs(records: Iterable[GeneratedRecord]) -> Iterator[tuple[str, str]]:
    """Every pair of record ids that are truly about the same person, each once (a < b)."""
    clusters: defaultdict[str, list[str]] = defaultdict(list)
    for record in records:
        if record.truth_person_id:
            clusters[record.truth_person_id].append(record.record_id)
    for ids in clusters.values():
        yield from itertools.combinations(sorted(ids), 2)


def _drafts(
    people: Iterable[Person],
    rng: random.Random,
    mean: float,
    profile: NoiseProfile,
    mix: RenderingMix,
) -> Iterator[_Draft]:
    draw = mix.sampler()
    extra = math.exp(-max(0.0, mean - 1.0))
    for person in people:
        for _ in range(1 + _poisson(rng, extra)):
            rendering = draw(rng)
            fields, tags = render_record(person, rng, rendering=rendering, noise=profile)
            yield person.person_id, fields, rendering, tags


def _poisson(rng: random.Random, threshold: float) -> int:
    """Knuth's method; `threshold` is exp(-mean)."""
    count, product = 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _shuffled(drafts: Iterable[_Draft], rng: random.Random) -> Iterator[_Draft]:
    """Stream through a window so that a person's records do not sit side by side."""
    window: list[_Draft] = []
    for draft in drafts:
        if len(window) < SHUFFLE_WINDOW:
            window.append(draft)
            continue
        i = below(rng, SHUFFLE_WINDOW)
        yield window[i]
        window[i] = draft
    rng.shuffle(window)
    yield from window


def render_record(
    person: Person, rng: random.Random, *, rendering: Rendering, noise: NoiseProfile
) -> tuple[RecordFields, tuple[Noise, ...]]:
    """One record about the person written in the rendering, with the noise it got."""
    tags: list[Noise] = []
    family, given, patronymic, full = _names(rng, person, rendering, noise, tags)
    born, dob_tag = date_of_birth(rng, person.date_of_birth, noise)
    if dob_tag is not None:
        tags.append(dob_tag)
    write = _writer(rendering)
    missing = noise.missing_field
    fields = RecordFields(
        family_name=family,
        given_names=given,
        patronymic=patronymic,
        full_name=full,
        sex=_unless(rng, missing, Noise.MISSING_SEX, tags, person.sex),
        date_of_birth=born,
        place_of_birth=_unless(
            rng, missing, Noise.MISSING_PLACE_OF_BIRTH, tags, write(person.place_of_birth)
        )
        or "",
        nationality=write(COUNTRIES[person.party]) if rng.random() < 0.3 else "",
        rank=_unless(rng, missing, Noise.MISSING_RANK, tags, _optional(write, person.rank)) or "",
        service_number=_service_number(rng, person, rendering, noise, tags),
        unit=_unless(rng, missing, Noise.MISSING_UNIT, tags, _unit(rng, person.unit, rendering))
        or "",
        category=_category(rng, person.category, noise, tags),
        event_date=_event_date(rng, person),
        event_place=write(person.event_place) if rng.random() < 0.6 else "",
        place_of_detention=_optional(write, person.place_of_detention)
        if rng.random() < 0.5
        else "",
        seriously_wounded=person.seriously_wounded,
        fate=person.fate,
        fate_date=PartialDate.from_date(person.fate_date) if person.fate_date else PartialDate(),
    )
    return fields, tuple(tags)


def _names(
    rng: random.Random,
    person: Person,
    rendering: Rendering,
    noise: NoiseProfile,
    tags: list[Noise],
) -> tuple[str, str, str, str]:
    """Family, given, patronymic and full name as written (split fields or one string)."""
    family, given, patronymic = person.name(rendering.name_form)
    latin = rendering.script is Script.LATIN
    given, verbatim = _given_variant(rng, given, rendering, noise, tags)
    if rendering.name_form == "ru" and rng.random() < 0.6:
        # Most Russian texts write ё as е; that is usage, not an error.
        family, given, patronymic = (t.replace("ё", "е") for t in (family, given, patronymic))
    if latin:
        form, scheme = rendering.name_form, rendering.scheme
        family, patronymic = romanise(family, form, scheme), romanise(patronymic, form, scheme)
        given = given if verbatim else romanise(given, form, scheme)
    given, patronymic = _patronymic(rng, given, patronymic, noise, tags)
    if rng.random() < noise.typo:
        family, given, patronymic = _typo(rng, family, given, patronymic, tags)
    if rng.random() < noise.family_uppercase:
        family = family.upper()
        tags.append(Noise.FAMILY_UPPERCASE)
    return _layout(rng, family, given, patronymic, latin, noise, tags)


def _given_variant(
    rng: random.Random, given: str, rendering: Rendering, noise: NoiseProfile, tags: list[Noise]
) -> tuple[str, bool]:
    """A diminutive or an English form now and then; True when it is already Latin."""
    diminutives = DIMINUTIVE_UK if rendering.name_form == "uk" else DIMINUTIVE_RU
    if rng.random() < noise.diminutive and given in diminutives:
        tags.append(Noise.DIMINUTIVE)
        return diminutives[given], False
    if rendering.script is Script.LATIN and rng.random() < noise.english_given:
        english = ENGLISH.get(given)
        if english:
            tags.append(Noise.ENGLISH_GIVEN)
            return english, True
    return given, False


def _patronymic(
    rng: random.Random, given: str, patronymic: str, noise: NoiseProfile, tags: list[Noise]
) -> tuple[str, str]:
    roll = rng.random()
    if roll < noise.no_patronymic:
        tags.append(Noise.NO_PATRONYMIC)
        return given, ""
    if roll < noise.no_patronymic + noise.patronymic_in_given:
        tags.append(Noise.PATRONYMIC_IN_GIVEN)
        return f"{given} {patronymic}", ""
    return given, patronymic


def _typo(
    rng: random.Random, family: str, given: str, patronymic: str, tags: list[Noise]
) -> tuple[str, str, str]:
    """One slip in the family name (half the time), the given name or the patronymic."""
    roll = rng.random()
    if roll < 0.5 or (roll >= 0.85 and not patronymic):
        tags.append(Noise.TYPO_FAMILY_NAME)
        return typo(rng, family), given, patronymic
    if roll < 0.85:
        tags.append(Noise.TYPO_GIVEN_NAME)
        return family, typo(rng, given), patronymic
    tags.append(Noise.TYPO_PATRONYMIC)
    return family, given, typo(rng, patronymic)


def _layout(
    rng: random.Random,
    family: str,
    given: str,
    patronymic: str,
    latin: bool,
    noise: NoiseProfile,
    tags: list[Noise],
) -> tuple[str, str, str, str]:
    """Split fields, one full-name string, or both; swapped order goes against the convention."""
    swapped = rng.random() < noise.swapped_order
    if swapped:
        tags.append(Noise.SWAPPED_ORDER)
    roll = rng.random()
    if roll >= noise.full_name_only + noise.both_name_forms:
        return (given, family, patronymic, "") if swapped else (family, given, patronymic, "")
    # Cyrillic lists put the family name first; Latin documents put it last.
    given_first = latin != swapped
    parts = (given, patronymic, family) if given_first else (family, given, patronymic)
    full = " ".join(p for p in parts if p)
    if roll < noise.full_name_only:
        tags.append(Noise.FULL_NAME_ONLY)
        return "", "", "", full
    if swapped:
        return given, family, patronymic, full
    return family, given, patronymic, full


def _unless(rng: random.Random, rate: float, tag: Noise, tags: list[Noise], value: _V) -> _V | None:
    """The value, or None (tagged) at the rate; absent values stay absent untagged."""
    if value and rng.random() < rate:
        tags.append(tag)
        return None
    return value


def localized(text: Localized, rendering: Rendering) -> str:
    """A place, rank or facility as a record in that rendering writes it."""
    return _writer(rendering)(text)


def _writer(rendering: Rendering) -> Callable[[Localized], str]:
    """How the record writes places, ranks and facilities: its language, or romanised."""
    if rendering.script is Script.UKRAINIAN:
        return _uk
    if rendering.script is Script.RUSSIAN:
        return _ru
    form, scheme = rendering.name_form, rendering.scheme

    def latin(text: Localized) -> str:
        return text.en or romanise(text.uk if form == "uk" else text.ru, form, scheme)

    return latin


def _uk(text: Localized) -> str:
    return text.uk


def _ru(text: Localized) -> str:
    return text.ru


def _optional(write: Callable[[Localized], str], text: Localized | None) -> str:
    return write(text) if text is not None else ""


_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")


def _service_number(
    rng: random.Random,
    person: Person,
    rendering: Rendering,
    noise: NoiseProfile,
    tags: list[Noise],
) -> str:
    number = person.service_number
    if not number:
        return ""
    if rng.random() < noise.missing_field:
        tags.append(Noise.MISSING_SERVICE_NUMBER)
        return ""
    if rendering.script is Script.LATIN:
        number = number.translate(_HOMOGLYPHS)
    if rng.random() < noise.service_number_typo:
        tags.append(Noise.SERVICE_NUMBER_TYPO)
        number = typo(rng, number)
    return number


def _unit(rng: random.Random, unit: Unit | None, rendering: Rendering) -> str:
    """The unit by full name, abbreviation or code (в/ч А1234), in the record's language."""
    if unit is None:
        return ""
    style = rng.random()
    latin = rendering.script is Script.LATIN
    if style < 0.2:
        return f"military unit {unit.code.translate(_HOMOGLYPHS)}" if latin else f"в/ч {unit.code}"
    template = unit.kind.full if style < 0.6 else unit.kind.abbreviation
    text = template.en if latin else _uk(template) if rendering.name_form == "uk" else template.ru
    return text.format(n=unit.number, nth=_ordinal(unit.number))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _category(
    rng: random.Random, category: Category, noise: NoiseProfile, tags: list[Noise]
) -> Category:
    if rng.random() < noise.wrong_category:
        tags.append(Noise.WRONG_CATEGORY)
        return Category.CIVILIAN if category is Category.SERVICEMAN else Category.SERVICEMAN
    return category


def _event_date(rng: random.Random, person: Person) -> PartialDate:
    """Capture or disappearance: sources often know only the month, or nothing."""
    roll = rng.random()
    day = person.event_date
    if roll < 0.5:
        return PartialDate(day.year, day.month, day.day)
    if roll < 0.8:
        return PartialDate(day.year, day.month)
    return PartialDate()

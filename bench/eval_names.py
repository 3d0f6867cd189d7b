"""`make eval-names`: measure Homecoming's name matching beside baselines.

Reads the reference data from ../shared/data (or $HOMECOMING_SHARED_DATA); never copies it.
Prints figures; never fails the build. Options: --split train (develop on the Wikidata train
split; figures to report come from the default test split), --limit N (Wikidata rows).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 20261124


def data_dir() -> Path | None:
    """Where the shared reference data lives, or None when it is absent."""
    env = os.environ.get("HOMECOMING_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO_ROOT.parent / "shared" / "data")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


@dataclass
class Counts:
    """Confusion counts of a matcher on labelled pairs."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        """Count one labelled decision."""
        if truth and predicted:
            self.tp += 1
        elif truth:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        """Share of predicted matches that are true."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of true matches found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label: str) -> str:
        """One printed row."""
        n = self.tp + self.fp + self.fn + self.tn
        p, r = self.precision, self.recall
        return f"  {label:<34} P {p:.3f}  R {r:.3f}  F1 {self.f1:.3f}  (n={n})"


def _truth(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


# --- 1. OpenSanctions person pairs -------------------------------------------------------


def eval_opensanctions(folder: Path, pairs_for_timing: list[tuple[str, str]]) -> None:
    """Precision/recall/F1 on the 548 labelled person pairs, beside logic-v2."""
    from homecoming.names import compare

    print("\n== 1. OpenSanctions name bench, person pairs ==")
    from homecoming.names import REVIEW_THRESHOLD

    ours = Counts()
    review = Counts()
    by_group: dict[str, Counts] = {}
    with (folder / "opensanctions_name_bench_persons.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth = _truth(row["is_match"])
            result = compare(row["name1"], row["name2"])
            predicted = result.match
            ours.add(truth, predicted)
            review.add(truth, result.score >= REVIEW_THRESHOLD)
            by_group.setdefault(row["case_group"], Counts()).add(truth, predicted)
            pairs_for_timing.append((row["name1"], row["name2"]))
    theirs = Counts()
    with (folder / "opensanctions_logic_v2_results_persons.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            theirs.add(_truth(row["is_match"]), _truth(row["predicted_match"]))
    print(ours.line("Homecoming (default threshold)"))
    print(review.line(f"Homecoming (review threshold {REVIEW_THRESHOLD})"))
    print(theirs.line("OpenSanctions logic-v2 (0.7)"))
    for group, counts in sorted(by_group.items()):
        print(counts.line(f"  Homecoming, {group}"))
    print("  target: F1 >= 0.85")


# --- 2. Wikidata Latin/Russian tokens ---------------------------------------------------


def _read_wikidata(path: Path, limit: int | None) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            rows.append((parts[0], parts[1].replace(" ", "")))
    if limit and len(rows) > limit:
        rows = random.Random(SEED).sample(rows, limit)
    return rows


def _negatives(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each Latin token against another token's Cyrillic (same first letter, similar length)."""
    rng = random.Random(SEED)
    by_letter: dict[str, list[int]] = {}
    for i, (latin, _) in enumerate(rows):
        by_letter.setdefault(latin[:1].lower(), []).append(i)
    negatives = []
    for latin, cyrillic in rows:
        pool = by_letter[latin[:1].lower()]
        for _ in range(30):
            j = pool[rng.randrange(len(pool))]
            other_latin, other_cyr = rows[j]
            if (
                other_cyr != cyrillic
                and other_latin != latin
                and abs(len(other_cyr) - len(cyrillic)) <= 2
            ):
                negatives.append((latin, other_cyr))
                break
    return negatives


def _rate(pairs: Iterable[tuple[str, str]], decide: Callable[[str, str], bool]) -> float:
    pairs = list(pairs)
    return sum(decide(a, b) for a, b in pairs) / max(len(pairs), 1)


def eval_wikidata(
    folder: Path, split: str, limit: int | None, pairs_for_timing: list[tuple[str, str]]
) -> None:
    """Recall on true Latin/Cyrillic token pairs and precision against same-initial negatives."""
    from rapidfuzz.distance import JaroWinkler

    from homecoming.names import compare

    path = folder / f"wikidata_latin_russian_{split}.tsv"
    rows = _read_wikidata(path, limit)
    negatives = _negatives(rows)
    print(
        f"\n== 2. Wikidata Latin/Russian tokens ({path.name}, "
        f"{len(rows)} positives, {len(negatives)} negatives) =="
    )

    from homecoming.names import REVIEW_THRESHOLD

    def ours(a: str, b: str) -> bool:
        return compare(a, b).match

    def ours_review(a: str, b: str) -> bool:
        return compare(a, b).score >= REVIEW_THRESHOLD

    def baseline(a: str, b: str) -> bool:
        from unidecode import unidecode

        return JaroWinkler.similarity(a.lower(), unidecode(b).lower()) >= 0.9

    deciders = (
        ("Homecoming (default threshold)", ours),
        (f"Homecoming (review threshold {REVIEW_THRESHOLD})", ours_review),
        ("unidecode + Jaro-Winkler >= 0.9", baseline),
    )
    for label, decide in deciders:
        recall = _rate(rows, decide)
        false_rate = _rate(negatives, decide)
        # Precision with one negative per positive, as the brief sets the test up.
        tp, fp = recall * len(rows), false_rate * len(negatives)
        precision = tp / (tp + fp) if tp + fp else 0.0
        print(
            f"  {label:<34} recall {recall:.3f}  precision {precision:.4f}  "
            f"false-match rate {false_rate:.4f}"
        )
    pairs_for_timing.extend(rows[:2000])
    print("  target: recall >= 0.95 at precision >= 0.99")


# --- 3. Generated Ukrainian/Russian full names ------------------------------------------


@dataclass(frozen=True)
class Person:
    """A generated person in Ukrainian Cyrillic with the Russian forms of the name."""

    family: str
    given: str
    patronymic: str
    female: bool


def _people(n: int, rng: random.Random) -> list[Person]:
    import faker.providers.person.uk_UA as uk

    provider = uk.Provider
    people = []
    for _ in range(n):
        female = rng.random() < 0.5
        given = rng.choice(provider.first_names_female if female else provider.first_names_male)
        father = rng.choice(provider.first_names_male)
        family = rng.choice(provider.last_names)
        patronymic = _ukrainian_patronymic(father, female)
        people.append(Person(family, given, patronymic, female))
    return people


def _ukrainian_patronymic(father: str, female: bool) -> str:
    """Ukrainian patronymic grammar: Іван -> Іванович/Іванівна, Андрій -> Андрійович/Андріївна."""
    stem = father[:-1] if father.endswith(("о", "а")) else father
    if stem.endswith("й"):
        return stem[:-1] + "ївна" if female else stem + "ович"
    return stem + ("івна" if female else "ович")


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def _russian(word: str, category: str) -> str:
    from names_translator.dicts import default_dicts

    found = default_dicts().lookup(word, category)
    return str(found[0]).capitalize() if found else word


def _render(person: Person, rng: random.Random) -> str:
    """One record of a person: a random standard or the Russian form, typos, order, patronymic."""
    from homecoming.names.transliterate import RUSSIAN_STANDARDS, UKRAINIAN_STANDARDS, render_token

    family, given, patronymic = person.family, person.given, person.patronymic
    roll = rng.random()
    if roll < 0.3:  # Russian form of the same name
        family, given, patronymic = (
            _russian(family, "last"),
            _russian(given, "first"),
            _russian(patronymic, "patronymic"),
        )
        standards = list(RUSSIAN_STANDARDS)
    else:
        standards = list(UKRAINIAN_STANDARDS)
    if rng.random() < 0.75:  # rendered in Latin
        standard = rng.choice(standards)
        family, given, patronymic = (render_token(w, standard) for w in (family, given, patronymic))
    if rng.random() < 0.15:
        family = _typo(family, rng)
    if rng.random() < 0.1:
        given = _typo(given, rng)
    parts = [family, given, patronymic] if rng.random() < 0.5 else [given, patronymic, family]
    if rng.random() < 0.4:
        parts = [p for p in parts if p != patronymic]
    return " ".join(parts)


def eval_generated(pairs_for_timing: list[tuple[str, str]], n: int = 2000) -> None:
    """Precision/recall/F1 on generated positives vs hard negatives, and blocking-key recall."""
    from homecoming.names import REVIEW_THRESHOLD, compare

    rng = random.Random(SEED)
    people = _people(n, rng)
    positives = [(_render(p, rng), _render(p, rng)) for p in people]
    by_family: dict[str, list[Person]] = {}
    for p in people:
        by_family.setdefault(p.family, []).append(p)
    negatives = []
    for p in people:
        # Hard negatives: same family name with another given name, or same given name and a
        # family name one letter away.
        other_given = rng.choice([g for g in _given_pool(p.female) if g != p.given])
        negatives.append(
            (_render(p, rng), _render(Person(p.family, other_given, p.patronymic, p.female), rng))
        )
        other_family = _near_surname(p.family, rng)
        if other_family:
            negatives.append(
                (
                    _render(p, rng),
                    _render(Person(other_family, p.given, p.patronymic, p.female), rng),
                )
            )
    counts = Counts()
    review = Counts()
    for a, b in positives:
        counts.add(True, compare(a, b).match)
        review.add(True, compare(a, b).score >= REVIEW_THRESHOLD)
    for a, b in negatives:
        counts.add(False, compare(a, b).match)
        review.add(False, compare(a, b).score >= REVIEW_THRESHOLD)
    print(
        f"\n== 3. Generated Ukrainian/Russian names ({len(positives)} positive, "
        f"{len(negatives)} hard negative pairs) =="
    )
    print(counts.line("Homecoming (default threshold)"))
    print(review.line(f"Homecoming (review threshold {REVIEW_THRESHOLD})"))
    baseline = Counts()
    for label, pairs in ((True, positives), (False, negatives)):
        for a, b in pairs:
            baseline.add(label, _baseline_name_match(a, b))
    print(baseline.line("unidecode + token-sort Jaro-Winkler"))
    population = [_render(p, rng) for p in _people(20_000, random.Random(SEED + 1))]
    population += [a for a, _ in positives]
    for kind in ("f:", "p:", ""):
        _report_keys(kind, positives, population)
    pairs_for_timing.extend(positives[:1000] + negatives[:1000])


def _report_keys(kind: str, positives: list[tuple[str, str]], population: list[str]) -> None:
    """Recall of blocking keys of one kind (f: common form, p: skeleton, "": all) and candidates."""
    from homecoming.names import keys

    def of(name: str) -> set[str]:
        return {k for k in keys(name) if k.startswith(kind)}

    index: dict[str, int] = {}
    for name in population:
        for key in of(name):
            index[key] = index.get(key, 0) + 1
    hits = sum(bool(of(a) & of(b)) for a, b in positives)
    candidates = sorted(sum(index.get(k, 0) for k in of(a)) for a, _ in positives)
    label = {"f:": "common-form keys (f:)", "p:": "skeleton keys (p:)", "": "all keys"}[kind]
    p95 = candidates[int(len(candidates) * 0.95)]
    print(
        f"  blocking, {label:<24} recall {hits / len(positives):.3f}; candidates per query "
        f"median {statistics.median(candidates):.0f}, p95 {p95} "
        f"of {len(population)} names (sum over the query's keys)"
    )


def _given_pool(female: bool) -> list[str]:
    import faker.providers.person.uk_UA as uk

    return list(uk.Provider.first_names_female if female else uk.Provider.first_names_male)


def _near_surname(family: str, rng: random.Random) -> str | None:
    import faker.providers.person.uk_UA as uk
    from rapidfuzz.distance import Levenshtein

    pool = [
        s
        for s in rng.sample(list(uk.Provider.last_names), 400)
        if s != family and Levenshtein.distance(s, family) <= 2
    ]
    return rng.choice(pool) if pool else None


def _baseline_name_match(a: str, b: str) -> bool:
    from rapidfuzz import fuzz
    from unidecode import unidecode

    return fuzz.token_sort_ratio(unidecode(a).lower(), unidecode(b).lower()) >= 85


# --- 4. Speed ---------------------------------------------------------------------------


def eval_speed(pairs: list[tuple[str, str]]) -> None:
    """Median and p99 time per compare after warm-up."""
    from homecoming.names import compare

    for a, b in pairs:  # warm-up: per-name preprocessing is cached
        compare(a, b)
    timings = []
    for a, b in pairs:
        start = time.perf_counter_ns()
        compare(a, b)
        timings.append(time.perf_counter_ns() - start)
    timings.sort()
    median = timings[len(timings) // 2] / 1000
    p99 = timings[int(len(timings) * 0.99)] / 1000
    print(f"\n== 4. Speed ({len(timings)} pairs from the benchmarks, after warm-up) ==")
    print(f"  median {median:.1f} µs per compare, p99 {p99:.1f} µs  (target: median <= 20 µs)")


def main() -> int:
    """Run every evaluation that its data allows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--limit", type=int, default=None, help="sample of Wikidata rows")
    parser.add_argument("--generated", type=int, default=2000, help="generated people")
    args = parser.parse_args()
    print(
        f"Homecoming name evaluation, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    timing_pairs: list[tuple[str, str]] = []
    folder = data_dir()
    if folder is None:
        print(
            "Shared reference data not found (../shared/data or $HOMECOMING_SHARED_DATA): "
            "skipping the OpenSanctions and Wikidata figures."
        )
    else:
        print(f"Reference data: {folder}")
        eval_opensanctions(folder, timing_pairs)
        eval_wikidata(folder, args.split, args.limit, timing_pairs)
    eval_generated(timing_pairs, args.generated)
    eval_speed(timing_pairs)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # the evaluation never fails the build
        print(f"evaluation stopped: {error!r}")
        sys.exit(0)

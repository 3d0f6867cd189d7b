"""Learn how Russian Cyrillic letters are written in Latin from aligned name pairs.

Generates `data/rendering_model.tsv`, which `rendering_model` reads. Run it on the train split
only (the held-out split measures the result):

    python -m homecoming.names.train_rendering_model \
        ../shared/data/wikidata_latin_russian_train.tsv

Each Cyrillic letter emits a chunk of zero to four Latin letters. Hard EM: align every pair
by the chunk probabilities (Viterbi), count the chunks each letter emitted in its context
(previous and next letter), re-estimate, repeat. The first pass starts from one
transliteration standard (iuliia's English-Wikipedia schema), so no alignment is guessed by
hand. The table keeps, per letter and context, the chunks seen often enough to matter.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from homecoming.names.latin_form import ascii_fold
from homecoming.names.rendering_model import (
    BACKOFF,
    BOUNDARY,
    MAX_CHUNK,
    MODEL_PATH,
    cyrillic_letters,
)

ITERATIONS = 3
# A context is kept when its letter was seen this often in it; rarer contexts back off.
MIN_CONTEXT_COUNT = 10
# Chunks rarer than this share of their context are dropped from the table.
MIN_CHUNK_SHARE = 0.005
Context = tuple[str, str, str]  # previous letter, letter, next letter ("" = any)
Table = dict[Context, dict[str, float]]
# While training, a chunk never seen costs more than when scoring: every pair still aligns,
# but along the letters' known chunks wherever it can.
TRAINING_UNSEEN = -12.0


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(Cyrillic letters, folded Latin letters) of each row of a Wikidata token file."""
    pairs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            cyrillic = cyrillic_letters(parts[1].replace(" ", ""))
            latin = ascii_fold(parts[0])
            if cyrillic and latin and len(latin) <= MAX_CHUNK * len(cyrillic):
                pairs.append((cyrillic, latin))
    return pairs


def _initial_table(pairs: Iterable[tuple[str, str]]) -> Table:
    """Chunk log-probabilities from one standard: its own chunk likely, near ones possible."""
    import iuliia
    from rapidfuzz.distance import Levenshtein

    # Sorted throughout: set order changes between runs, and so would sums of floats.
    letters = sorted({ch for cyrillic, _ in pairs for ch in cyrillic})
    table: Table = {}
    chunks = sorted(_all_chunks(pairs))
    for letter in letters:
        base = ascii_fold(str(iuliia.WIKIPEDIA.translate(letter)))
        near = sorted({c for c in chunks if len(c) <= 1 or Levenshtein.distance(c, base) <= 1})
        scores = {c: -2.0 * Levenshtein.distance(c, base) - 0.5 * len(c) for c in [*near, base]}
        table[("", letter, "")] = _normalise(scores)
    return table


def _all_chunks(pairs: Iterable[tuple[str, str]]) -> set[str]:
    found: set[str] = {""}
    for _, latin in pairs:
        for size in range(1, 4):
            found.update(latin[i : i + size] for i in range(len(latin) - size + 1))
    return found


def _normalise(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    total = math.log(math.fsum(math.exp(s - top) for s in scores.values())) + top
    return {c: s - total for c, s in scores.items()}


def _lookup(table: Table, cyrillic: str, i: int) -> dict[str, float]:
    """Chunk scores of one letter: its context's, backed off to the letter's own."""
    before = cyrillic[i - 1] if i else BOUNDARY
    after = cyrillic[i + 1] if i + 1 < len(cyrillic) else BOUNDARY
    letter = cyrillic[i]
    merged = {c: s + BACKOFF for c, s in table.get(("", letter, ""), {}).items()}
    for context in ((before, letter, ""), ("", letter, after), (before, letter, after)):
        merged.update(table.get(context, {}))
    return merged


def align(table: Table, cyrillic: str, latin: str) -> list[str] | None:
    """Best chunk of `latin` for each letter of `cyrillic` (None: no alignment)."""
    n, m = len(cyrillic), len(latin)
    worst = -1e9
    best = [[worst] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        emissions = _lookup(table, cyrillic, i)
        row, next_row, next_back = best[i], best[i + 1], back[i + 1]
        for j in range(m + 1):
            start = row[j]
            if start <= worst:
                continue
            for size in range(min(MAX_CHUNK, m - j) + 1):
                score = emissions.get(latin[j : j + size], TRAINING_UNSEEN - size)
                if start + score > next_row[j + size]:
                    next_row[j + size] = start + score
                    next_back[j + size] = size
    if best[n][m] <= worst:
        return None
    chunks: list[str] = []
    j = m
    for i in range(n, 0, -1):
        size = back[i][j]
        chunks.append(latin[j - size : j])
        j -= size
    return chunks[::-1]


def _estimate(counts: dict[Context, Counter[str]], *, prune: bool) -> Table:
    table: Table = {}
    for context, chunks in counts.items():
        total = sum(chunks.values())
        if (context[0] or context[2]) and total < MIN_CONTEXT_COUNT:
            continue
        share = MIN_CHUNK_SHARE if prune else 0.0
        kept = {c: n for c, n in chunks.items() if n / total >= share}
        kept_total = sum(kept.values())
        # Add-one smoothing over the kept chunks keeps rare contexts from being certain.
        table[context] = {
            c: math.log((n + 1) / (kept_total + len(kept) + 1)) for c, n in kept.items()
        }
    return table


def train(pairs: list[tuple[str, str]], iterations: int = ITERATIONS) -> Table:
    """Hard-EM chunk table from aligned pairs."""
    table = _initial_table(pairs)
    counts: dict[Context, Counter[str]] = {}
    for iteration in range(iterations):
        counts = defaultdict(Counter)
        aligned = 0
        for cyrillic, latin in pairs:
            chunks = align(table, cyrillic, latin)
            if chunks is None:
                continue
            aligned += 1
            for i, chunk in enumerate(chunks):
                before = cyrillic[i - 1] if i else BOUNDARY
                after = cyrillic[i + 1] if i + 1 < len(cyrillic) else BOUNDARY
                letter = cyrillic[i]
                counts[("", letter, "")][chunk] += 1
                if iteration:  # contexts once the letters' own chunks have settled
                    counts[(before, letter, after)][chunk] += 1
                    counts[("", letter, after)][chunk] += 1
                    counts[(before, letter, "")][chunk] += 1
        table = _estimate(counts, prune=False)
        print(f"iteration {iteration + 1}: {aligned} of {len(pairs)} pairs aligned")
    return _estimate(counts, prune=True)


def write(table: Table, path: Path) -> None:
    """One line per context: previous, letter, next, then chunk:log-probability pairs."""
    lines = []
    for (before, letter, after), chunks in sorted(table.items()):
        ranked = sorted(chunks.items(), key=lambda item: -item[1])
        cells = " ".join(f"{c or '-'}:{p:.2f}" for c, p in ranked)
        lines.append(f"{before}\t{letter}\t{after}\t{cells}")
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# generated by homecoming.names.train_rendering_model; do not edit\n"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Train on the given file and write the model next to the package."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("train_file", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    if "test" in args.train_file.name:
        raise SystemExit("train on the train split; the test split measures the model")
    table = train(read_pairs(args.train_file))
    write(table, args.out)
    print(f"{len(table)} contexts written to {args.out}")


if __name__ == "__main__":
    main()

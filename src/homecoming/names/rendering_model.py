"""Latin spellings of a Russian Cyrillic name as Latin-script sources really write them.

The standards in `transliterate` say how Slavic names are romanised; Russian Cyrillic also
carries names of every origin (Жером = Gerome, Дзютаро = Jūtarō, Чжэнвэй = Zhengwei) whose
Latin spelling is the original one. A small table learned from Wikidata's Latin/Russian
name pairs (train split, by `train_rendering_model`) gives each Cyrillic letter, in the
context of its neighbours, the Latin chunks it stands for and how often; `spelling_score`
aligns a Latin token to a Cyrillic one with it.
"""

from __future__ import annotations

import math
from functools import cache

from homecoming.forgetting import forgettable
from homecoming.names.tables import MODEL_PATH, TRAIN_MODEL, shipped

__all__ = ["MODEL_PATH", "cyrillic_letters", "spelling_score", "spelling_score_above"]
BOUNDARY = "#"
MAX_CHUNK = 4
# A letter's chunk seen only outside this context costs a little more. A chunk never seen
# for a letter is a different letter, not a spelling: it costs so much that no alignment
# through it passes (on Ukrainian surnames, Бандера / Bandura, allowing one doubled the
# false matches; see docs/benchmarks.md).
BACKOFF = -1.0
UNSEEN = -30.0
# Ukrainian letters read as the Russian ones the model learned.
_TO_RUSSIAN = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г"})

Context = tuple[str, str, str]
Chunks = tuple[tuple[str, float], ...]


def cyrillic_letters(text: str) -> str:
    """The lower-case Cyrillic letters of a token, Ukrainian ones read the Russian way."""
    lowered = text.lower().translate(_TO_RUSSIAN)
    return "".join(ch for ch in lowered if "а" <= ch <= "я" or ch == "ё")


def load_table() -> None:
    """Read the learned rendering model now, not on its first use."""
    _table()


@cache
def _table() -> dict[Context, Chunks]:
    table: dict[Context, Chunks] = {}
    for line in shipped(MODEL_PATH, TRAIN_MODEL).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") and "\t" not in line:
            continue
        before, letter, after, cells = line.split("\t")
        chunks = []
        for cell in cells.split():
            chunk, _, score = cell.rpartition(":")
            chunks.append(("" if chunk == "-" else chunk, float(score)))
        table[(before, letter, after)] = tuple(chunks)
    return table


def _chunks(table: dict[Context, Chunks], letters: str, i: int) -> Chunks:
    before = letters[i - 1] if i else BOUNDARY
    after = letters[i + 1] if i + 1 < len(letters) else BOUNDARY
    letter = letters[i]
    for context in ((before, letter, after), ("", letter, after), (before, letter, "")):
        found = table.get(context)
        if found is not None:
            return found
    return table.get(("", letter, ""), ())


@forgettable(maxsize=100_000)
def _emissions(letters: str) -> tuple[tuple[dict[str, float], ...], float]:
    """Per letter, the chunk scores in its context (backed off to the letter's own); best total."""
    table = _table()
    found = []
    for i, letter in enumerate(letters):
        before = letters[i - 1] if i else BOUNDARY
        after = letters[i + 1] if i + 1 < len(letters) else BOUNDARY
        merged = {c: s + BACKOFF for c, s in table.get(("", letter, ""), ())}
        for context in ((before, letter, ""), ("", letter, after), (before, letter, after)):
            merged.update(table.get(context, ()))
        found.append(merged)
    best = sum(max(m.values(), default=UNSEEN) for m in found)
    return tuple(found), best


@forgettable(maxsize=200_000)
def spelling_score(letters: str, latin: str) -> float:
    """How much less likely `latin` is than the best Latin spelling of Cyrillic `letters`.

    Per letter of the longer side, in log-probability: 0 for the most likely spelling, about
    -1 for a plausible but unusual one, below -2 for a different name. `letters` comes from
    `cyrillic_letters`, `latin` is lower-case a-z. An alignment-based weighted edit distance:
    each Cyrillic letter emits a chunk of up to four Latin letters, chunks the table never
    saw cost UNSEEN.
    """
    found = _aligned(letters, latin, -math.inf)
    assert found is not None  # nothing is below no floor
    return found


# How far below the floor a path may fall before it is dropped: float sums of the same path in
# another order agree far closer than this.
_SLACK = 1e-6


@forgettable(maxsize=200_000)
def spelling_score_above(letters: str, latin: str, floor: float) -> float | None:
    """`spelling_score(letters, latin)` when it is at least `floor`, else None.

    The same alignment, but a partial alignment that could not reach `floor` even if every
    letter still to come emitted its best chunk is not followed: many alignments pass through
    chunks the table never saw (UNSEEN), and a caller that only uses a score above some value
    (`comparison.learned_similarity`) need not follow them. Any alignment that reaches the floor
    keeps every partial alignment on its way, so the score found is the one `spelling_score`
    gives.
    """
    return _aligned(letters, latin, floor)


def _aligned(letters: str, latin: str, floor: float) -> float | None:
    if not letters or not latin or not _table():
        return UNSEEN if floor <= UNSEEN else None
    emissions, best = _emissions(letters)
    m = len(latin)
    needed = floor * (max(len(letters), m) + 1) + best - _SLACK
    # With no floor, every partial alignment is followed (and the bounds need not be summed).
    rest = _best_from(letters) if floor > -math.inf else (0.0,) * len(emissions)
    worst = -1e9
    chunks = _latin_chunks(latin)
    row = [0.0] + [worst] * m
    for scores, ahead in zip(emissions, rest, strict=True):
        get = scores.get
        following = [worst] * (m + 1)
        alive = needed - ahead
        for start, ends in zip(row, chunks, strict=True):
            if start <= worst or start < alive:
                continue
            for end, chunk, unseen in ends:
                score = start + get(chunk, unseen)
                if score > following[end]:
                    following[end] = score
        row = following
    if row[m] < needed:
        return None
    found = (row[m] - best) / (max(len(letters), m) + 1)
    return found if found >= floor else None


@forgettable(maxsize=100_000)
def _best_from(letters: str) -> tuple[float, ...]:
    """Per letter, the most that it and the letters after it can add to an alignment (a chunk
    the table never saw adds at most UNSEEN): once per Cyrillic word, as its emissions are."""
    found = [0.0]
    for scores in reversed(_emissions(letters)[0]):
        found.append(found[-1] + max(max(scores.values(), default=UNSEEN), UNSEEN))
    return tuple(reversed(found[1:]))


@forgettable(maxsize=100_000)
def _latin_chunks(latin: str) -> tuple[tuple[tuple[int, str, float], ...], ...]:
    """Per start in `latin`, each chunk a letter may emit from there: (its end, the chunk, what
    it costs if the letter never emits it)."""
    m = len(latin)
    return tuple(
        tuple(
            (end, latin[j:end], UNSEEN - (end - j)) for end in range(j, min(j + MAX_CHUNK, m) + 1)
        )
        for j in range(m + 1)
    )

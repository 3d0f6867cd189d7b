"""Noise as it is seen on real lists (issue 13's failure classes, issue 23's families)."""

from __future__ import annotations

import calendar
import datetime as dt
import random

from .render import LOOKALIKE

_UK_LETTERS = "абвгдеєжзиіїйклмнопрстуфхцчшщьюя"
_RU_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщыьэюя"
_LAT_LETTERS = "abcdefghijklmnoprstuvyz"
# neighbours on the keyboards used (ЙЦУКЕН and QWERTY), for substitution typos
_NEAR = {
    "а": "вп", "о": "рл", "е": "кн", "и": "мт", "і": "ьт", "н": "ег", "р": "оп", "с": "чм",
    "т": "иь", "л": "од", "к": "уе", "в": "аы", "м": "си", "п": "ар", "д": "лж", "г": "нш",
    "a": "sq", "o": "ip", "e": "wr", "i": "uo", "n": "bm", "r": "et", "s": "ad", "t": "ry",
    "l": "k", "k": "jl", "h": "gj", "y": "tu", "v": "cb", "m": "n", "d": "sf", "g": "fh",
}  # fmt: skip


def _alphabet(word: str) -> str:
    low = word.lower()
    if any("a" <= c <= "z" for c in low):
        return _LAT_LETTERS
    if any(c in "ієїґ" for c in low):
        return _UK_LETTERS
    return _RU_LETTERS


def typo(rng: random.Random, word: str, near_start: bool = False) -> str:
    """One slip: a letter swapped for a neighbour, dropped, doubled or two letters exchanged."""
    if len(word) < 3:
        return word
    lo, hi = (1, min(3, len(word) - 1)) if near_start else (1, len(word) - 1)
    i = rng.randint(lo, hi)
    op = rng.random()
    ch = word[i] if i < len(word) else word[-1]
    if op < 0.4:
        low = ch.lower()
        rep = rng.choice(_NEAR.get(low, _alphabet(word)))
        rep = rep.upper() if ch.isupper() else rep
        return word[:i] + rep + word[i + 1 :]
    if op < 0.65:
        return word[:i] + word[i + 1 :]
    if op < 0.8:
        return word[:i] + rng.choice(_alphabet(word)) + word[i:]
    if i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + ch + word[i:]


def two_letters_apart(rng: random.Random, word: str) -> str:
    """Another surname two letters away (Лапина/Лапшина, Кузьмин/Кузьмичев)."""
    alpha = _alphabet(word)
    vowels = "аеиоуія"
    cons = "лнрстшкмвд"
    for _ in range(20):
        w = word
        r = rng.random()
        if r < 0.35 and len(w) > 4:  # insert two letters
            i = rng.randint(2, len(w) - 2)
            w = w[:i] + rng.choice(cons) + rng.choice(vowels + cons) + w[i:]
        elif r < 0.7:  # change two letters
            for _k in range(2):
                i = rng.randint(1, len(w) - 2)
                w = w[:i] + rng.choice(alpha) + w[i + 1 :]
        else:  # one changed, one inserted
            i = rng.randint(1, len(w) - 2)
            w = w[:i] + rng.choice(alpha) + w[i + 1 :]
            j = rng.randint(1, len(w) - 1)
            w = w[:j] + rng.choice(cons) + w[j:]
        if w != word and w[0] == word[0]:
            return w
    return word + "ин"


def lookalikes(rng: random.Random, word: str) -> str:
    """Latin letters typed inside a Cyrillic word (one or two of them)."""
    idx = [i for i, c in enumerate(word) if c in LOOKALIKE]
    if not idx:
        return word
    chars = list(word)
    for i in rng.sample(idx, min(len(idx), rng.choice((1, 1, 2)))):
        chars[i] = LOOKALIKE[chars[i]]
    return "".join(chars)


def hyphen(rng: random.Random, given: str) -> str:
    """Магомед-Эмин → Магомед Эмин, Магомедэмин, Магомед-эмин."""
    if "-" not in given:
        return given
    a, b = given.split("-", 1)
    return rng.choice([f"{a} {b}", a + b.lower(), f"{a}-{b.lower()}", f"{a} {b.capitalize()}"])


def join_split_hyphen(rng: random.Random, given: str) -> str:
    """A given name written as two (Магомедрасул → Магомед-Расул) when it is compound."""
    for head in ("Магомед", "Абдул", "Гаджи", "Абу", "Саид"):
        if given.startswith(head) and len(given) > len(head) + 2 and "-" not in given:
            return f"{head}-{given[len(head) :].capitalize()}"
    return hyphen(rng, given)


# --- dates ---
def swap_day_month(d: dt.date) -> dt.date | None:
    if d.day > 12 or d.day == d.month:
        return None
    return dt.date(d.year, d.day, d.month)


def years_later(d: dt.date, years: int) -> dt.date:
    """``d`` moved by ``years``; 29 February becomes the 28th in a common year."""
    y = d.year + years
    return (
        dt.date(y, 2, 28)
        if (d.month, d.day) == (2, 29) and not calendar.isleap(y)
        else d.replace(year=y)
    )


def shift_year(rng: random.Random, d: dt.date) -> dt.date:
    return years_later(d, rng.choice((-1, 1)))


def wrong_year_digit(rng: random.Random, d: dt.date) -> dt.date:
    """One digit of the year wrong (1983 for 1988), day and month exact."""
    for _ in range(10):
        y = d.year - d.year % 10 + rng.choice([x for x in range(10) if x != d.year % 10])
        if 1950 <= y <= 2008:
            return d.replace(year=y) if not (d.month == 2 and d.day == 29) else dt.date(y, 2, 28)
    return shift_year(rng, d)


def noisy_date(rng: random.Random, d: dt.date) -> tuple[str, str, str]:
    """(as written in the list, ISO as a machine would read it, truth note)."""
    r = rng.random()
    note = "exact"
    used: dt.date | None = d
    if r < 0.04:
        s = swap_day_month(d)
        if s:
            used, note = s, "day_month_swapped"
    elif r < 0.08:
        used, note = shift_year(rng, d), "year_off_by_one"
    elif r < 0.10:
        used, note = wrong_year_digit(rng, d), "year_digit"
    elif r < 0.16:
        return str(d.year), str(d.year), "year_only"
    elif r < 0.18:
        return f"{d.year}-{d.month:02d}", f"{d.year}-{d.month:02d}", "year_month"
    elif r < 0.21:
        return "", "", "missing"
    assert used is not None
    iso = used.isoformat()
    written = used.strftime("%d.%m.%Y") if rng.random() < 0.55 else iso
    return written, iso, note

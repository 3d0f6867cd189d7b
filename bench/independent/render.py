"""Script conversions: Ukrainian and Russian Cyrillic into each other (as officials and
clerks do it) and into Latin by the published standards (translitua, iuliia) and by two
practices written here (a scholarly system with ʹ, and plain anyascii)."""

from __future__ import annotations

import functools
import random
import re
from typing import Any

import anyascii
import iuliia
import translitua
from names_translator.dicts import default_dicts

_CYR = re.compile(r"[\u0400-\u04ff]")

# Ukrainian standards (translitua) and Russian ones (iuliia), with the label the truth keeps.
UK_LATIN: dict[str, Any] = {
    "ua_national_2010": translitua.UkrainianKMU,
    "ua_bgn_pcgn": translitua.UkrainianBGN,
    "ua_iso9": translitua.UkrainianISO9,
    "ua_ala_lc": translitua.UkrainianALALC,
    "ua_gost_1986": translitua.UkrainianGOST1986,
    "ua_german": translitua.UkrainianGerman,
    "ua_french": translitua.UkrainianFrench,
    "ua_passport_2007": translitua.UkrainianPassport2007,
    "ua_passport_2004": translitua.UkrainianPassport2004Alt,
    "ua_british": translitua.UkrainianBritish,
}
RU_LATIN: dict[str, iuliia.Schema] = {
    "ru_icao": iuliia.ICAO_DOC_9303,
    "ru_bgn_pcgn": iuliia.BGN_PCGN,
    "ru_iso9": iuliia.GOST_779,
    "ru_ala_lc": iuliia.ALA_LC,
    "ru_scientific": iuliia.SCIENTIFIC,
    "ru_gost_52535": iuliia.GOST_52535,
    "ru_mvd_310": iuliia.MVD_310,
    "ru_mvd_310_fr": iuliia.MVD_310_FR,
    "ru_wikipedia": iuliia.WIKIPEDIA,
}

_UK_SCIENTIFIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "je",
    "ж": "ž", "з": "z", "и": "y", "і": "i", "ї": "ï", "й": "j", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "x", "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ь": "ʹ", "ю": "ju",
    "я": "ja", "'": "ʺ", "ʼ": "ʺ", "’": "ʺ",
}  # fmt: skip


def uk_scientific(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        rep = _UK_SCIENTIFIC.get(low, ch)
        out.append(rep.capitalize() if ch != low and rep else rep)
    return "".join(out)


def _clean(text: str) -> str:
    """Whatever a scheme leaves in Cyrillic (iuliia keeps ё in some) goes through anyascii."""
    if _CYR.search(text):
        return "".join(anyascii.anyascii(c) if _CYR.match(c) else c for c in text)
    return text


def latin(text: str, standard: str) -> str:
    if standard == "ua_scientific":
        return uk_scientific(text)
    if standard == "anyascii":
        return anyascii.anyascii(text)
    if standard in UK_LATIN:
        return _clean(translitua.translit(text, UK_LATIN[standard]))
    return _clean(RU_LATIN[standard].translate(text))


def pick_standard(rng: random.Random, source_is_ukrainian: bool) -> str:
    if source_is_ukrainian:
        return rng.choice([*UK_LATIN, "ua_scientific", "anyascii", "ua_national_2010"])
    return rng.choice([*RU_LATIN, "anyascii", "ru_icao"])


# --- Ukrainian official writing a Russian name (v2 registry) ---
def ru_to_uk(word: str) -> str:
    """Mechanical rendering of a Russian-Cyrillic name in Ukrainian letters."""
    out: list[str] = []
    vowels = "аеёиоуыэюяіїє"
    for i, ch in enumerate(word):
        low = ch.lower()
        prev = word[i - 1].lower() if i else ""
        if low == "и":
            rep = "ї" if prev in vowels and prev else "і"
        elif low == "ы":
            rep = "и"
        elif low == "э":
            rep = "е"
        elif low == "е":
            rep = "є" if (not prev or prev in vowels or prev in "ьъ-") else "е"
        elif low == "ё":
            rep = "йо" if (not prev or prev in vowels or prev in "ьъ") else "ьо"
            if prev in "жчшщ":
                rep = "о"
        elif low == "ъ":
            rep = "'"
        else:
            rep = low
        out.append(rep.capitalize() if ch != low else rep)
    res = "".join(out)
    res = re.sub(r"ській$", "ський", res)
    res = re.sub(r"цкій$", "цький", res)
    res = re.sub(r"іч$", "ич", res)
    res = re.sub(r"іі", "ії", res)
    res = re.sub(r"ь(?=[яюєй])", "'", res)
    return res


# --- Russian clerk writing a Ukrainian name (v1 lists) ---
def _uk_to_ru_mech(word: str) -> str:
    table = {"і": "и", "и": "ы", "ї": "йи", "є": "е", "ґ": "г", "'": "ъ", "ʼ": "ъ", "’": "ъ"}
    out = []
    for i, ch in enumerate(word):
        low = ch.lower()
        rep = table.get(low, low)
        if low == "и":
            prev = word[i - 1].lower() if i else ""
            # Russian writes и after these and at the end of -ський words' stems
            rep = "и" if prev in "жчшщцкгх" or i == 0 else "ы"
        out.append(rep.capitalize() if ch != low else rep)
    res = "".join(out)
    res = re.sub(r"ськый$|ський$", "ский", res)
    res = re.sub(r"цькый$|цький$", "цкий", res)
    res = re.sub(r"ый$", "ый", res)
    res = res.replace("ьо", "ё").replace("ы", "и") if res.endswith("ко") else res.replace("ьо", "ё")
    return res


@functools.cache
def uk_to_ru(word: str, category: str) -> str:
    """The Russian form of a Ukrainian name word: names-translator's dictionary first."""
    if "-" in word:
        return "-".join(uk_to_ru(p, category) for p in word.split("-"))
    hits: list[str] = default_dicts().lookup_key(word.lower().replace("ʼ", "'"), category)
    for hit in hits or []:
        if hit.lower() != word.lower() and not re.search(r"[іїєґ]", hit.lower()):
            return str(hit)
    if hits and not re.search(r"[іїєґ]", hits[0].lower()):
        return str(hits[0])
    return _uk_to_ru_mech(word)


LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "і": "i", "у": "y",
             "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
             "С": "C", "Т": "T", "Х": "X", "І": "I"}  # fmt: skip

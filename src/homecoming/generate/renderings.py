"""How a source writes a name: Ukrainian or Russian Cyrillic, or Latin under a named standard.

Ukrainian-form names are romanised with translitua's tables (KMU 2010, passport 2007/2004,
BGN/PCGN, ISO 9, GOST, German, French...); Russian-form names with iuliia's schemas (ICAO
Doc 9303, MVD 782/310, BGN/PCGN, GOST, Wikipedia, scientific...). Results are cached.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Literal

import iuliia
import translitua

NameForm = Literal["uk", "ru"]


class Script(StrEnum):
    UKRAINIAN = "uk-Cyrl"
    RUSSIAN = "ru-Cyrl"
    LATIN = "Latn"


@dataclass(frozen=True, slots=True)
class Rendering:
    """One way of writing a name: the script, which form of the name, and the standard."""

    script: Script
    name_form: NameForm  # the Ukrainian or the Russian form of the name was written
    scheme: str = ""  # the romanisation standard, for Latin only

    @property
    def label(self) -> str:
        """A short stable name for reports: 'uk', 'ru', 'latn-uk-kmu2010', 'latn-ru-mvd_782'."""
        if self.script is Script.LATIN:
            return f"latn-{self.name_form}-{self.scheme}"
        return self.name_form


# translitua tables for Ukrainian forms, by scheme name.
UKRAINIAN_SCHEMES: Mapping[str, type[translitua.TransliterationTable]] = {
    "kmu2010": translitua.UkrainianKMU,
    "passport2007": translitua.UkrainianPassport2007,
    "passport2004": translitua.UkrainianPassport2004Alt,
    "national1996": translitua.UkrainianNational1996,
    "bgn_pcgn": translitua.UkrainianBGN,
    "iso9": translitua.UkrainianISO9,
    "gost1986": translitua.UkrainianGOST1986,
    "german": translitua.UkrainianGerman,
    "french": translitua.UkrainianFrench,
    "ala_lc": translitua.UkrainianALALC,
    "british": translitua.UkrainianBritish,
    "simple": translitua.UkrainianSimple,
}
# iuliia schema names for Russian forms.
RUSSIAN_SCHEMES: tuple[str, ...] = (
    "icao_doc_9303",
    "mvd_782",
    "mvd_310",
    "bgn_pcgn",
    "wikipedia",
    "gost_7034",
    "gost_779",
    "scientific",
    "ala_lc",
    "ungegn_1987",
    "telegram",
)

UKRAINIAN = Rendering(Script.UKRAINIAN, "uk")
RUSSIAN = Rendering(Script.RUSSIAN, "ru")
LATIN_FROM_UKRAINIAN: dict[str, Rendering] = {
    s: Rendering(Script.LATIN, "uk", s) for s in UKRAINIAN_SCHEMES
}
LATIN_FROM_RUSSIAN: dict[str, Rendering] = {
    s: Rendering(Script.LATIN, "ru", s) for s in RUSSIAN_SCHEMES
}
ALL_RENDERINGS: tuple[Rendering, ...] = (
    UKRAINIAN,
    RUSSIAN,
    *LATIN_FROM_UKRAINIAN.values(),
    *LATIN_FROM_RUSSIAN.values(),
)

# How often each standard is met in practice, within its language (a judgement, not a census).
_UKRAINIAN_SCHEME_WEIGHTS = {
    "kmu2010": 40,
    "passport2007": 10,
    "passport2004": 8,
    "national1996": 5,
    "bgn_pcgn": 8,
    "iso9": 4,
    "gost1986": 4,
    "german": 5,
    "french": 5,
    "ala_lc": 4,
    "british": 2,
    "simple": 5,
}
_RUSSIAN_SCHEME_WEIGHTS = {
    "icao_doc_9303": 25,
    "mvd_782": 15,
    "mvd_310": 10,
    "bgn_pcgn": 14,
    "wikipedia": 15,
    "gost_7034": 4,
    "gost_779": 4,
    "scientific": 4,
    "ala_lc": 4,
    "ungegn_1987": 3,
    "telegram": 2,
}


@dataclass(frozen=True, slots=True)
class RenderingMix:
    """How a body of records divides between scripts; Latin splits by standard's popularity."""

    ukrainian: float = 0.35
    russian: float = 0.30
    latin_from_ukrainian: float = 0.20
    latin_from_russian: float = 0.15

    def sampler(self) -> Callable[[random.Random], Rendering]:
        """A fast function drawing one rendering per call."""
        weights: dict[Rendering, float] = {
            UKRAINIAN: self.ukrainian,
            RUSSIAN: self.russian,
        }
        for name, w in _UKRAINIAN_SCHEME_WEIGHTS.items():
            weights[LATIN_FROM_UKRAINIAN[name]] = self.latin_from_ukrainian * w / 100
        for name, w in _RUSSIAN_SCHEME_WEIGHTS.items():
            weights[LATIN_FROM_RUSSIAN[name]] = self.latin_from_russian * w / 100
        choices = [r for r, w in weights.items() if w > 0]
        cumulative = list(itertools.accumulate(weights[r] for r in choices))
        total = cumulative[-1]

        def draw(rng: random.Random) -> Rendering:
            return choices[bisect.bisect_right(cumulative, rng.random() * total)]

        return draw


@cache
def romanise(text: str, form: NameForm, scheme: str) -> str:
    """The Latin spelling of a Ukrainian- or Russian-form text under a named standard."""
    if form == "uk":
        return str(translitua.translit(text, UKRAINIAN_SCHEMES[scheme]))
    # Some of iuliia's schemas pass ё through; BGN/PCGN, GOST 7.79 and the scientific
    # system all write it ë.
    return str(_russian_schema(scheme).translate(text)).translate(_YO_AS_LATIN)


_YO_AS_LATIN = str.maketrans({"ё": "ë", "Ё": "Ë"})


@cache
def _russian_schema(name: str) -> iuliia.Schema:
    return iuliia.schemas.get(name)

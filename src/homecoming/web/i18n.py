"""Languages of the pages: Babel catalogues compiled from the .po files at first use.

The .po files under `locale/` are the only source (no build step, nothing generated to
commit): each is read with Babel and compiled in memory into a gettext catalogue once per
process. A page's language is the `lang` cookie when the user picked one, else the best
match for the browser's Accept-Language, else Ukrainian (the operators work in Ukraine).
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: dict[str, str] = {"uk": "Українська", "en": "English"}  # each in its own words
# The family page speaks Russian too (many families do); its texts are in every catalogue.
FAMILY_LANGUAGES: dict[str, str] = LANGUAGES | {"ru": "Русский"}
DEFAULT_LANGUAGE = "uk"
LANG_COOKIE = "lang"
DOMAIN = "messages"


def po_path(language: str) -> Path:
    """The catalogue file of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of a language (compiled once from its .po)."""
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def negotiate(accept_language: str, languages: Mapping[str, str] = LANGUAGES) -> str:
    """The supported language the browser prefers most; Ukrainian when none fits."""
    for tag, _quality in _parse_accept(accept_language):
        language = _base_language(tag)
        if language in languages:
            return language
    return DEFAULT_LANGUAGE


def choose(
    cookie: str | None, accept_language: str, languages: Mapping[str, str] = LANGUAGES
) -> str:
    """The page language: the picked one (cookie), else the browser's preference."""
    if cookie is not None and cookie in languages:
        return cookie
    return negotiate(accept_language, languages)


def _parse_accept(header: str) -> list[tuple[str, float]]:
    """Accept-Language as (tag, q), best first; malformed parts are skipped."""
    weighted: list[tuple[str, float, int]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((tag.strip(), quality, position))
    weighted.sort(key=lambda item: (-item[1], item[2]))
    return [(tag, quality) for tag, quality, _ in weighted]


def _base_language(tag: str) -> str:
    if tag == "*":
        return DEFAULT_LANGUAGE
    try:
        return str(Locale.parse(tag, sep="-").language)
    except (ValueError, UnknownLocaleError):
        return tag.split("-")[0].lower()


@dataclass(frozen=True, slots=True)
class Translator:
    """What a page renders with: `_()` for texts, and Babel's formats for numbers and dates."""

    language: str

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language, with `%(name)s` placeholders filled."""
        text = translations(self.language).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The singular or (this language's) plural form, with `%(num)s` and the values."""
        text = translations(self.language).ngettext(singular, plural, n)
        return text % {"num": self.number(n), **values}

    def number(self, value: int | float) -> str:
        """A number as this language writes it (grouping)."""
        return format_decimal(value, locale=self.language)

    def datetime(self, moment: dt.datetime | None) -> str:
        """A moment as this language writes it, in UTC (stored moments are UTC)."""
        if moment is None:
            return ""
        if moment.tzinfo is None:  # SQLite hands back naive UTC
            moment = moment.replace(tzinfo=dt.UTC)
        return format_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=dt.UTC, locale=self.language)

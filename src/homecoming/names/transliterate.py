"""Render Cyrillic names into Latin under the standards people meet on documents and lists.

The tables come from `translitua` (Ukrainian and Russian systems) and `iuliia` (Russian
systems); none are written by hand here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, lru_cache

from homecoming.forgetting import forgettable, on_forget
from homecoming.names.latin_form import ascii_fold
from homecoming.names.script import detect_script

Renderer = Callable[[str], str]


def _translitua(table_name: str) -> Renderer:
    def render(text: str) -> str:
        import translitua

        table = getattr(translitua, table_name)
        return str(translitua.translit(text, table))

    return render


def _iuliia(schema_name: str) -> Renderer:
    def render(text: str) -> str:
        import iuliia

        schema = getattr(iuliia, schema_name)
        return str(schema.translate(text))

    return render


# Standard name -> renderer, for names written the Ukrainian way.
UKRAINIAN_STANDARDS: dict[str, Renderer] = {
    "uk_kmu_2010": _translitua(
        "UkrainianKMU"
    ),  # national system, passports since 2010; = UNGEGN 2012
    "uk_passport_2007": _translitua("UkrainianPassport2007"),
    "uk_passport_2004_alt": _translitua("UkrainianPassport2004Alt"),
    "uk_national_1996": _translitua("UkrainianNational1996"),
    "uk_bgn_pcgn": _translitua("UkrainianBGN"),
    "uk_british": _translitua("UkrainianBritish"),
    "uk_iso9": _translitua("UkrainianISO9"),
    "uk_gost_1971": _translitua("UkrainianGOST1971"),
    "uk_gost_1986": _translitua("UkrainianGOST1986"),
    "uk_dstu_9112_b": _translitua("UkrainianDSTU9112B"),
    "uk_ala_lc": _translitua("UkrainianALALCModified"),
    "uk_scholarly": _translitua("UkrainianWWS"),
    "uk_german": _translitua("UkrainianGerman"),
    "uk_french": _translitua("UkrainianFrench"),
    "uk_simple": _translitua("UkrainianSimple"),
}

# Standard name -> renderer, for names written the Russian way.
RUSSIAN_STANDARDS: dict[str, Renderer] = {
    "ru_icao_doc_9303": _iuliia("ICAO_DOC_9303"),  # Russian passports since 2013
    "ru_mvd_310": _iuliia("MVD_310"),  # passports 1997-2010
    "ru_mvd_782": _iuliia("MVD_782"),  # passports 2010-2013
    "ru_mvd_310_fr": _iuliia("MVD_310_FR"),
    "ru_bgn_pcgn": _iuliia("BGN_PCGN"),
    "ru_gost_7034": _iuliia("GOST_7034"),
    "ru_iso9": _iuliia("GOST_779"),  # GOST 7.79 system A = ISO 9:1995
    "ru_ungegn_1987": _iuliia("UNGEGN_1987"),
    "ru_ala_lc": _iuliia("ALA_LC"),
    "ru_scientific": _iuliia("SCIENTIFIC"),
    "ru_english": _iuliia("WIKIPEDIA"),  # common English spellings
    "ru_driver_license": _translitua("RussianDriverLicense"),
    "ru_simple": _translitua("RussianSimple"),
}

ALL_STANDARDS: tuple[str, ...] = (*UKRAINIAN_STANDARDS, *RUSSIAN_STANDARDS)


@forgettable(maxsize=200_000)
def render_token(token: str, standard: str) -> str:
    """Render one Cyrillic token under one standard."""
    table = UKRAINIAN_STANDARDS.get(standard) or RUSSIAN_STANDARDS[standard]
    return table(token)


def load_tables() -> None:
    """Read names-translator's dictionaries and every standard's rules now (both libraries
    read theirs on first use: a search met them one by one)."""
    dictionaries = _ukrainian_to_russian()
    dictionaries.lookup("Олександр")  # type: ignore[attr-defined]
    dictionaries.lookup("Щщщ")  # type: ignore[attr-defined]  # none found: the general pool
    for standard in ALL_STANDARDS:
        render_token("Ґжицький", standard)


def rendering_word(text: str) -> str:
    """The form of a Cyrillic word whose renderings `latin_renderings` gives (a list's capitals
    and an initial's full stop are no part of a spelling)."""
    return text.strip(".").capitalize()


def latin_renderings(word: str) -> tuple[str, ...]:
    """A Cyrillic word's distinct non-empty renderings under every standard, ASCII-folded and
    lower-cased, and those of its Russian forms: a list renders the Russian form of a name the
    registry holds in Ukrainian (Greigoriy, Grigoriy typed one letter off, against Григорій:
    one letter from Григорий's Grigoriy). `word` as `rendering_word` gives it. Made once a
    word (a word meets many Latin words; about a third of a millisecond), or read from those
    a search snapshot stored (`remember_renderings`) or a linkage run's workers made
    (`remember_run_renderings`)."""
    found = _rendered_before.get(word)
    if found is None:
        found = _rendered_run.get(word)
    return found if found is not None else _made_renderings(word)


# The renderings of the words of the last search snapshot loaded, by word (the snapshot stores
# them: making them is most of a search's first comparison of a Cyrillic word with Latin).
_rendered_before: dict[str, tuple[str, ...]] = {}


def remember_renderings(renderings: Iterable[tuple[str, tuple[str, ...]]]) -> None:
    """Renderings made before (word, `latin_renderings(word)`), served instead of made again;
    they replace those remembered before (memory stays bounded)."""
    _rendered_before.clear()
    _rendered_before.update(renderings)


# The renderings of a linkage run's Cyrillic words, made by the features stage's forked
# workers beside the words' tokens (`linkage.features`): the same tuples `_made_renderings`
# gives, read instead of rendering each word again in the process that grades the pairs.
_rendered_run: dict[str, tuple[str, ...]] = {}


def remember_run_renderings(
    renderings: Iterable[tuple[str, tuple[str, ...]]], *, first: bool = False
) -> None:
    """Renderings a linkage run's workers made (word, `latin_renderings(word)`), served instead
    of made again; `first`: those of the run before are dropped (memory stays bounded)."""
    if first:
        _rendered_run.clear()
    _rendered_run.update(renderings)


@on_forget
def forget_renderings() -> None:
    """Drop every word's renderings this process keeps (after an erasure: the erased names'
    words leave these caches with it)."""
    _rendered_before.clear()
    _rendered_run.clear()
    _made_renderings.cache_clear()


@lru_cache(maxsize=100_000)
def _made_renderings(word: str) -> tuple[str, ...]:
    words = (word, *russian_forms(word))
    # Most standards render a word alike: each distinct rendering is folded once.
    rendered = {render_token(w, s) for w in words for s in ALL_STANDARDS}
    return tuple(sorted({ascii_fold(r).lower() for r in rendered} - {""}))


@cache
def _ukrainian_to_russian() -> object:
    from names_translator.dicts import default_dicts

    return default_dicts()


@forgettable(maxsize=200_000)
def russian_forms(token: str, category: str | None = None) -> tuple[str, ...]:
    """Russian forms of a Ukrainian name token (names-translator), e.g. Олександр -> Александр."""
    if detect_script(token) != "cyrillic":
        return ()
    dicts = _ukrainian_to_russian()
    found: list[str] = dicts.lookup(token, category)  # type: ignore[attr-defined]
    return tuple(f for f in found if f.lower() != token.lower())

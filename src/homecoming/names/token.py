"""Per-token preprocessing, computed once per distinct token and cached: comparing stays cheap."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from homecoming.forgetting import forgettable, forgettable_by_identity, on_forget
from homecoming.names.latin_form import ascii_fold, common_forms, gender_neutral, vowel_class
from homecoming.names.script import detect_script, fix_homoglyphs
from homecoming.names.transliterate import (
    RUSSIAN_STANDARDS,
    UKRAINIAN_STANDARDS,
    render_token,
    russian_forms,
)
from homecoming.names.variant_groups import (
    common_given_name_forms,
    common_surnames,
    common_surnames_spelled,
    diminutive_ids_of_forms,
    given_name_ids_of_forms,
    groups_of_given_name_id,
    name_form_language,
    name_groups,
    rare_name_groups,
    ukrainian_forms,
)

# Patronymic endings in common form (-ович/-ovych/-ovich/-owitsch -> oviC; -івна -> ivna...).
_PATRONYMIC_ENDING = re.compile(r"(oviC|eviC|ivna|ovna|evna)$")
# What a father's name ended with before the patronymic ending replaced it
# (Петро -> Петрович, Андрій -> Андрійович, Сергей -> Сергеевич, Ілля -> Іллівна).
_STEM_ENDINGS = {
    "oviC": ("", "o", "i", "a"),
    "ovna": ("", "o", "i", "a"),
    "ivna": ("", "o", "i", "a", "ia"),
}
_SOFT_STEM_ENDINGS = ("", "i")  # -евич/-евна follow a soft stem: Сергей -> Сергеевич
# Fathers' names in -а make -аевич, -аєвич (Хома: Хомаевич, Іса: Ісаєвич, Isaevich): the common
# form reads that "ae" as "e" (homeviC), so the father's -а is read off the word as written.
_A_FATHER = re.compile(
    r"(?<=[а-яіїєґ]а)[еє]в(?:ич|на)$|(?<=[a-z]a)(?:y|i)?ev(?:ich|ych|itch|ic|na)$"
)
# Short patronymics of fathers' names in -а/-я (Фома -> Фомич, Фоминична; Ілля -> Ілліч;
# Кузьма -> Кузьмич; Савва -> Саввич): the ending replaces the final vowel, and the feminine
# form may keep an -ин- (Фоминична). Only fathers' names the tables know count.
_SHORT_PATRONYMIC_ENDING = re.compile(r"(?:in)?(iCna|iC)$")
_SHORT_STEM_ENDINGS = ("a", "ia")
# Men's names in -а/-я that make short patronymics; women's names in -а (Петра, Дана, Баба)
# would read surnames such as Петрич, Данич, Бабич as patronymics.
_SHORT_FATHERS = frozenset(
    {
        "фома", "хома", "кузьма", "ілля", "илья", "илля", "савва", "сава", "лука", "никита",
        "микита", "гаврила", "данила", "фока", "мина", "сила", "єрема", "ерема",
    }
)  # fmt: skip
# A patronymic's shape, whatever its father's name (Парменович, Парменівна), in any of its
# forms, or in its primary form with a letter before the ending lost or mistyped (Ігнатвич,
# Тимофенвич): parsing reads such a word as a patronymic only where a name puts one (see
# parse.assign_roles).
_PATRONYMIC_SHAPE = re.compile(r"[a-zA-Z]{3}(oviC|eviC|ivna|ovna|evna)$")
_MISTYPED_PATRONYMIC_SHAPE = re.compile(r"[a-zA-Z]{4}(viC|vna)$")
# Fewer letters than this is not a patronymic (Фомич, Ілліч have five).
PATRONYMIC_MIN_LETTERS = 5


@dataclass(frozen=True, slots=True, weakref_slot=True)
class NameToken:
    """One word of a name with everything comparison needs, computed once."""

    text: str
    script: str
    key: str  # case- and diacritic-folded original, for the "same form" rule
    forms: frozenset[str]  # common forms of the token as written, under every standard
    other_forms: frozenset[str]  # common forms of its Ukrainian/Russian counterparts
    primary: str  # the one common form edit distance runs on
    length: int  # letters as written
    vowelless: frozenset[str]  # forms with vowel runs merged, for cross-alphabet edit distance
    neutral: frozenset[str]  # forms with feminine surname endings made masculine
    groups: frozenset[str]  # Wikidata name-group ids; for a patronymic, its father's name ids
    given_ids: frozenset[str]  # Ukrainian/Russian given names this token spells (names-translator)
    common_given: bool  # spells one of the common Ukrainian/Russian given names
    patronymic: bool
    initial: bool
    # Cyrillic: its letters as the learned rendering model reads them; Latin: a-z folded.
    letters: str = ""
    # Wikidata groups of family names and rarer names (see variant_groups.RARE_PREFIX).
    rare_groups: frozenset[str] = frozenset()
    # Common Ukrainian/Russian surnames (Cyrillic, lower case) the word is or spells.
    surnames: frozenset[str] = frozenset()
    # "uk" or "ru" where the word as written is a name form only one language uses (Микола,
    # Николай), else "": a Cyrillic name's language is read off its words' votes.
    form_language: str = ""


def _latin_forms(token: str) -> list[str]:
    if detect_script(token) in ("latin", "empty"):
        return list(common_forms(token))
    from anyascii import anyascii

    return list(common_forms(anyascii(token)))


# Scholarly systems write х as "x", which every other reader takes for "ks".
_SKIPPED_STANDARDS = frozenset({"uk_scholarly"})


def _cyrillic_forms(token: str, standards: tuple[str, ...]) -> list[str]:
    forms: list[str] = []
    for standard in standards:
        if standard in _SKIPPED_STANDARDS:
            continue
        rendered = common_forms(render_token(token, standard))
        if not rendered:
            continue
        # The standard says what its "ch" is: х in German, ч elsewhere.
        form = rendered[-1] if standard == "uk_german" else rendered[0]
        if form not in forms:
            forms.append(form)
    return forms


def _standards_for_token(token: str) -> tuple[str, ...]:
    from homecoming.names.script import cyrillic_language

    lang = cyrillic_language(token)
    uk, ru = tuple(UKRAINIAN_STANDARDS), tuple(RUSSIAN_STANDARDS)
    return uk if lang == "uk" else ru if lang == "ru" else uk + ru


def _model_letters(token: str, script: str, key: str) -> str:
    if script == "cyrillic":
        from homecoming.names.rendering_model import cyrillic_letters

        return cyrillic_letters(token)
    return key if script == "latin" else ""


_VOWELS = frozenset("aeiouy")


def _fleeting_e(stem: str) -> str:
    """A father's name whose last vowel drops before the ending, as Latin writes it: Lvovich,
    Lvovna (Lev; Cyrillic Львович is in the tables). A stem not ending in two consonants is
    returned as it is."""
    if len(stem) >= 2 and stem[-1] not in _VOWELS and stem[-2] not in _VOWELS:
        return stem[:-1] + "e" + stem[-1]
    return stem


def father_name_ids(forms: frozenset[str]) -> frozenset[str]:
    """Given-name ids of the father's name inside patronymic forms (empty: not a patronymic)."""
    found: set[str] = set()
    for form in forms:
        ending = _PATRONYMIC_ENDING.search(form)
        if ending is None or ending.start() < 2:
            continue
        stem = form[: ending.start()]
        endings = _STEM_ENDINGS.get(ending.group(1), _SOFT_STEM_ENDINGS)
        stems = {stem + e for e in endings}
        if ending.group(1) in ("oviC", "ivna"):
            # -ич / -на after the father's name's oblique stem: Якович, Яківна (Яків, Якова).
            stems.add(form[:-2])
        elif stem.endswith("l"):
            stems.add(stem[:-1])  # a Russian -л- before -евич: Яковлевич, Яковлевна (Яков)
        stems |= {_fleeting_e(s) for s in stems}
        found |= given_name_ids_of_forms(frozenset(stems))
    return frozenset(found)


def a_father_name_ids(key: str, script: str) -> frozenset[str]:
    """Given-name ids of a father's name in -а or -ай behind a patronymic in -аевич, -аєвич,
    -aevich (Хома, Николай; `key`: the word in lower case, ASCII-folded when Latin; empty when
    not so shaped)."""
    found = _A_FATHER.search(key)
    if found is None:
        return frozenset()
    stem = key[: found.start()]
    if script == "cyrillic":  # Хома, or Николай (Николаевич)
        forms = cyrillic_forms_of(stem) | cyrillic_forms_of(stem + "й")
    else:
        forms = frozenset(common_forms(stem) + common_forms(stem + "i"))
    return given_name_ids_of_forms(forms)


def spelled_length(token: NameToken) -> int:
    """A word's letters as spelled out: a Latin word's ISO 9 and scholarly letters count as the
    letters they stand for (Ilič is Ilich, five: č is ch), others as written."""
    return len(token.key) if token.script == "latin" else token.length


@forgettable_by_identity(maxsize=400_000)
def short_father_name_ids(token: NameToken) -> frozenset[str]:
    """Given-name ids of the father's name in a short patronymic (Фомич, Ілліч; else empty).

    Such a word is also a surname (Фомич, Кузьмич, Хомич): parsing reads it as a patronymic
    only by its place in the name (see parse.assign_roles).
    """
    if token.patronymic or spelled_length(token) < PATRONYMIC_MIN_LETTERS:
        return frozenset()
    found: set[str] = set()
    for form in token.forms:
        if _PATRONYMIC_ENDING.search(form):
            continue
        stems = set()
        for pattern in (_SHORT_PATRONYMIC_ENDING, re.compile(r"(iCna|iC)$")):
            ending = pattern.search(form)
            if ending is not None and ending.start() >= 2:
                stems.add(form[: ending.start()])
        for stem in stems:
            ids = given_name_ids_of_forms(frozenset(stem + e for e in _SHORT_STEM_ENDINGS))
            if any(i.partition(":")[2] in _SHORT_FATHERS for i in ids):
                found |= ids
    return frozenset(found)


@forgettable_by_identity(maxsize=400_000)
def has_patronymic_shape(token: NameToken) -> bool:
    """Whether a word ends as a patronymic does, whatever its stem (Парменович, Parmenovna)."""
    return token.length >= PATRONYMIC_MIN_LETTERS + 1 and (
        any(_PATRONYMIC_SHAPE.search(form) for form in token.forms)
        or _MISTYPED_PATRONYMIC_SHAPE.search(token.primary) is not None
    )


# East Slavic and Russified surname endings, on gender-neutral forms (Ахмедханов, Мішін, Ткаченко,
# Шевчук, Житомирський): -ов/-ев, -ин/-ін, -енко, -ук/-юк/-чук, -ський/-ский.
_SURNAME_SHAPE = re.compile(r"[a-zA-Z]{3}(ov|ev|in|enko|uk|ski)$")


def has_surname_shape(token: NameToken) -> bool:
    """Whether a word ends as East Slavic surnames do and is not a known given name (Valentin,
    Yakov end so too): the family name of "AKHMEDKHANOV VRNEDIKT", whose given name is mistyped."""
    return (
        not token.groups
        and not token.patronymic
        and any(_SURNAME_SHAPE.search(form) for form in token.neutral)
    )


def cyrillic_forms_of(token: str) -> frozenset[str]:
    """Common Latin forms of a Cyrillic word under the standards of its language."""
    cased = token.capitalize()
    return frozenset(_cyrillic_forms(cased, _standards_for_token(cased)))


def _forms_of(token: str) -> frozenset[str]:
    if detect_script(token) == "cyrillic":
        return cyrillic_forms_of(token)
    return frozenset(_latin_forms(token))


def is_patronymic(token: str) -> bool:
    """Whether a token is a patronymic: its ending follows a known given name (Петрович, Serhiivna).

    Surnames with the same endings (Шухевич, Абрамович-like names of unknown stems) are not.
    """
    if len(token) < 6:
        return False
    return bool(father_name_ids(_forms_of(fix_homoglyphs(token))))


# Ukrainian writes a Russian ё after a consonant as ьо (Семьон, Фьодор, Корольов, Сьома), and
# after ж, ч, ш, щ as о (Горбачов, Кузьмічов, Хрущов); Russian as ё or, mostly, е (Семён /
# Семен, Фёдор / Федор, Горбачёв / Горбачев): the same name.
_UKRAINIAN_YO = re.compile(r"(?<=[бвгґджзклмнпрстфхцчшщ])ьо|(?<=[жчшщ])о(?=ва?$)", re.IGNORECASE)


def _yo_written(cased: str) -> tuple[str, ...]:
    """A Cyrillic word with a Ukrainian ьо (or о after a hushing consonant, in -ов) for the
    Russian ё, as Russian writes it (ё as е)."""
    written = _UKRAINIAN_YO.sub("е", cased)
    return (written,) if written != cased else ()


# Affectionate suffixes, in common forms: -ко (Ігорко, Андрійко), -ка (Никитка), -ик, -чик
# (Тарасик), -ушка/-юшка (Глебушка, Ванюшка), -енька/-онька (Сашенька), -очка/-ечка, -усь
# (Петрусь). Tables list the everyday forms people agree on; families add these to any name.
_AFFECTIONATE = ("uCka", "uSka", "enka", "onka", "oCka", "eCka", "Cik", "ko", "ka", "ik", "us")
# What the stem may need back to spell the full name (Никит-ка: Никита; Андрі-ко: Андрій).
_FULL_ENDINGS = ("", "a", "ia", "o", "i", "ii", "e")
_AFFECTIONATE_STEM = 3


@forgettable(maxsize=50_000)
def affectionate_ids(forms: frozenset[str]) -> frozenset[str]:
    """Given-name ids of a full name that a word spells with an affectionate suffix added."""
    found: set[str] = set()
    for form in forms:
        for suffix in _AFFECTIONATE:
            stem = form[: -len(suffix)]
            if form.endswith(suffix) and len(stem) >= _AFFECTIONATE_STEM:
                # Common names only: Бойко is a surname, not Бой with a suffix.
                full = frozenset(stem + e for e in _FULL_ENDINGS) & common_given_name_forms()
                found |= given_name_ids_of_forms(full)
    return frozenset(found)


# Tokens made elsewhere by this very engine (a search snapshot's stored parses), by text.
_made_before: dict[str, NameToken] = {}
# The tokens made here that are still in use, by text: which of a parse's tokens are as made.
_made: weakref.WeakValueDictionary[str, NameToken] = weakref.WeakValueDictionary()


def remember_tokens(tokens: Iterable[NameToken]) -> None:
    """Tokens this engine made before, as `name_token` makes them (a search snapshot stores
    its names parsed, tokens and all, under the engine's version, and marks which tokens are
    as made: `as_made`): `name_token` returns them instead of making them again. A query's
    words are mostly words of indexed names, and making one costs about a millisecond the
    first time it is met. They replace those remembered before (the last snapshot loaded:
    memory stays bounded)."""
    remembered: dict[str, NameToken] = {}
    for token in tokens:
        remembered.setdefault(token.text, token)
    _made_before.clear()
    _made_before.update(remembered)


@on_forget
def forget_tokens() -> None:
    """Drop the tokens this process remembers and those `name_token` keeps made (after an
    erasure: the erased names' words leave these caches with it)."""
    _made_before.clear()
    _made_token.cache_clear()


def as_made(token: NameToken) -> bool:
    """True when `token` is what `name_token` makes of its text, not a copy a parse changed
    (a patronymic-shaped word read as a family name, a mistyped patronymic read as one):
    False too when no token of its text is at hand to tell (it is then not remembered)."""
    made = _made_before.get(token.text) or _made.get(token.text)
    return made is not None and (made is token or made == token)


def name_token(text: str) -> NameToken:
    """Preprocess one token (cached)."""
    found = _made_before.get(text)
    return found if found is not None else _made_token(text)


# Bounded, so that a million-record run keeps memory flat; a token holds a few small sets.
@lru_cache(maxsize=100_000)
def _made_token(text: str) -> NameToken:
    token = _make_token(text)
    _made[text] = token
    return token


def _make_token(text: str) -> NameToken:
    token = fix_homoglyphs(text.strip(".").strip())
    script = detect_script(token)
    key = ascii_fold(token) if script == "latin" else token.lower().replace("ё", "е")
    if script == "cyrillic":
        cased = token.capitalize()
        primary_forms = _cyrillic_forms(cased, _standards_for_token(cased))
        counterparts = [
            c.capitalize()
            for c in (*russian_forms(cased), *ukrainian_forms(cased)[:2], *_yo_written(cased))
        ]
        other: list[str] = []
        for counterpart in counterparts:
            other += _cyrillic_forms(counterpart, _standards_for_token(counterpart))
        groups = name_groups(cased).union(*(name_groups(c) for c in counterparts))
        rare = rare_name_groups(cased).union(*(rare_name_groups(c) for c in counterparts))
        # Фьодор is Фёдор as Ukrainian writes it: the given name the Russian spelling is.
        yo_forms = [
            f for c in _yo_written(cased) for f in _cyrillic_forms(c, tuple(RUSSIAN_STANDARDS))
        ]
        given_ids = given_name_ids_of_forms(frozenset(primary_forms + yo_forms))
    else:
        primary_forms = _latin_forms(token)
        other = []
        words = script == "latin" and len(token) > 1
        groups = name_groups(token) if words else frozenset()
        rare = rare_name_groups(token) if words else frozenset()
        given_ids = given_name_ids_of_forms(frozenset(primary_forms))
        # A Latin spelling of a Ukrainian or Russian given name joins that name's groups
        # (Oleksandr ~ Alexander through Олександр).
        groups = groups.union(*(groups_of_given_name_id(i) for i in given_ids))
    groups |= given_ids
    forms = frozenset(primary_forms)
    surnames = _surnames(script, key, forms)
    if script == "cyrillic" or (script == "latin" and len(token) > 1):
        # An everyday form joins the full names it stands for: Тьома, Tyoma ~ Артем.
        groups |= diminutive_ids_of_forms(forms)
        if not given_ids and not surnames:  # Бойко is a surname
            groups |= affectionate_ids(forms)
    fathers = father_name_ids(forms) | a_father_name_ids(key, script)
    if fathers:  # a patronymic: compare it by the father's given name
        groups = fathers
    return NameToken(
        text=text,
        script=script,
        key=key,
        forms=forms,
        other_forms=frozenset(other) - forms,
        primary=primary_forms[0] if primary_forms else "",
        length=sum(ch.isalpha() for ch in token),
        vowelless=frozenset(vowel_class(f) for f in forms),
        neutral=frozenset(gender_neutral(f) for f in forms | frozenset(other)),
        groups=groups,
        given_ids=given_ids,
        common_given=not forms.isdisjoint(common_given_name_forms()),
        patronymic=bool(fathers) and len(token) >= 6,
        initial=len(primary_forms[0] if primary_forms else "") <= 1,
        letters=_model_letters(token, script, key),
        rare_groups=frozenset() if fathers else rare,
        surnames=surnames,
        form_language=name_form_language(text) or "",
    )


def _surnames(script: str, key: str, forms: frozenset[str]) -> frozenset[str]:
    if script == "cyrillic":
        return frozenset({key}) if key in common_surnames() else frozenset()
    return common_surnames_spelled(forms) if script == "latin" else frozenset()

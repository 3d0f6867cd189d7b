"""Comparison levels of the one match model: what two records agree on, graded.

Every comparison is a list of levels, strongest first; a pair reaches the first level whose
condition holds (-1: a side does not say). Each level here has its twin in SQL
(`linkage/comparisons.py`): the names' levels are this module's functions, called from SQL as
user-defined functions, so Splink and in-process scoring reach the same level for a pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, Levenshtein

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import RecordFields, service_number_key
from homecoming.forgetting import forgettable, forgettable_by_identity
from homecoming.names.comparison import NameComparison, SimilarityMemo, compare_parsed
from homecoming.names.latin_form import ascii_fold
from homecoming.names.parse import ParsedName, parse_name
from homecoming.names.token import NameToken, name_token
from homecoming.names.transliterate import latin_renderings, rendering_word
from homecoming.names.tuning import (
    DIFFERENT_PART,
    EDIT,
    EXACT_PART,
    FEMININE,
    INITIAL,
    LEARNED,
    PATRONYMIC_SLIP,
    SAME,
    SLIP_PART,
    TRANSLITERATION,
    TYPO_OF_FORM,
    UK_RU,
    VARIANT,
    VARIANT_PART,
)
from homecoming.names.variant_groups import GIVEN_NAME_PREFIX

NULL = -1

# Level labels, strongest first; a level's vector value is its distance from the last (else).
NAME_LEVELS = (
    "every part the same or a transliteration",
    "a Ukrainian/Russian form or a learned rendering",
    "a variant, diminutive or feminine form",
    "one small slip",
    "two parts, one differs more",
    "one name part given, and it agrees",
    "one part agrees, the other differs",
    "names differ",
)
PATRONYMIC_LEVELS = ("patronymic agrees", "patronymic a slip apart", "patronymic differs")
PATRONYMIC_DIFFERS = 0  # vector value of PATRONYMIC_LEVELS[2]
DOB_LEVELS = (
    "exact",
    "day and month transposed",
    "one digit of the year differs or the year is one off, day and month exact",
    "same year and month",
    "same year, month unknown",
    "same year, month differs",
    "year off by one",
    "a near date, and a name that does not agree",
    "no date to compare, and one name part two letters off or more",
    "different",
)
# Dates one slip apart (day and month transposed, a year one digit or one year off) count for a
# pair only when its names agree (`names_agree`: a variant form at worst, NAME_LEVELS[2], or the
# family name the same with one slip in the given name). A surname one or two letters off with a
# near date is as often another person as the same one with two slips: the generator's "near
# surname" outsiders and real lists' brothers and cousins. Such pairs fall to a joint level of
# name and date with a negative weight.
NAMES_AGREE = 5  # vector value of NAME_LEVELS[2]
SLIP = 4  # vector value of NAME_LEVELS[3], "one small slip"
# Names that disagree: one part agreeing and the other not, or none agreeing (NAME_LEVELS[6],
# [7]).
NAMES_DISAGREE = (1, 0)
# Without a date, a name part two letters off or more (NAME_LEVELS[4]) is as often a
# near-namesake (Лапина / Лапшина, Вакуленко / Вакунмленко with the same given name and
# patronymic) as the same person: only a date makes such a pair likely. It falls to a joint
# level of date and name with a weight of its own (match.train.UNDATED_APART_WEIGHT).
NAMES_APART = 3  # vector value of NAME_LEVELS[4], "two parts, one differs more"
SEX_LEVELS = ("sex agrees", "sex differs")
# A service number copied onto the wrong row (the neighbour's, a brother's) is a known clerical
# error of hand-made lists. A number that agrees while the names do not agree and the years of
# birth differ is that conflict, not proof: a joint level with a weight of its own
# (match.train.SERVICE_CONFLICT_WEIGHT), so such an entry goes to a person's review. So is a
# number that agrees with names of which one part at most agrees (a brother's row: the family
# name and another given name) where a side has no year to tell them apart, and a number that
# agrees beside a patronymic that differs, whatever the names: another father's son with the
# number copied onto his row (or one man with a wrong patronymic, for a person to tell); a near
# name (a part two letters off) with the same number is the same person misspelt, not a
# neighbour's number.
# (Tried and left out: names one slip apart with a date one slip apart as no conflict. On the
# independent generator's splits it found 5 more of 4,800 listed people for 1 more of 1,200
# absent people resolved, and on a held-out split 2 more absent people of 400: at nine misses
# for a false match, a loss; docs/linkage.md.)
SERVICE_LEVELS = (
    "service number agrees",
    "service number one edit apart",
    "service number agrees, but the name and the year of birth do not",
    "differs",
)
UNIT_LEVELS = ("unit agrees", "unit differs")
PLACE_LEVELS = ("place of birth agrees", "place of birth differs")


def vector_value(levels: tuple[str, ...], index: int) -> int:
    """Splink's comparison vector value of the level at `index` (0 is the else level)."""
    return len(levels) - 1 - index


def names_agree_level(name: int, family_same: bool) -> bool:
    """`NameEvidence.agree` of a name level and whether the family names are the same."""
    return name >= NAMES_AGREE or (name == SLIP and family_same)


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """The names' two levels (vector values) and the comparison they came from.

    `family_same`: the family names met as the same word or a transliteration (so a slip, if
    any, is in another part), or as one another with two neighbouring letters exchanged
    (`neighbours_exchanged`) while every other part agrees (the pair's only slip).
    """

    name: int
    patronymic: int
    comparison: NameComparison | None
    family_same: bool = False

    @property
    def agree(self) -> bool:
        """Names that let a near date count (see NAMES_AGREE): a variant form at worst, or one
        slip outside a family name that is the same, or a family name with two neighbouring
        letters exchanged (Гайеднко / Гайденко) beside parts that agree: a typing slip, not
        another family's name. A family name a letter off otherwise, with a near date, stays
        the joint level: as often a near-namesake as two slips (a letter struck for the key
        beside it too: Носачев / НГСАЧЕВ), and a false match costs nine misses
        (docs/linkage.md, thresholds)."""
        return names_agree_level(self.name, self.family_same)

    @property
    def apart(self) -> bool:
        """One name part two letters off or more while the others agree (NAME_LEVELS[4])."""
        return self.name == NAMES_APART


def family_pair(x: NameToken, y: NameToken, x_role: str, y_role: str) -> bool:
    """Whether two words that met as the same word are the pair's family name: both read as
    the family name, or one read as the family name and the other as the given name while the
    word is no known given name. A name written given name first with the given name mistyped
    (ИДЬНУР МУХАМЕТШИН, Нкита Назаров) is read family name first, by position; its family name
    meets the other side's as its given name. A word that is a known given name (Нікіта in
    "Нікіта Назарв") may be the given name, with the slip in the family name: not counted."""
    if x_role == "family" and y_role == "family":
        return True
    if {x_role, y_role} != {"family", "given"}:
        return False
    return not (x.given_ids or x.common_given or y.given_ids or y.common_given)


def _is_patronymic_pair(name: ParsedName, index: int) -> bool:
    return name.tokens[index].patronymic or name.role_of(index) == "patronymic"


def name_evidence_parsed(
    a: ParsedName, b: ParsedName, memo: SimilarityMemo | None = None
) -> NameEvidence:
    """Grade two parsed names: family and given names together, the patronymic apart (`memo`:
    see `compare_parsed`)."""
    main_a = [t for t in a.tokens if not t.patronymic]
    main_b = [t for t in b.tokens if not t.patronymic]
    if not main_a or not main_b:
        return NameEvidence(NULL, NULL, None)
    comparison = compare_parsed(a, b, memo=memo)
    left, right = comparison.parsed or (a, b)
    grades: list[int] = []
    patronymic: list[float] = []
    family_same = False
    slips: list[tuple[int, int]] = []
    for i, j, score, rule in comparison.pairs:
        if _is_patronymic_pair(left, i) and _is_patronymic_pair(right, j):
            patronymic.append(patronymic_score(left.tokens[i], right.tokens[j], score, rule))
        elif rule != INITIAL:
            grade = aligned_grade(left.tokens[i], right.tokens[j], score, rule)
            grades.append(grade)
            if grade == SLIP_GRADE:
                slips.append((i, j))
            if grade == EXACT and family_pair(
                left.tokens[i], right.tokens[j], left.role_of(i), right.role_of(j)
            ):
                family_same = True
    shorter = min(sum(1 for t in main_a if not t.initial), sum(1 for t in main_b if not t.initial))
    name = _name_level(grades, shorter)
    if name == SLIP and len(slips) == 1 and not family_same:
        i, j = slips[0]
        family_same = family_letters_exchanged(
            left.tokens[i], right.tokens[j], left.role_of(i), right.role_of(j)
        )
    fathers = _patronymic_level(patronymic, _has_patronymic(left), _has_patronymic(right))
    return NameEvidence(name, fathers, comparison, family_same)


def _has_patronymic(name: ParsedName) -> bool:
    return any(t.patronymic for t in name.tokens)


def family_letters_exchanged(x: NameToken, y: NameToken, x_role: str, y_role: str) -> bool:
    """Whether the pair's one slip is the family name's own, two neighbouring letters exchanged
    (`family_pair`, `neighbours_exchanged`): then the family names count as the same
    (`NameEvidence.family_same`). Read by `name_evidence_parsed` and by batch linkage's
    grading of the same pairs (`linkage.name_grading`)."""
    return family_pair(x, y, x_role, y_role) and neighbours_exchanged(x, y)


# A Latin patronymic that only the learned rendering model reads as a Cyrillic one, more than
# this many letters from every standard's rendering of it (and of its Russian form), is another
# father's name: Cyrenovič / Максиміл'янович (eight), Magomedovich / Магомедрасулович (five).
# Patronymics are long and a list writes the Russian form mistyped (GRIGORIDEVICH / Григорович:
# two), so the margin is wider than a name part's one letter (`aligned_grade`).
PATRONYMIC_RENDERING_APART = 2


def patronymic_score(x: NameToken, y: NameToken, score: float, rule: str) -> float:
    """The score two aligned patronymics count with: their own, or 0 when they met by the
    learned rendering model alone, too far from any rendering (PATRONYMIC_RENDERING_APART);
    a slip's when two Cyrillic patronymics are one letter apart with Ukrainian letters read as
    the Russian ones (`letters_apart`).

    A Russian list's patronymic mistyped by one letter against the Ukrainian registry's
    (Ризваеович / Різванович) differs by і and и as well as by the slip, and scored as two
    edits (0.68), under a slip; mistyped in the registry's own spelling it is one (Іваеович /
    Іванович: 0.80). Name parts are counted so already (`aligned_grade`)."""
    if rule == LEARNED and forms_apart(x, y) > PATRONYMIC_RENDERING_APART:
        return 0.0
    if score < PATRONYMIC_SLIP and x.script == y.script == "cyrillic" and letters_apart(x, y) == 1:
        return PATRONYMIC_SLIP
    return score


def aligned_grade(x: NameToken, y: NameToken, score: float, rule: str) -> int:
    """The grade of two aligned name parts (not patronymics, not initials) that met by `rule`
    with `score`: `part_grade`, with the letters they are apart counted."""
    grade = part_grade(score, rule)
    if grade in (SLIP_GRADE, APART) and rule != TYPO_OF_FORM:
        if _two_known_words(x, y):
            # Two known names a letter apart are two names, however many letters apart
            # (read first: counting the letters renders a Cyrillic word under every standard).
            return APART
        # Across alphabets, a pair met by edit distance or the learned renderings alone
        # is counted against the closest transliteration (Shirn / Шиян: three;
        # Shukhebich / Шухевич: one; Polovih / Полтавець: three).
        apart = letters_apart(x, y) or (forms_apart(x, y) if rule in (EDIT, LEARNED) else 0)
        if grade == SLIP_GRADE and apart > 1:
            grade = APART
        elif grade == APART and apart == 1:
            grade = SLIP_GRADE  # a short name one letter off: Мрад / Мурад, Олг / Олег
        if grade == SLIP_GRADE and not _given_name_either(x, y) and off_keyboard(x, y):
            # One letter of a family name replaced by one no key beside it types is as often
            # another family's name as a typo (Трофімов / Тролимов, Стус / Суус; docs/linkage.md).
            grade = APART
    elif (
        grade == DIFFERENT
        and rule in (EDIT, LEARNED)
        and not _two_known_words(x, y)
        and neighbours_exchanged(x, y)
    ):
        # A short word with two neighbours exchanged scores low by similarity (Тиотв / Тітов:
        # 0.36), yet is a typing slip. A letter changed is left as graded: in a short word it
        # is as often another family's name (Сзорык / Скорик).
        grade = SLIP_GRADE
    return grade


# How two name parts met, strongest first: the same or a transliteration; a Ukrainian/Russian
# form; a variant, diminutive or feminine form; a slip (a typo of one letter, or a rendering only
# the learned model reads); more than a slip (in one alphabet, two letters or more apart:
# Кальченко / Калоченков, as often another family's name as a typo); different.
EXACT, FORM, VARIANT_FORM, SLIP_GRADE, APART, DIFFERENT = range(6)


def part_grade(score: float, rule: str) -> int:
    """The grade of one aligned pair of name parts, from the rule that met them."""
    if rule in (SAME, TRANSLITERATION) and score >= EXACT_PART:
        return EXACT
    if rule == UK_RU:
        return FORM
    if rule in (VARIANT, FEMININE) and score >= VARIANT_PART:
        return VARIANT_FORM
    if score >= SLIP_PART:
        return SLIP_GRADE if score < EXACT_PART or rule not in (SAME, TRANSLITERATION) else EXACT
    return APART if score >= DIFFERENT_PART else DIFFERENT


def _two_known_words(a: NameToken, b: NameToken) -> bool:
    """Two different known given names, or two different known surnames (Марина / Дарина,
    Равіль / Раміль, Гук / Жук, Сафонов / Sazonov): a letter apart, they are two names, not a
    typo. A given name is known when it is common or a Wikidata given name (its NAME: group;
    names-translator's tables alone also hold misspellings such as Vlodymyr)."""
    names_a, names_b = _wikidata_names(a), _wikidata_names(b)
    if names_a and names_b:
        return names_a.isdisjoint(names_b) and a.given_ids.isdisjoint(b.given_ids)
    return (a.common_given and b.common_given) or (
        bool(a.surnames) and bool(b.surnames) and a.surnames.isdisjoint(b.surnames)
    )


def _given_name_either(a: NameToken, b: NameToken) -> bool:
    """Whether either word is a known given name, common or a Wikidata given name (given names
    are a closed set, their slips graded by the names' own tables; names-translator's tables
    alone also hold surnames and misspellings: Суус)."""
    return bool(a.common_given or b.common_given or _wikidata_names(a) or _wikidata_names(b))


# The keyboards lists are typed on, rows as their keys lie (Ukrainian and Russian ЙЦУКЕН,
# QWERTY): a typing slip that replaces a letter mostly types a key beside it.
_KEYBOARD_ROWS = (
    ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),
    ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
)


def _neighbour_keys() -> dict[str, frozenset[str]]:
    """Each letter's keys beside it: on its row, and on the rows above and below as the keys
    are staggered (`s` touches `w e a d z x`)."""
    found: dict[str, set[str]] = {}
    for rows in _KEYBOARD_ROWS:
        for r, row in enumerate(rows):
            for i, key in enumerate(row):
                near = found.setdefault(key, set())
                near.update(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
                if r + 1 < len(rows):
                    below = rows[r + 1]
                    for j in (i - 1, i):
                        if 0 <= j < len(below):
                            near.add(below[j])
                            found.setdefault(below[j], set()).add(key)
    return {key: frozenset(near) for key, near in found.items()}


NEIGHBOUR_KEYS = _neighbour_keys()


def off_keyboard(a: NameToken, b: NameToken) -> bool:
    """Whether two words are one another with one letter replaced by a letter that no key
    beside it types (Трофімов / Тролимов, Пастир / Prstyr); across alphabets, against every
    rendering one letter off. A letter dropped, doubled or exchanged with its neighbour, a key
    beside it, or a letter Ukrainian and Russian spell apart (Котов / Котоы, Сітніков /
    Ситников) is a slip: False."""
    if a.script == b.script:
        if not a.key or not b.key:
            return False
        if a.script == "cyrillic":
            return _replaced_off_keyboard(_SIGNS.sub("", a.key), _SIGNS.sub("", b.key), True)
        if a.script == "latin":
            return _replaced_off_keyboard(_latin_letters(a), _latin_letters(b))
        return False
    scripts = {a.script: a, b.script: b}
    if set(scripts) != {"latin", "cyrillic"}:
        return False
    latin = _latin_letters(scripts["latin"])
    return _rendering_off_keyboard(latin, rendering_word(scripts["cyrillic"].text))


@forgettable(maxsize=100_000)
def _rendering_off_keyboard(latin: str, cyrillic: str) -> bool:
    near = [r for r in _renderings_both(cyrillic) if OSA.distance(latin, r) == 1]
    return bool(near) and all(_replaced_off_keyboard(r, latin) for r in near)


def _replaced_off_keyboard(a: str, b: str, cyrillic: bool = False) -> bool:
    if len(a) != len(b):
        return False
    apart = [
        (x, y)
        for x, y in zip(a, b, strict=True)
        if x != y and not (cyrillic and x.translate(_UK_RU_LETTERS) == y.translate(_UK_RU_LETTERS))
    ]
    if len(apart) != 1:
        return False
    x, y = apart[0]
    if not cyrillic:
        return y not in NEIGHBOUR_KEYS.get(x, frozenset())
    # A letter stands for each it is spelt as in the other language (a list types "и" where the
    # registry has "і"): its neighbours are theirs too.
    return not any(
        v in NEIGHBOUR_KEYS.get(u, frozenset())
        for u in _SPELT_AS.get(x, x)
        for v in _SPELT_AS.get(y, y)
    )


@forgettable_by_identity(maxsize=400_000)
def _wikidata_names(token: NameToken) -> frozenset[str]:
    return frozenset(g for g in token.groups if g.startswith(GIVEN_NAME_PREFIX))


def letters_apart(a: NameToken, b: NameToken) -> int:
    """How many letters two words of one alphabet differ by (a swap of neighbours is one).

    Words in two alphabets give 0: their renderings differ by more than typing does, and
    the names engine has already graded them.
    """
    if a.script != b.script or not a.key or not b.key:
        return 0
    if a.script == "cyrillic":
        return int(OSA.distance(_token_letters(a), _token_letters(b)))
    return int(OSA.distance(a.key, b.key))


def neighbours_exchanged(a: NameToken, b: NameToken) -> bool:
    """Whether two words of four letters or more are one another with two neighbouring letters
    exchanged (Тиорв / Тіров; across alphabets, against the closest rendering: Xbaib /
    Хабіб)."""
    if a.script == b.script:
        if not a.key or not b.key:
            return False
        if a.script == "cyrillic":
            return _exchanged(_token_letters(a), _token_letters(b))
        return _exchanged(a.key, b.key)
    scripts = {a.script: a, b.script: b}
    if set(scripts) != {"latin", "cyrillic"}:
        return False
    latin = _latin_letters(scripts["latin"])
    if len(latin) < 4:
        return False
    cyrillic = rendering_word(scripts["cyrillic"].text)
    return any(_exchanged(latin, r) for r in _renderings_by_length(cyrillic).get(len(latin), ()))


def _exchanged(a: str, b: str) -> bool:
    """Whether `a` is `b` with two neighbouring letters exchanged (four letters or more): they
    first differ at some i, a[i] and a[i + 1] are b's two the other way round (and differ), and
    the rest is the same."""
    if len(a) != len(b) or len(a) < 4 or a == b:
        return False
    i = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    j = i + 1
    return (
        j < len(a) and a[i] == b[j] and a[j] == b[i] and a[i] != a[j] and a[j + 1 :] == b[j + 1 :]
    )


@forgettable(maxsize=100_000)
def _renderings_by_length(cyrillic: str) -> dict[int, tuple[str, ...]]:
    """`_renderings_both(cyrillic)` by their lengths."""
    found: dict[int, list[str]] = {}
    for rendering in _renderings_both(cyrillic):
        found.setdefault(len(rendering), []).append(rendering)
    return {length: tuple(renderings) for length, renderings in found.items()}


def forms_apart(a: NameToken, b: NameToken) -> int:
    """How many letters a Latin word is from the closest rendering of a Cyrillic one under the
    transliteration standards (Koshcchenko / Кощенко: one; Shirn / Шиян: three); 0 unless one
    word is Latin and the other Cyrillic. A typo is made in the spelling, not in a common form,
    which shortens digraphs (Koshcchenko's common form is two letters off Кощенко's)."""
    scripts = {a.script: a, b.script: b}
    if set(scripts) != {"latin", "cyrillic"}:
        return 0
    latin = _latin_letters(scripts["latin"])
    return _closest_rendering(latin, rendering_word(scripts["cyrillic"].text))


@forgettable(maxsize=100_000)
def _closest_rendering(latin: str, cyrillic: str) -> int:
    return int(min(OSA.distance(latin, r) for r in _renderings_both(cyrillic)))


def renderings_read(cyrillic: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The renderings `forms_apart` and `neighbours_exchanged` read for a Cyrillic word as
    `rendering_word` gives it: (word, `latin_renderings(word)`) for it and its Russian
    spelling."""
    words = dict.fromkeys((cyrillic, _russian_spelling(cyrillic)))
    return tuple((word, latin_renderings(word)) for word in words)


@forgettable_by_identity(maxsize=400_000)
def _latin_letters(token: NameToken) -> str:
    """A Latin word's letters as the renderings of a Cyrillic one are written (ASCII-folded,
    lower case)."""
    return ascii_fold(token.text).lower()


def _renderings_both(cyrillic: str) -> tuple[str, ...]:
    """The word's renderings (`latin_renderings`) and those of its Russian spelling."""
    renderings = latin_renderings(cyrillic)
    russian = _russian_spelling(cyrillic)
    if russian != cyrillic:
        renderings += latin_renderings(russian)
    return renderings


# A list renders the Russian spelling of a name the registry holds in Ukrainian. Where the
# names tables know no Russian form (most surnames), the letters Ukrainian spells apart are
# read as Russian writes them (Баскаєв: Баскаев, so Bsakaev is one slip from Baskaev, not two
# from Baskaiev).
_RUSSIAN_LETTERS = str.maketrans(
    {"і": "и", "ї": "и", "є": "е", "ґ": "г", "ʼ": "ь", "'": "ь", "’": "ь"}
)


def _russian_spelling(word: str) -> str:
    lower = word.lower().translate(_RUSSIAN_LETTERS)
    return rendering_word(lower)


# Letters that differ only between Ukrainian and Russian spelling of one name (Сітніков /
# Ситников, Кадиргулов / Кадыргулов, Євсєєв / Евсеев, Вʼячеслав / Вячеслав) are no typo.
_UK_RU_LETTERS = str.maketrans({"і": "и", "ы": "и", "ї": "и", "є": "е", "э": "е", "ґ": "г"})
_SIGNS = re.compile("[ьъʼ'’]")
# Each letter and the letters it is spelt as in the other language (і, ї, ы, и; є, э, е; ґ, г).
_SPELT_AS = {
    x: "".join(y for y in "іїыиєэеґг" if y.translate(_UK_RU_LETTERS) == x.translate(_UK_RU_LETTERS))
    for x in "іїыиєэеґг"
}


def _cyrillic_letters(key: str) -> str:
    return _SIGNS.sub("", key.translate(_UK_RU_LETTERS))


@forgettable_by_identity(maxsize=400_000)
def _token_letters(token: NameToken) -> str:
    """`_cyrillic_letters` of a Cyrillic word's key."""
    return _cyrillic_letters(token.key)


def _name_level(grades: list[int], shorter: int) -> int:
    """The name level of the aligned name parts' grades (`shorter`: the name parts, initials
    aside, of the name with fewer)."""
    agreeing = [g for g in grades if g <= VARIANT_FORM]
    if len(grades) >= 2:
        worst = max(grades)
        if worst <= SLIP_GRADE:
            return vector_value(NAME_LEVELS, worst)
        if worst == APART and agreeing:
            return vector_value(NAME_LEVELS, 4)
    if agreeing and shorter <= 1:
        return vector_value(NAME_LEVELS, 5)
    if agreeing:
        return vector_value(NAME_LEVELS, 6)
    return 0


def _patronymic_level(scores: list[float], has_a: bool, has_b: bool) -> int:
    """The patronymic level of the aligned patronymics' scores, given whether each name has
    a patronymic."""
    if not (has_a and has_b):
        return NULL
    best = max(scores, default=0.0)
    if best >= VARIANT_PART:
        return vector_value(PATRONYMIC_LEVELS, 0)
    if best >= PATRONYMIC_SLIP:
        return vector_value(PATRONYMIC_LEVELS, 1)
    return 0


@forgettable(maxsize=200_000)
def parsed(text: str) -> ParsedName:
    """A name as written, parsed once (cached)."""
    return parse_name(text)


@forgettable(maxsize=500_000)
def name_evidence(left: str, right: str) -> NameEvidence:
    """`name_evidence_parsed` of two names as written (cached: batches repeat names)."""
    return name_evidence_parsed(parsed(left), parsed(right))


def name_level(left: str | None, right: str | None) -> int:
    """The names' level (vector value) of two names as written; SQL calls this."""
    if not left or not right:
        return NULL
    return name_evidence(left, right).name


def names_agree(left: str | None, right: str | None) -> int:
    """1 when two names as written agree enough for a near date to count, else 0 (-1: a side
    has no name); SQL calls this."""
    if not left or not right:
        return NULL
    return int(name_evidence(left, right).agree)


def patronymic_level(left: str | None, right: str | None) -> int:
    """The patronymics' level (vector value) of two names as written; SQL calls this."""
    if not left or not right:
        return NULL
    return name_evidence(left, right).patronymic


def one_digit_apart(a: int, b: int) -> bool:
    """Years that differ in one decimal digit (1983 / 1988, 1973 / 1983)."""
    return a // 10 == b // 10 or (a % 10 == b % 10 and a // 100 == b // 100)


def dob_level(a: PartialDate, b: PartialDate, agree: bool = True, *, apart: bool = False) -> int:
    """Partial dates of birth graded, given whether the pair's names agree (NameEvidence.agree)
    and whether a name part is two letters off or more (NameEvidence.apart).

    SQL twin: comparisons.date_of_birth_comparison. A near date counts only where the names
    agree; otherwise it is the joint level "a near date, and a name that does not agree". No
    date on a side is no evidence, unless a name part is two letters off: then the pair falls
    to the joint level "no date to compare, and one name part two letters off or more".
    """
    if a.year is None or b.year is None:
        return vector_value(DOB_LEVELS, len(DOB_LEVELS) - 2) if apart else NULL
    same_day_month = a.month is not None and a.month == b.month and a.day is not None
    same_day_month = same_day_month and a.day == b.day
    transposed = (
        a.year == b.year
        and a.month is not None
        and a.day is not None
        and a.month == b.day
        and a.day == b.month
    )
    one_digit = same_day_month and one_digit_apart(a.year, b.year)
    year_off = abs(a.year - b.year) == 1
    # 1989 for 1990 is the slip 1988 for 1989 is, though two digits differ.
    year_slip = same_day_month and year_off
    conditions = (
        a.year == b.year and same_day_month,
        agree and transposed,
        agree and (one_digit or year_slip),
        a.year == b.year and a.month is not None and a.month == b.month,
        a.year == b.year and (a.month is None or b.month is None),
        a.year == b.year,
        agree and year_off,
        transposed or one_digit or year_off,
    )
    for index, holds in enumerate(conditions):
        if holds:
            return vector_value(DOB_LEVELS, index)
    return 0


def sex_level(a: str | None, b: str | None) -> int:
    """Sex agrees, differs, or is unknown on a side."""
    if not a or not b:
        return NULL
    return vector_value(SEX_LEVELS, 0 if a == b else 1)


def service_level(a: str | None, b: str | None, *, conflict: bool = False) -> int:
    """Service numbers (already folded by `service_number_key`): same, one edit, differ.

    `conflict` (`service_conflict`): the pair's names do not agree and its years of birth
    differ, so a number that agrees or nearly does falls to the joint level.
    """
    if not a or not b:
        return NULL
    near = a == b or Levenshtein.distance(a, b) <= 1
    if near and conflict:
        return vector_value(SERVICE_LEVELS, 2)
    if a == b:
        return vector_value(SERVICE_LEVELS, 0)
    if near:
        return vector_value(SERVICE_LEVELS, 1)
    return 0


def service_conflict(
    agree: bool, name: int, a: PartialDate, b: PartialDate, patronymic: int = NULL
) -> bool:
    """Whether a service number that agrees conflicts with the rest (see SERVICE_LEVELS): names
    that do not agree (`agree`: NameEvidence.agree; `name`: the name level) and years of birth
    that differ, or patronymics that differ (`patronymic`: the patronymic level), or names that
    disagree (NAMES_DISAGREE) or are two letters apart (NAMES_APART) and no year on a side."""
    if patronymic == PATRONYMIC_DIFFERS:
        return True
    if agree:
        return False
    if a.year is None or b.year is None:
        return name in NAMES_DISAGREE or name == NAMES_APART
    return a.year != b.year


_NUMBER = re.compile(r"\d+")
# A military unit code (в/ч А1234, А1234, military unit 3002): its digits, marked with this
# prefix. A formation's number (71st brigade, 36 ОБрМП) is kept bare. The two are different
# numberings of the same army (brigade 93 is в/ч А0501): they are never compared.
UNIT_CODE = "code:"
_UNIT_CODE = re.compile(
    r"(?:в\s*/\s*ч|військова частина|воинская часть|military unit)\s*[A-ZА-ЯІЇЄҐ]?\s*-?\s*(\d{3,5})"
    r"|(?<![^\W\d_])[AА]\s*-?\s*(\d{4})(?!\d)",
    re.IGNORECASE,
)


def unit_number(text: str) -> str | None:
    """The unit's code ('в/ч А1234', 'А1234' -> 'code:1234') or formation number ('71st brigade'
    -> '71')."""
    code = _UNIT_CODE.search(text or "")
    if code:
        return UNIT_CODE + (code.group(1) or code.group(2))
    found = _NUMBER.findall(text or "")
    return max(found, key=len) if found else None


def unit_kind(number: str) -> bool:
    """Whether a unit number (`unit_number`) is a unit code: codes and formation numbers are
    different numberings, never compared."""
    return number.startswith(UNIT_CODE)


def unit_level(a: str | None, b: str | None) -> int:
    """Unit numbers (from `unit_number`) agree, differ, or cannot be compared: one is unknown,
    or one is a unit code and the other a formation's number."""
    if not a or not b or a.startswith(UNIT_CODE) != b.startswith(UNIT_CODE):
        return NULL
    return vector_value(UNIT_LEVELS, 0 if a == b else 1)


@forgettable(maxsize=100_000)
def place_forms(text: str) -> frozenset[str]:
    """Common forms of a place name's first word, in every standard (Рівне ~ Rivne ~ Rowno)."""
    words = re.split(r"[\s,()-]+", (text or "").strip())
    words = [w for w in words if len(w) > 1 and w.rstrip(".").lower() not in {"м", "г", "с", "смт"}]
    if not words:
        return frozenset()
    token = name_token(words[0])
    return frozenset(token.forms | token.other_forms)


def place_level(a: str | None, b: str | None) -> int:
    """Places of birth agree in some standard, differ, or one is unknown."""
    left, right = place_forms(a or ""), place_forms(b or "")
    if not left or not right:
        return NULL
    return vector_value(PLACE_LEVELS, 0 if left & right else 1)


def family_key(name: ParsedName) -> str | None:
    """The family name's gender-neutral primary form: what term frequencies count."""
    for token, role in zip(name.tokens, name.roles or (), strict=False):
        if role == "family" and not token.patronymic and token.primary:
            return neutral_primary(token)
    return None


def neutral_primary(token: NameToken) -> str:
    """The gender-neutral form of the token's primary form (kovalska -> kovalski)."""
    primary = token.primary
    if primary in token.neutral or not token.neutral:
        return primary
    return max(sorted(token.neutral), key=lambda form: _common_prefix(form, primary))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class Facts:
    """What one record tells the model: its name as written and the other fields, folded."""

    name: str
    born: PartialDate = field(default_factory=PartialDate)
    sex: str | None = None
    service_number: str | None = None  # folded by domain.record.service_number_key
    unit: str | None = None  # the unit's number (`unit_number`)
    place: str = ""


def compare_facts(a: Facts, b: Facts) -> tuple[dict[str, int], NameEvidence]:
    """Every comparison's level (vector value) for two records, and the names' evidence."""
    names = name_evidence(a.name, b.name) if a.name and b.name else NameEvidence(NULL, NULL, None)
    levels = levels_with_names(a, b, names) | levels_without_names(a, b)
    return {name: levels[name] for name in COMPARISON_LEVELS}, names


def levels_with_names(a: Facts, b: Facts, names: NameEvidence) -> dict[str, int]:
    """The levels of two records that read their names' evidence: the names' own, and those
    the names change (the date of birth, the service number). These read `names` only through
    `names.agree`, `names.apart` and whether `names.name` is in NAMES_DISAGREE (what
    `match.bounds` tries for a pair whose names are not compared), and `names.patronymic` only
    to lower the service number's level (a patronymic that differs: the conflict level), which
    a bound, taking the patronymic as unknown, never does."""
    conflict = service_conflict(names.agree, names.name, a.born, b.born, names.patronymic)
    return {
        "name": names.name,
        "patronymic": names.patronymic,
        "date_of_birth": dob_level(a.born, b.born, names.agree, apart=names.apart),
        "service_number": service_level(a.service_number, b.service_number, conflict=conflict),
    }


def levels_without_names(a: Facts, b: Facts) -> dict[str, int]:
    """The levels of two records whatever their names: sex, unit, place of birth."""
    return {
        "sex": sex_level(a.sex, b.sex),
        "unit": unit_level(a.unit, b.unit),
        "place_of_birth": place_level(a.place, b.place),
    }


COMPARISON_LEVELS: dict[str, tuple[str, ...]] = {
    "name": NAME_LEVELS,
    "patronymic": PATRONYMIC_LEVELS,
    "date_of_birth": DOB_LEVELS,
    "sex": SEX_LEVELS,
    "service_number": SERVICE_LEVELS,
    "unit": UNIT_LEVELS,
    "place_of_birth": PLACE_LEVELS,
}
# Name levels whose weight follows how common the family name is (Splink's tf adjustment).
TF_NAME_LEVELS = frozenset({0, 1, 2, 5})


def facts_of(fields: RecordFields) -> Facts:
    """A record's facts as the model reads them."""
    return Facts(
        name=fields.display_name(),
        born=fields.date_of_birth,
        sex=fields.sex.value if fields.sex else None,
        service_number=service_number_key(fields.service_number) or None,
        unit=unit_number(fields.unit),
        place=fields.place_of_birth,
    )

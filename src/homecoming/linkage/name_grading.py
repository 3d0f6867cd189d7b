"""The names' levels of a candidate pair, as `match.levels.name_evidence_parsed` grades them, fast.

Batch linkage grades millions of candidate pairs. `name_evidence_parsed` builds a full
comparison (an explained score, objects for every part) for each; the levels read only which
part met which, by which rule. For the common shape of a pair (no bracketed nickname and no
initial on either side, as many name parts on both sides, each side with a name part that is
not a patronymic) this module runs the same steps on what each name and each pair of words
gives once:

- a name's tokens are made once a run, from the words the features stage already made tokens
  of (`name_features._token`), as `parse_name` makes them (`parse.tokens_of_words`); its roles
  are read only for a pair whose names are a slip apart (the only level they change), its
  full parse only for `name_evidence_parsed`, and never the script and language;
- words are aligned as `names.comparison._align` aligns them (the same word first, then best
  score first, ties by position), with each pair of words scored once a run;
- each aligned pair's grade (`match.levels.aligned_grade`) is computed once a run, and the
  levels come from `match.levels`' own `_name_level`, `_patronymic_level` and
  `NameEvidence.agree`.

Any other pair goes to `name_evidence_parsed` itself. tests/linkage/test_name_grading.py
checks, on generated records' candidate pairs, that both give the same three levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from homecoming.forgetting import forgettable, forgettable_by_identity, on_forget
from homecoming.linkage.name_features import _token
from homecoming.match.levels import (
    EXACT,
    NULL,
    SLIP,
    SLIP_GRADE,
    _name_level,
    _patronymic_level,
    aligned_grade,
    family_letters_exchanged,
    family_pair,
    name_evidence_parsed,
    names_agree_level,
    neighbours_exchanged,
    patronymic_score,
)
from homecoming.names.blocking import key_hash
from homecoming.names.comparison import token_similarity
from homecoming.names.parse import (
    ParsedName,
    family_reading,
    name_words,
    parse_name,
    roles_of_tokens,
    split_aliases,
    tokens_of_words,
)
from homecoming.names.token import NameToken
from homecoming.names.tuning import (
    DIFFERENT_PART,
    INITIAL,
    PATRONYMIC_SLIP,
    SAME,
    TRANSLITERATION,
)

Levels = tuple[int, int, int]
NO_NAME: Levels = (NULL, NULL, NULL)
# Names kept a run (a million records hold some 830,000); past this the caches start again.
NAMES_KEPT = 1 << 21


def grading_parse(text: str) -> ParsedName:
    """`parse_name(text)` as far as grading reads it (script and language left unset)."""
    return parse_name(text, token=_token, read_language=False)


class _Name:
    """One name as the fast path reads it: its tokens as `grading_parse` gives them, found at
    once (from its words as the features stage read them, `written_words`, when it gave
    them); the roles (read only for a pair whose names are a slip apart) and the full parse
    (read only by `name_evidence_parsed`) when first asked for."""

    __slots__ = (
        "_parsed",
        "_roles",
        "keys",
        "main",
        "main_tokens",
        "patronymics",
        "scripted",
        "shape",
        "simple",
        "text",
    )

    def __init__(self, text: str, words: str | None = None) -> None:
        if words is None:
            _, aliases, _, found = _words(text)
            tokens = tuple(found)
        else:
            # `_words(text)` would give these words their own tokens and no nickname.
            tokens, aliases = tuple([_token(w) for w in words.split(" ")]), ()
        self.text = text
        # The name's tokens and nicknames without roles: all that `parse.family_reading` and
        # `levels._patronymic_level` read of a parsed name.
        self.shape = ParsedName(text=text, tokens=tokens, aliases=aliases)
        main: list[int] = []
        patronymics: list[int] = []
        initial = False
        scripted = True  # every word Latin or Cyrillic
        for i, t in enumerate(tokens):
            (patronymics if t.patronymic else main).append(i)
            initial = initial or t.initial
            scripted = scripted and t.script in _SCRIPTS
        self.main, self.patronymics, self.scripted = tuple(main), tuple(patronymics), scripted
        # One reading (parse.readings), no initial, a part that is not a patronymic.
        self.simple = bool(main) and not initial and _one_reading(self.shape)
        self.main_tokens = tuple(tokens[i] for i in main)
        self.keys = tuple(t.key for t in tokens)
        self._roles: tuple[str, ...] | None = None
        self._parsed: ParsedName | None = None

    @property
    def tokens(self) -> tuple[NameToken, ...]:
        return self.shape.tokens

    def parsed(self) -> ParsedName:
        """`grading_parse(text)`."""
        if self._parsed is None:
            self._parsed = grading_parse(self.text)
        return self._parsed

    def roles(self) -> tuple[str, ...]:
        """Per token, its role (`parse.roles_of_tokens`, as `grading_parse` reads it)."""
        if self._roles is None:
            bare, _, raw, _ = _words(self.text)
            self._roles = tuple(roles_of_tokens(list(self.tokens), raw, bare))
        return self._roles


def _words(text: str) -> tuple[str, tuple[str, ...], list[str], list[NameToken]]:
    """A name as `grading_parse(text)` reads it before its roles: the name without its
    bracketed nicknames, the nicknames, its words and their tokens."""
    bare, aliases = split_aliases(text)
    raw, fathers = name_words(bare)
    return bare, aliases, raw, tokens_of_words(raw, fathers=fathers, token=_token)


def written_words(text: str) -> str | None:
    """The words of a name as `_words(text)` reads them, space-separated, when each word's
    token is the word's own (`name_features._token`: no word marked a patronymic or a family
    name by its place, no father's name) and there is no nickname; else None. The features
    stage reads every name so (`grading_row`); the grader then makes the name's tokens from
    its words (`WRITTEN_NAMES`) without reading the name again."""
    _, aliases, raw, tokens = _words(text)
    return _written(aliases, raw, tokens)


def _written(aliases: tuple[str, ...], raw: list[str], tokens: Sequence[NameToken]) -> str | None:
    if aliases:
        return None
    for w, t in zip(raw, tokens, strict=True):
        if t is not _token(w) or " " in w:
            return None
    return " ".join(raw)


# The names of the features tables made in this process whose words the features stage read
# (`written_words`; pyarrow tables of "text", "words", GRADING_COLUMNS and WORD_COLUMNS: a
# link's two, a deduplication's one, the last made last). The grader reads a name's words from
# them rather than reading the name again, and `linkage.pregrading` routes the pairs of the last
# table's names. Started again past NAMES_KEPT names; emptied on forgetting.
WRITTEN_NAMES: list[Any] = []
# WRITTEN_NAMES' names as written -> their words, made from the tables when a grader first asks
# for a name's (a deduplication graded ahead never asks in the process that made them).
WRITTEN_WORDS: dict[str, str] = {}
_WRITTEN_READ = [0]  # how many of WRITTEN_NAMES' tables WRITTEN_WORDS holds


def remember_written(names: Any) -> None:
    """A features table's names whose words the features stage read, for the graders."""
    if sum(table.num_rows for table in WRITTEN_NAMES) + names.num_rows > NAMES_KEPT:
        forget_written()
    WRITTEN_NAMES.append(names)


@on_forget
def forget_written() -> None:
    """Drop the names' words this process keeps (after an erasure, or past NAMES_KEPT)."""
    WRITTEN_NAMES.clear()
    WRITTEN_WORDS.clear()
    _WRITTEN_READ[0] = 0


def _written_words_of(text: str) -> str | None:
    """A name's words as the features stage read them (`written_words`; None: not so read)."""
    if _WRITTEN_READ[0] < len(WRITTEN_NAMES):
        for table in WRITTEN_NAMES[_WRITTEN_READ[0] :]:
            texts, words = table.column("text").to_pylist(), table.column("words").to_pylist()
            WRITTEN_WORDS.update(zip(texts, words, strict=True))
        _WRITTEN_READ[0] = len(WRITTEN_NAMES)
    return WRITTEN_WORDS.get(text)


def _one_reading(parsed: ParsedName) -> bool:
    """`len(parse.readings(parsed)) == 1`, without making the other readings: one per
    bracketed nickname, one for a two-word name's patronymic read as its family name."""
    return not parsed.aliases and family_reading(parsed) is None


Aligned = list[tuple[int, int, float, str]]


class NameGrader:
    """(name level, patronymic level, names agree) of two names as written, as
    `match.levels.name_evidence_parsed` gives them; `fallbacks` counts the pairs it graded."""

    def __init__(self) -> None:
        self._names: dict[str, _Name] = {}
        # Keyed by the tokens' ids: every token stays referenced by `_names` while these live.
        self._similar: dict[tuple[int, int], tuple[float, str]] = {}
        self._forced: dict[tuple[int, int], tuple[float, str]] = {}  # `_paired`
        self._spelt: dict[int, frozenset[str] | None] = {}  # `_may_spell`
        self._grades: dict[tuple[int, int], int] = {}
        self._told: dict[str, str | None] = {}  # `know_words`
        self.fallbacks = 0

    def know_words(self, texts: list[str], words: list[str | None]) -> None:
        """Names' words as the features stage read them (`written_words`; None: not so read),
        read for these names rather than asked of WRITTEN_NAMES."""
        self._told.update(zip(texts, words, strict=True))

    def name(self, text: str) -> _Name:
        """A name as written, parsed once a run."""
        found = self._names.get(text)
        if found is None:
            if len(self._names) >= NAMES_KEPT:
                self._names.clear()
                self._similar.clear()
                self._forced.clear()
                self._spelt.clear()
                self._grades.clear()
                self._told.clear()
            words = self._told[text] if text in self._told else _written_words_of(text)
            found = self._names[text] = _Name(text, words)
        return found

    def levels(self, left: str, right: str) -> Levels:
        """The three levels of two names (both non-empty)."""
        a, b = self.name(left), self.name(right)
        if not (a.simple and b.simple and len(a.main) == len(b.main)):
            self.fallbacks += 1
            evidence = name_evidence_parsed(a.parsed(), b.parsed())
            return evidence.name, evidence.patronymic, int(evidence.agree)
        pairs = self._align(a.main, b.main, a, b)
        if a.patronymics and b.patronymics:
            pairs += self._align(a.patronymics, b.patronymics, a, b)
        grades: list[int] = []
        patronymic: list[float] = []
        exact: list[tuple[int, int]] = []
        slips: list[tuple[int, int]] = []
        tokens_a, tokens_b = a.tokens, b.tokens
        for i, j, score, rule in pairs:
            # levels._is_patronymic_pair: in a name without initials only a patronymic token
            # has the patronymic's role (`parse._roles` gives it to a second initial alone).
            if tokens_a[i].patronymic and tokens_b[j].patronymic:
                patronymic.append(patronymic_score(tokens_a[i], tokens_b[j], score, rule))
            elif rule != INITIAL:
                x, y = tokens_a[i], tokens_b[j]
                grade = EXACT if rule == SAME else self._grade(x, y, score, rule)
                grades.append(grade)
                if grade == EXACT:
                    exact.append((i, j))
                elif grade == SLIP_GRADE:
                    slips.append((i, j))
        # A simple name has no initial: each of its main parts counts.
        name = _name_level(grades, min(len(a.main), len(b.main)))
        # The family names being the same counts only beside a slip (`NameEvidence.agree`):
        # the roles are read for those pairs alone. So does a family name's own slip, when it
        # is the only one and two neighbouring letters exchanged (`NameEvidence.agree`).
        family_same = name == SLIP and any(
            family_pair(tokens_a[i], tokens_b[j], a.roles()[i], b.roles()[j]) for i, j in exact
        )
        if name == SLIP and len(slips) == 1 and not family_same:
            i, j = slips[0]
            family_same = family_letters_exchanged(
                tokens_a[i], tokens_b[j], a.roles()[i], b.roles()[j]
            )
        fathers = _patronymic_level(patronymic, bool(a.patronymics), bool(b.patronymics))
        return name, fathers, int(names_agree_level(name, family_same))

    def patronymic_level(self, left: str, right: str) -> int:
        """The patronymic level of two names (both non-empty) as `levels` gives it: for names
        of the fast path's shape, from the patronymics' alignment alone."""
        a, b = self.name(left), self.name(right)
        if not (a.simple and b.simple and len(a.main) == len(b.main)):
            return self.levels(left, right)[1]
        scores: list[float] = []
        if a.patronymics and b.patronymics:
            for i, j, score, rule in self._align(a.patronymics, b.patronymics, a, b):
                if a.tokens[i].patronymic and b.tokens[j].patronymic:
                    scores.append(patronymic_score(a.tokens[i], b.tokens[j], score, rule))
        return _patronymic_level(scores, bool(a.patronymics), bool(b.patronymics))

    def parts_left(self, left: str, right: str) -> tuple[int, bool]:
        """The grade `levels` gives two name parts (words as written, of two names whose
        tokens are their words' own) left to pair once the other two have met at 1.0: the
        same word or a transliteration, no other pair of words meeting so or read as a best
        spelling (`linkage.pregrading`'s pairs of words). Such a pair's name level is
        `_name_level([EXACT, grade], 2)`. With it, for a slip, whether the two words are one
        another with two neighbouring letters exchanged (`family_letters_exchanged` reads it
        beside the words' roles)."""
        x, y = _token(left), _token(right)
        return self._part_grade(x, y, *self._one_left(x, y))

    def parts_scored(self, left: str, right: str) -> tuple[float, int, bool]:
        """The score, grade and (for a slip) letters exchanged of two name parts (words as
        written, of two names whose tokens are their words' own, no pair of whose parts meets
        as the same word or a transliteration) as `levels` scores each pair of parts before it
        aligns them best first (`_align`)."""
        x, y = _token(left), _token(right)
        score, rule = (1.0, SAME) if x.key and x.key == y.key else self._similarity(x, y)
        return (score, *self._part_grade(x, y, score, rule))

    def patronymics_left(self, left: str, right: str) -> int:
        """The patronymic level `levels` and `patronymic_level` give two names whose one
        patronymic each are these words (as written, their tokens the words' own)."""
        x, y = _token(left), _token(right)
        score, rule = self._one_left(x, y)
        return _patronymic_level([patronymic_score(x, y, score, rule)], True, True)

    def _one_left(self, x: NameToken, y: NameToken) -> tuple[float, str]:
        """The score and rule `_align` gives the one word left on each side: the same word,
        else `_paired`."""
        if x.key and x.key == y.key:
            return 1.0, SAME
        return self._paired(x, y)

    def _part_grade(self, x: NameToken, y: NameToken, score: float, rule: str) -> tuple[int, bool]:
        """The grade `levels` gives two aligned name parts, and for a slip whether they are
        one another with two neighbouring letters exchanged."""
        grade = EXACT if rule == SAME else self._grade(x, y, score, rule)
        return grade, grade == SLIP_GRADE and neighbours_exchanged(x, y)

    def _similarity(self, x: NameToken, y: NameToken) -> tuple[float, str]:
        key = (id(x), id(y))
        found = self._similar.get(key)
        if found is None:
            found = self._similar[key] = token_similarity(x, y)
        return found

    def _paired(self, x: NameToken, y: NameToken) -> tuple[float, str]:
        """The score and rule of two words the alignment pairs whatever they score (the only
        two left): read only through `_grade` (name parts) or `patronymic_score` and
        `levels._patronymic_level` (patronymics), so a learned similarity under the lowest
        score those tell apart from "different" is not looked for (`token_similarity`'s
        `at_least`). Under it, either rule's score grades the same: `part_grade` gives
        DIFFERENT to both (and `aligned_grade` treats EDIT and LEARNED alike from there);
        a patronymic under PATRONYMIC_SLIP differs whatever its rule."""
        key = (id(x), id(y))
        found = self._forced.get(key)
        if found is None:
            floor = PATRONYMIC_SLIP if x.patronymic and y.patronymic else DIFFERENT_PART
            found = self._forced[key] = token_similarity(x, y, at_least=floor)
        return found

    def _grade(self, x: NameToken, y: NameToken, score: float, rule: str) -> int:
        # score and rule are the pair's own (`_similarity`), so the pair decides the grade.
        key = (id(x), id(y))
        found = self._grades.get(key)
        if found is None:
            found = self._grades[key] = aligned_grade(x, y, score, rule)
        return found

    def _align(self, left: tuple[int, ...], right: tuple[int, ...], a: _Name, b: _Name) -> Aligned:
        """`names.comparison._align`: the same word first, then best score first."""
        keys_a, keys_b = a.keys, b.keys
        if len(left) == 1 == len(right):  # one word each (a patronymic): they pair up
            i, j = left[0], right[0]
            return [(i, j, *self._one_left(a.tokens[i], b.tokens[j]))]
        pairs: Aligned = []
        # Each word, in order, takes the first word of the other side written the same.
        free = list(right)
        rest_l: list[int] = []
        for i in left:
            key = keys_a[i]
            if key:
                for at, j in enumerate(free):
                    if keys_b[j] == key:
                        pairs.append((i, j, 1.0, SAME))
                        del free[at]
                        break
                else:
                    rest_l.append(i)
            else:
                rest_l.append(i)
        rest_r = free
        if not rest_l or not rest_r:
            return pairs
        tokens_a, tokens_b = a.tokens, b.tokens
        if (
            len(rest_l) > 1
            and len(rest_r) > 1
            and (a.scripted or all(tokens_a[i].script in _SCRIPTS for i in rest_l))
            and (b.scripted or all(tokens_b[j].script in _SCRIPTS for j in rest_r))
        ):
            rest_l, rest_r = self._take_sure_pairs(rest_l, rest_r, tokens_a, tokens_b, pairs)
        if len(rest_l) == 1 == len(rest_r):  # what is left pairs up: no need to score others
            i, j = rest_l[0], rest_r[0]
            pairs.append((i, j, *self._paired(tokens_a[i], tokens_b[j])))
            return pairs
        scored = []
        for i in rest_l:
            for j in rest_r:
                score, rule = self._similarity(tokens_a[i], tokens_b[j])
                scored.append((-score, i, j, rule))
        scored.sort()
        used_l: set[int] = set()
        used_r: set[int] = set()
        for neg_score, i, j, rule in scored:
            if i not in used_l and j not in used_r:
                used_l.add(i)
                used_r.add(j)
                pairs.append((i, j, -neg_score, rule))
        return pairs

    def _take_sure_pairs(
        self,
        rest_l: list[int],
        rest_r: list[int],
        tokens_a: tuple[NameToken, ...],
        tokens_b: tuple[NameToken, ...],
        pairs: Aligned,
    ) -> tuple[list[int], list[int]]:
        """Pairs of Latin or Cyrillic words the greedy alignment takes first, found without
        scoring the others.

        Two such words that share a common form score 1.0 (a transliteration); any other two
        score below 1.0 unless the learned model reads one as the best spelling of the other
        (`_may_spell`). Transliterations alone in their row and column are taken first, in
        any order: each is appended to `pairs`; the words left are returned.
        """
        sure = [
            (i, j)
            for i in rest_l
            for j in rest_r
            if not tokens_a[i].forms.isdisjoint(tokens_b[j].forms)
        ]
        rows, columns = [i for i, _ in sure], [j for _, j in sure]
        if not sure or len(set(rows)) < len(rows) or len(set(columns)) < len(columns):
            return rest_l, rest_r
        for i in rest_l:
            for j in rest_r:
                if (i, j) not in sure and self._may_spell(tokens_a[i], tokens_b[j]):
                    return rest_l, rest_r
        for i, j in sure:
            pairs.append((i, j, 1.0, TRANSLITERATION))
        return [i for i in rest_l if i not in rows], [j for j in rest_r if j not in columns]

    def _may_spell(self, x: NameToken, y: NameToken) -> bool:
        """Whether `learned_similarity` may score two words 1.0 (see `best_spellings`), the
        Cyrillic word's best spellings found once a run."""
        if x.script == y.script or not x.letters or not y.letters:
            return False
        latin, cyrillic = (x, y) if x.script == "latin" else (y, x)
        key = id(cyrillic)
        if key in self._spelt:
            found = self._spelt[key]
        else:
            found = self._spelt[key] = best_spellings(cyrillic.letters)
        return found is None or latin.letters in found


# -- what SQL decides without Python ---------------------------------------------------------
#
# Most candidate pairs are two names of two words each, every word meeting one word of the
# other name as the same word or a transliteration, and no other. `name_evidence_parsed` then
# aligns exactly those words (they score 1.0; every other pair of words scores below 1.0,
# unless the learned rendering model reads the Latin word as the best spelling of the Cyrillic
# one, which `spellings` flags), grades each EXACT and gives "every part the same or a
# transliteration" (name level 7), names that agree, and a patronymic level that depends only
# on the two patronymics. Each name's columns below let SQL test that (`comparisons.py`); a name
# of any other shape gets none, and its pairs are graded in Python.

# The columns each distinct name as written gets (`grading_columns`), all hashed forms.
GRADING_COLUMNS = ("grade_first", "grade_second", "grade_patronymic", "spell_first", "spell_second")
# A name of that shape whose tokens are its words' own (`written_words`), for grading by pairs
# of words (`NameGrader.parts_left`, `linkage.pregrading`), gets its words by place in one
# integer ("word_shape", `word_shape`; None for any other name): which of its words are its two
# name parts and its patronymic, the parts' roles (`_Name.roles`), and whether each is a known
# given name (as `match.levels.family_pair` reads it).
WORD_COLUMNS = {"word_shape": "int"}
# `word_shape`'s fields: (offset, bits) of each (`word_shape` writes them so).
SHAPE_FIELDS = {
    "first": (0, 2),  # the first name part's place among the words
    "second": (2, 2),
    "patronymic": (4, 2),  # the patronymic's place, plus one (0: none)
    "role_first": (6, 2),  # SHAPE_ROLES' code of the first part's role
    "role_second": (8, 2),
    "known_first": (10, 1),
    "known_second": (11, 1),
}
SHAPE_ROLES = {"family": 1, "given": 2}  # any other role: 0


def word_shape(raw: Sequence[str], tokens: Sequence[NameToken], roles: Sequence[str]) -> int | None:
    """The words by place of a name of two name parts and at most one patronymic (SHAPE_FIELDS;
    None for a name of another shape or of more than four words)."""
    main: list[int] = []
    father = 0
    for i, token in enumerate(tokens):
        if not token.patronymic:
            main.append(i)
        elif father:
            return None
        else:
            father = i + 1
    if len(main) != 2 or len(raw) > 4:
        return None
    first, second = main
    a, b = tokens[first], tokens[second]
    return (
        first
        | second << 2
        | father << 4
        | SHAPE_ROLES.get(roles[first], 0) << 6
        | SHAPE_ROLES.get(roles[second], 0) << 8
        | bool(a.given_ids or a.common_given) << 10
        | bool(b.given_ids or b.common_given) << 11
    )


_SCRIPTS = frozenset({"latin", "cyrillic"})
# Learned spellings of one Cyrillic word that score as its best: past this many, the word's
# names are left to Python.
MAX_SPELLINGS = 64
# Chunk scores this close to a letter's best tie with it (float sums of equal paths agree).
_TIE = 1e-9


def grading_columns(text: str) -> dict[str, list[int] | None]:
    """A name's columns for SQL's shortcut (`None` each: the name is not of the shape)."""
    _, _, tokens, shaped, _ = _shape(text)
    return columns_of(tokens, shaped)


def grading_row(
    text: str, read: tuple[list[str], list[NameToken], list[str]] | None = None
) -> dict[str, str | int | list[int] | None]:
    """A name's columns for SQL's shortcut, its words for the grader (`written_words`) and,
    for a name of the shortcut's shape read from its words, those words by place
    (`word_shape`), reading the name once. `read`: its words, tokens and roles as
    `parse.assign_roles(text, token=name_features._token)` gave them (the features stage's
    full names), used rather than read again where the name has no bracketed nickname (then
    `grading_parse` reads the same words, tokens and roles)."""
    roles: list[str] | None = None
    if read is not None and not split_aliases(text)[1]:
        raw, tokens, roles = read
        bare = text
        shaped, words = _shape_of((), raw, tokens)
    else:
        bare, raw, tokens, shaped, words = _shape(text)
    row: dict[str, str | int | list[int] | None] = {**columns_of(tokens, shaped)}
    row["words"] = words
    shape = None
    if words is not None and row["grade_first"] is not None:
        # The words' tokens are the words' own (`written_words`): the grader's tokens of them,
        # and their roles the ones `_Name.roles` reads.
        if roles is None:
            roles = roles_of_tokens(list(tokens), raw, bare)
        shape = word_shape(raw, tokens, roles)
    row["word_shape"] = shape
    return row


def columns_of(tokens: Sequence[NameToken], shaped: bool) -> dict[str, list[int] | None]:
    """The columns of a name's tokens, of the shape SQL's shortcut reads or not (`_shape`)."""
    if not shaped:
        return dict.fromkeys(GRADING_COLUMNS)
    main = [_token_columns(t) for t in tokens if not t.patronymic]
    if any(spelled is None for _, spelled in main):
        return dict.fromkeys(GRADING_COLUMNS)
    (first, spell_first), (second, spell_second) = main
    patronymic = next((_token_columns(t)[0] for t in tokens if t.patronymic), None)
    return {
        "grade_first": first,
        "grade_second": second,
        # None beside the other columns: the name has no patronymic.
        "grade_patronymic": patronymic,
        "spell_first": spell_first,
        "spell_second": spell_second,
    }


# By the token's identity: a word is one token in name after name (`name_features._token`),
# and half a million names read a few tens of thousands of tokens.
@forgettable_by_identity(maxsize=400_000)
def _token_columns(token: NameToken) -> tuple[list[int], list[int] | None]:
    """A token's `_meets` of its key and forms, and its `_spellings`."""
    return _meets(token.key, token.forms), _spellings(token)


def _shape(text: str) -> tuple[str, list[str], list[NameToken], bool, str | None]:
    """The name without bracketed nicknames, its words and the tokens `grading_parse(text)`
    gives (`_words`), whether the name is of the shape SQL's shortcut reads: one reading
    (`_Name.simple`), two name parts, at most one patronymic, Latin or Cyrillic words only, and
    its words for the grader (`written_words`). Found without the roles (the shape does not
    read them): a name of two parts and no bracketed nickname has one reading
    (`parse.family_reading` reads only a name of one part and a patronymic)."""
    bare, aliases, raw, tokens = _words(text)
    shaped, words = _shape_of(aliases, raw, tokens)
    return bare, raw, tokens, shaped, words


def _shape_of(
    aliases: tuple[str, ...], raw: list[str], tokens: Sequence[NameToken]
) -> tuple[bool, str | None]:
    """`_shape`'s shape and words of a name read (`_words`)."""
    shaped = not aliases and 2 <= len(tokens) <= 3
    if shaped:
        patronymics = 0
        for t in tokens:
            if t.initial or t.script not in _SCRIPTS:
                shaped = False
                break
            patronymics += t.patronymic
        shaped = shaped and len(tokens) - patronymics == 2
    return shaped, _written(aliases, raw, tokens)


@forgettable(maxsize=400_000)
def _meets(key: str, forms: frozenset[str]) -> list[int]:
    """Hashes two words share exactly when they are the same word (`key`) or share a common
    form (a transliteration): what makes `token_similarity` 1.0 for Latin and Cyrillic words
    other than the learned model's best spelling."""
    return sorted({key_hash("\0" + key)} | {key_hash(f) for f in forms})


def _spellings(token: NameToken) -> list[int] | None:
    """Hashes a Latin and a Cyrillic word share when the learned rendering model may read the
    Latin word as the best spelling of the Cyrillic one (`learned_similarity` 1.0): the Latin
    word's letters; every best spelling of the Cyrillic word. None: too many to list."""
    if not token.letters:
        return []
    if token.script == "latin":
        return [key_hash("\1" + token.letters)]
    return _best_spelling_hashes(token.letters)


@forgettable(maxsize=400_000)
def _best_spelling_hashes(letters: str) -> list[int] | None:
    found = best_spellings(letters)
    return None if found is None else sorted({key_hash("\1" + s) for s in found})


@forgettable(maxsize=400_000)
def best_spellings(letters: str) -> frozenset[str] | None:
    """Every Latin spelling of Cyrillic `letters` whose `spelling_score` is 0 (each letter as
    one of its best chunks); None when there are more than MAX_SPELLINGS or a letter's best
    chunk could tie with an unseen one."""
    from homecoming.names.rendering_model import UNSEEN, _emissions

    emissions, _ = _emissions(letters)
    found = {""}
    for chunks in emissions:
        if not chunks:
            best = [""]  # no chunk known: the empty one scores UNSEEN, as the best does
        else:
            top = max(chunks.values())
            if top <= UNSEEN + _TIE:
                return None
            best = [c for c, s in chunks.items() if s >= top - _TIE]
        found = {f + c for f in found for c in best}
        if len(found) > MAX_SPELLINGS:
            return None
    return frozenset(found)

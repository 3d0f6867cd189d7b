"""Compare two person names across alphabets, standards, Ukrainian/Russian forms and variants."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA

from homecoming.forgetting import forgettable
from homecoming.names import rendering_model, transliterate, variant_groups
from homecoming.names.parse import OrderHint, ParsedName, from_parts, parse_name, readings
from homecoming.names.rendering_model import MAX_CHUNK, spelling_score, spelling_score_above
from homecoming.names.token import NameToken, name_token
from homecoming.names.tuning import (
    CROSS_SCRIPT_EDIT_COST,
    DEFAULT_THRESHOLD,
    EDIT,
    EDIT_COST,
    EXTRA_WEIGHT,
    EXTRA_WEIGHT_FEW_MATCHES,
    FEMININE,
    INITIAL,
    INITIAL_WEIGHT,
    KNOWN_NAMES_FACTOR,
    LEARNED,
    LEARNED_FLOOR,
    LEARNED_SLOPE,
    MISMATCH_BELOW,
    PATRONYMIC_WEIGHT,
    RULE_SCORES,
    SAME,
    TRANSLITERATION,
    TYPO_OF_FORM,
    UK_RU,
    UNMATCHED,
    VARIANT,
    WEAKEST_MARGIN,
)
from homecoming.names.tuning import (
    REVIEW_THRESHOLD as REVIEW_THRESHOLD,
)
from homecoming.names.variant_groups import common_given_name_forms


@dataclass(frozen=True, slots=True)
class PartMatch:
    """Which part of one name met which part of the other, by which rule, with what score."""

    left: str | None
    right: str | None
    left_role: str
    right_role: str
    rule: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "left": self.left,
            "right": self.right,
            "left_role": self.left_role,
            "right_role": self.right_role,
            "rule": self.rule,
            "score": round(self.score, 4),
        }

    def __str__(self) -> str:
        left = f"{self.left or '-'} ({self.left_role})"
        right = f"{self.right or '-'} ({self.right_role})"
        return f"{left} ~ {right}: {self.rule} {self.score:.2f}"


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of a name pair in [0, 1], the decision and the part-to-part explanation."""

    left: str
    right: str
    score: float
    match: bool
    threshold: float = DEFAULT_THRESHOLD
    # What the explanation is built from, only when asked for: batch linkage never asks.
    parsed: tuple[ParsedName, ParsedName] | None = field(default=None, repr=False, compare=False)
    pairs: tuple[tuple[int, int, float, str], ...] = field(default=(), repr=False, compare=False)
    unmatched: tuple[tuple[int, ...], tuple[int, ...]] = field(
        default=((), ()), repr=False, compare=False
    )

    @property
    def explanation(self) -> list[PartMatch]:
        """Which part met which, by which rule; parts found on one side only come last."""
        if self.parsed is None:
            return []
        a, b = self.parsed
        found = [
            PartMatch(a.tokens[i].text, b.tokens[j].text, a.role_of(i), b.role_of(j), rule, s)
            for i, j, s, rule in self.pairs
        ]
        found += [
            PartMatch(a.tokens[i].text, None, a.role_of(i), "", UNMATCHED, 0.0)
            for i in self.unmatched[0]
        ]
        found += [
            PartMatch(None, b.tokens[j].text, "", b.role_of(j), UNMATCHED, 0.0)
            for j in self.unmatched[1]
        ]
        return found

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "left": self.left,
            "right": self.right,
            "score": round(self.score, 4),
            "match": self.match,
            "threshold": self.threshold,
            "explanation": [m.to_dict() for m in self.explanation],
        }


def edit_similarity(a: NameToken, b: NameToken) -> float:
    """Similarity of two tokens' common forms by edit distance with transpositions."""
    if len(a.forms) == 1 == len(b.forms):
        dist: float = OSA.distance(a.primary, b.primary)
    elif len(a.forms) * len(b.forms) <= 16:
        dist = min(OSA.distance(x, y) for x in a.forms for y in b.forms)
    else:
        dist = OSA.distance(a.primary, b.primary)
    if dist and a.script == b.script and a.script in ("latin", "cyrillic"):
        # A typo is made in the spelling, not in the common form: one keystroke in a digraph
        # (Steinbaum / Sheinbaum) is one edit as written, two in common form (st / S); two
        # Cyrillic letters swapped (Гайеднко / Гайденко) are one edit as written, three in
        # common form (йе / ai).
        dist = min(dist, OSA.distance(a.key, b.key))
    if dist and a.script != b.script:
        # Across alphabets a vowel is the least certain letter (Woolfson = Вулфсон): a vowel
        # that differs costs half an edit.
        loose = min(OSA.distance(x, y) for x in a.vowelless for y in b.vowelless)
        dist = (dist + loose) / 2
    return _distance_similarity(a, b, dist)


def _distance_similarity(a: NameToken, b: NameToken, dist: float) -> float:
    """Similarity of two tokens `dist` edits apart."""
    # Length as written: common forms shorten digraphs (sch -> S) and would punish them twice.
    longest = max(a.length, b.length, len(a.primary), len(b.primary), 1)
    cost = EDIT_COST if a.script == b.script else CROSS_SCRIPT_EDIT_COST
    return max(0.0, 1.0 - cost * dist / longest)


def _other_form_similarity(a: NameToken, b: NameToken) -> float:
    """Edit similarity of two patronymics over their Ukrainian and Russian forms alike: a
    patronymic mistyped in the other language's form (Тимофенвич for Тимофеевич, the Russian
    form of Тимофійович) is one slip off it, not three letters off the form as written."""
    left, right = a.forms | a.other_forms, b.forms | b.other_forms
    if len(left) * len(right) > 16:
        return 0.0
    return _distance_similarity(a, b, min(OSA.distance(x, y) for x in left for y in right))


def _one_deleted(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def load_tables() -> None:
    """Read every table a name's token and comparison use on first use, now: a server's
    warm-up does, so that no search waits for them (about a quarter of a second)."""
    variant_groups.load_tables()
    transliterate.load_tables()
    rendering_model.load_table()
    _given_by_deletion()


@lru_cache(maxsize=1)
def _given_by_deletion() -> dict[str, frozenset[str]]:
    """Each common given name's form under every one-letter deletion of it (symmetric delete:
    two words one edit apart share a key)."""
    found: dict[str, set[str]] = {}
    for form in common_given_name_forms():
        for key in _one_deleted(form):
            found.setdefault(key, set()).add(form)
    return {key: frozenset(forms) for key, forms in found.items()}


@forgettable(maxsize=100_000)
def given_neighbours(form: str) -> frozenset[str]:
    """Common given names' forms one edit (a swap of neighbours is one) from `form`."""
    index = _given_by_deletion()
    near = set().union(*(index.get(key, ()) for key in _one_deleted(form)))
    return frozenset(c for c in near if c != form and OSA.distance(c, form) <= 1)


def typo_of_form(a: NameToken, b: NameToken) -> bool:
    """`a`, no known given name, is one letter off a known given name that `b`, a known given
    name, is a form of (Павнл: Павел, a Russian form of Павло; Аелксандр: Александр; Мтвей:
    Матвей, of Матвій, a name the tables know whose Ukrainian form is not among the commonest)."""
    known = b.common_given or (bool(b.groups) and not b.patronymic)
    if a.common_given or not known or a.initial or len(a.primary) < 3:
        return False
    targets = b.forms | b.other_forms
    return any(not targets.isdisjoint(given_neighbours(form)) for form in a.forms)


def _same_initial(a: NameToken, b: NameToken) -> bool:
    if a.primary[:1] == b.primary[:1]:
        return True
    # Common forms rewrite first letters (Jean -> ean, C -> T); as written, J. is Jean.
    return a.script == b.script == "latin" and a.key[:1] == b.key[:1]


def written_similarity(a: NameToken, b: NameToken) -> float:
    """Edit similarity of two tokens as written (for scripts other than Latin and Cyrillic)."""
    longest = max(len(a.key), len(b.key), 1)
    return max(0.0, 1.0 - EDIT_COST * OSA.distance(a.key, b.key) / longest)


def learned_similarity(a: NameToken, b: NameToken, *, above: float | None = None) -> float:
    """Similarity of a Latin and a Russian Cyrillic token under the learned rendering model.

    With `above`, the similarity when it is above `above`, else 0.0 (found without following
    the alignments that cannot reach it: `rendering_model.spelling_score_above`)."""
    cyrillic, latin = (a, b) if a.script == "cyrillic" else (b, a)
    if cyrillic.script != "cyrillic" or latin.script != "latin":
        return 0.0
    if not cyrillic.letters or not latin.letters:
        return 0.0
    # Lengths too far apart for any spelling: skip the alignment (it is the costly part).
    if len(latin.letters) > MAX_CHUNK * len(cyrillic.letters) + 1:
        return 0.0
    if len(cyrillic.letters) > 2 * len(latin.letters) + 1:
        return 0.0
    if above is None:
        score = spelling_score(cyrillic.letters, latin.letters)
    else:
        # 1 + slope * score > above: the score's floor, a little lower so that the comparison
        # the caller makes decides every case it decided before.
        floor = (above - 1.0) / LEARNED_SLOPE - _FLOOR_SLACK
        found = spelling_score_above(cyrillic.letters, latin.letters, floor)
        if found is None:
            return 0.0
        score = found
    return max(0.0, 1.0 + LEARNED_SLOPE * score)


_FLOOR_SLACK = 1e-9


def surname_similarity(a: NameToken, b: NameToken) -> float:
    """Edit similarity, as written in Cyrillic, of the common surnames two words are or spell.

    A Latin word that spells one common surname (Bandura: Бандура) set beside another in
    Cyrillic (Бандера) is two surnames a letter apart, not a loose rendering of one: the
    looser cross-alphabet rules (vowels at half cost, the learned model) do not apply.
    """
    best = 0.0
    for x in a.surnames:
        for y in b.surnames:
            similarity = 1.0 - EDIT_COST * OSA.distance(x, y) / max(len(x), len(y), 1)
            best = max(best, similarity)
    return best


def token_similarity(a: NameToken, b: NameToken, *, at_least: float = 0.0) -> tuple[float, str]:
    """Score two tokens and name the rule that made them meet.

    With `at_least`, for a caller that reads only whether the score reaches it: the learned
    rendering model's alignment is followed only as far as it may reach `at_least` (its
    costliest part), and a learned similarity under it is left out (the score and rule are
    then the edit's, also under it)."""
    if a.key == b.key and a.key:
        return 1.0, SAME
    if a.script == b.script == "other":
        # Same non-Latin, non-Cyrillic script, written differently: each character is a
        # syllable or a sound (习近朋 / 习近平), so romanisations that happen to meet do not
        # make the names one.
        return written_similarity(a, b), EDIT
    if not a.forms.isdisjoint(b.forms):
        return 1.0, TRANSLITERATION
    if (a.other_forms or b.other_forms) and not (a.forms | a.other_forms).isdisjoint(
        b.forms | b.other_forms
    ):
        return RULE_SCORES[UK_RU], UK_RU
    if a.initial or b.initial:
        if _same_initial(a, b):
            return RULE_SCORES[INITIAL], INITIAL
        return 0.0, INITIAL
    edit = edit_similarity(a, b)
    if a.patronymic and b.patronymic and (a.other_forms or b.other_forms):
        edit = max(edit, _other_form_similarity(a, b))
    if a.groups and b.groups and not a.groups.isdisjoint(b.groups):
        return max(RULE_SCORES[VARIANT], edit), VARIANT
    if a.rare_groups and b.rare_groups and not a.rare_groups.isdisjoint(b.rare_groups):
        return max(RULE_SCORES[VARIANT], edit), VARIANT
    rule = EDIT
    if LEARNED_FLOOR <= edit < RULE_SCORES[LEARNED] and a.script != b.script:
        learned = learned_similarity(a, b, above=max(edit, at_least))
        if learned > edit:
            edit, rule = learned, LEARNED
    if a.surnames and b.surnames and a.script != b.script and a.surnames.isdisjoint(b.surnames):
        surnames = surname_similarity(a, b)
        if surnames < edit:
            edit, rule = surnames, EDIT
    if edit < RULE_SCORES[TYPO_OF_FORM] and (typo_of_form(a, b) or typo_of_form(b, a)):
        return RULE_SCORES[TYPO_OF_FORM], TYPO_OF_FORM
    if a.common_given and b.common_given:
        edit *= KNOWN_NAMES_FACTOR
    if edit < RULE_SCORES[FEMININE] and not a.neutral.isdisjoint(b.neutral):
        return RULE_SCORES[FEMININE], FEMININE
    return edit, rule


# Two tokens' `token_similarity` by the tokens' identities, kept while one caller compares
# many names (a search: its query's words meet the same indexed words in name after name and
# in each reading, two calls in three a repeat). The tokens are held: their ids stay theirs.
SimilarityMemo = dict[tuple[int, int], tuple[NameToken, NameToken, tuple[float, str]]]


def _similarity(a: NameToken, b: NameToken, memo: SimilarityMemo | None) -> tuple[float, str]:
    if memo is None:
        return token_similarity(a, b)
    held = memo.get((id(a), id(b)))
    if held is not None and held[0] is a and held[1] is b:
        return held[2]
    found = token_similarity(a, b)
    memo[(id(a), id(b))] = (a, b, found)
    return found


def _align(
    left: list[int],
    right: list[int],
    a: ParsedName,
    b: ParsedName,
    memo: SimilarityMemo | None = None,
) -> tuple[list[tuple[int, int, float, str]], list[int], list[int]]:
    """Greedy best-first one-to-one alignment of token indexes (names are short)."""
    # Words written the same way pair first, without scoring every other pair.
    by_key: dict[str, list[int]] = {}
    for j in right:
        by_key.setdefault(b.tokens[j].key, []).append(j)
    pairs: list[tuple[int, int, float, str]] = []
    used_l: set[int] = set()
    used_r: set[int] = set()
    for i in left:
        same = by_key.get(a.tokens[i].key)
        if same and a.tokens[i].key:
            j = same.pop(0)
            pairs.append((i, j, 1.0, SAME))
            used_l.add(i)
            used_r.add(j)
    scored = []
    for i in left:
        if i in used_l:
            continue
        token_a = a.tokens[i]
        for j in right:
            if j not in used_r:
                score, rule = _similarity(token_a, b.tokens[j], memo)
                scored.append((-score, i, j, rule))
    scored.sort()
    for neg_score, i, j, rule in scored:
        if i not in used_l and j not in used_r:
            used_l.add(i)
            used_r.add(j)
            pairs.append((i, j, -neg_score, rule))
    return pairs, [i for i in left if i not in used_l], [j for j in right if j not in used_r]


def _initials_to_patronymics(
    rest: list[int],
    patronymics: list[int],
    own: ParsedName,
    other: ParsedName,
    pairs: list[tuple[int, int, float, str]],
    *,
    left_side: bool,
    memo: SimilarityMemo | None = None,
) -> list[int]:
    """Pair spare initials with the other side's patronymics; return what stays unpaired."""
    spare = list(patronymics)
    still: list[int] = []
    for i in rest:
        token = own.tokens[i]
        if token.initial and spare:
            j = spare.pop(0)
            score, rule = _similarity(token, other.tokens[j], memo)
            pairs.append((i, j, score, rule) if left_side else (j, i, score, rule))
        else:
            still.append(i)
    return still


def _weight(a: NameToken, b: NameToken | None = None) -> float:
    if a.patronymic and (b is None or b.patronymic):
        return PATRONYMIC_WEIGHT
    if a.initial or (b is not None and b.initial):
        return INITIAL_WEIGHT
    return 1.0


def _join_split_word(a: ParsedName, b: ParsedName) -> ParsedName:
    """`a` with two neighbouring words made one where `b` writes them as one word.

    A space lost or typed inside a word (Patr ushev / Patrushev, Ramimakhlouf / Rami
    Makhlouf) is a typing slip, not two names: only words that, joined, spell a word of
    the other name letter for letter (or, across alphabets, as one of its renderings) are
    joined.
    """
    if len(a.tokens) < 2:
        return a
    other = {t.key for t in b.tokens}
    for i in range(len(a.tokens) - 1):
        first, second = a.tokens[i], a.tokens[i + 1]
        if first.key in other or second.key in other:
            continue
        joined = first.key + second.key
        # In another alphabet: the pieces' renderings, joined, are one of the word's.
        rendered = first.primary + second.primary
        if joined in other or any(rendered in t.forms for t in b.tokens):
            return _merged(a, i)
    return a


def _merged(a: ParsedName, i: int) -> ParsedName:
    first, second = a.tokens[i], a.tokens[i + 1]
    token = replace(name_token(first.text + second.text), text=f"{first.text} {second.text}")
    roles = (a.role_of(i), a.role_of(i + 1))
    role = "family" if "family" in roles else "patronymic" if token.patronymic else roles[0]
    return replace(
        a,
        tokens=(*a.tokens[:i], token, *a.tokens[i + 2 :]),
        roles=(*a.roles[:i], role, *a.roles[i + 2 :]),
    )


def _main_and_patronymics(name: ParsedName) -> tuple[list[int], list[int]]:
    main = [i for i, t in enumerate(name.tokens) if not t.patronymic]
    return main, [i for i, t in enumerate(name.tokens) if t.patronymic]


def compare_parsed(
    a: ParsedName,
    b: ParsedName,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    memo: SimilarityMemo | None = None,
) -> NameComparison:
    """Compare two parsed names, each in every reading (`parse.readings`): the best of them.

    "Гнатюк Андрій (Андрюша) Петрович" meets "Андрюша Гнатюк" and "Гнатюк Андрій" alike (a
    bracketed nickname may stand in for its given name); "OLEH PROKOPOVYCH" meets "Прокопович
    Олег Захарович" (a two-word name's patronymic-shaped word may be its family name).
    `memo`: the word pairs scored so far, for a caller comparing one name with many.
    """
    best = _compare_once(a, b, threshold, memo)
    lefts, rights = readings(a), readings(b)
    if len(lefts) == 1 and len(rights) == 1:
        return best
    for left in lefts:
        for right in rights:
            if left is a and right is b:
                continue
            found = _compare_once(left, right, threshold, memo)
            if found.score > best.score:
                best = found
    return best


def _compare_once(
    a: ParsedName, b: ParsedName, threshold: float, memo: SimilarityMemo | None
) -> NameComparison:
    a_main, a_pat = _main_and_patronymics(a)
    b_main, b_pat = _main_and_patronymics(b)
    if len(a_main) != len(b_main):  # a space lost or typed inside a word changes the count
        joined_a, joined_b = _join_split_word(a, b), _join_split_word(b, a)
        if joined_a is not a or joined_b is not b:
            a, b = joined_a, joined_b
            a_main, a_pat = _main_and_patronymics(a)
            b_main, b_pat = _main_and_patronymics(b)
    if not a_main or not b_main:  # a name that is all patronymic-looking: compare everything
        a_main, b_main, a_pat, b_pat = a_main + a_pat, b_main + b_pat, [], []
    pairs, rest_a, rest_b = _align(a_main, b_main, a, b, memo)
    if a_pat and b_pat:
        pat_pairs, _, _ = _align(a_pat, b_pat, a, b, memo)
        pairs += pat_pairs
    elif b_pat:  # "Шевченко Т. Г.": a spare initial stands for the patronymic
        rest_a = _initials_to_patronymics(rest_a, b_pat, a, b, pairs, left_side=True, memo=memo)
    elif a_pat:
        rest_b = _initials_to_patronymics(rest_b, a_pat, b, a, pairs, left_side=False, memo=memo)
    # An initial left over is a middle or patronymic initial: no evidence either way.
    rest_a = [i for i in rest_a if not a.tokens[i].initial]
    rest_b = [j for j in rest_b if not b.tokens[j].initial]
    total = weights = 0.0
    for i, j, score, _ in pairs:
        weight = _weight(a.tokens[i], b.tokens[j])
        total += weight * score
        weights += weight
    strong = sum(1 for _, _, s, r in pairs if s >= MISMATCH_BELOW and r != INITIAL)
    extra = EXTRA_WEIGHT if strong >= 2 else EXTRA_WEIGHT_FEW_MATCHES
    for i in rest_a:
        weights += extra * _weight(a.tokens[i])
    for j in rest_b:
        weights += extra * _weight(b.tokens[j])
    score = total / weights if weights else 0.0
    weakest = min((s for _, _, s, _ in pairs), default=1.0)
    score = min(score, weakest + WEAKEST_MARGIN)
    if not any(s > 0 and r != INITIAL for _, _, s, r in pairs):
        score = min(score, 0.0) if not pairs else score * 0.5  # only initials agree: weak
    return NameComparison(
        a.text,
        b.text,
        score,
        score >= threshold,
        threshold,
        parsed=(a, b),
        pairs=tuple(pairs),
        unmatched=(tuple(rest_a), tuple(rest_b)),
    )


@forgettable(maxsize=100_000)
def _parse_cached(text: str) -> ParsedName:
    return parse_name(text)


def compare(
    a: str | ParsedName, b: str | ParsedName, *, threshold: float = DEFAULT_THRESHOLD
) -> NameComparison:
    """Compare two names (strings in any alphabet and order, or parsed names)."""
    left = _parse_cached(a) if isinstance(a, str) else a
    right = _parse_cached(b) if isinstance(b, str) else b
    return compare_parsed(left, right, threshold=threshold)


def compare_parts(
    family: str = "",
    given: str = "",
    patronymic: str = "",
    *,
    other: str | ParsedName,
    threshold: float = DEFAULT_THRESHOLD,
    order_hint: OrderHint | None = None,
) -> NameComparison:
    """Compare a name held in separate family/given/patronymic fields with another name."""
    del order_hint  # fields already say the order
    return compare(from_parts(family, given, patronymic), other, threshold=threshold)

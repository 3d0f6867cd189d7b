"""The names engine's tuning, in one place: every number that grades a name comparison.

Read by `names/comparison.py` (rule scores, thresholds, weights, edit costs) and by
`match/levels.py` (the part scores at which a name's level changes). The values were chosen
on development data only (Wikidata's train split, the generated dev split; see
docs/benchmarks.md and docs/names.md); a change here moves every figure there, so measure
with `make eval-names` and `make eval-matching` before and after.
"""

from __future__ import annotations

# --- a whole name: the match threshold and the review threshold -------------------------

DEFAULT_THRESHOLD = 0.8
# For review queues and interactive search, where a person reads every candidate:
# recall matters more than precision there.
REVIEW_THRESHOLD = 0.7

# Rule names, as they appear in explanations.
SAME = "same form"
TRANSLITERATION = "transliteration standard"
UK_RU = "ukrainian/russian form"
VARIANT = "variant"
FEMININE = "feminine form"
INITIAL = "initial"
LEARNED = "learned rendering"
EDIT = "edit distance"
TYPO_OF_FORM = "a typo of a name's form"
UNMATCHED = "unmatched"

RULE_SCORES = {
    SAME: 1.0,
    TRANSLITERATION: 1.0,
    UK_RU: 0.95,
    LEARNED: 0.95,
    VARIANT: 0.9,
    FEMININE: 0.9,
    INITIAL: 0.75,
    # One letter off a known given name that is a form of the other (Павнл: Павел, Павло):
    # a typo on top of a Russian/Ukrainian form or a variant, graded as one slip.
    TYPO_OF_FORM: 0.8,
}
# Weight of a part found on one side only: extra middle names count less than a mismatch,
# unless the names share only one part (a given name alone is not a person).
EXTRA_WEIGHT = 0.15
EXTRA_WEIGHT_FEW_MATCHES = 0.5
# The weakest aligned pair caps the score (at its own score plus this margin): averaging
# six equal parts must not hide one different surname or patronymic.
WEAKEST_MARGIN = 0.15
# Below this a pair does not count as agreeing (for how much extra parts weigh).
MISMATCH_BELOW = 0.5
PATRONYMIC_WEIGHT = 0.5
INITIAL_WEIGHT = 0.5


# --- one part: what an edit costs -------------------------------------------------------

# Each edit (insertion, deletion, substitution, transposition) costs this share of the length:
# one typo in a seven-letter surname leaves 0.77, two leave 0.54.
EDIT_COST = 1.6
# Across alphabets an edit is more often the romanisation than a different name.
CROSS_SCRIPT_EDIT_COST = 1.4
# Learned rendering model: a spelling scoring -1.54 per letter (see `spelling_score`) sits at
# the default threshold, -2.3 at the review threshold. Chosen on the Wikidata train split.
LEARNED_SLOPE = 0.13
# The alignment is the costly step: pairs whose spellings share almost nothing (a given name
# against a surname) skip it.
LEARNED_FLOOR = 0.1
# Two different known given names one letter apart (Марина / Дарина, Юрій / Юлія) are
# different names, not a typo.
KNOWN_NAMES_FACTOR = 0.5


# --- the match model's name levels (match/levels.py) ------------------------------------

# Score thresholds of the names engine's parts (see names/comparison.py RULE_SCORES).
EXACT_PART = 0.99
VARIANT_PART = 0.87
SLIP_PART = 0.7
DIFFERENT_PART = 0.5
PATRONYMIC_SLIP = 0.75

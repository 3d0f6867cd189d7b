"""Candidate (blocking) keys that survive romanisation standards, Ukrainian/Russian forms, typos."""

from __future__ import annotations

import hashlib
import re

from homecoming.forgetting import forgettable
from homecoming.names.latin_form import gender_neutral
from homecoming.names.parse import tokenize
from homecoming.names.token import NameToken, name_token

_VOWELS = re.compile(r"[aeiou]")
_REPEATS = re.compile(r"(.)\1+")


def key_hash(key: str) -> int:
    """A key as a 63-bit integer, the same in every process and on every run.

    Python's `hash()` of a string is salted per process: a search snapshot saved by one process
    is read by another, and batch linkage chooses the key EM blocks on as the least of a
    record's hashed keys, so with `hash()` EM trained on other pairs and learnt another model
    each run."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


def skeleton(form: str) -> str:
    """Consonant skeleton of a common form: first letter, then consonants, repeats merged."""
    if not form:
        return ""
    return _REPEATS.sub(r"\1", form[0] + _VOWELS.sub("", form[1:]))


def token_keys(token: NameToken) -> set[str]:
    """Keys of one token: gender-neutral common forms (f:) and their consonant skeletons (p:)."""
    if token.patronymic or token.initial or not token.primary:
        return set()
    found: set[str] = set()
    for form in token.forms | token.other_forms:
        neutral = gender_neutral(form)
        found.add(f"f:{neutral}")
        found.add(f"p:{skeleton(neutral)}")
    return found


@forgettable(maxsize=200_000)
def _keys(text: str) -> frozenset[str]:
    found: set[str] = set()
    for word in tokenize(text):
        found |= token_keys(name_token(word))
    return frozenset(found)


def keys(text: str) -> set[str]:
    """Blocking keys of a full name: every non-patronymic part, in every standard and form."""
    return set(_keys(text))

"""Lookups over whole names and preprocessed words: a name's renderings under the standards
that fit it, the full names an everyday form stands for, whether a word is a given name.

They sit above `token`, `transliterate` and `variant_groups`, none of which imports them, so
those three form no circle (an import-linter contract keeps the names package acyclic).
"""

from __future__ import annotations

from homecoming.names.script import cyrillic_language, detect_script
from homecoming.names.token import name_token
from homecoming.names.transliterate import (
    ALL_STANDARDS,
    RUSSIAN_STANDARDS,
    UKRAINIAN_STANDARDS,
    render_token,
)
from homecoming.names.variant_groups import diminutive_ids_of_forms, name_form_language


def _standards_for(text: str) -> tuple[str, ...]:
    lang = cyrillic_language(text)
    if lang is None:
        votes = [name_form_language(w) for w in text.split()]
        if votes.count("uk") != votes.count("ru"):
            lang = "uk" if votes.count("uk") > votes.count("ru") else "ru"
    if lang == "uk":
        return tuple(UKRAINIAN_STANDARDS)
    if lang == "ru":
        return tuple(RUSSIAN_STANDARDS)
    return ALL_STANDARDS


def renderings(text: str) -> dict[str, str]:
    """Render a Cyrillic name under every standard that fits its orthography (Latin: as written)."""
    if detect_script(text) not in ("cyrillic", "mixed"):
        return {"as_written": text}
    return {
        std: " ".join(render_token(t, std) for t in text.split()) for std in _standards_for(text)
    }


def full_names_of(word: str) -> tuple[str, ...]:
    """The Ukrainian full names an everyday form stands for, in any script.

    Тьома, Tioma -> (Артем,); Саша, Sasha -> (Олександр, Олександра); Олександр -> ().
    """
    ids = diminutive_ids_of_forms(name_token(word).forms)
    return tuple(sorted(i.split(":", 1)[1].capitalize() for i in ids))


def is_given_name(word: str) -> bool:
    """Whether a word is a known given name or an everyday form of one, in any script.

    For a diminutive typed in the family-name box ("Саша", given name empty): a word that
    is also a common surname (Назар, Мельник) is not taken for a given name.
    """
    token = name_token(word)
    if token.patronymic or token.initial or token.surnames:
        return False
    return bool(token.given_ids or token.groups or diminutive_ids_of_forms(token.forms))

"""Candidate keys of name tokens for the search index, hashed to stable 64-bit integers."""

from __future__ import annotations

import dataclasses

from homecoming.forgetting import forgettable
from homecoming.names.blocking import key_hash, token_keys
from homecoming.names.token import name_token


@forgettable(maxsize=500_000)
def token_key_hashes(word: str) -> tuple[int, ...]:
    """Stable hashes of one word's keys: common forms, consonant skeletons, name groups."""
    token = name_token(word)
    # A word that ends like a patronymic may be a surname (Прокопович, Базилевич): key it too.
    found = token_keys(dataclasses.replace(token, patronymic=False) if token.patronymic else token)
    if not token.patronymic:
        # Name groups reach diminutives and other languages' forms: Sasha ~ Oleksandr.
        found |= {f"g:{group}" for group in token.groups}
    return tuple(sorted({key_hash(k) for k in found}))

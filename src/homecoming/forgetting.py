"""Caches that hold personal data, and forgetting them all when personal data is erased.

The names engine, the match model, search, tracing and batch linkage keep what they make of a
name (its tokens, renderings, parses, keys, the pairs of words scored) in caches of the
process, keyed by the name's words, its full text or its date of birth as written. An erasure
(`services.erasure`) or a retention run (`services.retention`) removes a person's data from
the database and the files; the caches of every process that read it must let it go too.

A cache of such data is made with `forgettable(maxsize)` instead of `functools.lru_cache`; any
other holder registers its own clearing function with `on_forget`. `forget_personal_data()`
empties every one of them: the process that erased calls it once the erasure is committed,
and a server's worker calls it when its search index catches up with an erasure's audit entry
(`services.search`). The caches fill again as names are met.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import _lru_cache_wrapper, lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

_clearers: list[Callable[[], None]] = []
_caches: list[_lru_cache_wrapper[Any]] = []


def forgettable(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """`functools.lru_cache(maxsize=maxsize)` for a function whose arguments or results hold
    personal data (names, their words, dates of birth as written): emptied by
    `forget_personal_data`."""

    def wrap(function: Callable[..., T]) -> _lru_cache_wrapper[T]:
        cached = lru_cache(maxsize=maxsize)(function)
        _caches.append(cached)
        return cached

    return wrap


def on_forget(clear: Callable[[], None]) -> Callable[[], None]:
    """Register `clear` (it empties some other holder of personal data); returns it."""
    _clearers.append(clear)
    return clear


def forgettable_caches() -> tuple[_lru_cache_wrapper[Any], ...]:
    """Every cache made with `forgettable` in the modules imported so far."""
    return tuple(_caches)


def forget_personal_data() -> None:
    """Empty every cache and holder of personal data this process keeps."""
    for cache in _caches:
        cache.cache_clear()
    for clear in _clearers:
        clear()

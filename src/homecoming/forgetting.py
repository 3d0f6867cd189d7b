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
from functools import _lru_cache_wrapper, lru_cache, wraps
from typing import Any, TypeVar

T = TypeVar("T")
K = TypeVar("K")

_clearers: list[Callable[[], None]] = []
_caches: list[_lru_cache_wrapper[Any]] = []
_by_identity: list[dict[int, Any]] = []


def forgettable(maxsize: int) -> Callable[[Callable[..., T]], _lru_cache_wrapper[T]]:
    """`functools.lru_cache(maxsize=maxsize)` for a function whose arguments or results hold
    personal data (names, their words, dates of birth as written): emptied by
    `forget_personal_data`."""

    def wrap(function: Callable[..., T]) -> _lru_cache_wrapper[T]:
        cached = lru_cache(maxsize=maxsize)(function)
        _caches.append(cached)
        return cached

    return wrap


def forgettable_by_identity(maxsize: int) -> Callable[[Callable[[K], T]], Callable[[K], T]]:
    """A cache of a function of one object (a name's token) by the object's identity, as
    `forgettable` but without hashing the object: the object is held beside its value, so that
    its id stays its own. Started again past `maxsize` objects; emptied by
    `forget_personal_data`."""

    def wrap(function: Callable[[K], T]) -> Callable[[K], T]:
        kept: dict[int, tuple[K, T]] = {}

        @wraps(function)
        def cached(thing: K) -> T:
            found = kept.get(id(thing))
            if found is not None and found[0] is thing:
                return found[1]
            if len(kept) >= maxsize:
                kept.clear()
            value = function(thing)
            kept[id(thing)] = (thing, value)
            return value

        _by_identity.append(kept)
        on_forget(kept.clear)
        return cached

    return wrap


def on_forget(clear: Callable[[], None]) -> Callable[[], None]:
    """Register `clear` (it empties some other holder of personal data); returns it."""
    _clearers.append(clear)
    return clear


def forgettable_caches() -> tuple[_lru_cache_wrapper[Any], ...]:
    """Every cache made with `forgettable` in the modules imported so far."""
    return tuple(_caches)


def held_by_identity() -> int:
    """How many objects the caches made with `forgettable_by_identity` hold."""
    return sum(len(kept) for kept in _by_identity)


def forget_personal_data() -> None:
    """Empty every cache and holder of personal data this process keeps."""
    for cache in _caches:
        cache.cache_clear()
    for clear in _clearers:
        clear()

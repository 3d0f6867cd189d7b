"""Python's garbage collector while a process makes many long-lived objects at once.

An import's batches, and a search index's parsed names read back from its snapshot, outlive
the young collections and, promoted, set off full (oldest-generation) collections over the
whole heap: at 1,000,000 indexed records one takes about 0.4 s, and they find next to nothing
to free (those objects hold no reference cycles). While such work runs, full collections wait
for FULL_COLLECTION_EVERY younger ones instead of 10; the young collections run as ever.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

FULL_COLLECTION_EVERY = 1_000
_running = 0
_lock = threading.Lock()
_thresholds: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_full_collections() -> Iterator[None]:
    """Rarer full garbage collections while any such work runs in this process (counted
    across threads), then the thresholds as they were."""
    global _running, _thresholds
    with _lock:
        if _running == 0:
            _thresholds = gc.get_threshold()
            young, middle, full = _thresholds
            gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                gc.set_threshold(*_thresholds)

"""Caches of personal data: `forgettable_by_identity` keeps a value per object, not per value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homecoming.forgetting import forget_personal_data, forgettable_by_identity, held_by_identity


@dataclass(frozen=True)
class _Word:
    text: str


def _counted(maxsize: int) -> tuple[list[str], Callable[[_Word], str]]:
    calls: list[str] = []

    @forgettable_by_identity(maxsize=maxsize)
    def upper(word: _Word) -> str:
        calls.append(word.text)
        return word.text.upper()

    return calls, upper


def test_a_value_is_made_once_an_object_and_again_for_an_equal_other_object() -> None:
    calls, upper = _counted(10)
    one, same, other = _Word("нехір"), _Word("нехір"), _Word("nekhir")
    assert [upper(w) for w in (one, one, other, same, one)] == [
        "НЕХІР",
        "НЕХІР",
        "NEKHIR",
        "НЕХІР",
        "НЕХІР",
    ]
    assert calls == ["нехір", "nekhir", "нехір"]  # `same` equals `one`, but is another object


def test_past_its_size_the_cache_starts_again_and_forgetting_empties_it() -> None:
    calls, upper = _counted(2)
    words = [_Word(str(i)) for i in range(3)]
    for word in words:
        upper(word)
    upper(words[2])  # kept after the restart
    assert calls == ["0", "1", "2"]
    upper(words[0])  # dropped by the restart
    assert calls == ["0", "1", "2", "0"]
    assert held_by_identity() >= 1
    forget_personal_data()
    assert held_by_identity() == 0
    upper(words[0])
    assert calls == ["0", "1", "2", "0", "0"]

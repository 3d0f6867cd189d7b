"""What happens at the crossing beyond a listed person's handover: the kinds of event, how an
identity is checked, and what a record of each needs. No IO."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from homecoming.errors import InvalidInput


class CrossingKind(StrEnum):
    ARRIVED_UNLISTED = "arrived_unlisted"  # brought over, on no list: identity checked
    LIST_DIFFERS = "list_differs"  # the list received at the crossing is not the agreed one
    TAKEN_BACK = "taken_back"  # brought to the crossing, then taken back by his captors
    RETURNED = "returned"  # handed over, then sent back across


class CheckMethod(StrEnum):
    """How an identity was checked at the crossing."""

    DOCUMENTS = "documents"
    PHOTO = "photo"  # compared with a photo on file
    QUESTIONS = "questions"  # questions only the person would answer


def check_methods(methods: Iterable[str]) -> list[CheckMethod]:
    """The methods named, each once and in a fixed order; InvalidInput when none or unknown."""
    chosen: set[CheckMethod] = set()
    for method in methods:
        try:
            chosen.add(CheckMethod(method.strip().casefold()))
        except ValueError:
            known = ", ".join(m.value for m in CheckMethod)
            raise InvalidInput(f"{method!r} is not a way to check an identity ({known})") from None
    if not chosen:
        raise InvalidInput(
            "say how the identity was checked (documents, photo, questions): an arrival on no "
            "list is kept as evidence only with its check"
        )
    return [m for m in CheckMethod if m in chosen]


def require_reason(reason: str, *, what: str) -> str:
    """The reason, stripped; InvalidInput when there is none."""
    if not reason.strip():
        raise InvalidInput(f"say why ({what} is kept with its reason)")
    return reason.strip()

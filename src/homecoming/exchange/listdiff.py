"""What changed between two versions of a list: entries added, removed and changed.

Entries are keyed by service number where the list gives one, else by the name in a
script-independent form plus the date of birth, so a list re-typed in the other alphabet
still lines up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from homecoming.domain.record import service_number_key
from homecoming.names.parse import tokenize
from homecoming.names.token import name_token


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One listed person as the diff sees them: the line and the fields compared."""

    line: int
    name: str
    date_of_birth: str = ""
    service_number: str = ""
    fields: Mapping[str, str] | None = None  # every compared field, including the above

    def key(self) -> str:
        """Service number, else the name's primary Latin form and the date of birth."""
        number = service_number_key(self.service_number)
        if number:
            return f"sn:{number}"
        words = sorted(name_token(w).primary for w in tokenize(self.name))
        return f"nd:{' '.join(words)}|{self.date_of_birth}"

    def compared(self) -> dict[str, str]:
        base = {"name": self.name, "date_of_birth": self.date_of_birth}
        base["service_number"] = self.service_number
        return base | dict(self.fields or {})


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ChangedEntry:
    old: DiffEntry
    new: DiffEntry
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class ListDiff:
    """Added, removed and changed entries, each in line order."""

    added: tuple[DiffEntry, ...]
    removed: tuple[DiffEntry, ...]
    changed: tuple[ChangedEntry, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_lists(old: Sequence[DiffEntry], new: Sequence[DiffEntry]) -> ListDiff:
    """The difference between two versions; a key listed twice pairs up in line order."""
    old_by_key = _grouped(old)
    new_by_key = _grouped(new)
    added: list[DiffEntry] = []
    removed: list[DiffEntry] = []
    changed: list[ChangedEntry] = []
    unchanged = 0
    for key in old_by_key.keys() | new_by_key.keys():
        before, after = old_by_key.get(key, []), new_by_key.get(key, [])
        for a, b in zip(before, after, strict=False):
            changes = _changes(a, b)
            if changes:
                changed.append(ChangedEntry(a, b, changes))
            else:
                unchanged += 1
        removed += before[len(after) :]
        added += after[len(before) :]
    return ListDiff(
        added=tuple(sorted(added, key=lambda e: e.line)),
        removed=tuple(sorted(removed, key=lambda e: e.line)),
        changed=tuple(sorted(changed, key=lambda c: c.new.line)),
        unchanged=unchanged,
    )


def _grouped(entries: Sequence[DiffEntry]) -> dict[str, list[DiffEntry]]:
    grouped: dict[str, list[DiffEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.line):
        grouped.setdefault(entry.key(), []).append(entry)
    return grouped


def _changes(a: DiffEntry, b: DiffEntry) -> tuple[FieldChange, ...]:
    old, new = a.compared(), b.compared()
    return tuple(
        FieldChange(name, old.get(name, ""), new.get(name, ""))
        for name in sorted(old.keys() | new.keys())
        if old.get(name, "") != new.get(name, "")
    )

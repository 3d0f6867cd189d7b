"""List diffs: keyed by service number, else by the name's common form and date of birth."""

from __future__ import annotations

from homecoming.exchange.listdiff import DiffEntry, diff_lists


def test_added_removed_changed() -> None:
    old = [
        DiffEntry(2, "Нехір Олександр", "1987-05-23", "АВ123456", {"unit": "А1234"}),
        DiffEntry(3, "Коваленко Петро", "1979"),
        DiffEntry(4, "Шевченко Марія", "1965-03-03"),
    ]
    new = [
        DiffEntry(2, "Nekhir Oleksandr", "1987-05-23", "AB-123456", {"unit": "А1235"}),
        DiffEntry(3, "Коваленко Петро", "1979"),
        DiffEntry(4, "Мельник Василь", "1992-10-10"),
    ]
    diff = diff_lists(old, new)
    assert [e.name for e in diff.added] == ["Мельник Василь"]
    assert [e.name for e in diff.removed] == ["Шевченко Марія"]
    (changed,) = diff.changed
    assert {c.field for c in changed.changes} == {"name", "service_number", "unit"}
    assert diff.unchanged == 1


def test_a_name_retyped_in_the_other_alphabet_is_the_same_entry() -> None:
    old = [DiffEntry(2, "Коваленко Петро", "1979")]
    new = [DiffEntry(7, "Kovalenko Petro", "1979")]
    diff = diff_lists(old, new)
    assert not diff.added and not diff.removed
    assert [c.field for c in diff.changed[0].changes] == ["name"]


def test_a_repeated_entry_counts_once_per_copy() -> None:
    old = [DiffEntry(2, "Коваленко Петро", "1979")]
    new = [DiffEntry(2, "Коваленко Петро", "1979"), DiffEntry(3, "Коваленко Петро", "1979")]
    diff = diff_lists(old, new)
    assert [e.line for e in diff.added] == [3]
    assert diff.unchanged == 1

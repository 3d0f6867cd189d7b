"""Leads: possible answers to families' inquiries, found by re-matching what lands."""

from __future__ import annotations

from collections.abc import Sequence

from homecoming.store.db import Database


def rematch_for_records(db: Database, record_ids: Sequence[int], *, actor: str) -> int:
    """Re-match the open inquiries these records may answer; returns the new leads' count."""
    return 0

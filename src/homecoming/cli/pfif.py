"""PFIF in for the CLI: a feed's persons and notes become records (out: services/pfif.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from homecoming.domain.record import Evidence
from homecoming.errors import RowProblem
from homecoming.services import registry


def pfif_evidence(path: Path) -> Iterator[Evidence | list[RowProblem]]:
    """Every person and note of a PFIF file as evidence; broken ones as problems."""
    return registry.pfif_evidence(path.read_bytes(), name=path.name)

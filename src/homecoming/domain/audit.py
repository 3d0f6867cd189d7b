"""The audit chain's arithmetic: each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditLink:
    """The hashed content of one audit entry."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    prev_hash: str

    def digest(self) -> str:
        """SHA-256 over a canonical JSON form, so any edited field changes it."""
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=dt.UTC)
        canonical = json.dumps(
            [
                self.id,
                at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                self.actor,
                self.action,
                self.subject,
                self.details,
                self.prev_hash,
            ],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainFault:
    """Where the chain breaks and how."""

    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit entry {self.entry_id}: {self.reason}"


def check_chain(
    links: list[tuple[AuditLink, str]], head: tuple[int, str] | None
) -> list[ChainFault]:
    """Every fault in a chain of (content, stored hash) pairs, given the stored head."""
    faults: list[ChainFault] = []
    expected_prev, expected_id = GENESIS, 1
    for link, stored in links:
        if link.id != expected_id:
            missing = (
                f"{expected_id}" if link.id == expected_id + 1 else f"{expected_id}-{link.id - 1}"
            )
            faults.append(ChainFault(link.id, f"entries {missing} are missing (deleted)"))
        if link.prev_hash != expected_prev:
            faults.append(
                ChainFault(
                    link.id,
                    "does not follow the entry before it (inserted, "
                    "reordered, or the one before was deleted)",
                )
            )
        if link.digest() != stored:
            faults.append(ChainFault(link.id, "content does not match its hash (edited)"))
        expected_prev, expected_id = stored, link.id + 1
    last_id = links[-1][0].id if links else 0
    if head is not None and (head[0] != last_id or head[1] != expected_prev):
        faults.append(
            ChainFault(
                head[0],
                f"the chain ends at entry {last_id} but its head says "
                f"{head[0]}: entries at the end were deleted or added",
            )
        )
    return faults

"""The audit chain's arithmetic: each entry's hash covers its content and the previous hash.

An entry's details (its payload) enter the hash as their SHA-256, so an erasure may redact a
payload that named a person and the chain still verifies; a redaction says which erasure made
it, and that erasure names the entry (see `check_chain`).
"""

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
    payload_digest: str = ""  # as stored; empty: computed from the details

    def digest(self) -> str:
        """SHA-256 over a canonical JSON form (the details by their digest), so any edit shows."""
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=dt.UTC)
        canonical = _canonical(
            [
                self.id,
                at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                self.actor,
                self.action,
                self.subject,
                self.payload_digest or payload_digest(self.details),
                self.prev_hash,
            ]
        )
        return hashlib.sha256(canonical).hexdigest()

    @property
    def redacted_by(self) -> int | None:
        """The erasure entry that redacted these details, when they are a redaction marker."""
        by = self.details.get(REDACTED_BY) if set(self.details) == {REDACTED_BY} else None
        return by if isinstance(by, int) else None


REDACTED_BY = "redacted_by_audit_entry"
ERASURE_ACTION = "personal_data.erased"
EXPIRY_ACTION = "personal_data.expired"  # a retention run's erasure of records
ERASING_PREFIX = "personal_data."


def payload_digest(details: dict[str, Any]) -> str:
    """SHA-256 of an entry's details in canonical JSON."""
    return hashlib.sha256(_canonical(details)).hexdigest()


def redaction(erasure_entry_id: int) -> dict[str, Any]:
    """What a redacted entry's details become: only the erasure that redacted them."""
    return {REDACTED_BY: erasure_entry_id}


def _canonical(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode("utf-8")


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
    erasures = {
        link.id: set(link.details.get("audit_entries_redacted", []))
        for link, _ in links
        if link.action.startswith(ERASING_PREFIX)
    }
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
        elif _details_edited(link, erasures):
            faults.append(ChainFault(link.id, "details do not match their digest (edited)"))
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


def _details_edited(link: AuditLink, erasures: dict[int, set[int]]) -> bool:
    """Details that differ from their stored digest, other than by a redaction as said."""
    if not link.payload_digest or payload_digest(link.details) == link.payload_digest:
        return False
    return not _redacted_as_said(link, erasures)


def _redacted_as_said(link: AuditLink, erasures: dict[int, set[int]]) -> bool:
    """A redaction marker naming an erasure entry that names this entry back."""
    by = link.redacted_by
    return by is not None and link.id in erasures.get(by, set())

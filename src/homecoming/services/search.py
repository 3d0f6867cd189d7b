"""Person search over the store: the index is built once, then follows every write."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select

from homecoming.domain.dates import PartialDate
from homecoming.forgetting import forget_personal_data
from homecoming.search.index import Entry, Hit, PersonIndex, Query
from homecoming.services import audit
from homecoming.store.db import Database, Prepared
from homecoming.store.models import AuditEntry, Judgement, Record, Source

# Audit actions after which records may belong to other persons: a linkage run regroups any
# record; a judgement (or its undo) only the records of the persons of the two it names.
REGROUPING_ACTIONS = ("judgement.", "linkage.")
RELINKING_ACTIONS = ("linkage.",)
# After an erasure or a retention run the index is built again: erased names must leave it.
ERASING_ACTIONS = ("personal_data.",)
SNAPSHOT_NAME = "search-index.npz"
# A warm-up waits while the server has had a request within this many seconds.
WARM_YIELDS_FOR = 0.2
# A server's worker catches its index up with the store at least this often, searches or not
# (`SearchService.follow`): an erasure leaves its memory within this many seconds.
FOLLOW_SECONDS = 10.0

log = logging.getLogger(__name__)


class SearchService:
    """One index per database, caught up with the audit log's head before each search."""

    def __init__(self, db: Database, *, snapshot: Path | None = None, warm: bool = False) -> None:
        self.db = db
        self.snapshot = snapshot
        self.warm = warm  # a long-running server parses every name once, in the background
        # A server's worker, a process of its own: keep the warmed objects out of full
        # collections (`_warm_up`). Not in a process that makes and drops many apps (tests).
        self.freeze_when_warm = False
        self._lock = threading.Lock()
        self._index: PersonIndex | None = None
        self._audit_seen = -1
        self._seen_hash = ""  # the head's hash when last caught up: a restore changes it
        self._saved_stamp = -1
        self._busy_at = 0.0  # when the server last had a request (monotonic seconds)

    @property
    def ready(self) -> bool:
        """True once the index is loaded or built (a search then only catches up)."""
        return self._index is not None

    def in_use(self) -> None:
        """A request came in: the background warm-up gives way (`_give_way`)."""
        self._busy_at = time.monotonic()

    def _give_way(self) -> None:
        """Between a warm-up's batches: wait until requests have paused. The warm-up holds
        the interpreter while it parses, and at 1,000,000 records it parses for minutes: every
        request's wait on the database (a round trip on PostgreSQL) handed it the interpreter
        for a switch interval (5 ms), and the server served a fraction of its rate."""
        while (idle := time.monotonic() - self._busy_at) < WARM_YIELDS_FOR:
            time.sleep(WARM_YIELDS_FOR - idle)

    def search(
        self, query: Query, *, limit: int = 10, head: tuple[int, str] | None = None
    ) -> list[Hit]:
        """Persons whose records best fit the query, with scores and reasons (`head`: as
        `index`)."""
        return self.index(head=head).search(query, limit=limit)

    def index(self, *, head: tuple[int, str] | None = None) -> PersonIndex:
        """The index, loaded or built on first use and caught up with the store.

        `head`: the audit log's head as read during the caller's request (`audit.marks`);
        read here when not given. The index catches up at least to it."""
        with self._lock:
            if head is None or head[0] < self._audit_seen:
                # Older than what another request already caught up to (a read that flew
                # before it): read afresh, for a restore's shorter chain looks the same.
                head = self._head()
            if self._index is None or self._went_back(head):
                self._index, self._audit_seen = self._load_or_build(head[0])
                self._saved_stamp = self._audit_seen
                if self.warm:
                    threading.Thread(target=self._warm_up, args=(self._index,), daemon=True).start()
            self._catch_up(self._index, head)
            return self._index

    def follow(self, every: float = FOLLOW_SECONDS) -> threading.Event:
        """Catch the index up with the store every `every` seconds, in a thread of its own,
        until the returned event is set.

        A search catches up before it answers, so what a worker answers never lags; but a
        worker that serves no search for a while would keep an erased person's name in its
        index and its caches until its next one. Following the audit head, it forgets them
        within `every` seconds of the erasure, and the next search has less to catch up."""
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(every):
                try:
                    self.index()
                except Exception as exc:  # the database away for a moment: try again later
                    log.warning("search index could not follow the store: %s", exc)

        threading.Thread(target=run, daemon=True, name="homecoming-search-follow").start()
        return stop

    def _warm_up(self, index: PersonIndex) -> None:
        """Every name parsed or read back, giving way to requests; then, in a server's worker
        (`freeze_when_warm`, set by `served_app`), what the process holds is kept out of the
        collector's full collections (`gc.freeze`). Those waited while the index loaded and
        warmed (`memory.fewer_full_collections`), and the first one after would walk every
        object the index made, on some request: 1.8 s at 1,000,000 records, on the first
        search after the warm-up. The index's objects hold no reference cycles: those it
        drops are freed as before."""
        index.warm(self._give_way)
        if self.freeze_when_warm:
            gc.freeze()

    def save_snapshot(self, *, parsed: bool = False) -> None:
        """Write the index so the next start loads it instead of rebuilding (when it changed).

        `parsed`: with every name parsed (`homecoming serve`, before its workers start): each
        worker then reads the parsed names back instead of parsing them all itself (at
        1,000,000 records, minutes of its interpreter while it serves)."""
        if self.snapshot is None:
            return
        index = self.index()
        newly_parsed = index.parse_all() if parsed else 0
        with self._lock:
            if index.has_delta or self._audit_seen != self._saved_stamp or newly_parsed:
                index.save(self.snapshot, stamp=self._audit_seen, stamp_hash=self._seen_hash)
                self._saved_stamp = self._audit_seen

    def _load_or_build(self, head_id: int) -> tuple[PersonIndex, int]:
        """The snapshot when it was made from this database's audit chain (the entry it was
        stamped with is there, with the same hash), else a build: a snapshot left by another
        database in the data directory (a demo reset, a restore, tests) is never read as this
        one's."""
        loaded = PersonIndex.load(self.snapshot) if self.snapshot is not None else None
        if loaded is not None:
            index, stamp, stamp_hash = loaded
            if 0 < stamp <= head_id and stamp_hash and audit.hash_of(self.db, stamp) == stamp_hash:
                return index, stamp
        return PersonIndex.build(_entries(self.db, after=0)), 0

    def _head(self) -> tuple[int, str]:
        return audit.head(self.db)

    def _went_back(self, head: tuple[int, str]) -> bool:
        """True after a restore: the audit chain is shorter than seen, or another chain."""
        head_id, head_hash = head
        if head_id < self._audit_seen:
            return True
        return head_id == self._audit_seen != -1 and head_hash != self._seen_hash

    def _catch_up(self, index: PersonIndex, head: tuple[int, str]) -> None:
        head_id, self._seen_hash = head
        if head_id == self._audit_seen:
            return
        with self.db.reading() as session:
            entries = _ENTRIES_SINCE.rows(
                session.connection(), {"after": self._audit_seen, "upto": head_id}
            )
        if any(a.startswith(ERASING_ACTIONS) for a, _ in entries):
            self._index = PersonIndex.build(_entries(self.db, after=0))
            self._audit_seen = head_id
            # The erased names leave the process's caches too: once the new index is in place,
            # so that no moment sees the caches emptied and the old index still holding them.
            forget_personal_data()
            return
        last = int(index.record_ids[-1]) if len(index) else 0
        index.add(_entries(self.db, after=last))
        regrouping = [(a, d) for a, d in entries if a.startswith(REGROUPING_ACTIONS)]
        if any(a.startswith(RELINKING_ACTIONS) for a, _ in regrouping):
            index.reassign(_assignments(self.db))
        elif regrouping:
            index.reassign(_assignments_around(self.db, [d for _, d in regrouping]))
        self._audit_seen = head_id


# The audit entries an index catches up with (every search's and every drain's): built once.
_ENTRIES_SINCE = Prepared(
    select(AuditEntry.action, AuditEntry.details).where(
        AuditEntry.id > bindparam("after"), AuditEntry.id <= bindparam("upto")
    )
)


def _entries(db: Database, *, after: int) -> Iterator[Entry]:
    # The columns the index keeps, not whole records: a build at 1,000,000 records no longer
    # decodes every record's raw cells (JSON) nor makes an ORM object of each.
    with db.reading() as session:
        query = (
            select(*_ENTRY_COLUMNS, Source.party_code)
            .join(Source, Source.id == Record.source_id)
            .where(Record.id > after, Record.redacted_at.is_(None))
            .order_by(Record.id)
            .execution_options(yield_per=10_000)
        )
        for row in session.execute(query):
            yield entry_of(row, party=row.party_code or "")


# What the index (and tracing's scoring) reads of a record besides its ids.
INDEXED_COLUMNS = (
    Record.family_name,
    Record.given_names,
    Record.patronymic,
    Record.full_name,
    Record.dob_year,
    Record.dob_month,
    Record.dob_day,
    Record.sex,
    Record.unit,
    Record.service_number,
)
_ENTRY_COLUMNS = (Record.id, Record.person_id, *INDEXED_COLUMNS)


def entry_of(row: Any, *, party: str = "") -> Entry:
    """What the index keeps of a stored record (a `Record`, or a row of its columns)."""
    name = " ".join(p for p in (row.family_name, row.given_names, row.patronymic) if p)
    return Entry(
        record_id=row.id,
        person_id=row.person_id or 0,
        name=name or row.full_name,
        date_of_birth=PartialDate(row.dob_year, row.dob_month, row.dob_day),
        sex=row.sex,
        unit=row.unit,
        service_number=row.service_number,
        party=party,
    )


def _assignments_around(db: Database, judged: list[dict[str, Any]]) -> dict[int, int]:
    """The persons of the records that judgements named, now: every record of theirs."""
    undone = [d["undoes"] for d in judged if "undoes" in d]
    records = {d[key] for d in judged for key in ("record_a", "record_b") if key in d}
    with db.reading() as session:
        if undone:
            rows = session.execute(
                select(Judgement.record_a_id, Judgement.record_b_id).where(Judgement.id.in_(undone))
            ).all()
            records.update(record for row in rows for record in row)
        # Two indexed reads in a UNION: written as one OR, PostgreSQL scanned every record
        # (1.1 s at 1,000,000 records, in every worker, after every judgement).
        persons = select(Record.person_id).where(Record.id.in_(records))
        assigned = session.execute(
            select(Record.id, Record.person_id)
            .where(Record.person_id.in_(persons))
            .union(select(Record.id, Record.person_id).where(Record.id.in_(records)))
        ).all()
    return {rid: pid for rid, pid in assigned if pid is not None}


def _assignments(db: Database) -> dict[int, int]:
    with db.reading() as session:
        rows = session.execute(select(Record.id, Record.person_id)).all()
    return {rid: pid for rid, pid in rows if pid is not None}

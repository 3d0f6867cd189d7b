"""Re-matching what lands against the open inquiries: candidates, scores, new leads.

Re-matching is incremental. Every open inquiry keeps the candidate keys of its name (and call
sign) in `inquiry_keys`; evidence that lands is keyed the same way, and only the inquiries
whose keys meet the new records' keys are scored against them, never the whole registry. A
newly registered inquiry is matched once against the whole registry through the search index.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Fate, SourceKind, service_number_key
from homecoming.match.levels import one_digit_apart
from homecoming.names.comparison import load_tables
from homecoming.search.index import Query
from homecoming.services import audit, inquiries
from homecoming.services.persons import RECORD_FIELDS_COLUMNS, record_fields
from homecoming.services.search import INDEXED_COLUMNS, SearchService
from homecoming.store.db import Database, Prepared, together
from homecoming.store.models import Record, Source
from homecoming.store.tracing_models import Inquiry, InquiryKey, Lead, Sighting
from homecoming.tracing.circumstances import birth_years
from homecoming.tracing.evidence import origin_of, read
from homecoming.tracing.inquiry import FamilyStatus
from homecoming.tracing.lead_rules import (
    LeadKind,
    LeadState,
    lead_reason,
)
from homecoming.tracing.matching import (
    Candidate,
    Described,
    Frequency,
    could_lead,
    evidence_keys,
    score,
)

CHUNK = 5_000
# How many persons the search index proposes for a newly registered inquiry.
SEARCH_LIMIT = 20
# Seconds a count of the registry's records is topped up before it is counted afresh
# (`registry_size`).
RECOUNT_AFTER = 60.0
# Pairs that cannot reach a lead whatever their names (`tracing.matching.could_lead`) are not
# scored: the leads are the same. False scores every pair (bench/bench_rematch.py's "before").
SKIP_HOPELESS = True
# On PostgreSQL a re-match reads, scores and writes in one transaction (`_rematch_at_once`);
# False: as on SQLite, scored before the write transaction and read again in it (the tests
# compare the two).
AT_ONCE_ON_POSTGRESQL = True


def subscribe(db: Database, search: SearchService) -> None:
    """Re-match the open inquiries whenever records land through `db` (after each commit).

    The app and the CLI call this once per database handle with the search index they
    already keep; a newly registered inquiry is matched against the registry through it.
    """

    def landed(record_ids: Sequence[int], actor: str) -> None:
        rematch_for_records(db, record_ids, actor=actor, search=search)

    db.subscribe("tracing", landed)


def warm(search: SearchService) -> None:
    """Load now what re-matching loads on first use: the search index (the names' frequencies
    a score weighs by) and the names' tables (comparison, transliteration). A drainer started
    cold paid for them in its first drains, while the records it re-matched waited."""
    search.index()
    load_tables()


@dataclass(frozen=True, slots=True)
class _Evidence:
    """A landed record as the matcher sees it."""

    record_id: int
    person_id: int | None
    kind: LeadKind
    sighting_id: int | None
    seen: Described
    source_kind: SourceKind
    source_party: str | None


@dataclass(frozen=True, slots=True)
class _Open:
    """An open inquiry as the matcher sees it."""

    id: int
    record_id: int
    status: FamilyStatus
    sought: Described
    party: str | None


def rematch_for_records(
    db: Database, record_ids: Sequence[int], *, actor: str, search: SearchService
) -> int:
    """Re-match the open inquiries these records may answer; returns the new leads' count."""
    if not record_ids:
        return 0
    if db.dialect == "postgresql" and AT_ONCE_ON_POSTGRESQL:
        return _rematch_at_once(db, record_ids, actor=actor, search=search)
    if not _any_open_inquiry(db):  # no case to answer: nothing to match
        return 0
    new_cases = _new_inquiries(db, record_ids)
    proposals = _registry_candidates(db, search, new_cases) if new_cases else {}
    # The costly part, reading the records as evidence and scoring them, before the write
    # transaction: on SQLite that holds the one write lock, and every writer (a handover, an
    # import) waited behind the scoring. Records never change; under the lock the pairs, the
    # open cases and the earlier leads are read again, and only a pair new since is scored.
    # What each read made of its rows is kept (`_Reread`): under the lock, rows equal to the
    # ones read before give the same pairs, cases and earlier leads, which are not built again.
    reread = _Reread()
    with db.reading() as session:
        evidence = _load_evidence(session, record_ids)
        proposed = _proposed_for(session, proposals, new_cases)
        pairs = _with_proposed(_pairs(session, evidence, reread), proposed)
        scored = _scores(session, pairs, search, reread)
    with db.transaction() as session:
        pairs = _with_proposed(_pairs(session, evidence, reread), proposed)
        created = _score_pairs(
            session, pairs, actor=actor, search=search, scored=scored, reread=reread
        )
        if created:
            _found(session, record_ids, pairs, created, actor=actor)
    return len(created)


def _rematch_at_once(
    db: Database, record_ids: Sequence[int], *, actor: str, search: SearchService
) -> int:
    """`rematch_for_records` on PostgreSQL: read, score and write in one transaction.

    The reading phase before the write transaction is there for SQLite, whose one write lock
    every other writer would wait for while the pairs are scored. PostgreSQL has no such lock
    (this transaction locks the audit head only when it appends, after the scores), so each
    read is made once, in the write transaction, and the scores computed there: the same
    leads from half the queries (a drain under a stream of handovers re-matches a few records,
    and its queries were most of its cost)."""
    with db.transaction() as session:
        connection = session.connection()
        if len(record_ids) > CHUNK:
            if _ANY_OPEN.first(connection) is None:  # no case to answer
                return 0
            new_cases = _new_cases_of(session, record_ids)
            evidence = _load_evidence(session, record_ids)
        else:  # the three first reads in one round trip
            ids = {"ids": list(record_ids)}
            any_open, new_ones, rows = together(
                connection, [(_ANY_OPEN, {}), (_OPEN_OF_RECORDS, ids), (_EVIDENCE, ids)]
            )
            if not any_open:  # no case to answer
                return 0
            new_cases = _new_cases_of(session, record_ids) if new_ones else []
            evidence = _as_evidence(rows)
        proposals = _registry_candidates(db, search, new_cases) if new_cases else {}
        proposed = _proposed_for(session, proposals, new_cases)
        pairs = _with_proposed(_pairs(session, evidence), proposed)
        created = _score_pairs(session, pairs, actor=actor, search=search)
        if created:
            _found(session, record_ids, pairs, created, actor=actor)
    return len(created)


def _found(
    session: Session,
    record_ids: Sequence[int],
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]],
    created: list[int],
    *,
    actor: str,
) -> None:
    """The audit entry of a re-match that wrote leads."""
    audit.append(
        session,
        actor=actor,
        action="leads.found",
        subject=f"records:{min(record_ids)}-{max(record_ids)}",
        details={
            "records": len(record_ids),
            "inquiries_scored": len(pairs),
            "leads": len(created),
            "first_lead": min(created),
            "last_lead": max(created),
        },
    )


def match_inquiries(
    db: Database, inquiry_ids: Sequence[int], *, actor: str, search: SearchService
) -> int:
    """Match these open inquiries against the whole registry (search index); new leads' count."""
    cases = _open_ones(db, inquiry_ids)
    proposals = _registry_candidates(db, search, cases)
    # As in `rematch_for_records`: the proposed records read as evidence and scored before
    # the write transaction (on SQLite its lock would keep every other writer waiting); in
    # it, the open cases and their earlier leads are read again, and the leads written.
    with db.reading() as session:
        pairs = _proposed_for(session, proposals, cases)
        scored = _scores(session, pairs, search)
    with db.transaction() as session:
        created = _score_pairs(session, pairs, actor=actor, search=search, scored=scored)
        if created:
            audit.append(
                session,
                actor=actor,
                action="leads.found",
                subject=f"inquiries:{len(inquiry_ids)}",
                details={"inquiries_scored": len(pairs), "leads": len(created)},
            )
    return len(created)


def candidates(
    db: Database, search: SearchService, inquiry_ids: Sequence[int]
) -> dict[int, list[int]]:
    """The registry's records that matching scores for each of these open inquiries: candidate
    generation on its own, before any score (what `bench/eval_matching.py` measures)."""
    return _registry_candidates(db, search, _open_ones(db, inquiry_ids))


def _open_ones(db: Database, inquiry_ids: Sequence[int]) -> list[_Open]:
    with db.reading() as session:
        return [
            _open_case(session, row)
            for row in _chunked_rows(session, Inquiry, Inquiry.id, inquiry_ids)
            if row.open
        ]


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _chunked_rows(session: Session, model: Any, column: Any, ids: Sequence[int]) -> list[Any]:
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.scalars(select(model).where(column.in_(chunk))))
    return rows


def _any_open_inquiry(db: Database) -> bool:
    with db.reading() as session:
        return _ANY_OPEN.first(session.connection()) is not None


def _new_inquiries(db: Database, record_ids: Sequence[int]) -> list[_Open]:
    """Open inquiries whose own record is among these (just registered)."""
    with db.reading() as session:
        return _new_cases_of(session, record_ids)


def _new_cases_of(session: Session, record_ids: Sequence[int]) -> list[_Open]:
    """`_new_inquiries` in a session of the caller's."""
    # Asked first by one prepared read (most drains land no inquiry's record): only when one
    # is there are the inquiries loaded, as ever.
    connection = session.connection()
    if not any(_OPEN_OF_RECORDS.rows(connection, {"ids": c}) for c in _chunks(record_ids)):
        return []
    rows = _chunked_rows(session, Inquiry, Inquiry.record_id, record_ids)
    return [_open_case(session, row) for row in rows if row.open]


def _open_case(session: Session, row: Inquiry) -> _Open:
    record = session.get(Record, row.record_id)
    assert record is not None
    sought = inquiries.described(record_fields(record), call_sign=row.call_sign)
    return _Open(row.id, row.record_id, FamilyStatus(row.status), sought, row.party_code)


def _open_cases(
    session: Session, inquiry_ids: Sequence[int], reread: _Reread | None = None
) -> dict[int, _Open]:
    """The open ones among these inquiries, with what their records say, a chunk per query."""
    connection = session.connection()
    rows = [row for c in _chunks(inquiry_ids) for row in _OPEN_CASES.rows(connection, {"ids": c})]
    kept: dict[int, _Open] | None = reread.made("open cases", rows) if reread else None
    if kept is not None:
        return kept
    cases = {}
    for row in rows:
        sought = Described(
            family_name=row.family_name,
            given_names=row.given_names,
            patronymic=row.patronymic,
            full_name=row.full_name,
            date_of_birth=PartialDate(row.dob_year, row.dob_month, row.dob_day),
            sex=row.sex,
            unit=row.unit,
            service_number=row.service_number,
            call_sign=row.call_sign,
            born_between=birth_years(row.circumstances or "", row.created_at.date()),
        )
        cases[row.id] = _Open(
            row.id, row.record_id, FamilyStatus(row.status), sought, row.party_code
        )
    if reread is not None:
        reread.keep("open cases", rows, cases)
    return cases


class _Reread:
    """What a re-match's reads made of their rows, kept from the reading phase for the write
    transaction, which runs each read again: the pairs, the open cases and the earlier leads
    are each made of the rows of their queries alone (and of the landed evidence, the same in
    both), so rows equal to the ones read before give what was made of them then, not built
    again. Rows that differ in anything (a lead, an inquiry, a key changed in between) are
    made afresh, as they always were."""

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Any, Any]] = {}

    def made(self, what: str, rows: Any) -> Any:
        """What was made of these very rows before, or None."""
        kept = self._kept.get(what)
        return kept[1] if kept is not None and kept[0] == rows else None

    def keep(self, what: str, rows: Any, made: Any) -> None:
        self._kept[what] = (rows, made)


def _registry_candidates(
    db: Database, service: SearchService, cases: list[_Open]
) -> dict[int, list[int]]:
    """For each new inquiry, the records of the persons the search index proposes."""
    proposed: dict[int, list[int]] = {}
    persons_of: dict[int, list[int]] = {}
    for case in cases:
        query = Query(
            case.sought.name(),
            born=case.sought.birth_estimate(),
            unit=case.sought.unit,
            indexed_itself=True,  # the inquiry's own record is in the index
        )
        hits = service.search(query, limit=SEARCH_LIMIT)
        persons_of[case.id] = [h.person_id for h in hits]
        proposed[case.id] = [h.record_id for h in hits]
    wanted = {p for persons in persons_of.values() for p in persons}
    if not wanted:
        return proposed
    by_person: dict[int, list[int]] = defaultdict(list)
    with db.reading() as session:
        for chunk in _chunks(sorted(wanted)):
            for record_id, person_id in session.execute(
                select(Record.id, Record.person_id).where(Record.person_id.in_(chunk))
            ):
                if person_id is not None:
                    by_person[person_id].append(record_id)
    for case in cases:
        found = {r for p in persons_of[case.id] for r in by_person.get(p, [])}
        proposed[case.id] = sorted(found | set(proposed[case.id]))
    return proposed


def _load_evidence(session: Session, record_ids: Sequence[int]) -> list[_Evidence]:
    """The records as evidence (a family's inquiry is never evidence for another)."""
    connection = session.connection()
    return _as_evidence(
        [row for chunk in _chunks(record_ids) for row in _EVIDENCE.rows(connection, {"ids": chunk})]
    )


def _as_evidence(rows: Sequence[Any]) -> list[_Evidence]:
    """Rows of `_EVIDENCE` as evidence, a family's inquiry left out."""
    return [
        _evidence_of(row, SourceKind(row.source_kind))
        for row in rows
        if row.source_kind != SourceKind.FAMILY_INQUIRY
    ]


def _evidence_of(row: Any, kind: SourceKind) -> _Evidence:
    """A row of `_EVIDENCE` (a record's columns, its source's, its sighting's if any)."""
    sighted = row.sighting_id is not None
    seen = inquiries.described(
        record_fields(row),
        call_sign=row.sighting_call_sign if sighted else "",
        nickname=row.sighting_nickname if sighted else "",
    )
    lead_kind = LeadKind.SIGHTING if kind is SourceKind.TESTIMONY else LeadKind.RECORD
    return _Evidence(
        row.id, row.person_id, lead_kind, row.sighting_id, seen, kind, row.source_party
    )


def _pairs(
    session: Session, evidence: list[_Evidence], reread: _Reread | None = None
) -> dict[int, dict[int, tuple[_Evidence, bool]]]:
    """inquiry id -> record id -> (evidence, same person as a verified lead)."""
    by_key, by_person = _keyed(evidence, reread)
    connection = session.connection()
    keyed = [row for c in _chunks(sorted(by_key)) for row in _KEYED.rows(connection, {"keys": c})]
    verified = [
        row
        for c in _chunks(sorted(by_person))
        for row in _VERIFIED.rows(connection, {"persons": c})
    ]
    rows = (keyed, verified)
    kept: dict[int, dict[int, tuple[_Evidence, bool]]] | None = (
        reread.made("pairs", rows) if reread else None
    )
    if kept is not None:
        return kept
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]] = defaultdict(dict)
    near: dict[int, tuple[int, ...]] = {}  # a year of birth -> the years not apart from it
    for inquiry_id, key, born in keyed:
        found = pairs[inquiry_id]
        for item in by_key[key].near(born, near):
            found[item.record_id] = (item, False)
        if not found:
            del pairs[inquiry_id]
    for inquiry_id, person_id in verified:
        for item in by_person.get(person_id or 0, []):
            pairs[inquiry_id][item.record_id] = (item, True)
    if reread is not None:
        reread.keep("pairs", rows, pairs)
    return pairs


def _keyed(
    evidence: list[_Evidence], reread: _Reread | None
) -> tuple[dict[int, _Keyed], dict[int, list[_Evidence]]]:
    """The evidence by candidate key, and by person (made once per re-match)."""
    kept: tuple[dict[int, _Keyed], dict[int, list[_Evidence]]] | None = (
        reread.made("keys", evidence) if reread else None
    )
    if kept is not None:
        return kept
    by_key: dict[int, _Keyed] = defaultdict(_Keyed)
    for item in evidence:
        for key in evidence_keys(item.seen):
            by_key[key].add(item)
    by_person: dict[int, list[_Evidence]] = defaultdict(list)
    for item in evidence:
        if item.person_id is not None:
            by_person[item.person_id].append(item)
    if reread is not None:
        reread.keep("keys", evidence, (by_key, by_person))
    return by_key, by_person


class _Keyed:
    """The landed evidence carrying one candidate key, by year of birth, so that an inquiry
    meets only the items `_born_apart` lets through (a common key is carried by thousands of
    records of a large import; an inquiry's year of birth is near a few dozen years)."""

    __slots__ = ("always", "by_year", "items")

    def __init__(self) -> None:
        self.items: list[_Evidence] = []
        # Never apart from any year: no year of birth, a surname alone, or a service number
        # (`_born_apart` without the inquiry's own number lets any number through).
        self.always: list[_Evidence] = []
        self.by_year: dict[int, list[_Evidence]] = defaultdict(list)

    def add(self, item: _Evidence) -> None:
        self.items.append(item)
        seen = item.seen
        year = seen.date_of_birth.year
        if year is None or seen.service_number or seen.surname_only:
            self.always.append(item)
        else:
            self.by_year[year].append(item)

    def near(self, born: int | None, memo: dict[int, tuple[int, ...]]) -> Iterator[_Evidence]:
        """The items `_born_apart(born, item)` does not set apart."""
        if born is None:
            yield from self.items
            return
        if len(self.items) <= FEW_KEYED:
            yield from (item for item in self.items if not _born_apart(born, item))
            return
        yield from self.always
        years = memo.get(born)
        if years is None:
            years = memo[born] = _years_near(born)
        by_year = self.by_year
        for year in years:
            found = by_year.get(year)
            if found:
                yield from found


# A key carried by this many landed items or fewer is met by asking `_born_apart` of each.
FEW_KEYED = 16


def _years_near(born: int) -> tuple[int, ...]:
    """Every year `_born_apart` does not set apart from `born` by the years alone: one year off,
    or one of the last two digits different (`one_digit_apart`)."""
    decade, century, last = born // 10 * 10, born // 100 * 100, born % 10
    candidates = {born - 1, born + 1}
    candidates.update(decade + d for d in range(10))
    candidates.update(century + 10 * t + last for t in range(10))
    return tuple(sorted(y for y in candidates if _years_near_enough(born, y)))


def _years_near_enough(a: int, b: int) -> bool:
    """Years of birth a slip apart: one year off, or one of the last two digits different."""
    return abs(a - b) <= 1 or one_digit_apart(a, b)


def _with_proposed(
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]],
    proposed: dict[int, dict[int, tuple[_Evidence, bool]]],
) -> dict[int, dict[int, tuple[_Evidence, bool]]]:
    for inquiry_id, found in proposed.items():
        pairs.setdefault(inquiry_id, {}).update(found)
    return pairs


def _proposed(
    session: Session, record_ids: list[int], born: int | None
) -> dict[int, tuple[_Evidence, bool]]:
    """The search index's proposals for an inquiry, under the rule every candidate obeys: years
    of birth too far apart are not scored (`_born_apart`)."""
    return {
        e.record_id: (e, False)
        for e in _load_evidence(session, record_ids)
        if not _born_apart(born, e)
    }


def _proposed_for(
    session: Session, proposals: dict[int, list[int]], cases: list[_Open]
) -> dict[int, dict[int, tuple[_Evidence, bool]]]:
    """`_proposed` for each inquiry the search index proposed records for."""
    born_of = {case.id: case.sought.date_of_birth.year for case in cases}
    return {
        inquiry_id: _proposed(session, found, born_of.get(inquiry_id))
        for inquiry_id, found in proposals.items()
    }


def _born_apart(born: int | None, item: _Evidence, sought_service: str | None = None) -> bool:
    """Years of birth too far apart for any lead: not scored (a slip of one year or of one digit
    of the year is scored: the match model weighs it with the day and month).

    A service number that agrees outweighs the year. `sought_service` is the inquiry's number
    ('' when it gives none); None where it is not at hand, and then any number on the evidence
    lets the pair through to `_score_pairs`, which asks again with the inquiry's own.
    """
    year = item.seen.date_of_birth.year
    # The years first: asked of every pair sharing a key, and most are near enough.
    if born is None or year is None or _years_near_enough(born, year):
        return False
    if item.seen.surname_only:
        return False
    return not item.seen.service_number or (
        sought_service is not None
        and service_number_key(sought_service) != service_number_key(item.seen.service_number)
    )


@dataclass(slots=True)
class _Scored:
    """Scores of (sought, seen, verified), each computed once with one prior and one set of
    name frequencies (ahead of the write transaction, or in it); None for a pair that cannot
    reach a lead whatever its names (not scored)."""

    prior: float
    frequency: Frequency | None
    cache: dict[tuple[Described, Described, bool], Candidate | None] = field(default_factory=dict)
    skipped: int = 0  # pairs found hopeless, not scored

    @classmethod
    def now(cls, session: Session, search: SearchService) -> _Scored:
        """Nothing scored yet; the prior and names' frequencies as the database stands."""
        return cls(_prior(session), search.index().pair_frequency)

    def of(self, case: _Open, item: _Evidence, verified: bool) -> Candidate | None:
        key = (case.sought, item.seen, verified)
        if key in self.cache:
            return self.cache[key]
        if SKIP_HOPELESS and not could_lead(
            case.sought, item.seen, verified_person=verified, prior=self.prior
        ):
            self.skipped += 1
            found = None
        else:
            found = score(
                case.sought,
                item.seen,
                verified_person=verified,
                prior=self.prior,
                frequency=self.frequency,
            )
        self.cache[key] = found
        return found


def _scores(
    session: Session,
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]],
    search: SearchService,
    reread: _Reread | None = None,
) -> _Scored:
    """Every score `_score_pairs` would compute for these pairs as the database stands now."""
    scored = _Scored.now(session, search)
    cases = _open_cases(session, sorted(pairs), reread) if pairs else {}
    _, seen_records = _earlier_leads(session, sorted(cases), reread, _led_by(pairs))
    for _, case, item, verified in _to_score(pairs, cases, seen_records):
        scored.of(case, item, verified)
    return scored


def _to_score(
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]],
    cases: dict[int, _Open],
    seen_records: set[tuple[int, int]],
) -> Iterator[tuple[int, _Open, _Evidence, bool]]:
    """The pairs worth a score, in order: an open inquiry and a record not its own, not led to
    before, and not born years apart unless verified (inquiry id, case, evidence, verified)."""
    for inquiry_id, found in pairs.items():
        case = cases.get(inquiry_id)
        if case is None:
            continue
        for record_id, (item, verified) in sorted(found.items()):
            if record_id == case.record_id or (inquiry_id, record_id) in seen_records:
                continue
            born = case.sought.date_of_birth.year
            if not verified and _born_apart(born, item, case.sought.service_number or ""):
                continue
            yield inquiry_id, case, item, verified


def _score_pairs(
    session: Session,
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]],
    *,
    actor: str,
    search: SearchService,
    scored: _Scored | None = None,
    reread: _Reread | None = None,
) -> list[int]:
    """The leads these pairs give, written. `scored`: scores computed before (`_scores`),
    with the prior and name frequencies they were computed with (a pair not among them is
    scored here with the same); `reread`: what the reads before made of their rows."""
    if not pairs:
        return []
    cases = _open_cases(session, sorted(pairs), reread)
    best, seen_records = _earlier_leads(session, sorted(cases), reread, _led_by(pairs))
    scored = scored or _Scored.now(session, search)  # names weigh by how common they are here
    rows: list[dict[str, Any]] = []
    for inquiry_id, case, item, verified in _to_score(pairs, cases, seen_records):
        candidate = scored.of(case, item, verified)
        if candidate is None:  # under the lead threshold whatever its names
            continue
        person_key = (inquiry_id, item.person_id if item.kind is LeadKind.RECORD else None)
        previous = best.get(person_key) if person_key[1] is not None else None
        reason = lead_reason(
            candidate.score,
            previous_best=previous,
            reads_as=_reads_as(item, case),
            status=case.status,
        )
        if reason is None:
            continue
        if person_key[1] is not None:
            best[person_key] = max(candidate.score, previous or 0.0)
        rows.append(_lead_row(inquiry_id, item, candidate, reason, actor))
    return _insert_leads(session, rows)


def _prior(session: Session) -> float:
    """Chance that an inquiry is one given record before comparing: one in the registry."""
    return 1.0 / max(registry_size(session), 2)


@dataclass(slots=True)
class _RecordCount:
    """The registry's records as last counted: how many, the highest id, and when."""

    total: int = 0
    last_id: int = 0
    counted_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


# Per connection pool (one per database handle): the records counted, for `registry_size`.
_record_counts: weakref.WeakKeyDictionary[Any, _RecordCount] = weakref.WeakKeyDictionary()


def registry_size(session: Session, *, recount_after: float | None = None) -> int:
    """How many records the registry holds, as `SELECT count(*) FROM records` says, without
    counting them all on every drain (210-580 ms at 1,000,000 records on PostgreSQL).

    Records are never deleted, and a later write's ids are higher: the count is kept per
    database handle and topped up by the records above the highest id counted (a range of
    the primary key's index). Counted afresh every `RECOUNT_AFTER` seconds, and whenever the
    highest id went back (a restore, a reset). The one thing a top-up misses: on PostgreSQL
    ids are handed out before the commit, so a transaction still open at a count may commit
    ids below the highest counted; those records are counted at the next full count.
    """
    recount_after = RECOUNT_AFTER if recount_after is None else recount_after
    pool = session.get_bind().engine.pool  # a Connection's engine, or the engine itself
    counted = _record_counts.get(pool)
    if counted is None:
        counted = _record_counts.setdefault(pool, _RecordCount())
    with counted.lock:
        now = time.monotonic()
        connection = session.connection()
        if counted.counted_at is not None and now - counted.counted_at < recount_after:
            last_id, added = _RECORDS_ABOVE.rows(connection, {"last": counted.last_id})[0]
            if (last_id or 0) >= counted.last_id:
                counted.total += added
                counted.last_id = last_id or 0
                return counted.total
        total, last_id = session.execute(select(func.count(), func.max(Record.id))).one()
        counted.total, counted.last_id, counted.counted_at = total, last_id or 0, now
        return counted.total


def _reads_as(item: _Evidence, case: _Open) -> FamilyStatus | None:
    """What the family would be told if this evidence were verified (docs/tracing.md table)."""
    if item.seen.fate is None:
        return None
    origin = origin_of(item.source_kind, source_party=item.source_party, family_party=case.party)
    return read(origin, item.seen.fate).family


def _led_by(
    pairs: dict[int, dict[int, tuple[_Evidence, bool]]],
) -> tuple[list[int], list[int]] | None:
    """The records and persons of these pairs, whose earlier leads `_to_score` and
    `_score_pairs` look up; None when too many to name in one query."""
    records = {r for found in pairs.values() for r in found}
    persons = {
        item.person_id
        for found in pairs.values()
        for item, _ in found.values()
        if item.person_id is not None
    }
    if len(records) + len(persons) > CHUNK:
        return None
    return sorted(records), sorted(persons)


def _earlier_leads(
    session: Session,
    inquiry_ids: list[int],
    reread: _Reread | None = None,
    led_by: tuple[list[int], list[int]] | None = None,
) -> tuple[dict[tuple[int, int | None], float], set[tuple[int, int]]]:
    """The best score of each (inquiry, person) led to before, and each (inquiry, record).

    `led_by`: (records, persons): only the earlier leads to one of these records or persons,
    the ones a re-match looks up (an inquiry sharing a common surname has hundreds of leads
    to others), when they are few enough to name."""
    connection = session.connection()
    if led_by is None:
        rows = [
            row for c in _chunks(inquiry_ids) for row in _EARLIER_LEADS.rows(connection, {"ids": c})
        ]
    else:
        of_records, of_persons = led_by
        rows = [
            row
            for c in _chunks(inquiry_ids)
            for row in _EARLIER_LEADS_OF.rows(
                connection, {"ids": c, "records": of_records, "persons": of_persons}
            )
        ]
    kept: tuple[dict[tuple[int, int | None], float], set[tuple[int, int]]] | None = (
        reread.made("earlier leads", rows) if reread else None
    )
    if kept is not None:
        return dict(kept[0]), kept[1]  # the best scores are raised by the leads written
    best: dict[tuple[int, int | None], float] = {}
    records: set[tuple[int, int]] = set()
    for inquiry_id, person_id, record_id, lead_score, kind in rows:
        if record_id is not None:
            records.add((inquiry_id, record_id))
        if person_id is not None and kind == LeadKind.RECORD:
            key = (inquiry_id, person_id)
            best[key] = max(best.get(key, 0.0), lead_score)
    if reread is not None:
        reread.keep("earlier leads", rows, (dict(best), records))
    return best, records


# Built once (a drain runs each of them, and building a statement costs more than SQLite takes
# to run it); prepared: on SQLite run through sqlite3's cursor (`store.db.Prepared`). `IN` takes
# a list (an expanding parameter).
_ANY_OPEN = Prepared(select(Inquiry.id).where(Inquiry.open.is_(True)).limit(1))
_OPEN_OF_RECORDS = Prepared(
    select(Inquiry.id)
    .where(Inquiry.record_id.in_(bindparam("ids", expanding=True)), Inquiry.open.is_(True))
    .limit(1)
)
_OPEN_CASES = Prepared(
    select(
        Inquiry.id,
        Inquiry.record_id,
        Inquiry.status,
        Inquiry.party_code,
        Inquiry.call_sign,
        Inquiry.circumstances,
        Inquiry.created_at,
        *INDEXED_COLUMNS,
    )
    .join(Record, Record.id == Inquiry.record_id)
    .where(Inquiry.id.in_(bindparam("ids", expanding=True)), Inquiry.open.is_(True))
)
# What `record_fields` reads of a record, with its ids, its source's kind and party and its
# sighting's (a record has at most one).
_EVIDENCE = Prepared(
    select(
        Record.id,
        Record.person_id,
        *RECORD_FIELDS_COLUMNS,
        Source.kind.label("source_kind"),
        Source.party_code.label("source_party"),
        Sighting.id.label("sighting_id"),
        Sighting.call_sign.label("sighting_call_sign"),
        Sighting.nickname.label("sighting_nickname"),
    )
    .join(Source, Source.id == Record.source_id)
    .outerjoin(Sighting, Sighting.record_id == Record.id)
    .where(Record.id.in_(bindparam("ids", expanding=True)))
)
_KEYED = Prepared(
    select(InquiryKey.inquiry_id, InquiryKey.key, InquiryKey.born).where(
        InquiryKey.key.in_(bindparam("keys", expanding=True))
    )
)
_VERIFIED = Prepared(
    select(Lead.inquiry_id, Lead.person_id)
    .join(Inquiry, Inquiry.id == Lead.inquiry_id)
    .where(
        Lead.person_id.in_(bindparam("persons", expanding=True)),
        Lead.state == LeadState.VERIFIED.value,
        Inquiry.open.is_(True),
    )
)
_EARLIER_LEADS = Prepared(
    select(Lead.inquiry_id, Lead.person_id, Lead.record_id, Lead.score, Lead.kind).where(
        Lead.inquiry_id.in_(bindparam("ids", expanding=True))
    )
)
_EARLIER_LEADS_OF = Prepared(
    select(Lead.inquiry_id, Lead.person_id, Lead.record_id, Lead.score, Lead.kind).where(
        Lead.inquiry_id.in_(bindparam("ids", expanding=True)),
        or_(
            Lead.record_id.in_(bindparam("records", expanding=True)),
            Lead.person_id.in_(bindparam("persons", expanding=True)),
        ),
    )
)
_RECORDS_ABOVE = Prepared(
    select(
        select(func.max(Record.id)).scalar_subquery(),
        select(func.count()).where(Record.id > bindparam("last")).scalar_subquery(),
    )
)


def _lead_row(
    inquiry_id: int, item: _Evidence, candidate: Candidate, reason: str, actor: str
) -> dict[str, Any]:
    return {
        "inquiry_id": inquiry_id,
        "kind": item.kind.value,
        "record_id": item.record_id,
        "sighting_id": item.sighting_id,
        "debrief_answer_id": None,
        "person_id": item.person_id,
        "score": candidate.score,
        "name_score": candidate.name_score,
        "reason": reason[:100],
        "reasons": list(candidate.reasons),
        "explanation": candidate.explanation,
        "fate": item.seen.fate.value if item.seen.fate else None,
        "state": LeadState.PENDING.value,
        "created_by": actor,
    }


def _insert_leads(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    from homecoming.store.db import allocate_ids
    from homecoming.store.models import utcnow

    ids = list(allocate_ids(session, "leads", len(rows)))
    now = utcnow()
    session.execute(
        insert(Lead), [row | {"id": i, "created_at": now} for row, i in zip(rows, ids, strict=True)]
    )
    return ids


def add_recognition_lead(
    session: Session, *, inquiry: Inquiry, answer_id: int, reasons: list[str], actor: str
) -> int:
    """A released person recognised the inquiry's photo: a lead to verify."""
    (lead_id,) = _insert_leads(
        session,
        [
            {
                "inquiry_id": inquiry.id,
                "kind": LeadKind.RECOGNITION.value,
                "record_id": None,
                "sighting_id": None,
                "debrief_answer_id": answer_id,
                "person_id": None,
                "score": 0.9,
                "name_score": 0.0,
                "reason": "recognised in a photo at a debrief",
                "reasons": reasons,
                "explanation": {},
                "fate": Fate.DETAINED.value,
                "state": LeadState.PENDING.value,
                "created_by": actor,
            }
        ],
    )
    return lead_id

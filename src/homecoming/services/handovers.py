"""Handovers: what happened at the crossing, person by person, recorded by each side's operator.

Every recording locks the stage's row, so twenty operators recording at once leave exact
tallies and no person recorded twice. A delivered person (or the substitute brought in their
place) lands as a `handover` record with fate `released`, attached to that person, so their
derived status becomes released and tracing hears of it (after the commit, `store.db`).

The `handovers` table is what other features read: `outcome` is one of delivered,
not_delivered, substituted, declined, deceased; the latest row per (stage, person) counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Integer, Table, Text, any_, bindparam, func, insert, select, text, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Category, Evidence, Fate, RecordFields, Sex, SourceKind
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.exchange.agreement import Agreement, agreement_from_mapping
from homecoming.exchange.findings import MATCH_SCORE
from homecoming.exchange.reconciliation import CROSSED, Outcome
from homecoming.search.index import Query
from homecoming.services import agreements, audit, registry, stages
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.services.search import SearchService
from homecoming.store.db import (
    Database,
    Prepared,
    batch_hints,
    connection_of,
    lock_row,
    reserve_ids,
    reserved_count,
    reserved_id,
    transaction_memo,
)
from homecoming.store.exchange_models import (
    AgreementRow,
    Handover,
    ListEntry,
    StageMember,
    StageRow,
)
from homecoming.store.models import SOURCES, Record, Source, utcnow
from homecoming.store.tracing_models import Lead, Notification


@dataclass(frozen=True, slots=True)
class Substitute:
    """The person brought instead of the listed one, as the operator read their papers."""

    family_name: str
    given_names: str = ""
    patronymic: str = ""
    date_of_birth: PartialDate = dataclasses.field(default_factory=PartialDate)
    service_number: str = ""


@dataclass(frozen=True, slots=True)
class HandoverView:
    id: int
    stage: int
    party: str
    person_id: int
    category: str
    outcome: str
    substitute_person_id: int | None
    substitute_name: str
    evidence: str
    record_id: int | None
    corrects_id: int | None
    recorded_by: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class Tally:
    """Live counts of one stage: party -> category -> outcome -> count, and what is left."""

    stage: int
    counts: dict[str, dict[str, dict[str, int]]]
    pending: dict[str, dict[str, int]]  # members with nothing recorded yet

    def crossed(self, party: str, category: str) -> int:
        cell = self.counts.get(party, {}).get(category, {})
        return sum(n for outcome, n in cell.items() if Outcome(outcome) in CROSSED)


def record_handover(
    db: Database,
    search: SearchService | None,
    *,
    agreement_id: int,
    number: int,
    party: str,
    person_id: int,
    outcome: Outcome,
    actor: str,
    evidence: str = "",
    substitute: Substitute | None = None,
    correct: bool = False,
    scope: Scope = EVERY_PARTY,
) -> HandoverView:
    """Record what happened to one listed person; a second recording must be a correction.

    Recordings of the same stage made at the same time in this process share one write
    transaction (`Database.grouped`); each still succeeds or fails on its own.
    """
    return db.grouped(
        *_recording(
            search,
            agreement_id=agreement_id,
            number=number,
            party=party,
            person_id=person_id,
            outcome=outcome,
            actor=actor,
            evidence=evidence,
            substitute=substitute,
            correct=correct,
            scope=scope,
        )
    )


def record_handover_later(
    db: Database,
    search: SearchService | None,
    *,
    agreement_id: int,
    number: int,
    party: str,
    person_id: int,
    outcome: Outcome,
    actor: str,
    evidence: str = "",
    substitute: Substitute | None = None,
    correct: bool = False,
    scope: Scope = EVERY_PARTY,
) -> Future[HandoverView]:
    """`record_handover`, written by the database handle's writer thread
    (`Database.grouped_later`): for an event loop, which must not wait on a lock. The checks
    that need no transaction (the outcome, the substitute's search) run here, at once."""
    return db.grouped_later(
        *_recording(
            search,
            agreement_id=agreement_id,
            number=number,
            party=party,
            person_id=person_id,
            outcome=outcome,
            actor=actor,
            evidence=evidence,
            substitute=substitute,
            correct=correct,
            scope=scope,
        )
    )


def _recording(
    search: SearchService | None,
    *,
    agreement_id: int,
    number: int,
    party: str,
    person_id: int,
    outcome: Outcome,
    actor: str,
    evidence: str = "",
    substitute: Substitute | None = None,
    correct: bool = False,
    scope: Scope = EVERY_PARTY,
) -> tuple[tuple[str, int, int], Callable[[Session], HandoverView], _Hint]:
    """What a recording shares its write transaction by (`batch_key`), its work, and what
    it will read and write (the batch's hint)."""
    party = party.upper()
    check_outcome(outcome, evidence, substitute)
    substitute_id = (
        resolve_substitute(search, substitute, scope) if substitute is not None else None
    )

    def work(session: Session) -> HandoverView:
        agreement, stage = _stage_of(session, agreement_id, number, scope)
        lock_row(session, "exchange_stages", stage.id)
        member, previous, listed = _batch_state(session, stage.id, party, person_id)
        refused = _refusal(member, previous, correct, party, person_id, number)
        if refused is not None:
            raise refused
        assert member is not None  # `_refusal` refuses a person who is not a member
        _reserve_for_batch(session, stage.id, agreement.name, number)
        row = write(
            session,
            agreement=agreement,
            agreement_id=agreement_id,
            stage=stage,
            member=member,
            outcome=outcome,
            previous=previous,
            evidence=evidence,
            substitute=substitute,
            substitute_id=substitute_id,
            actor=actor,
            action="handover.corrected" if correct else "handover.recorded",
            listed=listed,
        )
        _remember_latest(session, stage.id, row)
        return _view(row, number)

    # Recordings of one stage arriving together commit together (group commit): one refused
    # leaves the others to land (the work may then run twice: it writes only in its session,
    # and what it checks first is read again). A stage's recordings lock
    # its row first, so a batch of them takes its locks in the order a single one does. The
    # hint lets the batch's first recording read every recording's person at once.
    return batch_key(agreement_id, number), work, _Hint(party, person_id, outcome, correct)


@dataclass(frozen=True, slots=True)
class _Hint:
    """What a queued recording will read and write (`Database.grouped`'s hint)."""

    party: str
    person_id: int
    outcome: Outcome
    correct: bool


def _refusal(
    member: StageMember | None,
    previous: Handover | None,
    correct: bool,
    party: str,
    person_id: int,
    number: int,
) -> Exception | None:
    """Why this recording is refused, or None: the one rule, for the recording and for the
    batch's count of the ids it will need (`_reserve_for_batch`)."""
    if member is None:
        return NotFound(
            f"person {person_id} is not on {party}'s side of stage {number}; "
            "`homecoming stages show` lists who is"
        )
    if previous is not None and not correct:
        return Conflict(
            f"person {person_id} is already recorded as {previous.outcome} by "
            f"{previous.recorded_by} at {previous.recorded_at:%H:%M:%S}; record a "
            "correction (--correct) if that was wrong"
        )
    if previous is None and correct:
        return InvalidInput(f"nothing recorded yet for person {person_id}: nothing to correct")
    return None


def batch_key(agreement_id: int, number: int) -> tuple[str, int, int]:
    """What recordings share a write transaction by (`Database.grouped`): one stage's."""
    return ("handovers", agreement_id, number)


def _stage_of(
    session: Session, agreement_id: int, number: int, scope: Scope
) -> tuple[Agreement, StageRow]:
    """The agreement (in the scope, or NotFound) and the stage's row, read once per
    transaction: a batch of recordings (`Database.grouped`) shares them; none changes them.

    One statement reads the stage and its agreement's definition as stored; the definition is
    parsed once per process for each text it has (`_agreement_of`), so an agreement changed
    or restored under a running server is read as it now is, at once.
    """
    key = ("handovers.stage", agreement_id, number, scope)
    known: tuple[Agreement, StageRow] | None = session.info.get(key)
    if known is None:
        found = _STAGE_OF.first(
            connection_of(session), {"agreement": agreement_id, "number": number}
        )
        if found is None or not scope.sees_agreement((found.party_a, found.party_b)):
            # No such agreement (or not in the scope), or no such stage: their own errors.
            agreements.load(session, agreement_id, scope=scope)
            agreements.stage_row(session, agreement_id, number)
            raise NotFound(f"agreement {agreement_id} has no stage {number}")
        stage = StageRow(id=found.id, agreement_id=agreement_id, number=number, day=found.day)
        known = (_agreement_of(found.definition), stage)
        session.info[key] = known
    return known


@lru_cache(maxsize=64)
def _agreement_of(definition: str) -> Agreement:
    """The agreement a stored definition (its JSON text) describes; Agreement is frozen."""
    return agreement_from_mapping(json.loads(definition))


def write(
    session: Session,
    *,
    agreement: Agreement,
    agreement_id: int,
    stage: StageRow,
    member: StageMember,
    outcome: Outcome,
    previous: Handover | None,
    evidence: str,
    substitute: Substitute | None,
    substitute_id: int | None,
    actor: str,
    action: str,
    recorded_by: str | None = None,
    recorded_at: dt.datetime | None = None,
    field_entry_id: int | None = None,
    details: dict[str, object] | None = None,
    listed: RecordFields | None = None,
) -> Handover:
    """Write one handover row, its landed evidence and its audit entry in the caller's
    transaction (the stage's row locked); the transaction announces the landed record.
    `listed`: the names the person was listed under, when the caller read them already."""
    record_id, substitute_id = _land(
        session,
        agreement,
        stage,
        member,
        outcome,
        previous,
        substitute,
        substitute_id,
        actor,
        listed,
    )
    values = {
        "stage_id": stage.id,
        "party": member.party,
        "person_id": member.person_id,
        "category_code": member.category_code,
        "outcome": str(outcome),
        "substitute_person_id": substitute_id,
        "substitute_name": substitute_name(substitute),
        "evidence": evidence.strip(),
        "record_id": record_id,
        "corrects_id": previous.id if previous is not None else None,
        "field_entry_id": field_entry_id,
        "recorded_by": recorded_by or actor,
        "recorded_at": recorded_at or utcnow(),
    }
    # A Core insert (an ORM flush of one row costs several times what SQLite takes to write
    # it); what was written comes back as a row outside the session.
    session.flush()  # what the caller added lands first, as an ORM flush would have
    handover_id = reserved_id(session, "handovers")
    if handover_id is not None:  # numbered already (PostgreSQL): sent with what follows
        _INSERT_NUMBERED.later(connection_of(session), {"id": handover_id, **values})
    else:
        ((handover_id,),) = _INSERT.rows(connection_of(session), values)
    row = Handover(id=handover_id, **values)
    audit.append(
        session,
        actor=actor,
        action=action,
        subject=f"handover:{row.id}",
        details={
            "agreement": agreement_id,
            "stage": stage.number,
            "party": member.party,
            "person": member.person_id,
            "category": member.category_code,
            "outcome": str(outcome),
            "substitute_person": substitute_id,
            "record": record_id,
            "corrects": row.corrects_id,
            **(details or {}),
        },
    )
    return row


def check_outcome(outcome: Outcome, evidence: str, substitute: Substitute | None) -> None:
    if outcome is Outcome.SUBSTITUTED and (substitute is None or not substitute.family_name):
        raise InvalidInput("a substitution names who was brought instead (--substitute NAME)")
    if outcome is not Outcome.SUBSTITUTED and substitute is not None:
        raise InvalidInput("only a substitution names a substitute")
    if outcome is Outcome.DECLINED and not evidence.strip():
        raise InvalidInput(
            "a declined repatriation needs its evidence (--evidence, e.g. 'ICRC interview "
            "2025-05-22, delegate …'): nobody is kept back without it"
        )


def resolve_substitute(
    search: SearchService | None, substitute: Substitute, scope: Scope
) -> int | None:
    """The registry's person for the substitute, when one matches well; else None (new)."""
    if search is None:
        return None
    name = " ".join(
        p for p in (substitute.family_name, substitute.given_names, substitute.patronymic) if p
    )
    hits = search.search(
        Query(
            text=name,
            born=substitute.date_of_birth,
            service_number=substitute.service_number,
            party=scope.party,  # a negotiator learns no id of a person outside their scope
        ),
        limit=1,
    )
    return hits[0].person_id if hits and hits[0].score >= MATCH_SCORE else None


def _land(
    session: Session,
    agreement: Agreement,
    stage: StageRow,
    member: StageMember,
    outcome: Outcome,
    previous: Handover | None,
    substitute: Substitute | None,
    substitute_id: int | None,
    actor: str,
    listed: RecordFields | None = None,
) -> tuple[int | None, int | None]:
    """Write the evidence this outcome gives: (record id, the substitute's person id)."""
    day = PartialDate.from_date(stage.day)
    note = f"{agreement.name}, stage {stage.number}: {outcome}"
    if outcome is Outcome.SUBSTITUTED and substitute is not None:
        fields = RecordFields(
            family_name=substitute.family_name,
            given_names=substitute.given_names,
            patronymic=substitute.patronymic,
            date_of_birth=substitute.date_of_birth,
            service_number=substitute.service_number,
            fate=Fate.RELEASED,
            fate_date=day,
            notes=f"{note} in place of person {member.person_id}",
        )
        record_id = _add(session, agreement, stage, member.party, fields, substitute_id, actor)
        if substitute_id is None:
            landed = session.get(Record, record_id)
            substitute_id = landed.person_id if landed is not None else None
        return record_id, substitute_id
    fate = _FATES.get(outcome)
    if fate is None and previous is not None and previous.record_id is not None:
        fate = Fate.DETAINED  # a correction: the earlier "released" no longer holds
        note += f" (correction of handover {previous.id})"
    if fate is None:
        return None, None
    base = listed if listed is not None else _listed_fields(session, member)
    fields = dataclasses.replace(base, fate=fate, fate_date=day, notes=note)
    return _add(session, agreement, stage, member.party, fields, member.person_id, actor), None


_FATES = {Outcome.DELIVERED: Fate.RELEASED, Outcome.DECEASED: Fate.DECEASED}


def _lands_record(outcome: Outcome, previous: Handover | None) -> bool:
    """Whether a recording that passed its checks writes a record (`_land`): a substitution
    (its substitute), a delivered or deceased person, or a correction of one that did."""
    if outcome is Outcome.SUBSTITUTED or outcome in _FATES:
        return True
    return previous is not None and previous.record_id is not None


def _listed_fields(session: Session, member: StageMember) -> RecordFields:
    """The names the person was listed under (GCIII Art. 17 fields only)."""
    connection = connection_of(session)
    found = None
    if member.list_entry_id is not None:  # the list's line and its record in one query
        found = _LISTED_RECORD.first(connection, {"entry": member.list_entry_id})
    if found is None:
        found = _FIRST_RECORD.first(connection, {"person": member.person_id})
    if found is None:
        return RecordFields()
    return _fields_of(found)


def _fields_of(found: Any) -> RecordFields:
    """The listed fields of a row read with `_LISTED_COLUMNS`."""
    return RecordFields(
        family_name=found.family_name,
        given_names=found.given_names,
        patronymic=found.patronymic,
        full_name=found.full_name,
        sex=Sex(found.sex) if found.sex else None,
        date_of_birth=PartialDate(found.dob_year, found.dob_month, found.dob_day),
        rank=found.rank,
        service_number=found.service_number,
        category=Category(found.category) if found.category else None,
    )


def _add(
    session: Session,
    agreement: Agreement,
    stage: StageRow,
    party: str,
    fields: RecordFields,
    person_id: int | None,
    actor: str,
) -> int:
    source_id, line = _handover_source(session, agreement, stage, party)
    evidence = Evidence(line=line, raw={"handover": fields.notes}, fields=fields)
    (record_id,) = registry.add_evidence(
        session, source_id=source_id, evidence=[evidence], person_ids=[person_id], actor=actor
    )
    # A Core update: the sheet's row is never loaded into the session for its count alone.
    # Its last run alone counts: a batch's recordings on one sheet send one (`last_by`).
    _SHEET_COUNT.later(
        connection_of(session), {"source": source_id, "count": line - 1}, last_by=("source",)
    )
    return record_id


def _handover_source(
    session: Session, agreement: Agreement, stage: StageRow, party: str
) -> tuple[int, int]:
    """One source per stage and side, the handover sheet the operators fill in, and its next
    line: (source id, line), read in one query.

    Read once per write transaction (the stage's row locked, so no other writer adds to the
    sheet until it ends): the recordings of a batch after the first take the lines after it
    (`transaction_memo`, which forgets a line whose recording a savepoint rolled back)."""
    name = _sheet_name(agreement.name, stage.number, party)
    memo = transaction_memo(session)
    key = ("handovers.sheet", name)
    taken: tuple[int, int] | None = memo.get(key) if memo is not None else None
    if taken is not None:
        sheet = (taken[0], taken[1] + 1)
    else:
        missing = memo is not None and (_NO_SHEET, name) in memo
        sheet = _read_sheet(session, agreement, stage, party, name, missing=missing)
    if memo is not None:
        memo[key] = sheet
    return sheet


def _sheet_name(agreement_name: str, number: int, party: str) -> str:
    return f"{agreement_name}: stage {number} handover by {party}"


_NO_SHEET = "handovers.no_sheet"  # a sheet this transaction found missing, by name


def _read_sheet(
    session: Session,
    agreement: Agreement,
    stage: StageRow,
    party: str,
    name: str,
    *,
    missing: bool = False,
) -> tuple[int, int]:
    """The sheet's source and its next line, read (or the sheet created, at line 2).
    `missing`: read already under the stage's lock and not found."""
    found = None if missing else _SHEET.first(connection_of(session), {"name": name})
    if found is not None:
        return found[0], (found[1] or 1) + 1
    source = Source(
        kind=str(SourceKind.HANDOVER),
        name=name,
        party_code=party,
        received_at=dt.datetime.combine(stage.day, dt.time(12), dt.UTC),
        received_from="operators at the crossing",
        file_name="",
        content_hash="",
        row_count=0,
        created_by="handovers",
    )
    session.add(source)
    session.flush()
    return source.id, 2


def substitute_name(substitute: Substitute | None) -> str:
    if substitute is None:
        return ""
    return " ".join(
        p for p in (substitute.family_name, substitute.given_names, substitute.patronymic) if p
    )


def _state_of(
    found: Any,
) -> tuple[StageMember | None, Handover | None, RecordFields | None]:
    """A row of `_MEMBER_STATES` as (member, latest handover, the names on the list's line
    the member came from: None when there is none, or it has no record); a person whose last
    row for the side is no "add" is no member."""
    if found is None or found.m_action != "add":
        return None, None, None
    cells = found._asdict()
    member = StageMember(**{name: cells["m_" + name] for name in _MEMBER_NAMES})
    previous = (
        Handover(**{name: cells["h_" + name] for name in _HANDOVER_NAMES})
        if found.h_id is not None
        else None
    )
    listed = (
        _fields_of(SimpleNamespace(**{name: cells["r_" + name] for name in _LISTED_NAMES}))
        if found.r_id is not None
        else None
    )
    return member, previous, listed


def _batch_state(
    session: Session, stage_id: int, party: str, person_id: int
) -> tuple[StageMember | None, Handover | None, RecordFields | None]:
    """What a recording reads of its person: the row that put them in the stage for `party`
    (as `stages.current_member`), their latest handover in it (as `latest`) and the names they
    were listed under (as `_listed_fields`), read for the whole batch at once: the first
    recording of a batch (`Database.grouped`) that finds its person unread reads every person
    the batch's recordings from it on name (`batch_hints`) in one query, under the stage's
    lock; the transaction remembers them (`transaction_memo`), and each recording's handover
    becomes its person's latest (`_remember_latest`). Outside a write transaction: this
    person alone, remembered nowhere."""
    memo = transaction_memo(session)
    if memo is None:
        memo = {}
    member_key = (_MEMBER_MEMO, stage_id, party, person_id)
    if member_key not in memo:
        wanted = {(party, person_id)}
        wanted.update((hint.party, hint.person_id) for hint in _hints(session))
        _read_states(session, memo, stage_id, wanted)
    member, listed = memo[member_key]
    if member is None:
        return None, None, None
    previous: Handover | None = memo[(_LATEST_MEMO, stage_id, person_id)]
    return member, previous, listed


def _hints(session: Session) -> list[_Hint]:
    return [hint for hint in batch_hints(session) if isinstance(hint, _Hint)]


def _read_states(
    session: Session, memo: dict[Any, Any], stage_id: int, wanted: set[tuple[str, int]]
) -> None:
    """Read the member rows, latest handovers and listed names of these (party, person) in
    one query, and remember them; what the transaction remembers already stays as it is."""
    wanted = {key for key in wanted if (_MEMBER_MEMO, stage_id, *key) not in memo}
    persons = sorted({person for _, person in wanted})
    statement = _MEMBER_STATES
    if session.get_bind().dialect.name == "postgresql":
        statement = _MEMBER_STATES_PG
        if transaction_memo(session) is not None and _GENERIC_PLANS not in memo:
            # Sent with the read, in its round trip (`Prepared.later`); ends with the transaction.
            _GENERIC_PLANS_ON.later(connection_of(session))
            memo[_GENERIC_PLANS] = True
    found: dict[tuple[str, int], Any] = {}
    for row in statement.rows(connection_of(session), {"stage": stage_id, "persons": persons}):
        key = (row.m_party, row.m_person_id)
        if key in wanted and (key not in found or row.m_id > found[key].m_id):
            found[key] = row  # the member's last row for the side
    for key in wanted:
        row = found.get(key)
        member, previous, listed = _state_of(row)
        if member is not None and listed is None:  # as `_listed_fields` reads it
            listed = _first_listed(row)
        memo[(_MEMBER_MEMO, stage_id, *key)] = (member, listed)
        latest_key = (_LATEST_MEMO, stage_id, key[1])
        if member is not None and latest_key not in memo:
            memo[latest_key] = previous


def _first_listed(row: Any) -> RecordFields:
    """The names of the person's first record, read by `_MEMBER_STATES` (f_*), or none."""
    if row.f_id is None:
        return RecordFields()
    cells = row._asdict()
    return _fields_of(SimpleNamespace(**{name: cells["f_" + name] for name in _LISTED_NAMES}))


def _remember_latest(session: Session, stage_id: int, row: Handover) -> None:
    """This transaction's handover is now its person's latest in the stage (`_batch_state`)."""
    memo = transaction_memo(session)
    if memo is not None:
        memo[(_LATEST_MEMO, stage_id, row.person_id)] = row


_MEMBER_MEMO = "handovers.member"  # (member, listed names) by stage, party and person
# A write transaction's prepared statements run by their generic plan (`SET LOCAL`: until its
# end). psycopg prepares `_MEMBER_STATES_PG` on the server from its fifth run; with the tables'
# statistics PostgreSQL then kept planning it afresh for every batch (a custom plan: 0.5–0.9 ms
# of the server's CPU each time, its run 0.3 ms), as its generic plan, the same index scans,
# is costed higher for an array of unknown length (docs/benchmarks.md, 2026-12-07).
_GENERIC_PLANS = "handovers.generic_plans"
_GENERIC_PLANS_ON = Prepared(text("SET LOCAL plan_cache_mode = force_generic_plan"))
_LATEST_MEMO = "handovers.latest"  # a person's latest handover in the stage, by stage and person


def _reserve_for_batch(session: Session, stage_id: int, agreement_name: str, number: int) -> None:
    """On PostgreSQL, when this transaction has no handover id reserved: reserve in one
    statement (`store.db.reserve_ids`) the handover and record ids this recording and the
    batch's after it will take, counted by the same checks on what the batch read
    (`_batch_state`). A count that comes out short costs the rest a `nextval` each; one that
    comes out long leaves the ids unused, as a rolled-back transaction does. The handover
    sheets' last lines (`_handover_source`) and the audit head's lock (`audit.append`), which
    this recording needs next, are read in the same round trip, under the stage's lock."""
    if session.get_bind().dialect.name != "postgresql" or reserved_count(session, "handovers"):
        return
    memo = transaction_memo(session)
    if memo is None:
        return
    latest: dict[int, Handover | None] = {}
    handovers = records = 0
    for hint in _hints(session):
        known = memo.get((_MEMBER_MEMO, stage_id, hint.party, hint.person_id))
        if known is None:
            continue  # not read (a hint of another kind): it asks the sequence itself
        member = known[0]
        previous = latest.get(hint.person_id, memo.get((_LATEST_MEMO, stage_id, hint.person_id)))
        if _refusal(member, previous, hint.correct, hint.party, hint.person_id, 0) is not None:
            continue
        handovers += 1
        lands = _lands_record(hint.outcome, previous)
        records += lands
        latest[hint.person_id] = _COUNTED_WITH if lands else _COUNTED_WITHOUT
    # The handover sheets' last lines and the audit head, which the first recording reads
    # next, go in the same round trip (each read under the stage's lock, as before).
    alongside: list[tuple[Prepared, dict[str, Any]]] = []
    names = []
    if handovers:
        for party in sorted({hint.party for hint in _hints(session)}):
            name = _sheet_name(agreement_name, number, party)
            if ("handovers.sheet", name) not in memo:
                names.append(name)
                alongside.append((_SHEET, {"name": name}))
        if not audit.head_known(session):
            alongside.append(audit.head_lock())
    found = reserve_ids(session, {"handovers": handovers, "records": records}, alongside)
    for name, rows in zip(names, found, strict=False):
        if rows:
            memo[("handovers.sheet", name)] = (rows[0][0], rows[0][1] or 1)
        else:  # not made yet: its first recording makes it (`_read_sheet`), reading nothing
            memo[(_NO_SHEET, name)] = True
    if len(found) > len(names):
        audit.took_head(session, found[-1])


@dataclass(frozen=True, slots=True)
class _Counted:
    """A handover `_reserve_for_batch` counts as written (with a record or without): what
    `_refusal` and `_lands_record` read of a previous handover."""

    record_id: int | None
    id: int = 0
    outcome: str = ""
    recorded_by: str = ""
    recorded_at: dt.datetime = dt.datetime.min


_COUNTED_WITH = cast(Handover, _Counted(record_id=0))
_COUNTED_WITHOUT = cast(Handover, _Counted(record_id=None))


def latest(session: Session, stage_id: int, person_id: int) -> Handover | None:
    """The latest handover row of one person in one stage, or None.

    Read by Core and returned outside the session (rows are never updated): an ORM load
    costs several times the read."""
    row = _LATEST.first(connection_of(session), {"stage": stage_id, "person": person_id})
    return Handover(**row._asdict()) if row is not None else None


# Built once: every recording runs these, and building a statement costs more than SQLite takes
# to run it (about 0.25 ms against 0.05 ms for a one-row read, measured in process). Prepared:
# on SQLite run through sqlite3's cursor (`store.db.Prepared`).
_HANDOVERS = cast(Table, Handover.__table__)
_LATEST = Prepared(
    select(_HANDOVERS)
    .where(
        _HANDOVERS.c.stage_id == bindparam("stage"), _HANDOVERS.c.person_id == bindparam("person")
    )
    .order_by(_HANDOVERS.c.id.desc())
    .limit(1)
)
_STAGE_OF = Prepared(
    select(
        StageRow.id,
        StageRow.day,
        AgreementRow.party_a,
        AgreementRow.party_b,
        sql_cast(AgreementRow.definition, Text).label("definition"),
    )
    .join(AgreementRow, AgreementRow.id == StageRow.agreement_id)
    .where(StageRow.agreement_id == bindparam("agreement"), StageRow.number == bindparam("number"))
)
_INSERT = Prepared(insert(Handover).returning(Handover.id))
_SHEET = Prepared(
    select(
        Source.id,
        select(func.max(Record.line_number))
        .where(Record.source_id == Source.id)
        .correlate(Source)
        .scalar_subquery(),
    ).where(Source.kind == str(SourceKind.HANDOVER), Source.name == bindparam("name"))
)
_SHEET_COUNT = Prepared(
    update(SOURCES).where(SOURCES.c.id == bindparam("source")).values(row_count=bindparam("count"))
)
# The listed fields a landed handover record repeats, read by Core (no ORM record loaded).
_LISTED_COLUMNS = (
    Record.family_name,
    Record.given_names,
    Record.patronymic,
    Record.full_name,
    Record.sex,
    Record.dob_year,
    Record.dob_month,
    Record.dob_day,
    Record.rank,
    Record.service_number,
    Record.category,
)
_LISTED_RECORD = Prepared(
    select(*_LISTED_COLUMNS)
    .join(ListEntry, ListEntry.record_id == Record.id)
    .where(ListEntry.id == bindparam("entry"))
)
_FIRST_RECORD = Prepared(
    select(*_LISTED_COLUMNS)
    .where(Record.person_id == bindparam("person"))
    .order_by(Record.id)
    .limit(1)
)


# What `_MEMBER_STATES` joins: the member's rows for the side, the person's latest handover in
# the stage, and the record of the list line the member came from, each column prefixed.
_MEMBERS = cast(Table, StageMember.__table__)
_EARLIER = _HANDOVERS.alias("earlier")
_LATEST_ID = (
    select(func.max(_EARLIER.c.id))
    .where(_EARLIER.c.stage_id == _MEMBERS.c.stage_id, _EARLIER.c.person_id == _MEMBERS.c.person_id)
    .correlate(_MEMBERS)
    .scalar_subquery()
)
_ENTRIES = cast(Table, ListEntry.__table__)
_RECORDS = cast(Table, Record.__table__)
_MEMBER_NAMES = tuple(c.key for c in _MEMBERS.c)
_HANDOVER_NAMES = tuple(c.key for c in _HANDOVERS.c)
_LISTED_NAMES = ("id", *(c.key for c in _LISTED_COLUMNS))

# `_read_states`' one query for a batch's persons: every member row of theirs in the stage (the
# last one per side counts), each with its person's latest handover and listed names.
# A member who came from no list line (or whose line has no record) is listed under their
# person's first record (`_listed_fields`): read in the same query, as f_*.
_FIRST = _RECORDS.alias("first_record")
_EARLIEST = _RECORDS.alias("earliest")
_FIRST_ID = (
    select(func.min(_EARLIEST.c.id))
    .where(_EARLIEST.c.person_id == _MEMBERS.c.person_id)
    .correlate(_MEMBERS)
    .scalar_subquery()
)
_STATE_COLUMNS = (
    *(_MEMBERS.c[name].label("m_" + name) for name in _MEMBER_NAMES),
    *(_HANDOVERS.c[name].label("h_" + name) for name in _HANDOVER_NAMES),
    *(_RECORDS.c[name].label("r_" + name) for name in _LISTED_NAMES),
    *(_FIRST.c[name].label("f_" + name) for name in _LISTED_NAMES),
)
_STATES_FROM = (
    _MEMBERS.outerjoin(_HANDOVERS, _HANDOVERS.c.id == _LATEST_ID)
    .outerjoin(_ENTRIES, _ENTRIES.c.id == _MEMBERS.c.list_entry_id)
    .outerjoin(_RECORDS, _RECORDS.c.id == _ENTRIES.c.record_id)
    .outerjoin(_FIRST, (_RECORDS.c.id.is_(None)) & (_FIRST.c.id == _FIRST_ID))
)
_MEMBER_STATES = Prepared(  # SQLite: one `?` per person
    select(*_STATE_COLUMNS)
    .select_from(_STATES_FROM)
    .where(
        _MEMBERS.c.stage_id == bindparam("stage"),
        _MEMBERS.c.person_id.in_(bindparam("persons", expanding=True)),
    )
)
_MEMBER_STATES_PG = Prepared(  # PostgreSQL: the persons as one array (`= ANY`)
    select(*_STATE_COLUMNS)
    .select_from(_STATES_FROM)
    .where(
        _MEMBERS.c.stage_id == bindparam("stage"),
        _MEMBERS.c.person_id == any_(bindparam("persons", type_=ARRAY(Integer))),
    )
)
_INSERT_NUMBERED = Prepared(insert(Handover))  # with its id reserved (`reserve_ids`)


def _view(row: Handover, number: int) -> HandoverView:
    return HandoverView(
        id=row.id,
        stage=number,
        party=row.party,
        person_id=row.person_id,
        category=row.category_code,
        outcome=row.outcome,
        substitute_person_id=row.substitute_person_id,
        substitute_name=row.substitute_name,
        evidence=row.evidence,
        record_id=row.record_id,
        corrects_id=row.corrects_id,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at.isoformat(),
    )


def list_handovers(
    db: Database,
    *,
    agreement_id: int,
    number: int,
    party: str | None = None,
    latest_only: bool = False,
    scope: Scope = EVERY_PARTY,
) -> list[HandoverView]:
    """A stage's handover rows in the order recorded (or only the latest per person)."""
    with db.reading() as session:
        agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        rows = latest_rows(session, stage.id) if latest_only else _all_rows(session, stage.id)
        return [_view(r, number) for r in rows if party is None or r.party == party.upper()]


def _all_rows(session: Session, stage_id: int) -> Sequence[Handover]:
    return session.scalars(
        select(Handover).where(Handover.stage_id == stage_id).order_by(Handover.id)
    ).all()


def latest_rows(session: Session, stage_id: int) -> list[Handover]:
    """The latest handover row per person of one stage."""
    latest: dict[int, Handover] = {}
    for row in _all_rows(session, stage_id):
        latest[row.person_id] = row
    return list(latest.values())


def corrected_by(session: Session, record_id: int) -> tuple[int, int] | None:
    """(the handover, the later one that corrected it) when this record is what a handover
    landed and a correction has since replaced that handover, else None: its fate no longer
    holds, and nothing a family is told may rest on it (`refuse_corrected`)."""
    found = _CORRECTED_BY.first(connection_of(session), {"record": record_id})
    return (found[0], found[1]) if found is not None else None


def refuse_corrected(session: Session, record_id: int, *, what: str, then: str) -> None:
    """Refuse what would tell a family something on the record of a corrected handover (`what`
    rests on it: a lead verified, a message approved), saying what to do instead (`then`)."""
    refused = _corrected_reason(session, record_id, what, then)
    if refused:
        raise Conflict(refused)


def message_held_back(session: Session, notification: Notification) -> str:
    """Why a message to a family may not be approved or go out now, or "": the lead it was
    prepared from rests on the record of a handover corrected since (verified before the
    correction). Its approval is refused, and its e-mail and nudges fail with this reason
    until it is cancelled (`notifications`, `push`)."""
    lead = session.get(Lead, notification.lead_id) if notification.lead_id is not None else None
    if lead is None or lead.record_id is None:
        return ""
    return _corrected_reason(
        session,
        lead.record_id,
        f"notification {notification.id} (lead {lead.id})",
        "A family liaison officer tells the family in person what is known, then cancels this "
        "notification with that as the reason",
    )


def _corrected_reason(session: Session, record_id: int, what: str, then: str) -> str:
    corrected = corrected_by(session, record_id)
    if corrected is None:
        return ""
    return (
        f"{what} rests on the record of handover {corrected[0]}, which handover "
        f"{corrected[1]} corrected: it no longer holds. {then}"
    )


_LATER_ROW = _HANDOVERS.alias("later")
_CORRECTED_BY = Prepared(
    select(_HANDOVERS.c.id, _LATER_ROW.c.id)
    .join(_LATER_ROW, _LATER_ROW.c.corrects_id == _HANDOVERS.c.id)
    .where(_HANDOVERS.c.record_id == bindparam("record"))
    .order_by(_LATER_ROW.c.id)
    .limit(1)
)


def substitute_of(note: str) -> Substitute:
    """Who came instead, as typed: "Family Given Patronymic, 1992-10-10" (the date optional)."""
    name, _, born = note.partition(",")
    words = name.split()
    if not words:
        raise InvalidInput(
            "a substitution names who came instead: type their name in the note "
            "(family name first; a date of birth after a comma)"
        )
    return Substitute(
        family_name=words[0],
        given_names=words[1] if len(words) > 1 else "",
        patronymic=" ".join(words[2:]),
        date_of_birth=PartialDate.parse(born.strip()) if born.strip() else PartialDate(),
    )


def tally(db: Database, *, agreement_id: int, number: int, scope: Scope = EVERY_PARTY) -> Tally:
    """Live counts per side, category and outcome, and who has nothing recorded yet."""
    with db.reading() as session:
        agreement = agreements.load(session, agreement_id, scope=scope)
        stage = agreements.stage_row(session, agreement_id, number)
        members = stages.current_members(session, stage.id)
        latest = latest_rows(session, stage.id)
    counts: dict[str, dict[str, dict[str, int]]] = {p: {} for p in agreement.parties}
    recorded = set()
    for row in latest:
        cell = counts.setdefault(row.party, {}).setdefault(row.category_code, {})
        cell[row.outcome] = cell.get(row.outcome, 0) + 1
        recorded.add((row.party, row.person_id))
    pending: dict[str, dict[str, int]] = {p: {} for p in agreement.parties}
    for key, member in members.items():
        if key not in recorded:
            side = pending.setdefault(member.party, {})
            side[member.category_code] = side.get(member.category_code, 0) + 1
    return Tally(stage=number, counts=counts, pending=pending)

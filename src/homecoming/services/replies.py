"""The other side's reply lists: its answer to each entry of a list it was sent.

A reply list is imported like every list: exactly as received, every row or none, each
problem with its line and field, the same file twice refused, audited. A person's history
(`services/negotiation.py`) reads the answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecoming.errors import AlreadyImported, InvalidInput, NotFound, RowProblem
from homecoming.exchange.replies import Answer, read_reply
from homecoming.services import audit
from homecoming.services.scope import EVERY_PARTY, Scope
from homecoming.store.db import Database
from homecoming.store.exchange_models import (
    AgreementRow,
    EntryResolution,
    ListEntry,
    ListVersion,
)
from homecoming.store.models import Record
from homecoming.store.negotiation_models import (
    ReplyAnswer,
    ReplyList,
)


@dataclass(frozen=True, slots=True)
class ReplyView:
    id: int
    agreement_id: int
    list_version_id: int
    party: str
    file_name: str
    content_hash: str
    received_at: str
    received_from: str
    answers: dict[str, int]  # answer -> how many
    created_by: str


# --- reply lists ------------------------------------------------------------------------


def import_reply(
    db: Database,
    *,
    list_version_id: int,
    rows: Iterable[tuple[int, Mapping[str, str]]],
    file_name: str,
    content_hash: str,
    actor: str,
    received_from: str = "",
    received_at: dt.datetime | None = None,
    scope: Scope = EVERY_PARTY,
) -> ReplyView:
    """Land the other side's reply to one of a party's lists: every answer or none."""
    with db.transaction() as session:
        version = _version(session, list_version_id, scope)
        scope.own_party(version.party, doing="imports the replies to lists")
        agreement = session.get(AgreementRow, version.agreement_id)
        assert agreement is not None
        answering = agreement.party_b if version.party == agreement.party_a else agreement.party_a
        earlier = session.scalars(
            select(ReplyList).where(
                ReplyList.list_version_id == version.id, ReplyList.content_hash == content_hash
            )
        ).first()
        if earlier is not None:
            raise AlreadyImported(
                f"{file_name} is already reply {earlier.id} to list version {version.id}; a "
                "new reply needs a changed file"
            )
        lines, problems = read_reply(rows)
        entries = {
            e.line: (e, r)
            for e, r in session.execute(
                select(ListEntry, Record)
                .join(Record, Record.id == ListEntry.record_id)
                .where(ListEntry.list_version_id == version.id)
            ).all()
        }
        label = f"{version.party} {version.direction} v{version.number}"
        for item in lines:
            found = entries.get(item.entry_line)
            if found is None:
                problems.append(
                    RowProblem(item.line, "line", f"{label} has no line {item.entry_line}")
                )
            elif item.service_number and _folded(item.service_number) != _folded(
                found[1].service_number
            ):
                problems.append(
                    RowProblem(
                        item.line,
                        "service_number",
                        f"{item.service_number!r} is not the service number on line "
                        f"{item.entry_line} of {label} ({found[1].service_number or 'none'})",
                    )
                )
        if problems:
            raise InvalidInput(
                f"{len({p.line for p in problems})} row(s) of {file_name} are invalid; the "
                "reply was not imported. Ask the sender for a corrected file",
                sorted(problems, key=lambda p: p.line),
            )
        if not lines:
            raise InvalidInput(f"{file_name} has no answers")
        reply = ReplyList(
            agreement_id=version.agreement_id,
            list_version_id=version.id,
            party=answering,
            content_hash=content_hash,
            file_name=file_name,
            received_at=received_at or dt.datetime.now(dt.UTC),
            received_from=received_from,
            answers=len(lines),
            created_by=actor,
        )
        session.add(reply)
        session.flush()
        session.add_all(
            ReplyAnswer(
                reply_list_id=reply.id,
                line=item.line,
                list_entry_id=entries[item.entry_line][0].id,
                answer=str(item.answer),
                reason=item.reason,
            )
            for item in lines
        )
        counts = _counts(str(i.answer) for i in lines)
        audit.append(
            session,
            actor=actor,
            action="reply_list.imported",
            subject=f"reply_list:{reply.id}",
            details={
                "agreement": version.agreement_id,
                "list_version": version.id,
                "party": answering,
                "file_name": file_name,
                "content_hash": content_hash,
                "answers": counts,
            },
        )
        return _reply_view(reply, counts)


def replies(db: Database, *, list_version_id: int, scope: Scope = EVERY_PARTY) -> list[ReplyView]:
    """The replies received to one list version, oldest first."""
    with db.reading() as session:
        _version(session, list_version_id, scope)
        rows = session.scalars(
            select(ReplyList)
            .where(ReplyList.list_version_id == list_version_id)
            .order_by(ReplyList.id)
        ).all()
        result = []
        for row in rows:
            answers = session.scalars(
                select(ReplyAnswer.answer).where(ReplyAnswer.reply_list_id == row.id)
            )
            result.append(_reply_view(row, _counts(answers)))
        return result


def prosecution_of(session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    """Per person, what the latest answer about them said of a prosecution, if anything.

    An answered entry is its person as its list's latest validation resolved it (else as its
    record is linked); an acceptance after a prosecution answer clears it.
    """
    wanted = set(person_ids)
    kinds = [str(Answer.UNDER_PROSECUTION), str(Answer.CONVICTED), str(Answer.ACCEPTED)]
    answers = session.execute(
        select(ReplyAnswer.list_entry_id, ReplyAnswer.answer)
        .where(ReplyAnswer.answer.in_(kinds))
        .order_by(ReplyAnswer.id)
    ).all()
    if not wanted or not answers:
        return {}
    entry_ids = sorted({entry_id for entry_id, _ in answers})
    owner: dict[int, int | None] = {}
    resolved: dict[int, int | None] = {}
    for start in range(0, len(entry_ids), 2_000):
        chunk = entry_ids[start : start + 2_000]
        for entry_id, pid in session.execute(
            select(ListEntry.id, Record.person_id)
            .join(Record, Record.id == ListEntry.record_id)
            .where(ListEntry.id.in_(chunk))
        ).all():
            owner[entry_id] = pid
        for entry_id, pid in session.execute(
            select(EntryResolution.list_entry_id, EntryResolution.person_id)
            .where(EntryResolution.list_entry_id.in_(chunk))
            .order_by(EntryResolution.validation_id)
        ).all():
            resolved[entry_id] = pid  # the latest validation counts
    owner |= {e: p for e, p in resolved.items() if p is not None}
    found: dict[int, str] = {}
    for entry_id, answer in answers:
        person_id = owner.get(entry_id)
        if person_id is None or person_id not in wanted:
            continue
        if answer == Answer.ACCEPTED:
            found.pop(person_id, None)
        else:
            found[person_id] = answer
    return found


def _counts(answers: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer in answers:
        counts[answer] = counts.get(answer, 0) + 1
    return dict(sorted(counts.items()))


def _reply_view(row: ReplyList, counts: dict[str, int]) -> ReplyView:
    return ReplyView(
        id=row.id,
        agreement_id=row.agreement_id,
        list_version_id=row.list_version_id,
        party=row.party,
        file_name=row.file_name,
        content_hash=row.content_hash,
        received_at=row.received_at.isoformat(),
        received_from=row.received_from,
        answers=counts,
        created_by=row.created_by,
    )


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _version(session: Session, version_id: int, scope: Scope) -> ListVersion:
    row = session.get(ListVersion, version_id)
    agreement = session.get(AgreementRow, row.agreement_id) if row is not None else None
    if agreement is None or not scope.sees_agreement((agreement.party_a, agreement.party_b)):
        raise NotFound(f"no list version {version_id}; `homecoming lists versions` shows them")
    assert row is not None
    return row

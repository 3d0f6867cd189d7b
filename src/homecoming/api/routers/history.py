"""/persons/{id}/history and /lists/{id}/replies: a person's path through negotiations and
the other side's answers to a list."""

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import File, Form, UploadFile

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_history import HistoryEventOut, PersonHistoryOut, ReplyOut
from homecoming.domain.roles import Capability
from homecoming.formats import tabular
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import negotiation, replies
from homecoming.services.users import Principal

router = Router(tags=["history"], responses=GUARDED)
PersonReader = Annotated[Principal, requires(Capability.PERSONS_READ)]
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, requires(Capability.EXCHANGES_WRITE)]
NO_VERSION: dict[int | str, dict[str, Any]] = {404: problem("No such list version")}


@router.get(
    "/persons/{person_id}/history",
    responses={404: problem("No such person (or none this user may see)")},
)
def person_history(db: DatabaseDep, user: PersonReader, person_id: IdPath) -> PersonHistoryOut:
    """Every step of the person's path through negotiations, across agreements, oldest first:
    requested or offered, the other side's answer, placed in a stage, the crossing, handed
    over or not, and the seriously wounded's referral, examination, consent, repatriation.
    A negotiator sees only the agreements of their party."""
    events = negotiation.history(db, person_id, scope=user.scope)
    return PersonHistoryOut(
        person_id=person_id,
        events=[HistoryEventOut(**e.as_json(), text=e.describe()) for e in events],
    )


@router.get("/lists/{version_id}/replies", responses=NO_VERSION)
def list_replies(db: DatabaseDep, user: Reader, version_id: IdPath) -> list[ReplyOut]:
    """The other side's replies to this list version, oldest first, with their answers."""
    views = replies.replies(db, list_version_id=version_id, scope=user.scope)
    return [ReplyOut.model_validate(dataclasses.asdict(v)) for v in views]


@router.post(
    "/lists/{version_id}/replies",
    status_code=201,
    responses={
        **NO_VERSION,
        409: problem("This file is already a reply to this list"),
        413: problem("Too large: the upload, or an XLSX unpacked, or its rows or cells"),
        422: problem("Bad rows"),
    },
)
async def import_reply(
    db: DatabaseDep,
    user: Writer,
    version_id: IdPath,
    file: Annotated[UploadFile, File(description="CSV or XLSX: line, answer, reason")],
    received_from: Annotated[str, Form()] = "",
) -> ReplyOut:
    """Import the other side's reply to a list (multipart): every answer or none."""
    data = await file.read()
    name = tabular.upload_name(file.filename, "reply.csv")
    table = tabular.read_data(data, name=name)
    view = replies.import_reply(
        db,
        list_version_id=version_id,
        rows=table,
        file_name=name,
        content_hash=tabular.content_hash(data),
        received_from=received_from,
        received_at=dt.datetime.now(dt.UTC),
        actor=user.username,
        scope=user.scope,
    )
    return ReplyOut.model_validate(dataclasses.asdict(view))

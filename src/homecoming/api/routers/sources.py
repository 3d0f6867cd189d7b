"""/sources: where evidence came from, and new evidence uploaded as a file (CSV, XLSX, PFIF)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

from fastapi import File, Form, UploadFile

from homecoming.api.schemas import GUARDED, SourceOut, problem
from homecoming.api.schemas_admin import ImportOut, RejectedRow
from homecoming.domain.normalise import parse_mapping
from homecoming.domain.record import Evidence, SourceKind
from homecoming.domain.roles import Capability
from homecoming.errors import InvalidInput, RowProblem
from homecoming.formats import tabular
from homecoming.http.deps import DatabaseDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import access, registry
from homecoming.services.users import Principal

router = Router(prefix="/sources", tags=["sources"], responses=GUARDED)
PFIF_SUFFIXES = frozenset({".xml", ".pfif"})


@router.get("")
def list_sources(
    db: DatabaseDep, user: Annotated[Principal, requires(Capability.SOURCES_READ)]
) -> list[SourceOut]:
    """Every source, newest first (a negotiator sees only their party's)."""
    return [
        SourceOut(
            id=s.id,
            kind=s.kind,
            name=s.name,
            party=s.party_code,
            received_at=s.received_at.isoformat(),
            file_name=s.file_name,
            content_hash=s.content_hash,
            records=s.row_count,
        )
        for s in access.sources(db, scope=user.scope)
    ]


@router.post(
    "",
    status_code=201,
    responses={
        404: problem("No such party: register it first (`homecoming parties add`)"),
        409: problem("These bytes were imported already: send force=true to import them again"),
        413: problem(
            "The file is larger than HOMECOMING_MAX_UPLOAD_MB, or an XLSX unpacks too large "
            "or has too many rows or cells"
        ),
        422: problem("Bad rows (each with its line, field and reason); nothing was imported"),
    },
)
def import_source(
    db: DatabaseDep,
    user: Annotated[Principal, requires(Capability.IMPORTS_WRITE)],
    file: Annotated[UploadFile, File(description="The list: CSV, XLSX, or PFIF 1.1-1.4 XML")],
    kind: Annotated[SourceKind, Form(description="What kind of source this is")] = (
        SourceKind.PARTY_LIST
    ),
    party: Annotated[
        str | None, Form(max_length=8, description="The party it comes from", examples=["UA"])
    ] = None,
    name: Annotated[
        str | None, Form(max_length=300, description="Name of the source (default: file name)")
    ] = None,
    received_from: Annotated[
        str, Form(max_length=300, description="Who handed it over", examples=["Coordination HQ"])
    ] = "",
    received_at: Annotated[
        dt.datetime | None, Form(description="When it was received (default: now)")
    ] = None,
    mapping: Annotated[
        UploadFile | None, File(description="Headers to fields: CSV `column,field` or JSON")
    ] = None,
    sheet: Annotated[str | None, Form(description="XLSX sheet (default: the first)")] = None,
    encoding: Annotated[
        str | None, Form(description="Force a CSV encoding", examples=["cp1251"])
    ] = None,
    ignore_unknown_columns: Annotated[
        bool, Form(description="Leave columns nobody can map out instead of refusing the file")
    ] = False,
    skip_bad_rows: Annotated[
        bool, Form(description="Write the good rows; list the bad ones in the answer")
    ] = False,
    force: Annotated[bool, Form(description="Import bytes that were imported already")] = False,
) -> ImportOut:
    """Import one file as one source: all rows or none (unless skip_bad_rows), as the CLI does."""
    file_name = tabular.upload_name(file.filename)
    data = file.file.read()
    if not data:
        raise InvalidInput(f"{file_name} is empty: send the list as the `file` part")
    if file_name.casefold().endswith(tuple(PFIF_SUFFIXES)):
        rows: Iterable[Evidence | list[RowProblem]] = registry.pfif_evidence(data, name=file_name)
        kind = SourceKind.PFIF_FEED
    else:
        rows = registry.evidence_from_rows(
            tabular.read_data(data, name=file_name, sheet=sheet, encoding=encoding),
            mapping=_mapping(mapping),
            ignore_unknown=ignore_unknown_columns,
            file_name=file_name,
        )
    content_hash = tabular.content_hash(data)
    source = registry.SourceInfo(
        kind=kind,
        name=name or file_name,
        party=party.strip().upper() if party and party.strip() else None,
        received_from=received_from,
        file_name=file_name,
        content_hash=content_hash,
        received_at=_utc(received_at),
    )
    result = registry.import_evidence(
        db, source=source, rows=rows, actor=user.username, skip_bad_rows=skip_bad_rows, force=force
    )
    assert result.source_id is not None
    return ImportOut(
        source_id=result.source_id,
        file_name=file_name,
        content_hash=content_hash,
        imported=result.imported,
        rejected_lines=sorted(result.rejected_lines),
        rejected=[
            RejectedRow(line=p.line, field=p.field, reason=p.reason) for p in result.problems
        ],
        defaulted=[
            RejectedRow(line=d.line, field=d.field, reason=d.reason) for d in result.defaulted
        ],
        already_held=result.already_held,
    )


def _mapping(upload: UploadFile | None) -> dict[str, str] | None:
    if upload is None:
        return None
    name = tabular.upload_name(upload.filename)
    data = upload.file.read()
    return parse_mapping(tabular.decode_text(data, name=name), source=name) if data else None


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)

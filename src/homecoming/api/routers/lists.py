"""/lists: each party's offer and request as numbered, immutable versions; diffs; validation."""

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import File, Form, Query, Request, Response, UploadFile

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_exchanges import (
    ChangedEntryOut,
    DecisionIn,
    DecisionOut,
    DiffEntryOut,
    EntryOut,
    FieldChangeOut,
    FindingOut,
    ListDiffOut,
    ListVersionDetail,
    ListVersionOut,
    ReportLineOut,
    ValidationReportOut,
)
from homecoming.domain.roles import Capability
from homecoming.exchange.listdiff import DiffEntry
from homecoming.formats import export
from homecoming.http.deps import DatabaseDep, IdPath, SearchDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import exchange_lists
from homecoming.services.exchange_lists import Direction
from homecoming.services.users import Principal

router = Router(prefix="/lists", tags=["lists"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, requires(Capability.EXCHANGES_WRITE)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: problem("No such list version")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version_out(view: exchange_lists.ListVersionView) -> ListVersionOut:
    return ListVersionOut.model_validate(dataclasses.asdict(view))


@router.get("")
def list_versions(
    db: DatabaseDep,
    user: Reader,
    agreement_id: Annotated[int | None, Query(description="Only this agreement's")] = None,
    party: Annotated[str | None, Query(description="Only this party's", examples=["RU"])] = None,
) -> list[ListVersionOut]:
    """List versions as received, oldest first: both parties' (lists are exchanged)."""
    views = exchange_lists.list_versions(
        db, agreement_id=agreement_id, party=party, scope=user.scope
    )
    return [_version_out(v) for v in views]


@router.post(
    "",
    status_code=201,
    responses={
        409: problem("This file is already a version"),
        413: problem("Too large: the upload, or an XLSX unpacked, or its rows or cells"),
        422: problem("Bad rows"),
    },
)
async def import_version(
    request: Request,
    db: DatabaseDep,
    user: Writer,
    file: Annotated[UploadFile, File(description="CSV or XLSX exactly as received")],
    agreement_id: Annotated[int, Form()],
    party: Annotated[str, Form(description="The party that sent it", examples=["RU"])],
    direction: Annotated[Direction, Form()] = Direction.OFFER,
    category: Annotated[str | None, Form(description="For a one-category list")] = None,
    received_from: Annotated[str, Form()] = "",
) -> ListVersionOut:
    """Import a list version (multipart upload): every row or none, with line-numbered problems."""
    view = exchange_lists.import_upload(
        db,
        data=await file.read(),
        file_name=file.filename or "list.csv",
        agreement_id=agreement_id,
        party=party,
        direction=direction,
        received_from=received_from,
        category=category or None,
        actor=user.username,
        scope=user.scope,
    )
    return _version_out(view)


@router.get("/{version_id}", responses=NOT_FOUND)
def show_version(db: DatabaseDep, user: Reader, version_id: IdPath) -> ListVersionDetail:
    """A list version and its entries exactly as received."""
    view = exchange_lists.get_version(db, version_id, scope=user.scope)
    entries = [
        EntryOut.model_validate(dataclasses.asdict(e))
        for e in exchange_lists.entries(db, version_id, scope=user.scope)
    ]
    return ListVersionDetail(**_version_out(view).model_dump(), entries_detail=entries)


@router.get("/{version_id}/diff/{other_id}", responses=NOT_FOUND)
def diff_versions(
    db: DatabaseDep, user: Reader, version_id: IdPath, other_id: IdPath
) -> ListDiffOut:
    """What changed from this version to the other (added, removed, changed entries)."""
    result = exchange_lists.diff_versions(db, old_id=version_id, new_id=other_id, scope=user.scope)
    return ListDiffOut(
        added=[_diff_entry(e) for e in result.added],
        removed=[_diff_entry(e) for e in result.removed],
        changed=[
            ChangedEntryOut(
                old_line=c.old.line,
                new_line=c.new.line,
                name=c.new.name,
                changes=[FieldChangeOut(field=f.field, old=f.old, new=f.new) for f in c.changes],
            )
            for c in result.changed
        ],
        unchanged=result.unchanged,
    )


def _diff_entry(entry: DiffEntry) -> DiffEntryOut:
    return DiffEntryOut(
        line=entry.line,
        name=entry.name,
        date_of_birth=entry.date_of_birth,
        service_number=entry.service_number,
    )


@router.post("/{version_id}/validate", responses=NOT_FOUND)
def validate_version(
    db: DatabaseDep, search: SearchDep, user: Writer, version_id: IdPath
) -> ValidationReportOut:
    """Resolve every entry against the registry (score, runner-up) and record the findings."""
    report = exchange_lists.validate_version(
        db, search, version_id=version_id, actor=user.username, scope=user.scope
    )
    return _report_out(report)


@router.get(
    "/{version_id}/report",
    responses={
        **NOT_FOUND,
        200: {"content": {"text/csv": {}, XLSX: {}}, "description": "JSON, CSV or XLSX"},
    },
    response_model=ValidationReportOut,
)
def validation_report(
    db: DatabaseDep,
    user: Reader,
    version_id: IdPath,
    format: Annotated[Literal["json", "csv", "xlsx"], Query(description="json, csv or xlsx")] = (
        "json"
    ),
) -> ValidationReportOut | Response:
    """The latest validation: every entry with its person, score, runner-up and findings."""
    report = exchange_lists.validation_report(db, version_id=version_id, scope=user.scope)
    if format == "json":
        return _report_out(report)
    rows = exchange_lists.report_rows(report)
    headers = exchange_lists.REPORT_HEADERS
    name = f"validation-{version_id}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(export.csv_bytes(rows, headers), media_type="text/csv", headers=disposition)
    body = export.xlsx_bytes(rows, headers, sheet_title="Validation")
    return Response(body, media_type=XLSX, headers=disposition)


def _report_out(report: exchange_lists.ValidationReport) -> ValidationReportOut:
    return ValidationReportOut(
        version=_version_out(report.version),
        validation_id=report.validation_id,
        validated_at=report.validated_at,
        validated_by=report.validated_by,
        seconds=report.seconds,
        counts=report.counts,
        lines=[
            ReportLineOut(
                entry=EntryOut.model_validate(dataclasses.asdict(line.entry)),
                person_id=line.person_id,
                score=line.score,
                runner_up_id=line.runner_up_id,
                runner_up_score=line.runner_up_score,
                category=line.category,
                findings=[FindingOut.model_validate(dataclasses.asdict(f)) for f in line.findings],
                cleared=line.cleared,
            )
            for line in report.lines
        ],
    )


@router.post(
    "/findings/{finding_id}/decisions",
    status_code=201,
    responses={404: problem("No such finding")},
)
def decide_finding(
    db: DatabaseDep, user: Writer, finding_id: IdPath, body: DecisionIn
) -> DecisionOut:
    """Accept, reject or correct a finding: a new row; the latest decision counts."""
    view = exchange_lists.decide_finding(
        db,
        finding_id=finding_id,
        decision=body.decision,
        reason=body.reason,
        corrected_person_id=body.corrected_person_id,
        corrected_category=body.corrected_category,
        actor=user.username,
        scope=user.scope,
    )
    return DecisionOut.model_validate(dataclasses.asdict(view))

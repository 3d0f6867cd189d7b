"""Import a list: upload, map the columns, preview the rows normalised, see every bad row, confirm.

The import itself is `registry.import_evidence`: one transaction, all rows or none. The
preview reads the whole file with the same normalisation, so what it reports as bad is
exactly what the import would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from homecoming.domain.normalise import ALIAS_INDEX, IGNORE, TARGET_FIELDS, header_key
from homecoming.domain.record import Evidence, SourceKind
from homecoming.domain.roles import Capability
from homecoming.errors import AlreadyImported, InvalidInput, RowProblem
from homecoming.formats import tabular
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.services import access, overview, registry
from homecoming.services.scope import EVERY_PARTY
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web import labels, staging
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Importer = Annotated[Principal, page_requires(Capability.IMPORTS_WRITE)]
PREVIEW_ROWS = 20
IMPORTABLE_KINDS = (
    SourceKind.PARTY_LIST,
    SourceKind.ICRC_VISIT,
    SourceKind.FAMILY_INQUIRY,
    SourceKind.TESTIMONY,
    SourceKind.VIDEO,
    SourceKind.OTHER,
)
# A record must name someone: at least one column has to be read as one of these.
NAME_FIELDS = frozenset({"family_name", "given_names", "full_name"})
NO_NAME = (
    "no column is read as a name: choose family name, given names or full name for one "
    "of the columns"
)
# Fields offered in the column mapping, in the order of the record.
MAPPABLE = [name for name in labels.FIELDS if name in TARGET_FIELDS or name == IGNORE]


@dataclass(slots=True)
class SourceForm:
    """What the operator says about the source: kind, party, name, who handed it over."""

    kind: str = SourceKind.PARTY_LIST.value
    party: str = ""
    name: str = ""
    received_from: str = ""
    force: bool = False

    @classmethod
    def of(cls, form: Any) -> SourceForm:
        kind = _text(form, "kind") or SourceKind.PARTY_LIST.value
        if kind not in {k.value for k in IMPORTABLE_KINDS}:
            raise InvalidInput(f"unknown kind of source {kind!r}: choose one from the list")
        return cls(
            kind=kind,
            party=_text(form, "party"),
            name=_text(form, "name")[:300],
            received_from=_text(form, "received_from")[:300],
            force=_text(form, "force") == "1",
        )


@dataclass(slots=True)
class Preview:
    """A staged file read through a column mapping: the first rows, and every problem."""

    staged: staging.StagedFile
    columns: list[dict[str, str]] = field(default_factory=list)
    rows: list[Evidence] = field(default_factory=list)
    total: int = 0
    valid: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    bad_lines: int = 0


@router.get("/import")
def import_page(
    request: Request, db: DatabaseDep, user: Importer, imported: int | None = None
) -> HTMLResponse:
    """The upload form; after an import, what it wrote."""
    done = None
    if imported is not None:
        done = next((s for s in access.sources(db, scope=EVERY_PARTY) if s.id == imported), None)
    return _form_page(request, db, user, source=SourceForm(), done=done)


@router.post("/import/preview")
async def preview(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: Importer
) -> HTMLResponse:
    """Keep the upload, read it through the mapping, show the first rows and every bad row."""
    form = await request.form()
    source = SourceForm.of(form)
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read()
        try:
            staged = staging.stage(
                settings.data_dir, data=data, file_name=upload.filename, owner=user.username
            )
        except InvalidInput as error:
            return _form_page(request, db, user, source=source, error=error, status=422)
        mapping = None
    else:
        token = _text(form, "token")
        if not token:
            no_file = InvalidInput("choose a CSV or XLSX file to import")
            return _form_page(request, db, user, source=source, error=no_file, status=422)
        staged = staging.load(settings.data_dir, token, owner=user.username)
        mapping = _mapping_of(form)
    if not source.name:
        source.name = staged.file_name
    return _preview_page(request, db, user, staged, source, mapping)


@router.post("/import/confirm")
async def confirm(
    request: Request, db: DatabaseDep, settings: SettingsDep, user: Importer
) -> Response:
    """Import the staged file through the mapping: every row, or none."""
    form = await request.form()
    source = SourceForm.of(form)
    staged = staging.load(settings.data_dir, _text(form, "token"), owner=user.username)
    mapping = _mapping_of(form)
    if not NAME_FIELDS & set(mapping.values()):
        refusal = InvalidInput(NO_NAME)
        return _preview_page(
            request, db, user, staged, source, mapping, refusal=refusal, status=422
        )
    info = registry.SourceInfo(
        kind=SourceKind(source.kind),
        name=source.name or staged.file_name,
        party=source.party or None,
        received_from=source.received_from,
        file_name=staged.file_name,
        content_hash=staged.content_hash,
    )
    try:
        rows = registry.evidence_from_rows(
            _table(staged), mapping=mapping, file_name=staged.file_name
        )
        result = registry.import_evidence(
            db, source=info, rows=rows, actor=user.username, force=source.force
        )
    except AlreadyImported as error:
        return _preview_page(request, db, user, staged, source, mapping, refusal=error, status=409)
    except InvalidInput as error:
        return _preview_page(request, db, user, staged, source, mapping, refusal=error, status=422)
    staging.discard(staged)
    return RedirectResponse(f"/ui/import?imported={result.source_id}", status_code=303)


def _preview_page(
    request: Request,
    db: Database,
    user: Principal,
    staged: staging.StagedFile,
    source: SourceForm,
    mapping: dict[str, str] | None,
    *,
    refusal: Exception | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        result = read_preview(staged, mapping)
    except InvalidInput as error:
        return _form_page(request, db, user, source=source, error=error, status=422)
    if result.problems and status == 200:
        status = 422
    return render(
        request,
        "import_preview.html",
        user=user,
        active="import",
        status=status,
        preview=result,
        source=source,
        kinds=IMPORTABLE_KINDS,
        parties=overview.parties(db),
        fields=MAPPABLE,
        refusal=refusal,
        already=isinstance(refusal, AlreadyImported),
    )


def read_preview(staged: staging.StagedFile, mapping: dict[str, str] | None) -> Preview:
    """Read the whole staged file through the mapping (guessed from the headers when None)."""
    table = list(_table(staged))
    if not table:
        raise InvalidInput(f"{staged.file_name} has a header but no rows to import")
    headers = list(table[0][1])
    chosen = mapping or guess_mapping(headers)
    result = Preview(staged=staged, total=len(table))
    if not NAME_FIELDS & set(chosen.values()):
        result.problems = [RowProblem(1, "", NO_NAME)]
        result.bad_lines = 1
    result.columns = [
        {
            "index": str(i),
            "header": h,
            "field": chosen.get(h, IGNORE),
            "known": str(header_key(h) in ALIAS_INDEX),
            "sample": next((row[h] for _, row in table if row.get(h, "").strip()), ""),
        }
        for i, h in enumerate(headers)
    ]
    if result.problems:
        return result
    try:
        items = list(registry.evidence_from_rows(table, mapping=chosen, file_name=staged.file_name))
    except InvalidInput as error:  # the mapping itself is wrong (two columns, one field)
        result.problems = error.problems or [RowProblem(1, "", error.message)]
        result.bad_lines = 1
        return result
    for item in items:
        if isinstance(item, list):
            result.problems.extend(item)
            result.bad_lines += 1
        else:
            result.valid += 1
            if len(result.rows) < PREVIEW_ROWS:
                result.rows.append(item)
    return result


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Each header's field as the importer would read it; unknown headers are left out."""
    return {h: ALIAS_INDEX.get(header_key(h), IGNORE) for h in headers}


def _table(staged: staging.StagedFile) -> list[tabular.Row]:
    return list(tabular.read_table(staged.path))


def _mapping_of(form: Any) -> dict[str, str]:
    """The mapping posted by the preview form: `header_<i>` and `field_<i>` pairs."""
    mapping: dict[str, str] = {}
    index = 0
    while (header := form.get(f"header_{index}")) is not None:
        target = _text(form, f"field_{index}") or IGNORE
        if target not in MAPPABLE:
            raise InvalidInput(f"unknown field {target!r} for column {header!r}")
        mapping[str(header)] = target
        index += 1
    return mapping


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _form_page(
    request: Request,
    db: Database,
    user: Principal,
    *,
    source: SourceForm,
    error: InvalidInput | None = None,
    done: Any = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "import.html",
        user=user,
        active="import",
        status=status,
        source=source,
        kinds=IMPORTABLE_KINDS,
        parties=overview.parties(db),
        error=error,
        done=done,
    )

"""`homecoming init|parties|import|export`: the registry's ways in and out."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.options import Actor, Json, MappingFile, ReceivedAt, ReceivedFrom, Sheet
from homecoming.cli.runtime import err, open_database, out, print_json, progress_bar
from homecoming.domain.record import SourceKind
from homecoming.errors import InvalidInput, RowProblem
from homecoming.formats import tabular
from homecoming.services import registry

parties_app = typer.Typer(help="Parties to the conflict and to exchanges.", no_args_is_help=True)
PFIF_SUFFIXES = {".xml", ".pfif"}


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_file)
    app.add_typer(parties_app, name="parties")


def init(ctx: typer.Context) -> None:
    """Create the database schema, or migrate it to this version."""
    db = open_database(ctx, ready=False)
    db.upgrade()
    out.print(f"database ready: {db.safe_url}")


@parties_app.command("add")
def add_party(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Short code, e.g. UA")],
    name: Annotated[str, typer.Argument(help="Full name, e.g. Ukraine")],
    actor: Actor = "cli",
) -> None:
    """Register a party (once; again is a no-op)."""
    registry.ensure_party(open_database(ctx), code=code.upper(), name=name, actor=actor)
    out.print(f"party {code.upper()} registered")


def import_file(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV, XLSX or PFIF")],
    kind: Annotated[SourceKind, typer.Option(help="What kind of source this is")] = (
        SourceKind.PARTY_LIST
    ),
    party: Annotated[str | None, typer.Option(help="Party the source comes from, e.g. UA")] = None,
    name: Annotated[
        str | None, typer.Option(help="Name of the source (default: file name)")
    ] = None,
    received_from: ReceivedFrom = "",
    received_at: ReceivedAt = None,
    mapping: MappingFile = None,
    sheet: Sheet = None,
    encoding: Annotated[str | None, typer.Option(help="Force a CSV encoding")] = None,
    ignore_unknown_columns: Annotated[bool, typer.Option(help="Leave unknown columns out")] = False,
    skip_bad_rows: Annotated[
        bool, typer.Option(help="Write the good rows; put the bad ones in the reject file")
    ] = False,
    reject_file: Annotated[
        Path | None, typer.Option(help="Where rejected rows go (default: PATH.rejected.csv)")
    ] = None,
    force: Annotated[bool, typer.Option(help="Import a file already imported")] = False,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Import a list as one source: all rows or none (unless --skip-bad-rows)."""
    db = open_database(ctx)
    if path.suffix.casefold() in PFIF_SUFFIXES:
        from homecoming.cli.pfif import pfif_evidence

        rows, kind = pfif_evidence(path), SourceKind.PFIF_FEED
    else:
        mapped = tabular.read_mapping(mapping) if mapping else None
        table = tabular.read_table(path, sheet=sheet, encoding=encoding)
        rows = registry.evidence_from_rows(
            table, mapping=mapped, ignore_unknown=ignore_unknown_columns, file_name=path.name
        )
    source = registry.SourceInfo(
        kind=kind,
        name=name or path.name,
        party=party.upper() if party else None,
        received_from=received_from,
        file_name=path.name,
        content_hash=tabular.file_hash(path),
        received_at=received_at.astimezone(dt.UTC) if received_at else None,
    )
    with progress_bar(f"importing {path.name}", None) as advance:
        try:
            result = registry.import_evidence(
                db,
                source=source,
                rows=rows,
                actor=actor,
                skip_bad_rows=skip_bad_rows,
                force=force,
                progress=advance,
            )
        except InvalidInput as error:
            if error.problems:
                _write_rejects(reject_file or _default_rejects(path), path, error.problems)
            raise
    if result.problems:
        _write_rejects(reject_file or _default_rejects(path), path, result.problems)
    if as_json:
        print_json(
            {
                "source_id": result.source_id,
                "imported": result.imported,
                "already_held": result.already_held,
                "rejected": [str(p) for p in result.problems],
                "defaulted": [
                    {"line": d.line, "field": d.field, "reason": d.reason} for d in result.defaulted
                ],
            }
        )
    else:
        out.print(
            f"imported {result.imported} records from {path.name} as source "
            f"{result.source_id}"
            + (f"; {len(result.rejected_lines)} rows rejected" if result.problems else "")
            + (f"; {result.already_held} already held, skipped" if result.already_held else "")
        )
        if result.defaulted:
            out.print(f"{len(result.defaulted)} missing field(s) defaulted:")
            for defaulted in result.defaulted:
                out.print(f"  {defaulted}")


def _default_rejects(path: Path) -> Path:
    return path.with_name(path.name + ".rejected.csv")


def _write_rejects(target: Path, path: Path, problems: list[RowProblem]) -> None:
    """The rejected rows as received, each with its line and reasons, ready to fix and re-import."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.line, []).append(
            f"{problem.field}: {problem.reason}" if problem.field else problem.reason
        )
    rows = _original_rows(path, set(reasons))
    headers = list(dict.fromkeys(h for row in rows.values() for h in row))
    with target.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "problems", *headers])
        for line in sorted(reasons):
            cells = rows.get(line, {})
            writer.writerow([line, "; ".join(reasons[line]), *(cells.get(h, "") for h in headers)])
    err.print(f"{len(reasons)} rejected row(s), with their reasons, written to {target}")


def _original_rows(path: Path, lines: set[int]) -> dict[int, dict[str, str]]:
    if path.suffix.casefold() in PFIF_SUFFIXES:
        return {}
    try:
        return {
            n: {k: str(v) for k, v in row.items()}
            for n, row in tabular.read_table(path)
            if n in lines
        }
    except InvalidInput:
        return {}

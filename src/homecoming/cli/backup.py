"""`homecoming backup` and `homecoming restore`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.runtime import err, open_database, out, print_json, settings_of
from homecoming.formats import sealed
from homecoming.services import backup as backup_service


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app."""
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    ctx: typer.Context,
    out_path: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="The backup file to write")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    encrypt_to: Annotated[
        list[str] | None,
        typer.Option(
            "--encrypt-to",
            help="Seal the backup (age) to this public key or file of keys; repeatable",
        ),
    ] = None,
) -> None:
    """Back the database up into one file (safe while the server runs)."""
    keys = sealed.recipients(encrypt_to or [])
    db = open_database(ctx, ready=False)  # any schema version: the service checks the tables
    err.print(f"backing up {db.safe_url} …")
    manifest = backup_service.backup(db, out_path, to=keys)
    if as_json:
        print_json({"file": str(out_path), **_manifest_json(manifest)})
        return
    out.print(
        f"backup written to {out_path}: {manifest.payload_bytes:,} bytes,"
        f" schema {manifest.schema_revision}, {sum(manifest.row_counts.values()):,} rows in"
        f" {len(manifest.row_counts)} tables, audit head {manifest.audit_entries}"
        f" {manifest.audit_head_hash}"
    )
    out.print(f"sha256 of the database inside: {manifest.payload_sha256}")
    if keys:
        out.print(f"sealed (age) to {len(keys)} recipient(s): restore with --identity FILE")


def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A backup file")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the database without asking")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    identity: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="age identity file of a sealed backup"),
    ] = None,
) -> None:
    """Replace the database with a backup, after checking it; then re-verify the audit chain."""
    db = open_database(ctx, ready=False)
    with backup_service.opened(path, identity) as plain:
        manifest = backup_service.read_manifest(plain)
        if not yes:
            _confirm(db.safe_url, path, manifest)
        report = backup_service.restore(db, plain, data_dir=settings_of(ctx).data_dir)
    for note in report.notes:
        err.print(note)
    if as_json:
        print_json(
            {
                "restored": str(path),
                "row_counts": report.row_counts,
                "audit": {
                    "ok": True,
                    "entries": report.audit_entries,
                    "head": report.audit_head_hash,
                },
                "backup": _manifest_json(manifest),
            }
        )
        return
    out.print(
        f"restored {path} into {db.safe_url}: {sum(report.row_counts.values()):,} rows in"
        f" {len(report.row_counts)} tables match the backup; audit chain intact,"
        f" {report.audit_entries} entries, head {report.audit_head_hash}"
    )
    out.print("Restart `homecoming serve` so that it reads the restored data afresh.")


def _confirm(url: str, path: Path, manifest: backup_service.Manifest) -> None:
    question = (
        f"Replace everything in {url} with the backup {path} (taken {manifest.created_at},"
        f" {manifest.audit_entries} audit entries)?"
    )
    if not sys.stdin.isatty():
        err.print(f"{question} Refused: not asked interactively; pass --yes to confirm.")
        raise typer.Exit(1)
    if not typer.confirm(question, default=False, err=True):
        err.print("nothing restored")
        raise typer.Exit(1)


def _manifest_json(manifest: backup_service.Manifest) -> dict[str, object]:
    return {
        "database": manifest.database,
        "schema_revision": manifest.schema_revision,
        "homecoming_version": manifest.homecoming_version,
        "created_at": manifest.created_at,
        "payload_sha256": manifest.payload_sha256,
        "payload_bytes": manifest.payload_bytes,
        "audit": {"entries": manifest.audit_entries, "head": manifest.audit_head_hash},
        "row_counts": manifest.row_counts,
    }

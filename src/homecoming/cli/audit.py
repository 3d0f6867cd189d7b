"""`homecoming audit verify`."""

from __future__ import annotations

from typing import Annotated

import typer

from homecoming.cli.runtime import err, open_database, out, print_json
from homecoming.services import audit as audit_service

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Re-hash the audit chain; exit 1 naming every entry that was edited, inserted or deleted."""
    report = audit_service.verify(open_database(ctx))
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "head_hash": report.head_hash,
                "faults": [{"entry": f.entry_id, "reason": f.reason} for f in report.faults],
            }
        )
    elif report.ok:
        out.print(f"audit chain intact: {report.entries} entries, head {report.head_hash}")
        out.print(
            "Keep the head hash somewhere else (a printout, another system): "
            "it proves later that nothing was cut from the end."
        )
    else:
        for fault in report.faults:
            err.print(f"[bold red]tampered:[/] {fault}", highlight=False)
        err.print(f"audit chain BROKEN: {len(report.faults)} fault(s) in {report.entries} entries")
    if not report.ok:
        raise typer.Exit(1)

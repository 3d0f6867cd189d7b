"""Options many commands take, written once so that their help reads the same everywhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

Actor = Annotated[str, typer.Option(help="Who is doing this (for the audit log)")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output")]
ReceivedFrom = Annotated[str, typer.Option(help="Who handed it over")]
ReceivedAt = Annotated[dt.datetime | None, typer.Option(help="When it was received (default: now)")]
MappingFile = Annotated[
    Path | None, typer.Option(exists=True, help="CSV `column,field` or JSON mapping file")
]
Sheet = Annotated[str | None, typer.Option(help="XLSX sheet (default: the first)")]
AgreementId = Annotated[int, typer.Argument(help="The agreement's id (agreements list)")]
StageNumber = Annotated[int, typer.Argument(help="The stage's number: 1, 2, 3…")]
Reference = Annotated[str, typer.Argument(help="Case reference (HC-2026-000123) or inquiry id")]

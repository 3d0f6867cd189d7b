"""`homecoming search NAME`: find a person by a name in any alphabet and spelling."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.table import Table

from homecoming.cli.runtime import open_database, out, print_json, settings_of
from homecoming.domain.dates import PartialDate
from homecoming.search.index import Query
from homecoming.services.search import SNAPSHOT_NAME, SearchService


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def search(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name in any script, any order, any spelling")],
    born: Annotated[
        str | None, typer.Option(help="Date of birth: YYYY, YYYY-MM, DD.MM.YYYY…")
    ] = None,
    sex: Annotated[str | None, typer.Option(help="male, female or other")] = None,
    unit: Annotated[str, typer.Option(help="Unit or brigade")] = "",
    service_number: Annotated[str, typer.Option(help="Service (personal) number")] = "",
    limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Rank persons by how well their records fit the name (and what else you know)."""
    settings = settings_of(ctx)
    service = SearchService(open_database(ctx), snapshot=settings.data_dir / SNAPSHOT_NAME)
    query = Query(
        text=name, born=PartialDate.parse(born), sex=sex, unit=unit, service_number=service_number
    )
    hits = service.search(query, limit=limit)
    service.save_snapshot()
    if as_json:
        print_json([dataclasses.asdict(hit) for hit in hits])
        return
    table = Table("score", "person", "name", "born", "why")
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}",
            str(hit.person_id),
            hit.name,
            hit.date_of_birth,
            "; ".join(hit.reasons),
        )
    out.print(table)

"""`homecoming names ...`: compare names and list their renderings."""

from __future__ import annotations

import json
from typing import Annotated

import typer

names_app = typer.Typer(
    help="Compare names across alphabets and list their renderings.", no_args_is_help=True
)


@names_app.command("compare")
def compare_command(
    a: Annotated[str, typer.Argument(help="First name, in any alphabet and order.")],
    b: Annotated[str, typer.Argument(help="Second name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Score two names, say whether they match at the default threshold, and explain why."""
    from homecoming.names import compare

    result = compare(a, b)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    verdict = "MATCH" if result.match else "no match"
    typer.echo(f"score {result.score:.3f}: {verdict} (threshold {result.threshold})")
    for part in result.explanation:
        typer.echo(f"  {part}")


@names_app.command("variants")
def variants_command(
    name: Annotated[str, typer.Argument(help="A full name or one name part.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """List a name's renderings under every standard, its parts and their known variants."""
    from homecoming.names import describe

    described = describe(name)
    if as_json:
        typer.echo(json.dumps(described, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{name}  [{described['script']}, {described['language']}]")
    typer.echo(
        f"  family: {' '.join(described['family']) or '-'}; "
        f"given: {' '.join(described['given']) or '-'}; "
        f"patronymic: {' '.join(described['patronymic']) or '-'}"
    )
    typer.echo("renderings:")
    for standard, text in described["renderings"].items():
        typer.echo(f"  {standard:<22} {text}")
    typer.echo("variants:")
    for part, found in described["variants"].items():
        typer.echo(f"  {part}: {', '.join(found)}")

"""`homecoming users add|list|disable|enable|token|tokens|revoke-token`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from homecoming.cli.runtime import err, open_database, out, print_json, settings_of
from homecoming.domain.roles import Role
from homecoming.services import users

users_app = typer.Typer(help="Users, their roles and API tokens.", no_args_is_help=True)

Actor = Annotated[str, typer.Option(help="Who is doing this (for the audit log)")]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


@users_app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Lower-case login name, e.g. olena.k")],
    role: Annotated[Role, typer.Option(help="What the user may do")],
    party: Annotated[
        str | None, typer.Option(help="The negotiator's party code (negotiators only)")
    ] = None,
    display_name: Annotated[str, typer.Option(help="Name shown to colleagues")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin's first line")
    ] = False,
    actor: Actor = "cli",
) -> None:
    """Add a user; the password is prompted for (twice) unless --password-stdin."""
    db = open_database(ctx)
    password = _read_password(password_stdin)
    info = users.add_user(
        db,
        username=username,
        role=role,
        party=party.upper() if party else None,
        display_name=display_name,
        password=password,
        hasher=users.password_hasher(settings_of(ctx)),
        actor=actor,
    )
    where = f" for {info.party}" if info.party else ""
    out.print(f"added {info.username} ({info.role.value}{where})", highlight=False)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return typer.get_text_stream("stdin").readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("list")
def list_users(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Every user with role, party, whether active, and live API tokens."""
    rows = users.list_users(open_database(ctx))
    if as_json:
        print_json(
            [
                {
                    "id": u.id,
                    "username": u.username,
                    "display_name": u.display_name,
                    "role": u.role.value,
                    "party": u.party,
                    "active": u.active,
                    "created_at": u.created_at.isoformat(),
                    "tokens": u.tokens,
                }
                for u in rows
            ]
        )
        return
    table = Table("id", "username", "name", "role", "party", "active", "tokens")
    for u in rows:
        table.add_row(
            str(u.id),
            u.username,
            u.display_name,
            u.role.value,
            u.party or "",
            "yes" if u.active else "no",
            str(u.tokens),
        )
    out.print(table)


@users_app.command("disable")
def disable(ctx: typer.Context, username: str, actor: Actor = "cli") -> None:
    """Disable a user: their sessions end and their API tokens stop working."""
    users.set_active(open_database(ctx), username=username, active=False, actor=actor)
    out.print(f"disabled {username}", highlight=False)


@users_app.command("enable")
def enable(ctx: typer.Context, username: str, actor: Actor = "cli") -> None:
    """Enable a disabled user again."""
    users.set_active(open_database(ctx), username=username, active=True, actor=actor)
    out.print(f"enabled {username}", highlight=False)


@users_app.command("token")
def token(
    ctx: typer.Context,
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for, e.g. the machine")] = "",
    actor: Actor = "cli",
) -> None:
    """Issue an API token for a machine; it is printed once and never stored."""
    issued = users.issue_token(open_database(ctx), username=username, name=name, actor=actor)
    err.print(
        f"token {issued.id} for {username}: send it as `Authorization: Bearer <token>`; "
        f"it is shown only now (revoke it with `homecoming users revoke-token {issued.id}`)",
        highlight=False,
    )
    typer.echo(issued.secret)


@users_app.command("tokens")
def tokens(
    ctx: typer.Context,
    username: Annotated[str | None, typer.Argument(help="Only this user's tokens")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """API tokens (never their secrets), live and revoked."""
    rows = users.list_tokens(open_database(ctx), username=username)
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "username": t.username,
                    "name": t.name,
                    "created_at": t.created_at.isoformat(),
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                }
                for t in rows
            ]
        )
        return
    table = Table("id", "username", "name", "created", "revoked")
    for t in rows:
        revoked = t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else ""
        table.add_row(
            str(t.id), t.username, t.name, t.created_at.isoformat(timespec="seconds"), revoked
        )
    out.print(table)


@users_app.command("revoke-token")
def revoke_token(ctx: typer.Context, token_id: int, actor: Actor = "cli") -> None:
    """Revoke an API token for good."""
    info = users.revoke_token(open_database(ctx), token_id=token_id, actor=actor)
    out.print(f"revoked token {info.id} of {info.username}", highlight=False)

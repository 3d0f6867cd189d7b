"""`homecoming keys`: this installation's signing and encryption keys, and the keys it trusts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.options import Json
from homecoming.cli.runtime import err, out, print_json, settings_of
from homecoming.formats.signed import Keyring, read_public

keys_app = typer.Typer(
    help="Keys for stage packs and desk logs (Ed25519, age) and for Web Push (VAPID).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


def _keyring(ctx: typer.Context) -> Keyring:
    return Keyring(settings_of(ctx).data_dir)


@keys_app.command("init")
def init(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="What others will call these keys, e.g. bureau, bus-1")],
    as_json: Json = False,
) -> None:
    """Make this installation's keys under DATA_DIR/keys (once; they are never replaced)."""
    public = _keyring(ctx).init(name=name)
    if as_json:
        print_json(public.to_dict())
        return
    out.print(f"keys {public.name!r} made: {public.fingerprint}", highlight=False)
    out.print(f"age public key (for --encrypt-to): {public.age}", highlight=False)


@keys_app.command("show")
def show(ctx: typer.Context, as_json: Json = False) -> None:
    """This installation's public keys and the keys it trusts."""
    keyring = _keyring(ctx)
    public = keyring.public()
    trusted = keyring.trusted()
    if as_json:
        print_json({"own": public.to_dict(), "trusted": [k.to_dict() for k in trusted]})
        return
    out.print(f"own: {public.name} {public.fingerprint}; age {public.age}", highlight=False)
    for key in trusted:
        out.print(f"trusted: {key.name} {key.fingerprint}", highlight=False)


@keys_app.command("export")
def export(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the public key file")],
) -> None:
    """Write the public keys (never the secret ones) for the other side to trust."""
    public = _keyring(ctx).public()
    out_path.write_text(json.dumps(public.to_dict(), indent=2) + "\n", encoding="utf-8")
    err.print(f"public key {public.fingerprint} written to {out_path}")


@keys_app.command("trust")
def trust(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A public key file")],
    name: Annotated[str, typer.Option(help="The name to trust it under, e.g. bureau, bus-1")],
) -> None:
    """Accept stage packs or desk logs signed by this key from now on."""
    key = _keyring(ctx).trust(read_public(path.read_bytes(), source=str(path)), name=name)
    out.print(f"trusting {key.name}: {key.fingerprint}", highlight=False)


@keys_app.command("push-init")
def push_init(ctx: typer.Context, as_json: Json = False) -> None:
    """Make the VAPID key pair for Web Push under DATA_DIR/keys (once; never replaced)."""
    from homecoming.notify.webpush import VapidKeys

    public = VapidKeys(settings_of(ctx).data_dir).init()
    if as_json:
        print_json({"vapid_public_key": public})
        return
    out.print(f"VAPID key made; browsers subscribe to: {public}", highlight=False)

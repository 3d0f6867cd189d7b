"""`homecoming stages`: composing a stage (CP-SAT suggestion, then changes), exporting a side,
and packing it for a field desk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.options import (
    Actor,
    AgreementId,
    Json,
    StageNumber,
)
from homecoming.cli.runtime import (
    err,
    open_database,
    out,
    plain,
    print_json,
    settings_of,
    write_table,
)
from homecoming.errors import InvalidInput
from homecoming.exchange.planning import TIME_LIMIT_SECONDS
from homecoming.services import (
    stage_packs,
    stages,
)

stages_app = typer.Typer(help="Stage composition: CP-SAT suggestion, then changes.")
stages_app.info.no_args_is_help = True


# --- stages -----------------------------------------------------------------------------


@stages_app.command("plan")
def plan(
    ctx: typer.Context,
    agreement: AgreementId,
    time_limit: Annotated[
        float,
        typer.Option(
            help="Seconds the solver may take at most; it stops sooner, on a fixed amount of "
            "work, so a busy machine gives the same plan as a quiet one"
        ),
    ] = TIME_LIMIT_SECONDS,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Compose every stage not yet composed with CP-SAT, from the accepted list entries."""
    result = stages.plan(
        open_database(ctx), agreement_id=agreement, actor=actor, time_limit=time_limit
    )
    if as_json:
        print_json(plain(result))
        return
    for view in result.stages:
        _print_stage(view)
    out.print(
        f"solver: {result.solver_status} in {result.seconds:.2f} s; "
        f"{result.left_out} accepted entries left for later"
    )


@stages_app.command("show")
def show_stage(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    members: Annotated[bool, typer.Option(help="List every member")] = False,
    as_json: Json = False,
) -> None:
    """A stage's counts per side and category, its parity findings and (optionally) members."""
    view = stages.show(open_database(ctx), agreement_id=agreement, number=number)
    if as_json:
        print_json(plain(view))
        return
    _print_stage(view)
    if members:
        for m in view.members:
            override = f" (override: {m.override_reason})" if m.override_reason else ""
            out.print(
                f"  {m.party} {m.category}: person {m.person_id} {m.name}{override}",
                highlight=False,
            )


def _print_stage(view: stages.StageView) -> None:
    planned = ", ".join(f"{n} {c}" for c, n in view.planned.items())
    out.print(f"stage {view.number} on {view.day} (planned per side: {planned})", highlight=False)
    for party, counts in view.counts.items():
        text = ", ".join(f"{n} {c}" for c, n in counts.items()) or "nobody yet"
        out.print(f"  {party} hands over {text}", highlight=False)
    for f in view.findings:
        out.print(f"  {f.severity}: {f.message}", highlight=False)


def _changes(specs: list[str], category: str | None) -> list[stages.MemberChange]:
    changes = []
    for spec in specs:
        party, _, person = spec.partition(":")
        if not person.isdigit():
            raise InvalidInput(f"{spec!r}: write PARTY:PERSON_ID, e.g. UA:1234")
        changes.append(stages.MemberChange(party.upper(), int(person), category=category))
    return changes


PersonSpecs = Annotated[
    list[str], typer.Option("--person", help="PARTY:PERSON_ID (repeat for several)")
]
ChangeReason = Annotated[str, typer.Option("--reason", help="Why")]
ParityOverride = Annotated[
    str | None,
    typer.Option("--override", help="Break parity anyway, for this reason (administrators)"),
]


@stages_app.command("add")
def add_members(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    person: PersonSpecs,
    category: Annotated[str | None, typer.Option(help="Category of those added")] = None,
    remove: Annotated[
        list[str] | None, typer.Option(help="PARTY:PERSON_ID to take out in the same step")
    ] = None,
    reason: ChangeReason = "",
    override: ParityOverride = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Add people to a stage (with --remove, swap them); refused if parity would break."""
    _change_stage(
        ctx,
        agreement,
        number,
        add=_changes(person, category),
        remove=_changes(remove or [], None),
        reason=reason,
        override=override,
        actor=actor,
        as_json=as_json,
    )


@stages_app.command("remove")
def remove_members(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    person: PersonSpecs,
    reason: ChangeReason = "",
    override: ParityOverride = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Take people out of a stage; refused if parity would break."""
    _change_stage(
        ctx,
        agreement,
        number,
        add=[],
        remove=_changes(person, None),
        reason=reason,
        override=override,
        actor=actor,
        as_json=as_json,
    )


def _change_stage(
    ctx: typer.Context,
    agreement: int,
    number: int,
    *,
    add: list[stages.MemberChange],
    remove: list[stages.MemberChange],
    reason: str,
    override: str | None,
    actor: str,
    as_json: bool,
) -> None:
    view = stages.change(
        open_database(ctx),
        agreement_id=agreement,
        number=number,
        add=add,
        remove=remove,
        reason=reason,
        override_reason=override,
        may_override=True,
        actor=actor,
    )
    if as_json:
        print_json(plain(view))
    else:
        _print_stage(view)


@stages_app.command("export")
def export_stage(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    party: Annotated[str, typer.Option(help="The side whose people are listed, e.g. UA")],
    out_path: Annotated[Path, typer.Option("--out", help="CSV or XLSX", dir_okay=False)],
    to: Annotated[str, typer.Option("--to", help="Who receives it")] = "",
    legal_basis: Annotated[str, typer.Option(help="Why they may have it")] = "",
    actor: Actor = "cli",
) -> None:
    """Who one side hands over in a stage, with only the agreed fields, for the other party."""
    rows = stages.disclose_side(
        open_database(ctx),
        agreement_id=agreement,
        number=number,
        party=party,
        actor=actor,
        recipient=to,
        legal_basis=legal_basis,
        file=out_path.name,
    )
    write_table(out_path, rows, ("stage", *stages.AGREED_FIELDS), f"Stage {number} {party}")
    err.print(f"{len(rows)} people written to {out_path}")


# --- the field desk: packs out, logs back ---------------------------------------------------


@stages_app.command("pack")
def pack_stage(
    ctx: typer.Context,
    agreement: AgreementId,
    number: StageNumber,
    out_path: Annotated[Path, typer.Option("--out", help="The .hcpack file to write")],
    encrypt_to: Annotated[
        str | None, typer.Option(help="The field laptop's age public key (age1…)")
    ] = None,
    actor: Actor = "cli",
) -> None:
    """Pack a stage for a field desk: agreed fields only, signed with the bureau's key."""
    result = stage_packs.pack_stage(
        open_database(ctx),
        data_dir=settings_of(ctx).data_dir,
        agreement_id=agreement,
        number=number,
        actor=actor,
        encrypt_to=encrypt_to,
    )
    out_path.write_bytes(result.data)
    sealed = ", encrypted" if result.encrypted else ""
    err.print(
        f"stage {number}: {result.members} people, {result.photos} photos written to "
        f"{out_path} (signed {result.signed_by}{sealed}; sha256 {result.sha256[:12]}…)"
    )

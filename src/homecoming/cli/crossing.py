"""`homecoming crossing ...` and `homecoming wounded ...`: the crossing as it really happens,
and the seriously wounded from referral to repatriation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from homecoming.cli.options import Actor, Json
from homecoming.cli.runtime import open_database, out, print_json
from homecoming.domain.dates import PartialDate
from homecoming.errors import InvalidInput
from homecoming.exchange.wounded import Consent, ExaminingBody, MedicalDecision, Referrer
from homecoming.formats import tabular
from homecoming.services import crossing, handovers, registry, wounded
from homecoming.services.search import SearchService

crossing_app = typer.Typer(
    help="The crossing: arrivals on no list, lists that differ, persons taken or sent back.",
    no_args_is_help=True,
)
wounded_app = typer.Typer(
    help="The seriously wounded and sick: referral, examination, consent, repatriation.",
    no_args_is_help=True,
)
AgreementArg = Annotated[int, typer.Argument(help="The agreement's id")]
StageArg = Annotated[int, typer.Argument(help="The stage's number")]
PersonArg = Annotated[int, typer.Argument(help="The person's id")]
Party = Annotated[str, typer.Option(help="The side handing over (that brought the person)")]
Day = Annotated[str, typer.Option("--on", help="The day, YYYY-MM-DD")]


def register(app: typer.Typer) -> None:
    app.add_typer(crossing_app, name="crossing")
    app.add_typer(wounded_app, name="wounded")


def _day(text: str, option: str = "--on") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} {text!r} is not a day: write YYYY-MM-DD") from None


def _not_handed_over(
    ctx: typer.Context,
    record: Callable[..., crossing.CrossingView],
    agreement: int,
    stage: int,
    party: str,
    person: int,
    reason: str,
    actor: str,
) -> None:
    """A listed person not handed over after all (taken back, or sent back)."""
    _say(
        record(
            open_database(ctx),
            agreement_id=agreement,
            number=stage,
            party=party,
            person_id=person,
            reason=reason,
            actor=actor,
        )
    )


def _say(view: crossing.CrossingView) -> None:
    who = f"person {view.person_id}" if view.person_id is not None else "the list"
    out.print(
        f"crossing event {view.id}: {view.kind.replace('_', ' ')} — {who}, stage {view.stage}, "
        f"{view.party}" + (f" (record {view.record_id})" if view.record_id else ""),
        highlight=False,
    )


@crossing_app.command("unlisted")
def unlisted(
    ctx: typer.Context,
    agreement: AgreementArg,
    stage: StageArg,
    party: Party,
    name: Annotated[str, typer.Option(help="The name given: family, given, patronymic")],
    checked_by: Annotated[str, typer.Option(help="Who checked the identity")],
    method: Annotated[
        list[str], typer.Option(help="How: documents, photo, questions (repeat for several)")
    ],
    born: Annotated[str, typer.Option(help="Date of birth, if known")] = "",
    service_number: Annotated[str, typer.Option(help="Service number, if known")] = "",
    notes: Annotated[str, typer.Option(help="What the check found")] = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Record an arrival on no list, with its identity check (kept as evidence)."""
    words = name.split()
    if not words:
        raise InvalidInput("--name is the name the person gave")
    db = open_database(ctx)
    view = crossing.record_unlisted_arrival(
        db,
        SearchService(db),
        agreement_id=agreement,
        number=stage,
        party=party,
        arrival=handovers.Substitute(
            family_name=words[0],
            given_names=" ".join(words[1:2]),
            patronymic=" ".join(words[2:]),
            date_of_birth=PartialDate.parse(born),
            service_number=service_number,
        ),
        checked_by=checked_by,
        methods=method,
        notes=notes,
        actor=actor,
    )
    if as_json:
        print_json(view.as_json())
    else:
        _say(view)


@crossing_app.command("taken-back")
def taken_back(
    ctx: typer.Context,
    agreement: AgreementArg,
    stage: StageArg,
    party: Party,
    person: Annotated[int, typer.Option(help="The person's id")],
    reason: Annotated[str, typer.Option(help="What happened")],
    actor: Actor = "cli",
) -> None:
    """A listed person brought to the crossing and taken back."""
    _not_handed_over(
        ctx, crossing.record_taken_back, agreement, stage, party, person, reason, actor
    )


@crossing_app.command("returned")
def returned(
    ctx: typer.Context,
    agreement: AgreementArg,
    stage: StageArg,
    party: Party,
    person: Annotated[int, typer.Option(help="The person's id")],
    reason: Annotated[str, typer.Option(help="Why he was sent back")],
    actor: Actor = "cli",
) -> None:
    """A person handed over and then sent back across."""
    _not_handed_over(ctx, crossing.record_returned, agreement, stage, party, person, reason, actor)


@crossing_app.command("received-list")
def received_list(
    ctx: typer.Context,
    agreement: AgreementArg,
    stage: StageArg,
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    party: Party,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Compare the list a side brought to the crossing with the agreed one."""
    result = crossing.check_received_list(
        open_database(ctx),
        agreement_id=agreement,
        number=stage,
        party=party,
        rows=registry.evidence_from_rows(tabular.read_table(path), file_name=path.name),
        file_name=path.name,
        content_hash=tabular.file_hash(path),
        actor=actor,
    )
    if as_json:
        print_json(crossing.diff_json(result.diff) | {"event": result.event and result.event.id})
        return
    if result.event is None:
        out.print(f"{path.name}: the same {result.agreed} persons as agreed", highlight=False)
        return
    d = result.event.details
    out.print(
        f"{path.name} differs from the agreed list ({result.received} brought, {result.agreed} "
        f"agreed): {len(d['added'])} added, {len(d['removed'])} left out, {len(d['changed'])} "
        f"changed; kept as crossing event {result.event.id}",
        highlight=False,
    )
    for e in d["added"]:
        out.print(f"  + {e['name']} {e['date_of_birth']}", highlight=False, markup=False)
    for e in d["removed"]:
        out.print(f"  - {e['name']} {e['date_of_birth']}", highlight=False, markup=False)
    for c in d["changed"]:
        fields = ", ".join(f"{f['field']}: {f['agreed']} → {f['received']}" for f in c["changes"])
        out.print(f"  ~ {c['name']}: {fields}", highlight=False, markup=False)


@crossing_app.command("list")
def list_events(
    ctx: typer.Context, agreement: AgreementArg, stage: StageArg, as_json: Json = False
) -> None:
    """A stage's crossing events in the order recorded."""
    views = crossing.list_events(open_database(ctx), agreement_id=agreement, number=stage)
    if as_json:
        print_json([v.as_json() for v in views])
        return
    for view in views:
        _say(view)


# --- the seriously wounded --------------------------------------------------------------------


def _case(case: wounded.WoundedCase, as_json: bool) -> None:
    if as_json:
        print_json(case.as_json())
        return
    late = f"; overdue: {', '.join(case.overdue)}" if case.overdue else ""
    out.print(f"person {case.person_id}: {case.state.replace('_', ' ')}{late}", highlight=False)
    for r in case.referrals:
        out.print(f"  referred {r['referred_on']} by {r['referred_by']} {r['referrer']}".rstrip())
    for e in case.examinations:
        out.print(f"  examined {e['examined_on']} by {e['body']}: {e['decision']}")
    for c in case.consents:
        out.print(f"  consent {c['consent']} on {c['given_on']} (witnessed by {c['witnessed_by']})")
    if case.repatriation:
        out.print(f"  repatriated {case.repatriation['repatriated_on']}")


@wounded_app.command("refer")
def refer(
    ctx: typer.Context,
    person: PersonArg,
    by: Annotated[Referrer, typer.Option(help="Who referred him")],
    on: Day,
    referrer: Annotated[str, typer.Option(help="Their name")] = "",
    examine_by: Annotated[str, typer.Option(help="Deadline for the examination")] = "",
    notes: str = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """A referral for examination (Art. 113)."""
    case = wounded.refer(
        open_database(ctx),
        person_id=person,
        referred_by=by,
        referrer=referrer,
        referred_on=_day(on),
        examine_by=_day(examine_by, "--examine-by") if examine_by else None,
        notes=notes,
        actor=actor,
    )
    _case(case, as_json)


@wounded_app.command("examine")
def examine(
    ctx: typer.Context,
    person: PersonArg,
    body: Annotated[ExaminingBody, typer.Option(help="Who examined him")],
    on: Day,
    decision: Annotated[MedicalDecision, typer.Option(help="What they decided")],
    repatriate_by: Annotated[str, typer.Option(help="Deadline for the repatriation")] = "",
    notes: str = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """An examination and its decision (Art. 112)."""
    case = wounded.examine(
        open_database(ctx),
        person_id=person,
        body=body,
        examined_on=_day(on),
        decision=decision,
        repatriate_by=_day(repatriate_by, "--repatriate-by") if repatriate_by else None,
        notes=notes,
        actor=actor,
    )
    _case(case, as_json)


@wounded_app.command("consent")
def consent(
    ctx: typer.Context,
    person: PersonArg,
    answer: Annotated[Consent, typer.Option("--answer", help="given or refused")],
    on: Day,
    witnessed_by: Annotated[str, typer.Option(help="Who heard his answer")],
    notes: str = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """The prisoner's consent to repatriation, or his refusal (Art. 109 §3)."""
    case = wounded.consent(
        open_database(ctx),
        person_id=person,
        answer=answer,
        given_on=_day(on),
        witnessed_by=witnessed_by,
        notes=notes,
        actor=actor,
    )
    _case(case, as_json)


@wounded_app.command("repatriate")
def repatriate(
    ctx: typer.Context,
    person: PersonArg,
    on: Day,
    place: str = "",
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """The repatriation: only after a decision to repatriate and with his consent."""
    case = wounded.repatriate(
        open_database(ctx), person_id=person, repatriated_on=_day(on), place=place, actor=actor
    )
    _case(case, as_json)


@wounded_app.command("show")
def show(ctx: typer.Context, person: PersonArg, as_json: Json = False) -> None:
    """The person's case and the deadlines passed."""
    _case(wounded.case(open_database(ctx), person), as_json)

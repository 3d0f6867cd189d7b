"""`homecoming leads|notifications`: the leads for families' inquiries, and the messages to them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from homecoming.cli.options import Actor, Json, Reference
from homecoming.cli.runtime import (
    err,
    open_database,
    out,
    print_json,
    settings_of,
)
from homecoming.errors import InvalidInput
from homecoming.services import leads, notifications
from homecoming.tracing.lead_rules import Decision, LeadState
from homecoming.tracing.templates import TemplateName

leads_app = typer.Typer(
    help="Leads for inquiries: the queue, verify, reject.", no_args_is_help=True
)
notifications_app = typer.Typer(
    help="Messages to families: prepare, approve (a second person), send.", no_args_is_help=True
)


# --- leads -------------------------------------------------------------------------------------


@leads_app.command("list")
def list_leads(
    ctx: typer.Context,
    state: Annotated[LeadState, typer.Option(help="pending, verified or rejected")] = (
        LeadState.PENDING
    ),
    inquiry: Annotated[str | None, typer.Option(help="Only this inquiry's leads")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Json = False,
) -> None:
    """The leads queue, strongest first: the inquiry and the evidence side by side."""
    found = leads.queue(open_database(ctx), state=state, inquiry=inquiry, limit=limit)
    if as_json:
        print_json([lead.to_dict() for lead in found])
        return
    table = Table("lead", "case", "score", "sought", "evidence", "why")
    for lead in found:
        table.add_row(
            str(lead.id),
            lead.reference,
            f"{lead.score:.2f}",
            _side(lead.sought),
            _side(lead.evidence),
            "; ".join(lead.reasons),
        )
    out.print(table)


def _side(values: dict[str, str]) -> str:
    keys = ("name", "date_of_birth", "unit", "as_heard", "source", "fate")
    return "\n".join(values[k] for k in keys if values.get(k))


@leads_app.command("show")
def show_lead(
    ctx: typer.Context,
    lead_id: Annotated[int, typer.Argument(help="The lead's id")],
    as_json: Json = False,
) -> None:
    """One lead: both sides, the reasons and which name part met which."""
    lead = leads.show(open_database(ctx), lead_id)
    if as_json:
        print_json(lead.to_dict())
        return
    out.print(f"lead {lead.id} for {lead.reference}: {lead.kind}, {lead.state}, {lead.score:.2f}")
    for side, values in (("sought", lead.sought), ("evidence", lead.evidence)):
        out.print(f"{side}:", highlight=False)
        for key, value in values.items():
            out.print(f"  {key:>18}: {value}", highlight=False)
    out.print("why: " + "; ".join(lead.reasons), highlight=False)
    for part in lead.explanation.get("explanation", []):
        out.print(
            f"  {part['left']} ~ {part['right']}: {part['rule']} {part['score']}", highlight=False
        )


def _decide(ctx: typer.Context, lead_id: int, decision: Decision, reason: str, actor: str) -> None:
    result = leads.decide(
        open_database(ctx), lead_id=lead_id, decision=decision, reason=reason, actor=actor
    )
    out.print(f"lead {lead_id} {result.lead.state}; case {result.lead.reference}: {result.status}")
    if result.notification_id:
        out.print(
            f"notification {result.notification_id} prepared: a second person approves it with "
            f"`homecoming notifications approve {result.notification_id}`"
        )


LeadId = Annotated[int, typer.Argument(help="The lead's id")]


@leads_app.command("verify")
def verify(ctx: typer.Context, lead_id: LeadId, reason: str = "", actor: Actor = "cli") -> None:
    """The lead is the person sought: the case's status may move, a message is prepared."""
    _decide(ctx, lead_id, Decision.VERIFY, reason, actor)


@leads_app.command("reject")
def reject(
    ctx: typer.Context,
    lead_id: LeadId,
    reason: Annotated[str, typer.Option(help="Why not, e.g. 'different date of birth'")],
    actor: Actor = "cli",
) -> None:
    """The lead is not the person sought."""
    _decide(ctx, lead_id, Decision.REJECT, reason, actor)


@leads_app.command("reopen")
def reopen(
    ctx: typer.Context,
    lead_id: LeadId,
    reason: Annotated[str, typer.Option(help="Why the decision is undone")],
    actor: Actor = "cli",
) -> None:
    """Undo the last verify or reject (a new decision row)."""
    _decide(ctx, lead_id, Decision.REOPEN, reason, actor)


# --- notifications ------------------------------------------------------------------------------


@notifications_app.command("list")
def list_notifications(
    ctx: typer.Context,
    state: Annotated[
        notifications.NotificationState | None, typer.Option(help="e.g. prepared")
    ] = None,
    inquiry: Annotated[str | None, typer.Option(help="Only this inquiry's")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Json = False,
) -> None:
    """Messages to families, newest first (prepared ones wait for a second person)."""
    found = notifications.list_notifications(
        open_database(ctx), state=state, inquiry=inquiry, limit=limit
    )
    if as_json:
        print_json([n.to_dict() for n in found])
        return
    table = Table("id", "case", "template", "lang", "state", "prepared by", "approved by")
    for n in found:
        table.add_row(
            str(n.id), n.reference, n.template, n.language, n.state, n.prepared_by, n.approved_by
        )
    out.print(table)


@notifications_app.command("prepare")
def prepare(
    ctx: typer.Context,
    inquiry: Reference,
    template: Annotated[
        TemplateName | None, typer.Option(help="Default: the one for the case's status")
    ] = None,
    language: Annotated[str | None, typer.Option(help="uk, en or ru (default: the case's)")] = None,
    lead: Annotated[int | None, typer.Option(help="The verified lead it is about")] = None,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Prepare a message to the family from a template."""
    view = notifications.prepare(
        open_database(ctx),
        inquiry=inquiry,
        template=template,
        language=language,
        lead_id=lead,
        actor=actor,
    )
    if as_json:
        print_json(view.to_dict())
        return
    out.print(f"notification {view.id} prepared ({view.template}, {view.language}):")
    out.print(f"{view.subject}\n\n{view.body}", highlight=False)


NotificationId = Annotated[int, typer.Argument(help="The notification's id")]


@notifications_app.command("approve")
def approve(ctx: typer.Context, notification_id: NotificationId, actor: Actor = "cli") -> None:
    """Approve a prepared message (not your own): it goes to the outbox."""
    from homecoming.notify.channels import sms_configured

    view = notifications.approve(
        open_database(ctx),
        notification_id=notification_id,
        actor=actor,
        sms=sms_configured(settings_of(ctx)),
    )
    out.print(f"notification {view.id} approved by {view.approved_by}: in the outbox")


@notifications_app.command("cancel")
def cancel(
    ctx: typer.Context,
    notification_id: NotificationId,
    reason: Annotated[str, typer.Option(help="Why it is not sent")],
    actor: Actor = "cli",
) -> None:
    """Withdraw a message not yet sent."""
    notifications.cancel(
        open_database(ctx), notification_id=notification_id, reason=reason, actor=actor
    )
    out.print(f"notification {notification_id} cancelled")


@notifications_app.command("send")
def send(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="At most this many messages")] = 100,
    actor: Actor = "cli",
    as_json: Json = False,
) -> None:
    """Deliver approved messages: e-mail (HOMECOMING_SMTP_*), Web Push, SMS; failures stay."""
    from homecoming.notify import DeliveryError
    from homecoming.notify.channels import configured
    from homecoming.services import delivery

    try:
        channels = configured(settings_of(ctx))
    except DeliveryError as error:
        raise InvalidInput(str(error)) from error
    report = delivery.deliver_all(open_database(ctx), channels=channels, actor=actor, limit=limit)
    if as_json:
        print_json({"sent": report.sent, "failed": report.failed})
        return
    out.print(f"sent {len(report.sent)}, failed {len(report.failed)}")
    for notification_id, reason in report.failed.items():
        err.print(f"  notification {notification_id}: {reason}", highlight=False)
    if report.failed:
        raise typer.Exit(1)

"""`homecoming review`: the review queue from the command line."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from homecoming.cli.runtime import open_database, out, print_json

review_app = typer.Typer(
    help="Review uncertain pairs from the latest linkage run; decide them as judgements.",
    no_args_is_help=True,
)

_JSON = typer.Option("--json", help="Machine-readable output")
_ACTOR = typer.Option(help="Who decides (for the judgement and the audit log)")


class Verdict(StrEnum):
    same = "same"
    not_same = "not_same"
    unsure = "unsure"


def register(app: typer.Typer) -> None:
    """Add these commands to the `homecoming` app."""
    app.add_typer(review_app, name="review")


@review_app.command("list")
def list_pairs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Pairs to show")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Pairs to skip")] = 0,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Open pairs, the ones whose decision would change the most first."""
    from homecoming.services import review

    page = review.queue(open_database(ctx), limit=limit, offset=offset)
    if as_json:
        print_json(
            {
                "run": page.run,
                "total": page.total,
                "items": [dataclasses.asdict(i) for i in page.items],
            }
        )
        return
    if page.run is None:
        out.print("No linkage run yet: run `homecoming persons link` first.")
        return
    table = Table("pair", "priority", "p", "records", "left", "right")
    for item in page.items:
        table.add_row(
            str(item.pair_id),
            f"{item.priority:.3f}",
            f"{item.probability:.3f}",
            str(item.records_affected),
            escape(_brief(item.left)),
            escape(_brief(item.right)),
        )
    out.print(table)
    shown = f"{offset + 1}–{offset + len(page.items)}" if page.items else "none"
    out.print(f"{shown} of {page.total} open pairs (linkage run {page.run['id']})")


def _brief(side: Any) -> str:
    born = f", {side.date_of_birth}" if side.date_of_birth else ""
    return f"{side.name}{born} [record {side.id}, person {side.person_id}]"


@review_app.command("show")
def show_pair(
    ctx: typer.Context,
    pair_id: Annotated[int, typer.Argument(help="The pair's id (from `review list`)")],
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """A pair's records side by side, each comparison's weight, and Splink's waterfall."""
    from homecoming.services import review

    db = open_database(ctx)
    detail = review.show(db, pair_id)
    chart = review.waterfall(db, pair_id)
    if as_json:
        print_json(
            {
                **dataclasses.asdict(detail),
                "waterfall": {
                    "probability": chart.probability,
                    "match_weight": chart.match_weight,
                    "bars": chart.bars,
                },
            }
        )
        return
    item = detail.item
    out.print(
        f"[bold]pair {item.pair_id}[/] ({detail.status}, linkage run {detail.run_id}): "
        f"probability {item.probability:.3f}, match weight {item.match_weight:+.2f}, "
        f"{item.records_affected} records affected, priority {item.priority:.3f}"
    )
    sides = Table("", f"record {item.left.id}", f"record {item.right.id}")
    for field in ("person_id", "source", "name", "date_of_birth", "sex", "place_of_birth"):
        sides.add_row(
            field, escape(str(getattr(item.left, field))), escape(str(getattr(item.right, field)))
        )
    for field in ("service_number", "unit"):
        sides.add_row(field, escape(getattr(item.left, field)), escape(getattr(item.right, field)))
    out.print(sides)
    bars = Table("comparison", "level", "match weight", "running probability", title="waterfall")
    for bar in chart.bars:
        weight = bar["log2_bayes_factor"]
        bars.add_row(
            escape(str(bar["column_name"])),
            escape(str(bar["label_for_charts"])),
            f"{weight:+.2f}" if weight is not None else "",
            f"{bar['cumulative_probability']:.3f}",
        )
    out.print(bars)
    if detail.judgement:
        j = detail.judgement
        out.print(
            f"judgement {j['id']}: {j['decision']} by {escape(j['decided_by'])} "
            f"({escape(j['reason'])})"
        )


@review_app.command("decide")
def decide(
    ctx: typer.Context,
    pair_id: Annotated[int, typer.Argument(help="The pair's id (from `review list`)")],
    decision: Annotated[Verdict, typer.Argument(help="same, not_same or unsure")],
    reason: Annotated[str, typer.Option(help="Why (kept with the judgement)")],
    actor: Annotated[str, _ACTOR] = "cli",
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Decide a pair: a judgement row; persons are regrouped at once."""
    from homecoming.services import review
    from homecoming.services.judgements import Decision

    db = open_database(ctx)
    row = review.decide(
        db, pair_id=pair_id, decision=Decision(decision.value), reason=reason, actor=actor
    )
    summary = review.judgement_summary(row)
    if as_json:
        print_json(summary)
        return
    out.print(
        f"judgement {row.id}: records {row.record_a_id} and {row.record_b_id} "
        f"{decision.value.replace('_', ' ')}; pair {pair_id} closed"
    )


@review_app.command("judgements")
def list_judgements(
    ctx: typer.Context,
    record: Annotated[int | None, typer.Option(help="Only judgements about this record")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Judgements, newest first: who decided what about which two records, and why."""
    from homecoming.services import review

    total, rows = review.list_judgements(
        open_database(ctx), limit=limit, offset=offset, record_id=record
    )
    if as_json:
        print_json({"total": total, "items": rows})
        return
    table = Table("id", "records", "decision", "by", "at", "reason")
    for row in rows:
        decision = row["decision"] + (f" of {row['undoes']}" if row["undoes"] else "")
        table.add_row(
            str(row["id"]),
            f"{row['record_a']}, {row['record_b']}",
            decision,
            escape(row["decided_by"]),
            row["decided_at"][:19],
            escape(row["reason"]),
        )
    out.print(table)
    out.print(f"{len(rows)} of {total} judgements")


@review_app.command("undo")
def undo(
    ctx: typer.Context,
    judgement_id: Annotated[int, typer.Argument(help="The judgement to take back")],
    reason: Annotated[str, typer.Option(help="Why (kept with the undo)")],
    actor: Annotated[str, _ACTOR] = "cli",
) -> None:
    """Take a judgement back with a new row; a merge it made is split, its pair reopens."""
    from homecoming.services import review

    row = review.undo(open_database(ctx), judgement_id=judgement_id, reason=reason, actor=actor)
    out.print(f"judgement {row.id} undoes judgement {judgement_id}")

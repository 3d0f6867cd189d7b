"""`homecoming link` and `homecoming dedupe`: batch linkage of CSV files, no database needed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from homecoming.cli.runtime import err, progress_bar


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def register(app: typer.Typer) -> None:
    """Add `link` and `dedupe` to the command."""
    app.command("link")(link_command)
    app.command("dedupe")(dedupe_command)


_THRESHOLD = typer.Option(
    "--threshold", min=0.0, max=1.0, help="Match probability at or above which records link"
)
_ENGINE = typer.Option("--engine", help="duckdb (embedded) or spark (local mode here)")
_LABELS = typer.Option(
    "--labels",
    exists=True,
    dir_okay=False,
    help="CSV of human judgements: left_id,right_id,same (true/false); they always hold",
)
_OUT = typer.Option("--out", dir_okay=False, help="Where to write the result CSV")
_MODEL = typer.Option(
    "--model",
    exists=True,
    dir_okay=False,
    help="Score with this trained model (from --save-model, on either engine); no training",
)
_EM = typer.Option(
    "--em",
    help="Refine the shipped model's m by expectation maximisation on this data "
    "(thousands of rows at least); without it the shipped model scores as it is. "
    "EM's m of a level of disagreement (date of birth differs, ...) is held at the shipped "
    "model's: where many different people share names, EM took namesakes for one person "
    "(docs/linkage.md)",
)
_SAVE_MODEL = typer.Option(
    "--save-model", dir_okay=False, help="Write the trained model (Splink settings JSON) here"
)


def _load_model(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    import json

    from homecoming.errors import InvalidInput

    try:
        model = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(
            f"{path}: not a saved model ({error}); write one with --save-model"
        ) from error
    if not isinstance(model, dict) or "comparisons" not in model:
        raise InvalidInput(
            f"{path}: not a saved model (no comparisons); write one with --save-model"
        )
    return model


def _say_model(model: Path | None, em: bool, judgements: list[Any], run: Any) -> None:
    if model is not None:
        err.print(f"scored with the model in {model}")
    elif em or any(j.same for j in judgements):
        err.print("scored with the shipped match model, refined on this data")
        held = run.model.em_held
        if held:
            err.print(
                f"EM would have weighed {len(held)} levels of disagreement less against a match "
                "(namesakes taken for one person?); they keep the shipped model's m: "
                + "; ".join(held)
            )
    else:
        err.print("scored with the shipped match model (no training on this data)")


def _save_model(run: Any, path: Path | None) -> None:
    if path is not None:
        import json

        path.write_text(json.dumps(run.model.model_json(), indent=1), "utf-8")
        err.print(f"trained model written to {path}")


_INPUT = typer.Argument(
    exists=True, dir_okay=False, help="CSV (any encoding, `,` `;` or tab) or XLSX with an id column"
)


def _read(path: Path) -> Any:
    """A records table of the file: a UTF-8 CSV split by commas straight into arrow (a million
    rows in seconds); any other file, as `homecoming import` reads it (XLSX, legacy encodings
    such as cp1251, `;` or tab between cells), row by row with the same checks and messages."""
    from homecoming.linkage.inputs import read_table, records_from_lines, records_table

    if _plain_csv(path):
        return read_table(path)
    from homecoming.formats import tabular

    rows = tabular.read_table(path)
    return records_table(records_from_lines(rows, source=str(path)))


def _plain_csv(path: Path) -> bool:
    """Whether the file is UTF-8 text, every byte of it, whose first line is split by commas
    (not a workbook: `tabular.is_workbook`, as `homecoming import` tells one)."""
    import codecs

    from homecoming.formats import tabular

    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        head = chunk = handle.read(1 << 20)
        if tabular.is_workbook(path.name, head):
            return False
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    first = head.decode("utf-8", "ignore").removeprefix("\ufeff")
    return tabular.sniff_delimiter(first) == ","


@contextmanager
def _stage(description: str, total: int | None) -> Iterator[Any]:
    with progress_bar(description, total) as advance:
        yield advance


def link_command(
    left: Annotated[Path, _INPUT],
    right: Annotated[Path, _INPUT],
    out: Annotated[Path, _OUT],
    threshold: Annotated[float, _THRESHOLD] = 0.9,
    engine: Annotated[Engine, _ENGINE] = Engine.duckdb,
    labels: Annotated[Path | None, _LABELS] = None,
    model: Annotated[Path | None, _MODEL] = None,
    save_model: Annotated[Path | None, _SAVE_MODEL] = None,
    em: Annotated[bool, _EM] = False,
) -> None:
    """Link two files: write left_id,right_id,probability for each pair at or over the threshold."""
    from homecoming.linkage import pipeline
    from homecoming.linkage.judgements import read_judgements

    left_records, right_records = _read(left), _read(right)
    judgements = read_judgements(labels) if labels else []
    run = pipeline.link(
        left_records,
        right_records,
        engine=engine.value,
        threshold=threshold,
        judgements=judgements,
        stage=_stage,
        trained=_load_model(model),
        em=em,
    )
    _say_model(model, em, judgements, run)
    links = sorted(run.links(), key=lambda p: (p[0], p[1]))
    withheld = sorted((p for p in run.pairs if (p[0], p[1]) in run.withheld), key=lambda p: p[:2])
    _save_model(run, save_model)
    run.model.engine.close()
    _write_pairs(out, links)
    err.print(f"{len(links)} linked pairs written to {out}")
    if withheld:
        # A person reads them: a record met two of the other file's that cannot both be it.
        review = out.with_name(f"{out.stem}.withheld{out.suffix or '.csv'}")
        _write_pairs(review, withheld)
        err.print(
            f"{len(withheld)} pairs over the threshold withheld and written to {review}: each "
            "record met records of the other file that cannot all be it (another patronymic, "
            "date of birth, sex or service number). Decide them with --labels."
        )


def _write_pairs(path: Path, pairs: list[Any]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("left_id", "right_id", "probability"))
        writer.writerows((a, b, f"{p:.6f}") for a, b, p in pairs)


def dedupe_command(
    path: Annotated[Path, _INPUT],
    out: Annotated[Path, _OUT],
    threshold: Annotated[float, _THRESHOLD] = 0.9,
    engine: Annotated[Engine, _ENGINE] = Engine.duckdb,
    labels: Annotated[Path | None, _LABELS] = None,
    model: Annotated[Path | None, _MODEL] = None,
    save_model: Annotated[Path | None, _SAVE_MODEL] = None,
    em: Annotated[bool, _EM] = False,
) -> None:
    """Deduplicate one file: write id,cluster_id for every row (cluster_id: smallest id in it)."""
    from homecoming.linkage import pipeline
    from homecoming.linkage.inputs import record_ids
    from homecoming.linkage.judgements import read_judgements

    records = _read(path)
    judgements = read_judgements(labels) if labels else []
    run = pipeline.dedupe(
        records,
        engine=engine.value,
        threshold=threshold,
        judgements=judgements,
        stage=_stage,
        trained=_load_model(model),
        em=em,
    )
    _say_model(model, em, judgements, run)
    _save_model(run, save_model)
    run.model.engine.close()
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "cluster_id"))
        ids = record_ids(records)
        writer.writerows((i, run.clusters[i]) for i in ids)
    persons = len(set(run.clusters.values()))
    err.print(f"{len(ids)} records in {persons} clusters written to {out}")

"""Human judgements as the linkage uses them: pairs said to be the same person, or not."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from homecoming.errors import InvalidInput, RowProblem

_TRUE = {"1", "true", "yes", "same", "y", "t"}
_FALSE = {"0", "false", "no", "not_same", "different", "n", "f"}


@dataclass(frozen=True, slots=True)
class PairJudgement:
    """A human said `left_id` and `right_id` are (same=True) or are not the same person."""

    left_id: str
    right_id: str
    same: bool


def read_judgements(path: Path) -> list[PairJudgement]:
    """Read a labels CSV with columns left_id, right_id, same (true/false, same/not_same)."""
    source = str(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"left_id", "right_id", "same"} - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(f"{source}, line 1: the header lacks {', '.join(sorted(missing))}")
        found = []
        for line, row in enumerate(reader, start=2):
            verdict = (row["same"] or "").strip().lower()
            if verdict not in _TRUE | _FALSE:
                reason = f"{verdict!r} is neither same (true) nor not_same (false)"
                raise InvalidInput(
                    f"{source}, line {line}, column 'same': {reason}",
                    [RowProblem(line, "same", reason)],
                )
            found.append(
                PairJudgement(row["left_id"].strip(), row["right_id"].strip(), verdict in _TRUE)
            )
    return found


def latest_per_pair(judgements: Iterable[PairJudgement]) -> list[PairJudgement]:
    """The last word on each unordered pair (a later judgement undoes an earlier one)."""
    last: dict[tuple[str, str], PairJudgement] = {}
    for judgement in judgements:
        key = tuple(sorted((judgement.left_id, judgement.right_id)))
        last[(key[0], key[1])] = judgement
    return list(last.values())

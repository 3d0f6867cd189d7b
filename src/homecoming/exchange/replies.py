"""The other side's reply to a list: per entry, accepted, refused (with why), struck off,
under prosecution or convicted. Reading a reply file's rows, without IO.

A reply names the entry it answers by the answered list's line (`line`), and may repeat the
entry's service number as a check. Headers and answers are read in English, Ukrainian or
Russian; any bad row is reported with its line, and nothing lands (all or nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from homecoming.errors import RowProblem


class Answer(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"  # with the reason
    STRUCK_OFF = "struck_off"  # removed from the list by the other side
    UNDER_PROSECUTION = "under_prosecution"  # kept back: a criminal case is open
    CONVICTED = "convicted"  # kept back: sentenced


# Answers that say the person is prosecuted (eligibility reads them: exchange/eligibility.py).
PROSECUTION = {Answer.UNDER_PROSECUTION: "under_prosecution", Answer.CONVICTED: "convicted"}

_ANSWER_WORDS: dict[str, Answer] = {
    **{a.value: a for a in Answer},
    "accept": Answer.ACCEPTED,
    "yes": Answer.ACCEPTED,
    "agreed": Answer.ACCEPTED,
    "refuse": Answer.REFUSED,
    "no": Answer.REFUSED,
    "struck off": Answer.STRUCK_OFF,
    "struck": Answer.STRUCK_OFF,
    "under prosecution": Answer.UNDER_PROSECUTION,
    "прийнято": Answer.ACCEPTED,
    "погоджено": Answer.ACCEPTED,
    "так": Answer.ACCEPTED,
    "відмовлено": Answer.REFUSED,
    "відмова": Answer.REFUSED,
    "викреслено": Answer.STRUCK_OFF,
    "під слідством": Answer.UNDER_PROSECUTION,
    "засуджено": Answer.CONVICTED,
    "засуджений": Answer.CONVICTED,
    "принят": Answer.ACCEPTED,
    "принято": Answer.ACCEPTED,
    "согласовано": Answer.ACCEPTED,
    "да": Answer.ACCEPTED,
    "отказ": Answer.REFUSED,
    "отказано": Answer.REFUSED,
    "вычеркнут": Answer.STRUCK_OFF,
    "вычеркнуто": Answer.STRUCK_OFF,
    "под следствием": Answer.UNDER_PROSECUTION,
    "осужден": Answer.CONVICTED,
    "осуждён": Answer.CONVICTED,
}

_HEADERS: dict[str, str] = {
    "line": "line",
    "entry": "line",
    "entry_line": "line",
    "рядок": "line",
    "строка": "line",
    "№": "line",
    "answer": "answer",
    "reply": "answer",
    "відповідь": "answer",
    "ответ": "answer",
    "reason": "reason",
    "причина": "reason",
    "service_number": "service_number",
    "номер": "service_number",
    "особовий_номер": "service_number",
    "личный_номер": "service_number",
    "name": "name",
    "піб": "name",
    "фио": "name",
}


@dataclass(frozen=True, slots=True)
class ReplyLine:
    """One row of a reply: which line of the answered list, the answer and why."""

    line: int  # the reply file's line
    entry_line: int  # the answered list's line
    answer: Answer
    reason: str = ""
    service_number: str = ""


def read_answer(text: str) -> Answer | None:
    """The answer a cell says, in any of the three languages; None when unreadable."""
    key = " ".join(text.replace("_", " ").casefold().split())
    return _ANSWER_WORDS.get(key) or _ANSWER_WORDS.get(key.replace(" ", "_"))


def read_reply(
    rows: Iterable[tuple[int, Mapping[str, str]]],
) -> tuple[list[ReplyLine], list[RowProblem]]:
    """The reply's lines, and every problem with its line and field (empty when it reads)."""
    lines: list[ReplyLine] = []
    problems: list[RowProblem] = []
    for line, raw in rows:
        cells = {_HEADERS.get(_key(k), _key(k)): (v or "").strip() for k, v in raw.items()}
        if not any(cells.values()):
            continue
        found = _line(line, cells, problems)
        answer = read_answer(cells.get("answer", ""))
        if answer is None:
            known = ", ".join(a.value for a in Answer)
            problems.append(
                RowProblem(
                    line, "answer", f"{cells.get('answer', '')!r} is not an answer ({known})"
                )
            )
        reason = cells.get("reason", "")
        if answer is Answer.REFUSED and not reason:
            problems.append(RowProblem(line, "reason", "a refusal is kept with its reason"))
        if found is not None and answer is not None:
            lines.append(ReplyLine(line, found, answer, reason, cells.get("service_number", "")))
    seen: dict[int, int] = {}
    for item in lines:
        if item.entry_line in seen:
            problems.append(
                RowProblem(
                    item.line,
                    "line",
                    f"line {item.entry_line} is answered twice (also on line "
                    f"{seen[item.entry_line]})",
                )
            )
        seen.setdefault(item.entry_line, item.line)
    return lines, problems


def _line(line: int, cells: Mapping[str, str], problems: list[RowProblem]) -> int | None:
    text = cells.get("line", "")
    if not text:
        problems.append(RowProblem(line, "line", "say which line of the list this answers"))
        return None
    try:
        value = int(float(text))
    except ValueError:
        problems.append(RowProblem(line, "line", f"{text!r} is not a line number"))
        return None
    if value < 1:
        problems.append(RowProblem(line, "line", f"{value} is not a line of a list"))
        return None
    return value


def _key(header: str) -> str:
    return "_".join(header.strip().casefold().split())

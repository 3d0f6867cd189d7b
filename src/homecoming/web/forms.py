"""Reading posted forms: trimmed text fields, whole numbers, and what htmx asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request

from homecoming.errors import InvalidInput, RowProblem


def text(form: Any, name: str, *, limit: int = 2_000) -> str:
    """A form field as trimmed text ('' when missing or a file), at most `limit` characters."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def whole(form: Any, name: str, *, label: str) -> int | None:
    """A form field as a positive whole number, None when empty; InvalidInput when not one."""
    value = text(form, name, limit=20)
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise InvalidInput(
            f"{label} must be a whole number above 0, not {value!r}",
            [RowProblem(0, name, "a whole number above 0")],
        )
    return int(value)


def day(form: Any, name: str, *, label: str) -> dt.date | None:
    """A form field as a date (YYYY-MM-DD), None when empty; InvalidInput when not one."""
    value = text(form, name, limit=20)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{label} must be a date as YYYY-MM-DD, not {value!r}",
            [RowProblem(0, name, "a date as YYYY-MM-DD")],
        ) from None


def choice(form: Any, name: str, *, label: str, among: list[str]) -> str:
    """A form field that must be one of `among`; InvalidInput naming them when not."""
    value = text(form, name, limit=100)
    if value not in among:
        raise InvalidInput(
            f"{label} must be one of {', '.join(among)}, not {value!r}",
            [RowProblem(0, name, "one of " + ", ".join(among))],
        )
    return value


def is_htmx(request: Request) -> bool:
    """True when htmx sent the request (it swaps a fragment instead of loading a page)."""
    return request.headers.get("hx-request") == "true"

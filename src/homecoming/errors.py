"""One exception hierarchy; each error carries its HTTP status and a message saying what to do."""

from __future__ import annotations

from dataclasses import dataclass


class HomecomingError(Exception):
    """Base of every error Homecoming raises on purpose."""

    status_code = 400
    title = "Bad request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(HomecomingError):
    status_code = 404
    title = "Not found"


class Conflict(HomecomingError):
    status_code = 409
    title = "Conflict"


class Forbidden(HomecomingError):
    status_code = 403
    title = "Forbidden"


class Unauthorized(HomecomingError):
    """No user, or credentials that do not hold: log in or send a valid API token."""

    status_code = 401
    title = "Unauthorized"

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="homecoming"'}


class TooManyRequests(HomecomingError):
    """Too many attempts; `retry_after` says how many seconds to wait."""

    status_code = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One rejected input row: where, which field, why."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        # Line 0: input that came from no file (a form, command-line options).
        parts = [f"line {self.line}"] if self.line else []
        parts += [f"field {self.field!r}"] if self.field else []
        return f"{', '.join(parts)}: {self.reason}" if parts else self.reason


class InvalidInput(HomecomingError):
    """Input rejected as a whole; `problems` lists every bad row."""

    status_code = 422
    title = "Invalid input"

    def __init__(self, message: str, problems: list[RowProblem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class AlreadyImported(Conflict):
    title = "Already imported"


class AuditChainBroken(HomecomingError):
    status_code = 500
    title = "Audit chain broken"

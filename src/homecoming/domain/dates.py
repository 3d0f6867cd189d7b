"""Partial dates: year, month and day each optional, as real lists give them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from homecoming.errors import InvalidInput

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_MY = re.compile(r"^(\d{1,2})[./-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:\s*(?:р\.?|г\.?|рік|год))?$")


class DateParseError(InvalidInput, ValueError):
    """A text that is not a (partial) date."""


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date of which only the year, or year and month, may be known."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year is not None and not 1800 <= self.year <= 2200:
            raise DateParseError(f"year {self.year} is out of range 1800-2200")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateParseError(f"month {self.month} is not between 1 and 12")
        if self.day is not None:
            if self.month is None or self.year is None:
                raise DateParseError("a day needs a month and a year")
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError as exc:
                raise DateParseError(
                    f"{self.year:04d}-{self.month:02d}-{self.day:02d} is not a calendar date"
                ) from exc

    @property
    def is_empty(self) -> bool:
        return self.year is None

    def iso(self) -> str:
        """YYYY, YYYY-MM or YYYY-MM-DD (PFIF's form); empty when unknown."""
        if self.year is None:
            return ""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.iso()

    def age_on(self, when: dt.date) -> int | None:
        """Completed years on a date; None when the year is unknown."""
        if self.year is None:
            return None
        age = when.year - self.year
        if self.month is not None and (when.month, when.day) < (self.month, self.day or 1):
            age -= 1
        return age

    def is_in_future(self, today: dt.date) -> bool:
        """True when even the earliest day this date may mean is after `today`."""
        if self.year is None:
            return False
        return (self.year, self.month or 1, self.day or 1) > (today.year, today.month, today.day)

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @classmethod
    def parse(cls, text: str | None) -> PartialDate:
        """Parse 23.05.1987, 1987-05-23, 05.1987, 1987, 23/05/1987 or an empty cell."""
        raw = (text or "").strip()
        if not raw:
            return cls()
        if match := _ISO.match(raw):
            year, month, day = match.groups()
            return cls(int(year), _int(month), _int(day))
        if match := _DMY.match(raw):
            day, month, year = match.groups()
            return cls(int(year), int(month), int(day))
        if match := _MY.match(raw):
            month, year = match.groups()
            return cls(int(year), int(month))
        if match := _YEAR.match(raw):
            return cls(int(match.group(1)))
        raise DateParseError(
            f"{raw!r} is not a date: write DD.MM.YYYY, YYYY-MM-DD, MM.YYYY or YYYY"
        )


def _int(text: str | None) -> int | None:
    return int(text) if text else None

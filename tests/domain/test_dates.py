"""Partial dates as lists give them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecoming.domain.dates import DateParseError, PartialDate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23.05.1987", PartialDate(1987, 5, 23)),
        ("23/05/1987", PartialDate(1987, 5, 23)),
        ("1987-05-23", PartialDate(1987, 5, 23)),
        ("05.1987", PartialDate(1987, 5)),
        ("1987-05", PartialDate(1987, 5)),
        ("1987", PartialDate(1987)),
        ("1987 р.", PartialDate(1987)),
        ("1987 г.", PartialDate(1987)),
        ("  ", PartialDate()),
    ],
)
def test_parse(text: str, expected: PartialDate) -> None:
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("31.02.1990", "not a calendar date"),
        ("13.13.1990", "month 13"),
        ("born in spring", "DD.MM.YYYY"),
        ("0987", "out of range"),
    ],
)
def test_bad_dates_say_what_to_write(text: str, words: str) -> None:
    with pytest.raises(DateParseError, match=words):
        PartialDate.parse(text)


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_iso_round_trip(value: dt.date) -> None:
    date = PartialDate.from_date(value)
    assert PartialDate.parse(date.iso()) == date
    assert PartialDate.parse(value.strftime("%d.%m.%Y")) == date


def test_age() -> None:
    assert PartialDate(2000, 6, 1).age_on(dt.date(2025, 5, 23)) == 24
    assert PartialDate(2000).age_on(dt.date(2025, 5, 23)) == 25
    assert PartialDate().age_on(dt.date(2025, 5, 23)) is None

"""An import's re-match meets each inquiry with the landed evidence of its keys by year of
birth (`leads.matching._Keyed`): the same items `_born_apart` lets through, found without
asking it of every item of a common key."""

from __future__ import annotations

import itertools

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import SourceKind
from homecoming.services.leads import matching
from homecoming.tracing.lead_rules import LeadKind
from homecoming.tracing.matching import Described

YEARS = [None, 1899, 1900, 1901, 1909, 1910, 1911, 1955, 1979, 1980, 1981, 1985, 1989, 1990]
YEARS += [1991, 1995, 1999, 2000, 2001, 2005, 2009, 2010, 2011]


def _evidence() -> list[matching._Evidence]:
    """Records of every year above, each as a full name, with a service number, and as a
    surname heard alone."""
    shapes = [
        {"family_name": "Коваль", "given_names": "Андрій"},
        {"family_name": "Коваль", "given_names": "Андрій", "service_number": "А-123456"},
        {"family_name": "Коваль"},
    ]
    found = []
    for record_id, (year, shape) in enumerate(itertools.product(YEARS, shapes), start=1):
        born = PartialDate(year) if year is not None else PartialDate()
        found.append(
            matching._Evidence(
                record_id=record_id,
                person_id=None,
                kind=LeadKind.RECORD,
                sighting_id=None,
                seen=Described(date_of_birth=born, **shape),  # type: ignore[arg-type]
                source_kind=SourceKind.PARTY_LIST,
                source_party="UA",
            )
        )
    return found


@pytest.mark.parametrize("born", [None, 1900, 1909, 1910, 1985, 1990, 1999, 2000, 2001, 2010])
@pytest.mark.parametrize("few", [0, 10_000])
def test_a_key_meets_an_inquiry_with_the_items_not_born_apart(
    born: int | None, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By year of birth (`few` 0: every key is bucketed) or item by item (a key carried by few
    items), an inquiry born in `born` meets exactly the items `_born_apart` does not set apart:
    one year off, one of the last two digits different, no year, a surname heard alone, or a
    service number."""
    monkeypatch.setattr(matching, "FEW_KEYED", few)
    items = _evidence()
    keyed = matching._Keyed()
    for item in items:
        keyed.add(item)
    met = sorted(item.record_id for item in keyed.near(born, {}))
    expected = sorted(item.record_id for item in items if not matching._born_apart(born, item))
    assert met == expected
    assert len(expected) < len(items) or born is None


def test_the_years_near_a_year_are_those_one_off_or_one_of_the_last_two_digits_apart() -> None:
    assert matching._years_near(1985) == tuple(sorted({*range(1980, 1990), *range(1905, 2000, 10)}))
    # Across a decade or a century, only the year one off: 1999 beside 2000, not 1990.
    assert matching._years_near(2000) == tuple(
        sorted({1999, *range(2000, 2010), *range(2000, 2100, 10)})
    )
    assert 1990 not in matching._years_near(2000)

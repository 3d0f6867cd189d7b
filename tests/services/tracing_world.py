"""Inquiries and held lists for the tracing tests: one family's inquiry, one party's list."""

from __future__ import annotations

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, Evidence, Fate, RecordFields, Sex, SourceKind
from homecoming.services import inquiries, registry
from homecoming.store.db import Database


def inquiry(db: Database, family: str, given: str, born: int) -> int:
    """A mother's inquiry about a man born on 23 May of `born`; its id."""
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=family,
            given_names=given,
            sex=Sex.MALE,
            date_of_birth=PartialDate(born, 5, 23),
        ),
        inquirer=Contact(name=f"{family} Марія", phone="+380501234567"),
        consent=True,
        party="UA",
    )
    return inquiries.register(db, request=request, actor="liaison").id


def held_list(
    db: Database,
    party: str,
    names: list[tuple[str, str, int | None]],
    *,
    month: int | None = None,
    day: int | None = None,
) -> None:
    """`party`'s list of the people it holds (family name, given name, year of birth), the
    date of birth as far as `month` and `day` give it."""
    rows = [
        Evidence(
            line=line,
            raw={"Name": f"{family} {given}"},
            fields=RecordFields(
                family_name=family,
                given_names=given,
                date_of_birth=PartialDate(born, month, day) if born is not None else PartialDate(),
                fate=Fate.DETAINED,
            ),
        )
        for line, (family, given, born) in enumerate(names, start=2)
    ]
    source = registry.SourceInfo(kind=SourceKind.PARTY_LIST, name=f"{party}: held", party=party)
    registry.import_evidence(db, source=source, rows=rows, actor="registrar")

"""The one scope rule: who may see and touch which agreements, persons and counts.

A `Scope` is built once per request (from the API's or the UI's user) or per command (the
CLI's operator sees everything) and handed to the services, which apply it; edges never
re-write these checks. A negotiator is scoped to one party:

- they act only on agreements their party is in; any other agreement answers exactly like
  one that does not exist;
- every person they name, add or export must have a record from their party's sources;
- they declare counts, validate lists and export a stage's side only for their own party.

Every other role sees every party (`EVERY_PARTY`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from homecoming.domain.roles import Capability, Role, allows, party_scope
from homecoming.errors import Forbidden, NotFound
from homecoming.store.exchange_models import AgreementRow
from homecoming.store.models import Record, Source

_CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class Scope:
    """What one user may see: `party=None` is every party; a party code is that party only.

    `inquiries` is whether they read families' inquiries and testimonies: without it, what
    a family or a witness told (an inquiry's circumstances) is withheld wherever it shows.
    """

    party: str | None = None
    inquiries: bool = True

    @classmethod
    def of(cls, role: Role, party: str | None) -> Scope:
        """The scope of a user with this role and party."""
        return cls(party_scope(role, party), allows(role, Capability.INQUIRIES_READ))

    @property
    def everything(self) -> bool:
        return self.party is None

    def sees_agreement(self, parties: Iterable[str]) -> bool:
        """True when this scope may see an agreement between these parties."""
        return self.party is None or self.party in tuple(parties)

    def agreements(self) -> ColumnElement[bool]:
        """A filter on `AgreementRow` keeping only the agreements this scope sees."""
        if self.party is None:
            return AgreementRow.id.is_not(None)
        return (AgreementRow.party_a == self.party) | (AgreementRow.party_b == self.party)

    def acts_for(self, party: str) -> bool:
        """True when this scope may act (declare, validate, export) for `party`."""
        return self.party is None or party.upper() == self.party

    def agreement(self, session: Session, agreement_id: int) -> AgreementRow:
        """The stored agreement, or NotFound: one outside the scope looks like no agreement."""
        row = session.get(AgreementRow, agreement_id)
        if row is None or not self.sees_agreement((row.party_a, row.party_b)):
            raise NotFound(
                f"no agreement {agreement_id}; `homecoming agreements list` shows the agreements"
            )
        return row

    def own_party(self, party: str, *, doing: str) -> None:
        """Refuse a party-scoped user acting for another party (`doing` says what)."""
        if not self.acts_for(party):
            raise Forbidden(
                f"a {self.party} negotiator {doing} only for {self.party}, not for "
                f"{party.upper()}; a user of {party.upper()} or an administrator can do it"
            )

    def records(self) -> ColumnElement[bool]:
        """A filter on `Record` keeping only the records this scope sees."""
        if self.party is None:
            return Record.id.is_not(None)
        return Record.source_id.in_(select(Source.id).where(Source.party_code == self.party))

    def sources(self) -> ColumnElement[bool]:
        """A filter on `Source` keeping only the sources this scope sees."""
        if self.party is None:
            return Source.id.is_not(None)
        return Source.party_code == self.party

    def visible_persons(self, session: Session, person_ids: Iterable[int]) -> set[int]:
        """Those of these persons with at least one record this scope sees."""
        wanted = sorted(set(person_ids))
        if self.party is None:
            return set(wanted)
        found: set[int] = set()
        for start in range(0, len(wanted), _CHUNK):
            found.update(
                pid
                for pid in session.scalars(
                    select(Record.person_id)
                    .where(Record.person_id.in_(wanted[start : start + _CHUNK]), self.records())
                    .distinct()
                )
                if pid is not None
            )
        return found

    def person(self, session: Session, person_id: int, *, exists: bool) -> None:
        """Refuse a person this scope does not see, exactly as if there were no such person."""
        if not exists or person_id not in self.visible_persons(session, [person_id]):
            raise NotFound(
                f"no person {person_id}; `homecoming search` (or GET /search) finds the person"
            )


EVERY_PARTY = Scope()

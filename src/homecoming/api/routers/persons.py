"""/persons: clusters of records with their derived status, as the user's scope sees them."""

from typing import Annotated

from fastapi import Query

from homecoming.api.schemas import GUARDED, PersonDetail, PersonPage, PersonSummary, problem
from homecoming.domain.roles import Capability
from homecoming.http.deps import MAX_ID, DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import access, persons
from homecoming.services.users import Principal

router = Router(prefix="/persons", tags=["persons"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.PERSONS_READ)]


@router.get("")
def list_persons(
    db: DatabaseDep,
    user: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> PersonPage:
    """Persons in id order, a page at a time (a negotiator sees only their party's records)."""
    views = access.page_persons(db, scope=user.scope, limit=limit, offset=offset)
    return PersonPage(
        total=access.count_persons(db, scope=user.scope),
        items=[PersonSummary(**persons.summary(v)) for v in views],
    )


@router.get("/{person_id}", responses={404: problem("No such person (or none this user may see)")})
async def show_person(db: DatabaseDep, user: Reader, person_id: IdPath) -> PersonDetail:
    """A person's records, status, timeline and contradictions."""
    # In the event loop: two indexed reads that never wait on a lock cost less than the hop
    # to a worker thread (and the contention for the interpreter that comes with it).
    view = access.show_person(db, person_id, scope=user.scope)
    return PersonDetail(**persons.detail(view))

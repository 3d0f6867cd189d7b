"""/persons: clusters of records with their derived status."""

from typing import Annotated

from fastapi import APIRouter, Query

from homecoming.api.deps import DatabaseDep
from homecoming.api.schemas import PersonDetail, PersonPage, PersonSummary
from homecoming.services import persons

router = APIRouter(prefix="/persons", tags=["persons"])


@router.get("")
def list_persons(
    db: DatabaseDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PersonPage:
    """Persons in id order, a page at a time."""
    items = [
        PersonSummary(**persons.summary(v)) for v in persons.page(db, limit=limit, offset=offset)
    ]
    return PersonPage(total=persons.count(db), items=items)


@router.get("/{person_id}", responses={404: {"description": "No such person"}})
def show_person(db: DatabaseDep, person_id: int) -> PersonDetail:
    """A person's records, status, timeline and contradictions."""
    return PersonDetail(**persons.detail(persons.show(db, person_id)))

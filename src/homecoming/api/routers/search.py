"""/search: a name in any alphabet, ranked persons with why each matched."""

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from homecoming.api.deps import SearchDep, requires
from homecoming.api.schemas import GUARDED, SearchHit
from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Capability
from homecoming.search.index import Query as SearchQuery
from homecoming.services import access
from homecoming.services.users import Principal

router = APIRouter(prefix="/search", tags=["search"], responses=GUARDED)


@router.get("")
async def search(
    search_service: SearchDep,
    user: Annotated[Principal, requires(Capability.PERSONS_READ)],
    q: Annotated[str, Query(min_length=1, max_length=300, examples=["Oleksandr Nekhir"])],
    born: Annotated[str | None, Query(examples=["1987", "23.05.1987"])] = None,
    sex: Annotated[str | None, Query(pattern="^(male|female|other)$")] = None,
    unit: str = "",
    service_number: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[SearchHit]:
    """Persons ranked by how well their best record fits; each with the reasons."""
    # In the event loop, not a worker thread: a search is a short computation and a one-row
    # read, cheaper than the thread hop. Only the first, which loads the index, goes to one.
    if not search_service.ready:
        await run_in_threadpool(search_service.index)
    query = SearchQuery(
        text=q, born=PartialDate.parse(born), sex=sex, unit=unit, service_number=service_number
    )
    hits = access.search(search_service, query, party=user.party_scope, limit=limit)
    return [SearchHit.model_validate(dataclasses.asdict(hit)) for hit in hits]

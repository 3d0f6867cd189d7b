"""/search: a name in any alphabet, ranked persons with why each matched."""

from typing import Annotated

from fastapi import Query, Request, Response
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool

from homecoming.api.schemas import GUARDED, SearchHit
from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Capability
from homecoming.http.deps import SearchDep
from homecoming.http.guard import requires
from homecoming.http.marks import marks_of
from homecoming.http.routing import Router
from homecoming.search.index import Hit
from homecoming.search.index import Query as SearchQuery
from homecoming.services import access
from homecoming.services.users import Principal

router = Router(prefix="/search", tags=["search"], responses=GUARDED)


# A hit has exactly SearchHit's fields (tests/api/test_app.py holds them equal): the
# hits are written as JSON as they are, not copied into models and validated again.
HITS = TypeAdapter(list[Hit])


@router.get("", response_model=list[SearchHit])
async def search(
    request: Request,
    search_service: SearchDep,
    user: Annotated[Principal, requires(Capability.PERSONS_READ)],
    q: Annotated[str, Query(min_length=1, max_length=300, examples=["Oleksandr Nekhir"])],
    born: Annotated[str | None, Query(examples=["1987", "23.05.1987"])] = None,
    sex: Annotated[str | None, Query(pattern="^(male|female|other)$")] = None,
    unit: str = "",
    service_number: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    """Persons ranked by how well their best record fits; each with the reasons."""
    # In the event loop, not a worker thread: a search is a short computation and a one-row
    # read, cheaper than the thread hop. Only the first, which loads the index, goes to one.
    if not search_service.ready:
        await run_in_threadpool(search_service.index)
    query = SearchQuery(
        text=q, born=PartialDate.parse(born), sex=sex, unit=unit, service_number=service_number
    )
    # The head as read for this request's user (one read of the audit head, off the loop).
    head = (await marks_of(request)).head
    hits = access.search(search_service, query, scope=user.scope, limit=limit, head=head)
    return Response(HITS.dump_json(hits), media_type="application/json")

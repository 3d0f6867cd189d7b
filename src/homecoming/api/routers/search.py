"""/search: a name in any alphabet, ranked persons with why each matched."""

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query

from homecoming.api.deps import SearchDep
from homecoming.api.schemas import SearchHit
from homecoming.domain.dates import PartialDate
from homecoming.search.index import Query as SearchQuery

router = APIRouter(prefix="/search", tags=["search"])


@router.get("")
def search(
    search_service: SearchDep,
    q: Annotated[str, Query(min_length=1, max_length=300, examples=["Oleksandr Nekhir"])],
    born: Annotated[str | None, Query(examples=["1987", "23.05.1987"])] = None,
    sex: Annotated[str | None, Query(pattern="^(male|female|other)$")] = None,
    unit: str = "",
    service_number: str = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[SearchHit]:
    """Persons ranked by how well their best record fits; each with the reasons."""
    query = SearchQuery(
        text=q, born=PartialDate.parse(born), sex=sex, unit=unit, service_number=service_number
    )
    hits = search_service.search(query, limit=limit)
    return [SearchHit.model_validate(dataclasses.asdict(hit)) for hit in hits]

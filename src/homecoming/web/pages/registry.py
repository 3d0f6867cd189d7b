"""Search as you type, a person's evidence, and the list of sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.roles import Capability, allows
from homecoming.errors import HomecomingError
from homecoming.exchange.wounded import Consent, ExaminingBody, MedicalDecision, Referrer
from homecoming.http.deps import DatabaseDep, SearchDep
from homecoming.http.routing import Router
from homecoming.search.index import Hit
from homecoming.search.index import Query as SearchQuery
from homecoming.services import access, negotiation, persons, wounded
from homecoming.services.search import SearchService
from homecoming.services.users import Principal
from homecoming.store.db import Database
from homecoming.web.security import page_requires
from homecoming.web.templating import render

router = Router(prefix="/ui", include_in_schema=False)
Reader = Annotated[Principal, page_requires(Capability.PERSONS_READ)]
SEARCH_LIMIT = 20


@dataclass(frozen=True, slots=True)
class Found:
    """What was typed in the search box and what it found (`born_error`: unreadable date)."""

    q: str
    born: str
    hits: list[Hit]
    born_error: bool


def _found(
    search_service: SearchDep,
    user: Reader,
    q: Annotated[str, Query(max_length=300)] = "",
    born: Annotated[str, Query(max_length=20)] = "",
) -> Found:
    hits, born_error = _search(search_service, user, q, born)
    return Found(q=q, born=born, hits=hits, born_error=born_error)


FoundDep = Annotated[Found, Depends(_found)]


@router.get("/search")
def search_page(request: Request, user: Reader, found: FoundDep) -> HTMLResponse:
    """The search box; with `q`, the results too (so the page works without script)."""
    return render(
        request,
        "search.html",
        user=user,
        active="search",
        q=found.q,
        born=found.born,
        hits=found.hits,
        born_error=found.born_error,
    )


@router.get("/search/results")
def search_results(request: Request, user: Reader, found: FoundDep) -> HTMLResponse:
    """The results alone, for htmx to swap in as the user types."""
    response = render(
        request,
        "_search_results.html",
        user=user,
        q=found.q,
        hits=found.hits,
        born_error=found.born_error,
    )
    # The address bar follows the query, so reload and back show the same results.
    response.headers["HX-Replace-Url"] = "/ui/search?" + urlencode(
        {"q": found.q, "born": found.born}
    )
    return response


def _search(service: SearchService, user: Principal, q: str, born: str) -> tuple[list[Hit], bool]:
    text = q.strip()
    try:
        date = PartialDate.parse(born.strip()) if born.strip() else PartialDate()
    except DateParseError:
        return [], True
    if not text:
        return [], False
    query = SearchQuery(text=text, born=date)
    return access.search(service, query, scope=user.scope, limit=SEARCH_LIMIT), False


@router.get("/persons/{person_id}")
def person_page(request: Request, db: DatabaseDep, user: Reader, person_id: int) -> HTMLResponse:
    """A person: status and its basis, timeline, contradictions, and every linked record."""
    return person_view(request, db, user, person_id)


def person_view(
    request: Request,
    db: Database,
    user: Principal,
    person_id: int,
    *,
    error: HomecomingError | None = None,
    posted: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The person page; with `error` and `posted`, again after a refused wounded-case form."""
    view = access.show_person(db, person_id, scope=user.scope)
    detail = persons.detail(view)
    flagged = {r for c in detail["contradictions"] for r in c["records"]}
    return render(
        request,
        "person.html",
        user=user,
        active="search",
        status=status,
        person=detail,
        flagged=flagged,
        history=negotiation.history(db, person_id, scope=user.scope),
        wounded=wounded.case(db, person_id, scope=user.scope),
        may_examine=allows(user.role, Capability.EXCHANGES_WRITE),
        may_repatriate=allows(user.role, Capability.HANDOVERS_RECORD),
        wounded_error=error,
        posted=posted or {},
        referrers=[str(r) for r in Referrer],
        bodies=[str(b) for b in ExaminingBody],
        decisions=[str(d) for d in MedicalDecision],
        answers=[str(c) for c in Consent],
    )


@router.get("/sources")
def sources_page(
    request: Request,
    db: DatabaseDep,
    user: Annotated[Principal, page_requires(Capability.SOURCES_READ)],
) -> HTMLResponse:
    """Every source this user may see, newest first."""
    return render(
        request,
        "sources.html",
        user=user,
        active="sources",
        sources=access.sources(db, scope=user.scope),
    )

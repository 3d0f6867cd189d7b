"""/sources: where evidence came from."""

from typing import Annotated

from fastapi import APIRouter

from homecoming.api.deps import DatabaseDep, requires
from homecoming.api.schemas import GUARDED, SourceOut
from homecoming.domain.roles import Capability
from homecoming.services import access
from homecoming.services.users import Principal

router = APIRouter(prefix="/sources", tags=["sources"], responses=GUARDED)


@router.get("")
def list_sources(
    db: DatabaseDep, user: Annotated[Principal, requires(Capability.SOURCES_READ)]
) -> list[SourceOut]:
    """Every source, newest first (a negotiator sees only their party's)."""
    return [
        SourceOut(
            id=s.id,
            kind=s.kind,
            name=s.name,
            party=s.party_code,
            received_at=s.received_at.isoformat(),
            file_name=s.file_name,
            content_hash=s.content_hash,
            records=s.row_count,
        )
        for s in access.sources(db, party=user.party_scope)
    ]

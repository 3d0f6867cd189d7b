"""/sources: where evidence came from."""

from fastapi import APIRouter
from sqlalchemy import select

from homecoming.api.deps import DatabaseDep
from homecoming.api.schemas import SourceOut
from homecoming.store.models import Source

router = APIRouter(prefix="/sources", tags=["sources"])


@router.get("")
def list_sources(db: DatabaseDep) -> list[SourceOut]:
    """Every source, newest first."""
    with db.reading() as session:
        rows = session.scalars(select(Source).order_by(Source.id.desc())).all()
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
            for s in rows
        ]

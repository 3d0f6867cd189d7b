"""/health: answers without login, for load balancers and `make demo`."""

from homecoming import __version__
from homecoming.api.schemas import Health
from homecoming.http.deps import DatabaseDep
from homecoming.http.routing import Router

router = Router(tags=["health"])


@router.get("/health")
def health(db: DatabaseDep) -> Health:
    """The service is up and its database has the schema."""
    db.check_ready()
    return Health(status="ok", version=__version__, database=db.dialect)

"""/reconciliation: agreed vs listed vs delivered, per stage and category, both parties."""

from typing import Annotated

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_exchanges import ReconciliationOut
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import reconciliation
from homecoming.services.users import Principal

router = Router(prefix="/reconciliation", tags=["reconciliation"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]


@router.get("/{agreement_id}", responses={404: problem("No such agreement")})
def reconcile(db: DatabaseDep, user: Reader, agreement_id: IdPath) -> ReconciliationOut:
    """Per stage and category, both sides: agreed, listed, delivered, each party's declared
    count beside ours, mismatches by name, and the running total against the agreement."""
    result = reconciliation.reconciliation(db, agreement_id=agreement_id, scope=user.scope)
    return ReconciliationOut.model_validate(reconciliation.as_dict(result))

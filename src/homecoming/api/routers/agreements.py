"""/agreements: the deal between two parties, its categories, parity rules and planned stages."""

from typing import Annotated

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_exchanges import AgreementIn, AgreementOut
from homecoming.domain.roles import Capability
from homecoming.exchange.agreement import agreement_from_mapping
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import agreements
from homecoming.services.users import Principal

router = Router(prefix="/agreements", tags=["agreements"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, requires(Capability.EXCHANGES_WRITE)]


def agreement_out(view: agreements.AgreementView) -> AgreementOut:
    """The response model of a stored agreement."""
    return AgreementOut.model_validate(view.to_dict())


@router.get("")
def list_agreements(db: DatabaseDep, user: Reader) -> list[AgreementOut]:
    """Every agreement, newest first (a negotiator sees those their party is in)."""
    return [agreement_out(v) for v in agreements.list_agreements(db, scope=user.scope)]


@router.post(
    "",
    status_code=201,
    responses={409: problem("An agreement of that name exists"), 422: problem("Inconsistent")},
)
def create_agreement(db: DatabaseDep, user: Writer, body: AgreementIn) -> AgreementOut:
    """Create an agreement: categories with eligibility and parity, and the planned stages."""
    agreement = agreement_from_mapping(body.model_dump())
    view = agreements.create_agreement(
        db, agreement=agreement, actor=user.username, scope=user.scope
    )
    return agreement_out(view)


@router.get("/{agreement_id}", responses={404: problem("No such agreement")})
def show_agreement(db: DatabaseDep, user: Reader, agreement_id: IdPath) -> AgreementOut:
    """One agreement with its categories and stages."""
    return agreement_out(agreements.get_agreement(db, agreement_id, scope=user.scope))

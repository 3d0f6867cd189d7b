"""/wounded: the seriously wounded and sick from referral to repatriation (GCIII Art. 109-113)."""

from typing import Annotated, Any

from homecoming.api.schemas import GUARDED, problem
from homecoming.api.schemas_history import (
    ConsentIn,
    ExaminationIn,
    ReferralIn,
    RepatriationIn,
    WoundedCaseOut,
)
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep, IdPath
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import wounded
from homecoming.services.users import Principal

router = Router(prefix="/wounded", tags=["wounded"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.EXCHANGES_READ)]
Writer = Annotated[Principal, requires(Capability.EXCHANGES_WRITE)]
Recorder = Annotated[Principal, requires(Capability.HANDOVERS_RECORD)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: problem("No such person (or none this user may see)")
}


def _out(case: wounded.WoundedCase) -> WoundedCaseOut:
    return WoundedCaseOut.model_validate(case.as_json())


@router.get("/{person_id}", responses=NOT_FOUND)
def show_case(db: DatabaseDep, user: Reader, person_id: IdPath) -> WoundedCaseOut:
    """The person's case: referrals, examinations, consents, repatriation, deadlines passed."""
    return _out(wounded.case(db, person_id, scope=user.scope))


@router.post("/{person_id}/referrals", status_code=201, responses=NOT_FOUND)
def refer(db: DatabaseDep, user: Writer, person_id: IdPath, body: ReferralIn) -> WoundedCaseOut:
    """A referral for examination: by himself, a doctor, the protecting power or the ICRC."""
    case = wounded.refer(
        db,
        person_id=person_id,
        referred_by=body.referred_by,
        referrer=body.referrer,
        referred_on=body.referred_on,
        examine_by=body.examine_by,
        notes=body.notes,
        actor=user.username,
        scope=user.scope,
    )
    return _out(case)


@router.post("/{person_id}/examinations", status_code=201, responses=NOT_FOUND)
def examine(
    db: DatabaseDep, user: Writer, person_id: IdPath, body: ExaminationIn
) -> WoundedCaseOut:
    """An examination by a mixed medical commission or the detaining power's doctors."""
    case = wounded.examine(
        db,
        person_id=person_id,
        body=body.body,
        examined_on=body.examined_on,
        decision=body.decision,
        repatriate_by=body.repatriate_by,
        notes=body.notes,
        actor=user.username,
        scope=user.scope,
    )
    return _out(case)


@router.post("/{person_id}/consents", status_code=201, responses=NOT_FOUND)
def consent(db: DatabaseDep, user: Writer, person_id: IdPath, body: ConsentIn) -> WoundedCaseOut:
    """The prisoner's consent to repatriation, or his refusal (Art. 109 §3)."""
    case = wounded.consent(
        db,
        person_id=person_id,
        answer=body.consent,
        given_on=body.given_on,
        witnessed_by=body.witnessed_by,
        notes=body.notes,
        actor=user.username,
        scope=user.scope,
    )
    return _out(case)


@router.post(
    "/{person_id}/repatriation",
    status_code=201,
    responses={**NOT_FOUND, 409: problem("No decision to repatriate, or no consent")},
)
def repatriate(
    db: DatabaseDep, user: Recorder, person_id: IdPath, body: RepatriationIn
) -> WoundedCaseOut:
    """The repatriation: only after a decision to repatriate and with his consent."""
    case = wounded.repatriate(
        db,
        person_id=person_id,
        repatriated_on=body.repatriated_on,
        place=body.place,
        actor=user.username,
        scope=user.scope,
    )
    return _out(case)

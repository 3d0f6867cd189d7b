"""The seriously wounded and sick (GCIII Art. 109-113): who may refer a prisoner, who examines
him, what the examination may decide, his consent, the deadlines; and where a case stands.
No IO.

- Art. 113: a prisoner may be referred by himself, by a doctor (one of his compatriots or of
  the detaining power), by the protecting power, or by the ICRC (a body that assists POWs).
- Art. 112: a mixed medical commission examines and decides; Art. 112 §2 (and Annex II)
  lets the detaining power's doctors decide manifest cases.
- Art. 110: the seriously wounded and sick are repatriated directly; others may be
  accommodated in a neutral country.
- Art. 109 §3: no sick or injured prisoner is repatriated against his will.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from homecoming.errors import Conflict, InvalidInput


class Referrer(StrEnum):
    SELF = "self"
    DOCTOR = "doctor"
    PROTECTING_POWER = "protecting_power"
    ICRC = "icrc"


class ExaminingBody(StrEnum):
    MIXED_MEDICAL_COMMISSION = "mixed_medical_commission"  # Art. 112 §1
    DETAINING_POWER_DOCTORS = "detaining_power_doctors"  # Art. 112 §2, manifest cases


class MedicalDecision(StrEnum):
    REPATRIATE = "repatriate"  # Art. 110 §1: seriously wounded or sick
    ACCOMMODATE_NEUTRAL = "accommodate_neutral"  # Art. 110 §2
    NOT_ELIGIBLE = "not_eligible"


class Consent(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The latest of each step of one prisoner's case (None where there is none yet)."""

    referred_on: dt.date | None = None
    examine_by: dt.date | None = None
    examined_on: dt.date | None = None
    decision: MedicalDecision | None = None
    repatriate_by: dt.date | None = None
    consent: Consent | None = None
    consent_on: dt.date | None = None
    repatriated_on: dt.date | None = None


def seriously_wounded(decision: MedicalDecision | None) -> bool:
    """What a category of the seriously wounded reads: the examination's decision."""
    return decision is MedicalDecision.REPATRIATE


def state(facts: CaseFacts) -> str:
    """Where the case stands: referred, examined, awaiting consent, refused, ready, repatriated."""
    if facts.repatriated_on is not None:
        return "repatriated"
    if facts.decision is None:
        return "referred" if facts.referred_on is not None else "none"
    if facts.decision is not MedicalDecision.REPATRIATE:
        return str(facts.decision)
    if facts.consent is Consent.REFUSED:
        return "consent_refused"
    if facts.consent is None:
        return "awaiting_consent"
    return "ready"


def overdue(facts: CaseFacts, *, today: dt.date) -> list[str]:
    """The deadlines passed with their step not done: 'examination', 'repatriation'."""
    late = []
    if facts.examine_by is not None and facts.examined_on is None and today > facts.examine_by:
        late.append("examination")
    waiting = facts.decision is MedicalDecision.REPATRIATE and facts.repatriated_on is None
    if waiting and facts.repatriate_by is not None and today > facts.repatriate_by:
        late.append("repatriation")
    return late


def check_examination(
    *, examined_on: dt.date, referred_on: dt.date | None, repatriate_by: dt.date | None
) -> None:
    if referred_on is not None and examined_on < referred_on:
        raise InvalidInput(
            f"the examination ({examined_on}) cannot come before the referral ({referred_on})"
        )
    if repatriate_by is not None and repatriate_by < examined_on:
        raise InvalidInput("the repatriation deadline comes after the examination")


def check_repatriation(facts: CaseFacts, *, on: dt.date) -> None:
    """Refuse a repatriation the case does not allow: no decision to repatriate, no consent
    (Art. 109 §3: never against his will), or a date before either."""
    if facts.decision is not MedicalDecision.REPATRIATE or facts.examined_on is None:
        raise Conflict(
            "no examination has decided this prisoner is to be repatriated (record one with "
            "`homecoming wounded examine`)"
        )
    if facts.consent is not Consent.GIVEN or facts.consent_on is None:
        said = "refused" if facts.consent is Consent.REFUSED else "not been asked"
        raise Conflict(
            f"the prisoner has {said}: no one is repatriated against his will (GCIII Art. 109); "
            "record his consent with `homecoming wounded consent`"
        )
    if on < max(facts.examined_on, facts.consent_on):
        raise InvalidInput(f"the repatriation ({on}) comes after the decision and the consent")

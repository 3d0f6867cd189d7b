"""Request and response models of remains: handovers by count, cases, steps, references."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from homecoming.tracing.remains import Relation, Step

MAX_COUNT = 1_000_000


class BagIn(BaseModel):
    """One bag or case as received."""

    label: str = Field(min_length=1, max_length=100, examples=["RU-0611-01"])
    persons: int = Field(default=1, ge=1, le=100, description="Several persons in one bag")
    same_as: str = Field(default="", max_length=100, description="Another bag of the same person")
    other_side: bool = Field(default=False, description="The handing side's own dead")
    tag: str = Field(default="", max_length=400, description="A tag returned with the remains")


class ReceiveIn(BaseModel):
    day: dt.date = Field(examples=["2025-06-11"])
    from_party: str = Field(min_length=1, max_length=8, examples=["RU"])
    to_party: str = Field(min_length=1, max_length=8, examples=["UA"])
    bags: list[BagIn] = Field(min_length=1, max_length=10_000)
    declared: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    agreement_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    category: str = Field(default="", max_length=50)
    stage: int | None = Field(default=None, ge=1, le=1000)
    place: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)


class DeclareIn(BaseModel):
    count: int = Field(ge=0, le=MAX_COUNT, description="The handing side's declared count")


class HandoverOut(BaseModel):
    id: int
    day: str
    from_party: str
    to_party: str
    agreement_id: int | None
    category: str
    stage: int | None
    place: str
    declared: int | None
    received: int
    bags: int
    other_side: int
    sent_back: int
    returns: int
    reconciliation: str = Field(examples=["received 60 of 61 declared"])


class PartyTotalOut(BaseModel):
    party: str
    handovers: int
    declared: int
    received: int
    reconciliation: str


class RemainsOut(BaseModel):
    handovers: list[HandoverOut]
    by_party: list[PartyTotalOut]


class StepIn(BaseModel):
    step: Step
    individual: int = Field(default=1, ge=1, le=100)
    inquiry: str | None = Field(default=None, max_length=32, examples=["HC-2026-000001"])
    method: str = Field(default="", max_length=24, examples=["dna"])
    institution: str = Field(default="", max_length=200)
    lab_reference: str = Field(default="", max_length=100)
    notes: str = Field(default="", max_length=4000)


class StepOut(BaseModel):
    id: int
    step: str
    individual: int
    inquiry: str | None
    method: str
    institution: str
    lab_reference: str
    notes: str
    recorded_by: str
    recorded_at: str
    confirmed_by: str | None
    confirmed_at: str | None
    needs_confirmation: bool
    lead_id: int | None


class ConfirmedOut(BaseModel):
    step: StepOut
    inquiry_status: str | None
    notification_id: int | None


class PhotoOut(BaseModel):
    id: int
    case: str
    description: str
    media_type: str
    consent: bool
    url: str


class CaseOut(BaseModel):
    id: int
    reference: str
    handover_id: int
    from_party: str
    day: str
    bag_label: str
    persons: int
    same_as: str | None
    other_side: bool
    returned_in: int | None
    tag: str
    notes: str
    last_step: str
    identified: list[str]
    steps: list[StepOut]
    photos: list[PhotoOut]


class ReferenceIn(BaseModel):
    inquiry: str = Field(min_length=1, max_length=32, examples=["HC-2026-000001"])
    relation: Relation
    taken_on: dt.date
    institution: str = Field(min_length=1, max_length=200)
    institution_reference: str = Field(min_length=1, max_length=100)
    place: str = Field(default="", max_length=200)
    investigator_order: str = Field(default="", max_length=200)
    consent: bool = Field(description="The donor signed their consent (required)")


class ReferenceOut(BaseModel):
    id: int
    inquiry: str
    relation: str
    taken_on: str
    place: str
    institution: str
    institution_reference: str
    investigator_order: str
    consent: bool
    recorded_by: str


class ReferencesOut(BaseModel):
    inquiry: str
    enough: bool = Field(description="A parent or a child, or two siblings")
    references: list[ReferenceOut]


class QueueItemOut(BaseModel):
    inquiry: str
    name: str
    status: str
    references: int
    relations: list[str]


class RecogniseIn(BaseModel):
    inquiry: str = Field(min_length=1, max_length=32, examples=["HC-2026-000001"])
    notes: str = Field(default="", max_length=2000)


class RecognisedOut(BaseModel):
    lead: int
    case: str
    inquiry: str

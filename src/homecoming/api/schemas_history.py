"""Response and request models of a person's negotiation history, reply lists, the crossing
and the seriously wounded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from homecoming.exchange.wounded import Consent, ExaminingBody, MedicalDecision, Referrer


class HistoryEventOut(BaseModel):
    at: str = Field(examples=["2025-05-20T10:00:00+00:00", "2025-06-02"])
    kind: str = Field(examples=["offered", "refused", "placed", "handed_over"])
    agreement_id: int | None
    agreement: str = Field(examples=["1000 for 1000"])
    party: str = Field(examples=["RU"])
    recorded_by: str
    details: dict[str, Any]
    text: str = Field(description="The step in one English line")


class PersonHistoryOut(BaseModel):
    person_id: int
    events: list[HistoryEventOut]


class ReplyOut(BaseModel):
    id: int
    agreement_id: int
    list_version_id: int
    party: str = Field(description="The side that answered", examples=["RU"])
    file_name: str
    content_hash: str
    received_at: str
    received_from: str
    answers: dict[str, int] = Field(examples=[{"accepted": 12, "refused": 3}])
    created_by: str


class UnlistedArrivalIn(BaseModel):
    party: str = Field(description="The side that handed the person over", examples=["RU"])
    family_name: str = Field(min_length=1, max_length=200, examples=["Гончаренко"])
    given_names: str = Field(default="", max_length=200)
    patronymic: str = Field(default="", max_length=200)
    date_of_birth: str = Field(default="", max_length=20, examples=["1994-02-02", "1994"])
    service_number: str = Field(default="", max_length=100)
    checked_by: str = Field(min_length=1, max_length=200, description="Who checked the identity")
    methods: list[str] = Field(
        examples=[["documents", "photo"]], description="documents, photo, questions"
    )
    notes: str = Field(default="", max_length=2000)


class NotHandedOverIn(BaseModel):
    party: str = Field(description="The side that brought the person", examples=["RU"])
    person_id: int = Field(ge=1)
    reason: str = Field(max_length=2000, examples=["escort ordered him back"])


class CrossingOut(BaseModel):
    id: int
    stage: int
    party: str
    kind: str = Field(examples=["arrived_unlisted", "list_differs", "taken_back", "returned"])
    person_id: int | None
    record_id: int | None = Field(description="The evidence that landed, if any")
    handover_id: int | None
    checked_by: str
    check_methods: list[str]
    details: dict[str, Any]
    reason: str
    recorded_by: str
    recorded_at: str


class ListCheckOut(BaseModel):
    agreed: int
    received: int
    differs: bool
    event: CrossingOut | None


class ReferralIn(BaseModel):
    referred_by: Referrer
    referred_on: dt.date
    referrer: str = Field(default="", max_length=200)
    examine_by: dt.date | None = None
    notes: str = Field(default="", max_length=2000)


class ExaminationIn(BaseModel):
    body: ExaminingBody
    examined_on: dt.date
    decision: MedicalDecision
    repatriate_by: dt.date | None = None
    notes: str = Field(default="", max_length=2000)


class ConsentIn(BaseModel):
    consent: Consent
    given_on: dt.date
    witnessed_by: str = Field(max_length=200)
    notes: str = Field(default="", max_length=2000)


class RepatriationIn(BaseModel):
    repatriated_on: dt.date
    place: str = Field(default="", max_length=200)


class WoundedCaseOut(BaseModel):
    person_id: int
    state: str = Field(examples=["referred", "awaiting_consent", "ready", "repatriated"])
    overdue: list[str] = Field(examples=[["examination"]])
    referrals: list[dict[str, Any]]
    examinations: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    repatriation: dict[str, Any] | None

"""Request and response models of tracing: inquiries, testimonies, leads, notifications."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from homecoming.domain.record import Category, Sex
from homecoming.tracing.inquiry import FamilyStatus, SharingScope


class SoughtIn(BaseModel):
    """Whom the family is looking for (GCIII Art. 17/122, law 2505-VIII's fields)."""

    family_name: str = Field(default="", max_length=200, examples=["Нехір"])
    given_names: str = Field(default="", max_length=200, examples=["Олександр"])
    patronymic: str = Field(default="", max_length=200, examples=["Іванович"])
    full_name: str = Field(default="", max_length=400, description="When the name is not split")
    sex: Sex | None = Field(default=None, examples=["male"])
    date_of_birth: str = Field(
        default="", description="YYYY, YYYY-MM or YYYY-MM-DD", examples=["1987-05-23"]
    )
    place_of_birth: str = Field(default="", max_length=300, examples=["Чернігів"])
    category: Category | None = Field(default=None, examples=["serviceman"])
    rank: str = Field(default="", max_length=100, examples=["старший солдат"])
    unit: str = Field(default="", max_length=300, examples=["36 ОБрМП"])
    service_number: str = Field(default="", max_length=100, examples=["ТС-716490"])
    last_seen: str = Field(default="", description="When last seen (partial date)")
    last_seen_place: str = Field(default="", max_length=300, examples=["Маріуполь"])
    distinguishing_marks: str = Field(default="", examples=["шрам на лівій руці"])


class InquirerIn(BaseModel):
    """Who asks. Kept in the protected contacts table; read only by contacts.read holders."""

    name: str = Field(min_length=1, max_length=300, examples=["Нехір Марія"])
    relation: str = Field(default="", max_length=100, examples=["мати"])
    phone: str = Field(default="", max_length=100, examples=["+380501234567"])
    email: str = Field(default="", max_length=300, examples=["maria@example.org"])
    address: str = Field(default="", examples=["Чернігів, вул. Миру, 1"])


class InquiryIn(BaseModel):
    """A family's inquiry: whom, who asks, consent and how far it may be shared."""

    sought: SoughtIn
    inquirer: InquirerIn
    consent: bool = Field(description="The family consents to sharing beyond the bureau")
    sharing_scope: SharingScope = Field(
        default=SharingScope.BUREAU,
        description="bureau only; also the ICRC; also the other party (needs consent)",
    )
    harm_risk: bool = Field(
        default=False,
        description="Telling the other party could harm the person or family (GCIV Art. 137)",
    )
    language: Literal["uk", "en", "ru"] = Field(default="uk", description="Messages' language")
    call_sign: str = Field(default="", max_length=100, examples=["Грім"])
    circumstances: str = Field(default="", examples=["зник під час бою біля Маріуполя"])
    party: str | None = Field(default=None, description="The family's side", examples=["UA"])
    received_via: str = Field(default="", max_length=100, examples=["hotline"])


class RegisteredOut(BaseModel):
    id: int = Field(examples=[123])
    reference: str = Field(
        description="The case reference given to the family", examples=["HC-2026-000123"]
    )
    record_id: int = Field(description="The registry record holding the sought person")
    family_access_code: str = Field(
        default="",
        description="The code the family opens /family with: given here once, never kept",
    )


class InquiryOut(BaseModel):
    """An inquiry as tracing officers see it (never the inquirer's contact details)."""

    id: int
    reference: str = Field(examples=["HC-2026-000123"])
    record_id: int
    person_id: int | None
    party: str | None
    name: str = Field(examples=["Нехір Олександр Іванович"])
    date_of_birth: str
    unit: str
    last_seen: str
    last_seen_place: str
    call_sign: str
    circumstances: str
    distinguishing_marks: str
    consent: bool
    sharing_scope: SharingScope
    effective_scope: SharingScope = Field(
        description="What may actually be used: no consent means the bureau only"
    )
    harm_risk: bool
    language: str
    status: FamilyStatus = Field(description="The step the family knows")
    open: bool = Field(description="Open inquiries are re-matched as evidence lands")
    created_at: str
    created_by: str
    leads: dict[str, int] = Field(description="Leads by state", examples=[{"pending": 2}])
    photos: list[int]


class InquiryPage(BaseModel):
    total: int
    items: list[InquiryOut]


class WithdrawIn(BaseModel):
    reason: str = Field(min_length=1, examples=["the family found him"])


class EraseIn(BaseModel):
    reason: str = Field(min_length=1, examples=["consent withdrawn"])
    dry_run: bool = Field(default=False, description="Only say what would be erased")


class ErasureOut(BaseModel):
    dry_run: bool
    inquiry_id: int
    reference: str
    record_id: int
    contacts: int
    photos: int
    leads: int
    notifications: int
    audit_entries: list[int]
    audit_entry: int | None = None
    scrub: str = ""


class ContactOut(BaseModel):
    id: int
    name: str
    relation: str
    phone: str
    email: str
    address: str


class PhotoOut(BaseModel):
    id: int
    inquiry_id: int
    reference: str
    name: str
    unit: str
    last_seen_place: str
    media_type: str = Field(examples=["image/jpeg"])
    caption: str
    url: str = Field(description="Where the image is served", examples=["/inquiries/photos/7"])


class SightingIn(BaseModel):
    """Whom the witness saw, as heard; the parts are read from `as_heard` when not given."""

    as_heard: str = Field(min_length=1, examples=["Nekhir from the 36th brigade"])
    family_name: str | None = Field(default=None, examples=["Nekhir"])
    given_names: str | None = None
    nickname: str | None = Field(default=None, examples=["Sasha"])
    call_sign: str | None = Field(default=None, examples=["Грім"])
    unit: str | None = Field(default=None, examples=["36th brigade"])
    facility: str = Field(default="", examples=["Колонія № 10, Макіївка"])
    seen_when: str = Field(default="", description="Roughly when", examples=["2025-03"])
    condition: str = Field(default="", examples=["wounded in the arm, walking"])


class TestimonyIn(BaseModel):
    witness: str = Field(min_length=1, examples=["Петренко І."])
    sightings: list[SightingIn] = Field(min_length=1)
    party: str | None = Field(default=None, examples=["UA"])
    place: str = Field(default="", examples=["hospital, Chernihiv region"])
    notes: str = ""


class TestimonyRecorded(BaseModel):
    id: int
    source_id: int
    sightings: list[int]
    record_ids: list[int]
    leads: int = Field(description="New leads the sightings produced")


class TestimonyOut(BaseModel):
    id: int
    source_id: int
    witness: str
    taken_at: str
    place: str
    notes: str
    sightings: list[dict[str, Any]]
    answers: list[dict[str, Any]]


class AnswerIn(BaseModel):
    photo_id: int
    answer: Literal["recognised", "not_recognised", "unsure"]
    facility: str = ""
    seen_when: str = ""
    notes: str = ""


class AnswerOut(BaseModel):
    id: int
    lead_id: int | None = Field(description="The lead a recognition produced")


class LeadOut(BaseModel):
    """A lead: the inquiry and the evidence side by side, with the name explanation."""

    id: int
    inquiry_id: int
    reference: str
    kind: Literal["record", "sighting", "recognition"]
    state: Literal["pending", "verified", "rejected"]
    score: float = Field(ge=0, le=1)
    name_score: float
    reason: str = Field(examples=["new candidate"])
    reasons: list[str] = Field(examples=[["surname only, 1.00", "same unit (36 brigade)"]])
    explanation: dict[str, Any] = Field(description="Which name part met which, by which rule")
    fate: str | None
    sought: dict[str, str]
    evidence: dict[str, str]
    record_id: int | None
    person_id: int | None
    sighting_id: int | None
    debrief_answer_id: int | None
    created_at: str
    decisions: list[dict[str, str]]


class DecisionIn(BaseModel):
    decision: Literal["verify", "reject", "reopen"]
    reason: str = Field(default="", description="Required to reject or reopen")


class DecisionOut(BaseModel):
    lead: LeadOut
    status: FamilyStatus
    previous_status: FamilyStatus
    notification_id: int | None = Field(description="A message prepared for a second person")


class PrepareIn(BaseModel):
    inquiry: str = Field(description="Case reference or id", examples=["HC-2026-000123"])
    template: (
        Literal["registered", "information_added", "confirmed_captivity", "released", "deceased"]
        | None
    ) = Field(default=None, description="Default: the one for the case's status")
    language: Literal["uk", "en", "ru"] | None = None
    lead_id: int | None = None


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, examples=["told in person by the liaison officer"])


class NotificationOut(BaseModel):
    id: int
    inquiry_id: int
    reference: str
    lead_id: int | None
    template: str
    language: str
    subject: str
    body: str
    state: Literal["prepared", "approved", "sent", "failed", "cancelled"]
    prepared_by: str
    prepared_at: str
    approved_by: str
    approved_at: str
    outbox_state: str
    attempts: int
    last_error: str


class DeliveryOut(BaseModel):
    sent: list[int]
    failed: dict[int, str]

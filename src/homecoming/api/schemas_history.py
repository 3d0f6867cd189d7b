"""Response and request models of a person's negotiation history, reply lists, the crossing
and the seriously wounded."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


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

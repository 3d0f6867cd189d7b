"""Response models: what the OpenAPI document promises."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from homecoming.http.problems import PROBLEM_JSON, PROBLEM_REF


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    version: str
    database: str = Field(examples=["sqlite"])


class PersonSummary(BaseModel):
    id: int
    name: str = Field(examples=["Нехір Олександр Іванович"])
    date_of_birth: str = Field(examples=["1987-05-23", "1987"])
    status: str | None = Field(examples=["detained"])
    records: int
    contradictions: list[str] = Field(examples=[["date_of_birth"]])


class PersonPage(BaseModel):
    total: int
    items: list[PersonSummary]


class TimelineEvent(BaseModel):
    record: int
    source: str
    kind: str
    fate: str | None
    date: str
    received: str


class ContradictionOut(BaseModel):
    fact: str
    records: list[int]
    values: list[str]
    note: str


class StatusBasis(BaseModel):
    record: int
    source: str


class RecordBrief(BaseModel):
    id: int
    source: str
    line: int
    name: str
    date_of_birth: str
    unit: str
    rank: str
    service_number: str
    fate: str | None


class PersonDetail(BaseModel):
    id: int
    name: str
    date_of_birth: str
    status: str | None
    records: int
    status_basis: StatusBasis | None
    timeline: list[TimelineEvent]
    contradictions: list[ContradictionOut]
    records_detail: list[RecordBrief]


class SourceOut(BaseModel):
    id: int
    kind: str
    name: str
    party: str | None
    received_at: str
    file_name: str
    content_hash: str
    records: int


class AuditFault(BaseModel):
    entry: int
    reason: str


class AuditReport(BaseModel):
    ok: bool
    entries: int
    head_hash: str
    faults: list[AuditFault]


class SearchHit(BaseModel):
    person_id: int
    record_id: int
    name: str = Field(examples=["Нехір Олександр Іванович"])
    date_of_birth: str = Field(examples=["1987-05-23"])
    score: float = Field(ge=0, le=1)
    name_score: float = Field(ge=0, le=1)
    reasons: list[str] = Field(examples=[["name 0.97", "same date of birth"]])
    name_explanation: dict[str, Any]


def problem(description: str) -> dict[str, Any]:
    """An OpenAPI response entry for a problem document."""
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }


# What every route behind a login may answer besides its own responses.
Responses = dict[int | str, dict[str, Any]]
GUARDED: Responses = {
    401: problem("No user: log in, or send `Authorization: Bearer <token>`"),
    403: problem("The user's role may not do this, or the CSRF header is missing"),
}


class LoginForm(BaseModel):
    """A login, as JSON or as an HTML form."""

    username: str = Field(min_length=1, max_length=100, examples=["registrar"])
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    """The user behind this request, and what their role may do."""

    username: str = Field(examples=["negotiator-ua"])
    display_name: str
    role: str = Field(examples=["negotiator"])
    party: str | None = Field(examples=["UA"])
    capabilities: list[str] = Field(examples=[["persons.read", "sources.read"]])
    via: str = Field(examples=["session", "token"])


class LoggedIn(Me):
    csrf_token: str = Field(description="Send it back as the X-CSRF-Token header on writes.")

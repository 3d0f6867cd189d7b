"""Request and response models of users, imports, records and contacts."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from homecoming.domain.roles import Role
from homecoming.services.users import MAX_PASSWORD, MIN_PASSWORD


def _password() -> Any:
    return Field(
        min_length=MIN_PASSWORD,
        max_length=MAX_PASSWORD,
        description=f"{MIN_PASSWORD} to {MAX_PASSWORD} characters; a few random words are good.",
        examples=["ferry lantern quiet orchard"],
    )


def _party() -> Any:
    return Field(
        default=None,
        min_length=1,
        max_length=8,
        description="The negotiator's party code (negotiators only; every other role sees all).",
        examples=["UA"],
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserOut(BaseModel):
    """A user as administrators see it: never a password or its hash."""

    id: int
    username: str = Field(examples=["olena.k"])
    display_name: str = Field(examples=["Олена К."])
    role: Role = Field(examples=["registrar"])
    party: str | None = Field(description="Negotiators only.", examples=[None])
    active: bool = Field(description="A disabled user cannot log in and their tokens stop.")
    created_at: str = Field(examples=["2025-05-23T08:00:00+00:00"])
    tokens: int = Field(description="How many live (unrevoked) API tokens the user has.")


class UserCreate(_Strict):
    """A new user: the password is hashed with Argon2id and kept nowhere else."""

    username: str = Field(
        min_length=2,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9._-]{1,63}$",
        description="Lower-case letters, digits, '.', '_' and '-'.",
        examples=["olena.k"],
    )
    role: Role = Field(examples=["registrar"])
    party: str | None = _party()
    display_name: str = Field(default="", max_length=200, examples=["Олена К."])
    password: str = _password()


class RoleChange(_Strict):
    """Another role for a user (and a party when the role is negotiator)."""

    role: Role = Field(examples=["negotiator"])
    party: str | None = _party()


class PasswordReset(_Strict):
    """A new password; the user's browser sessions end."""

    password: str = _password()


class TokenCreate(_Strict):
    """What the new API token is for."""

    name: str = Field(
        min_length=1,
        max_length=100,
        description="What the token is for, e.g. the machine that sends it.",
        examples=["nightly import"],
    )


class TokenOut(BaseModel):
    """An API token as listed: never its secret."""

    id: int
    username: str = Field(examples=["importer"])
    name: str = Field(examples=["nightly import"])
    created_at: str = Field(examples=["2025-05-23T08:00:00+00:00"])
    revoked_at: str | None = Field(examples=[None])


class IssuedTokenOut(BaseModel):
    """A new API token; `secret` is shown this once and stored only as a digest."""

    id: int
    username: str = Field(examples=["importer"])
    name: str = Field(examples=["nightly import"])
    secret: str = Field(
        description="Send it as `Authorization: Bearer <secret>`; it cannot be shown again.",
        examples=["hc_3q2+7w..."],
    )


class ImportOut(BaseModel):
    """What an upload wrote: the new source, how many records, and any rows left out."""

    source_id: int = Field(examples=[12])
    file_name: str = Field(examples=["ua-list-2025-05-23.xlsx"])
    content_hash: str = Field(description="SHA-256 of the uploaded bytes.")
    imported: int = Field(description="Records written.", examples=[390])
    rejected_lines: list[int] = Field(
        description="Lines left out (only with skip_bad_rows).", examples=[[7, 19]]
    )
    rejected: list[RejectedRow] = Field(description="Why each line was left out.")
    defaulted: list[RejectedRow] = Field(
        default_factory=list,
        description="Required fields a record lacked that were marked unknown (or composed, "
        "as a PFIF full_name from the name parts) so that it could land; the record landed.",
    )
    already_held: int = Field(
        default=0,
        description="PFIF records already held (same record id and entry_date): skipped.",
        examples=[0],
    )


class RejectedRow(BaseModel):
    """One rejected row: its line, the field and the reason."""

    line: int = Field(examples=[7])
    field: str = Field(examples=["date_of_birth"])
    reason: str = Field(examples=["31.02.1987 is not a date"])


class RecordOut(BaseModel):
    """One record of evidence: the row as received (`raw`) and as normalised (`fields`)."""

    id: int
    person_id: int | None = Field(description="The person the linkage assigns it to.")
    source_id: int
    source: str = Field(examples=["UA list, 23 May"])
    source_kind: str = Field(examples=["party_list"])
    party: str | None = Field(examples=["UA"])
    line: int = Field(description="The line of the source file it came from.", examples=[7])
    external_id: str = Field(examples=[""])
    received_at: str = Field(examples=["2025-05-23T08:00:00+00:00"])
    raw: dict[str, str] = Field(
        description="The cells as received (contact details are kept apart, never here).",
        examples=[{"ПІБ": "Нехір Олександр Іванович", "Дата народження": "23.05.1987"}],
    )
    fields: dict[str, str | bool | None] = Field(
        description="The normalised fields; dates as YYYY, YYYY-MM or YYYY-MM-DD.",
        examples=[{"family_name": "Нехір", "given_names": "Олександр", "date_of_birth": "1987"}],
    )
    withheld: list[str] = Field(
        description="Raw columns left out because they hold someone's contact details.",
        examples=[["Телефон родини"]],
    )
    has_contacts: bool = Field(
        description="Whether contact details came with it (read them at /records/{id}/contacts)."
    )


class ContactOut(BaseModel):
    """Contact details of a next of kin or an inquirer (every read is in the audit log)."""

    id: int
    record_id: int
    name: str = Field(examples=["Нехір Марія"])
    relation: str = Field(examples=["mother"])
    phone: str = Field(examples=["+380 44 000 0000"])
    email: str
    address: str


ImportOut.model_rebuild()

"""/parties: the parties to the conflict whose lists the bureau receives."""

from typing import Annotated

from fastapi import status
from pydantic import BaseModel, Field

from homecoming.api.schemas import GUARDED
from homecoming.domain.roles import Capability
from homecoming.http.deps import DatabaseDep
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services import registry
from homecoming.services.users import Principal

router = Router(prefix="/parties", tags=["parties"], responses=GUARDED)


class PartyOut(BaseModel):
    code: str = Field(description="Short code used on sources, lists and users", examples=["UA"])
    name: str = Field(description="The party's name", examples=["Ukraine"])


class PartyIn(BaseModel):
    code: str = Field(
        pattern="^[A-Z]{2,8}$", description="Two to eight capital letters", examples=["UA"]
    )
    name: str = Field(min_length=1, max_length=200, examples=["Ukraine"])


@router.get("")
def list_parties(
    db: DatabaseDep, _user: Annotated[Principal, requires(Capability.SOURCES_READ)]
) -> list[PartyOut]:
    """Every party, by code."""
    return [PartyOut(code=p.code, name=p.name) for p in registry.list_parties(db)]


@router.post("", status_code=status.HTTP_201_CREATED)
def add_party(
    db: DatabaseDep, user: Annotated[Principal, requires(Capability.IMPORTS_WRITE)], body: PartyIn
) -> PartyOut:
    """Register a party (as `homecoming parties add`); registering it again changes nothing."""
    registry.ensure_party(db, code=body.code, name=body.name, actor=user.username)
    (party,) = [p for p in registry.list_parties(db) if p.code == body.code]
    return PartyOut(code=party.code, name=party.name)

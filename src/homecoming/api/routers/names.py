"""/names: compare two names across alphabets, and describe one (as `homecoming names`)."""

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from homecoming.api.schemas import GUARDED
from homecoming.domain.roles import Capability
from homecoming.http.guard import requires
from homecoming.http.routing import Router
from homecoming.services.users import Principal

router = Router(prefix="/names", tags=["names"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.PERSONS_READ)]


class PartMatchOut(BaseModel):
    left: str | None = Field(description="A part of the first name, if any", examples=["Нехір"])
    right: str | None = Field(description="The part of the second it met, if any")
    left_role: str = Field(description="family, given or patronymic", examples=["family"])
    right_role: str | None = Field(description="The other part's role", examples=["family"])
    rule: str = Field(
        description="Why they met: same form, transliteration standard, Ukrainian/Russian "
        "form, variant, edit distance, or unmatched",
        examples=["transliteration standard"],
    )
    score: float = Field(ge=0, le=1, examples=[1.0])


class ComparisonOut(BaseModel):
    left: str = Field(examples=["Олександр Нехір"])
    right: str = Field(examples=["Alexander Nehir"])
    score: float = Field(ge=0, le=1, description="How alike the two names are", examples=[0.95])
    match: bool = Field(description="score >= threshold (the default for linkage)")
    threshold: float = Field(examples=[0.8])
    explanation: list[PartMatchOut]


class NameDescriptionOut(BaseModel):
    name: str = Field(examples=["Олександр Нехір"])
    script: str = Field(description="cyrillic, latin, ...", examples=["cyrillic"])
    language: str | None = Field(description="uk or ru for Cyrillic, when it shows")
    family: list[str]
    given: list[str]
    patronymic: list[str]
    renderings: dict[str, str] = Field(description="Standard -> the name written under it")
    variants: dict[str, list[str]] = Field(description="Each part -> its known variants")
    keys: list[str] = Field(description="The search and blocking keys of the name")


@router.get("/compare")
def compare_names(
    _user: Reader,
    a: Annotated[str, Query(min_length=1, max_length=300, examples=["Олександр Нехір"])],
    b: Annotated[str, Query(min_length=1, max_length=300, examples=["Alexander Nehir"])],
) -> ComparisonOut:
    """The score in [0, 1], the decision at the default threshold, and which part met which."""
    from homecoming.names import compare

    return ComparisonOut.model_validate(compare(a, b).to_dict())


@router.get("/variants")
def describe_name(
    _user: Reader,
    name: Annotated[str, Query(min_length=1, max_length=300, examples=["Олександр Нехір"])],
) -> NameDescriptionOut:
    """A name's parts, its renderings under every standard, known variants and search keys."""
    from homecoming.names import describe

    return NameDescriptionOut.model_validate(describe(name))

"""/names: compare two names across alphabets, and describe one (as `homecoming names`)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from homecoming.api.deps import requires
from homecoming.api.schemas import GUARDED
from homecoming.domain.roles import Capability
from homecoming.services.users import Principal

router = APIRouter(prefix="/names", tags=["names"], responses=GUARDED)
Reader = Annotated[Principal, requires(Capability.PERSONS_READ)]


@router.get("/compare")
def compare_names(
    _user: Reader,
    a: Annotated[str, Query(min_length=1, max_length=300, examples=["Олександр Нехір"])],
    b: Annotated[str, Query(min_length=1, max_length=300, examples=["Alexander Nehir"])],
) -> dict[str, Any]:
    """The score in [0, 1], the decision at the default threshold, and which part met which."""
    from homecoming.names import compare

    return compare(a, b).to_dict()


@router.get("/variants")
def describe_name(
    _user: Reader,
    name: Annotated[str, Query(min_length=1, max_length=300, examples=["Олександр Нехір"])],
) -> dict[str, Any]:
    """A name's parts, its renderings under every standard, known variants and search keys."""
    from homecoming.names import describe

    return describe(name)

"""/lists: each party's offer and request as numbered, immutable versions; diffs; validation."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/lists", tags=["lists"], responses=GUARDED)

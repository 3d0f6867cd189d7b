"""/stages: one day's batch per category, its composition and parity."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/stages", tags=["stages"], responses=GUARDED)

"""/reconciliation: agreed vs listed vs delivered, per stage and category, both parties."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"], responses=GUARDED)

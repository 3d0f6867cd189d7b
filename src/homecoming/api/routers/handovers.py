"""/handovers: what happened at the crossing, person by person."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/handovers", tags=["handovers"], responses=GUARDED)

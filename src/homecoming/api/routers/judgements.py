"""/judgements: human decisions that two records are or are not one person."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/judgements", tags=["judgements"], responses=GUARDED)

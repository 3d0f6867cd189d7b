"""/agreements: the deal between two parties, its categories, parity rules and planned stages."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/agreements", tags=["agreements"], responses=GUARDED)

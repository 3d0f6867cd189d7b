"""/testimonies: released prisoners' sightings and debrief photo answers."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/testimonies", tags=["testimonies"], responses=GUARDED)

"""/notifications: messages to families, prepared, approved by a second person, sent."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=GUARDED)

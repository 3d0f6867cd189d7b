"""/leads: possible answers to inquiries, to verify or reject."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/leads", tags=["leads"], responses=GUARDED)

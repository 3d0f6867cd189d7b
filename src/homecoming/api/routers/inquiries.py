"""/inquiries: families asking after someone, with consent and sharing scope."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/inquiries", tags=["inquiries"], responses=GUARDED)

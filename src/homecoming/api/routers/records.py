"""/records: single records of evidence and their (audited) contact details."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/records", tags=["records"], responses=GUARDED)

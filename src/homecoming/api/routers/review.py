"""/review: candidate pairs in the uncertain band, with Splink's explanation."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/review", tags=["review"], responses=GUARDED)

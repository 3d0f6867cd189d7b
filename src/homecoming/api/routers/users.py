"""/users: accounts, roles and API tokens (administrators)."""

from fastapi import APIRouter

from homecoming.api.schemas import GUARDED

router = APIRouter(prefix="/users", tags=["users"], responses=GUARDED)

"""Tables of exchanges: agreements, list versions, findings, stages, handovers."""

from __future__ import annotations

from homecoming.store.models import Base

__all__ = ["Base"]

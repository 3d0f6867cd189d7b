"""Tables of tracing: inquiries, testimonies and sightings, leads, notifications."""

from __future__ import annotations

from homecoming.store.models import Base

__all__ = ["Base"]

"""Tables of the family's own channel: the access code a family opens its case page with.

Only an Argon2 hash of the code is kept. A code is issued, never edited: issuing a new one
(the family lost it) adds a row, and only the newest row of an inquiry opens its page.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from homecoming.store.models import Base, utcnow


class FamilyAccess(Base):
    """One family access code of an inquiry, as an Argon2 hash."""

    __tablename__ = "family_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(100))


__all__ = ["FamilyAccess"]

"""Tables of case management: who owns a case and in which office, hand-overs between
offices, follow-up dates, and the log of contacts with the family (calls, visits, letters).

A case file is one row per inquiry, changed in place; every change is also an audit entry and
a hand-over is a row of its own. Contact log entries are rows, never updated.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from homecoming.store.models import Base, utcnow


class CaseFile(Base):
    """Who owns an inquiry's case, in which office, and when it is next to be looked at."""

    __tablename__ = "case_files"

    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), primary_key=True)
    office: Mapped[str] = mapped_column(String(100), default="")
    owner: Mapped[str] = mapped_column(String(100), default="")  # a username
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class CaseTransfer(Base):
    """A case handed from one office (and owner) to another, with the reason."""

    __tablename__ = "case_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    from_office: Mapped[str] = mapped_column(String(100), default="")
    to_office: Mapped[str] = mapped_column(String(100))
    from_owner: Mapped[str] = mapped_column(String(100), default="")
    to_owner: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    transferred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    transferred_by: Mapped[str] = mapped_column(String(100))


class CaseContact(Base):
    """One contact with the family: a call, a visit, a letter; `no_news` when that was all."""

    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # call / visit / letter
    happened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text, default="")
    no_news: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))


__all__ = ["CaseContact", "CaseFile", "CaseTransfer"]

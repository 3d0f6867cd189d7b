"""Tables of the family's own channel: the access code, push subscriptions, the nudges.

Only an Argon2 hash of the code is kept. A code is issued, never edited: issuing a new one
(the family lost it) adds a row, and only the newest row of an inquiry opens its page.
A push subscription is the browser's (endpoint and keys), made from the family page; a nudge
is a Web Push or SMS that says only "there is news on your case: open the family page".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
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


class PushSubscription(Base):
    """A browser the family subscribed from the family page; removed, never deleted, by them."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id"), index=True)
    endpoint: Mapped[str] = mapped_column(Text)
    p256dh: Mapped[str] = mapped_column(String(200))  # the browser's P-256 key, base64url
    auth: Mapped[str] = mapped_column(String(100))  # the browser's auth secret, base64url
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str] = mapped_column(String(100), default="")


class Nudge(Base):
    """An approved message's Web Push or SMS: carries no personal data, points to the page."""

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # webpush / sms
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("push_subscriptions.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


__all__ = ["FamilyAccess", "Nudge", "PushSubscription"]

"""Tables of the field desk: a laptop's opened stage pack and its notes, and at the centre the
field entries merged back and the conflicts a person decides.

What a desk said is kept as it was said (`field_entries` rows are never updated); a conflict
row is opened by a merge and closed once, by the person who decides it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from homecoming.store.models import Base, JsonType, utcnow


class DeskPack(Base):
    """On a field laptop: the stage pack this desk was opened with (one per data directory)."""

    __tablename__ = "desk_packs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    desk_id: Mapped[str] = mapped_column(String(64), unique=True)  # this desk, for the centre
    pack_id: Mapped[str] = mapped_column(String(64))
    pack_sha256: Mapped[str] = mapped_column(String(64))
    agreement_id: Mapped[int] = mapped_column(Integer)  # the centre's ids, kept on the desk
    stage_number: Mapped[int] = mapped_column(Integer)
    signed_by: Mapped[str] = mapped_column(String(200))  # the bureau's key as trusted here
    meta: Mapped[dict[str, Any]] = mapped_column(JsonType)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(100))


class DeskNote(Base):
    """On a field laptop: an unlisted arrival or a note, with its operator and time."""

    __tablename__ = "desk_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # arrival / note
    party: Mapped[str] = mapped_column(String(8), default="")
    person_id: Mapped[int | None] = mapped_column(Integer)  # a listed person the note is about
    fields: Mapped[dict[str, Any]] = mapped_column(JsonType)  # an arrival's name, as read
    text: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FieldConflict(Base):
    """At the centre: something a person must decide (desks disagree, or an unlisted arrival)."""

    __tablename__ = "field_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # outcome / arrival / not_in_stage
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    entry_id: Mapped[int | None] = mapped_column(Integer)  # the field entry asking (arrivals)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(String(16))  # an outcome, agreed, dismissed
    reason: Mapped[str] = mapped_column(Text, default="")


class FieldEntry(Base):
    """At the centre: one entry of a desk's log as the desk signed it, merged once."""

    __tablename__ = "field_entries"
    __table_args__ = (UniqueConstraint("desk_id", "entry_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    desk_id: Mapped[str] = mapped_column(String(64))
    entry_key: Mapped[str] = mapped_column(String(32))  # h12 (a handover), n3 (a note)
    seq: Mapped[int] = mapped_column(Integer)  # the desk's own order
    desk_name: Mapped[str] = mapped_column(String(200), default="")
    pack_id: Mapped[str] = mapped_column(String(64))
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # outcome / arrival / note
    party: Mapped[str] = mapped_column(String(8), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    substitute: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    text: Mapped[str] = mapped_column(Text, default="")  # evidence or note
    operator: Mapped[str] = mapped_column(String(100))
    field_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    log_sha256: Mapped[str] = mapped_column(String(64))
    merged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    merged_by: Mapped[str] = mapped_column(String(100))

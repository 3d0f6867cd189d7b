"""Delivering what waits, through every configured channel: e-mail from the outbox (services/
notifications.py), Web Push and SMS nudges from theirs (services/push.py)."""

from __future__ import annotations

from homecoming.notify import Channel
from homecoming.services import notifications, push
from homecoming.store.db import Database


def deliver_all(
    db: Database, *, channels: list[Channel], actor: str, limit: int = 100
) -> push.NudgeReport:
    """Deliver through every channel given; a failure names its channel."""
    report = push.NudgeReport([], {})
    for channel in channels:
        if channel.name in (push.WEBPUSH, push.SMS):
            part = push.deliver(db, channel=channel, actor=actor, limit=limit)
            sent, failed = part.sent, part.failed
        else:
            mail = notifications.deliver(db, channel=channel, actor=actor, limit=limit)
            sent, failed = mail.sent, mail.failed
        report.sent.extend(n for n in sent if n not in report.sent)
        for notification_id, error in failed.items():
            report.failed[notification_id] = f"{channel.name}: {error}"
    return report

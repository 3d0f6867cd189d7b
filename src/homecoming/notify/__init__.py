"""Delivery channels for messages to families: one small interface, SMTP, Web Push and an SMS
gateway behind it.

The outbox (a table) holds what is to be sent; a channel only delivers one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message, addressed. It lives only while it is being delivered."""

    to: str
    subject: str
    body: str
    reference: str  # the case reference, for the message's headers


class DeliveryError(Exception):
    """The channel could not deliver; the outbox keeps the message and the reason."""


class RecipientGone(DeliveryError):
    """The address no longer exists (a browser unsubscribed from push): stop sending to it."""


class Channel(Protocol):
    """Delivers one message, or raises DeliveryError."""

    name: str

    def send(self, message: OutgoingMessage) -> None: ...

"""The SMTP channel: plain SMTP, optionally upgraded with STARTTLS (standard library only)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from homecoming.notify import DeliveryError, OutgoingMessage
from homecoming.settings import Settings


class SmtpChannel:
    """Sends each message through one SMTP server."""

    name = "email"

    def __init__(
        self, *, host: str, port: int, sender: str, starttls: bool = False, timeout: float = 30
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.starttls = starttls
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpChannel:
        if not settings.smtp_host:
            raise DeliveryError(
                "no SMTP server is configured: set HOMECOMING_SMTP_HOST (and _PORT, _SENDER)"
            )
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            starttls=settings.smtp_starttls,
        )

    def send(self, message: OutgoingMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        email["X-Homecoming-Case"] = message.reference
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                client.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"{self.host}:{self.port}: {error}") from error

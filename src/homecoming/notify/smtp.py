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
            raise DeliveryError(f"{self.host}:{self.port}: {failure_reason(error)}") from None


def failure_reason(error: OSError | smtplib.SMTPException) -> str:
    """What went wrong, as the SMTP code and a generic reason only.

    A server's own text often repeats the recipient's address (`550 <maria@…>: no such
    user`), and the error is kept, shown and logged where contact details must not go.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return f"the server refused the recipient (SMTP {', '.join(codes) or '?'})"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"the server refused the sender address (SMTP {error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        kind = "temporary" if 400 <= error.smtp_code < 500 else "permanent"
        return f"the server refused the message, {kind} failure (SMTP {error.smtp_code})"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(error, smtplib.SMTPException):
        return f"the SMTP conversation failed ({type(error).__name__})"
    return f"the server cannot be reached ({error.strerror or type(error).__name__})"

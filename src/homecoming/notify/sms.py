"""The SMS channel: one HTTP gateway, JSON in, any 2xx out (standard library only).

The gateway is told `{"to": phone, "text": text, "from": sender}` with a bearer token. What
is sent is a nudge without personal data (`tracing/nudge.py`); the phone number is read from
the protected contacts only at delivery and never goes into an error, a log or the audit log.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from homecoming.notify import DeliveryError, OutgoingMessage
from homecoming.settings import Settings


class SmsGatewayChannel:
    """Sends each text through one SMS gateway's HTTP API."""

    name = "sms"

    def __init__(self, *, url: str, token: str = "", sender: str = "", timeout: float = 30):
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsGatewayChannel:
        if not settings.sms_gateway_url:
            raise DeliveryError("no SMS gateway is configured: set HOMECOMING_SMS_GATEWAY_URL")
        return cls(
            url=settings.sms_gateway_url,
            token=settings.sms_gateway_token,
            sender=settings.sms_sender,
        )

    def send(self, message: OutgoingMessage) -> None:
        body = json.dumps(
            {"to": message.to, "text": message.body, "from": self.sender}, ensure_ascii=False
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            # The gateway's own text may repeat the number: keep its status only.
            raise DeliveryError(f"the SMS gateway refused the text (HTTP {error.code})") from None
        except (OSError, ValueError) as error:
            reason = getattr(error, "reason", None) or type(error).__name__
            raise DeliveryError(f"the SMS gateway cannot be reached ({reason})") from None

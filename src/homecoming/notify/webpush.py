"""The Web Push channel (pywebpush, VAPID) and this installation's VAPID key pair.

The VAPID key pair identifies this server to the browsers' push services. It is kept like
the installation's other keys (`formats/signed.py`): under DATA_DIR/keys, readable by its
owner only, made once by `homecoming keys push-init` and never replaced (every browser that
subscribed did so to its public key). A push carries the nudge of `tracing/nudge.py`
only, encrypted to the browser's key (RFC 8291, aes128gcm): no name, no reference, no status.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from homecoming.errors import Conflict, NotFound
from homecoming.formats.signed import KEY_DIR
from homecoming.notify import DeliveryError, OutgoingMessage, RecipientGone
from homecoming.settings import Settings

VAPID_FILE = "vapid.pem"
PUSH_TTL_SECONDS = 7 * 24 * 3600  # a phone switched off for a week still gets the nudge


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class VapidKeys:
    """This installation's VAPID key pair under DATA_DIR/keys."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / KEY_DIR / VAPID_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def init(self) -> str:
        """Make the key pair once (refused if it exists); the public key, as browsers take it."""
        if self.exists():
            raise Conflict(
                f"{self.path} already holds the VAPID key ({self.public_key()}); it is kept: "
                "every browser subscribed to it would stop receiving notices"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        return self.public_key()

    def private_key(self) -> ec.EllipticCurvePrivateKey:
        if not self.exists():
            raise NotFound(f"no VAPID key at {self.path}: run `homecoming keys push-init` first")
        key = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise Conflict(f"{self.path} is not an EC P-256 private key")
        return key

    def public_key(self) -> str:
        """The public key as the browser's `applicationServerKey`: uncompressed point, base64url."""
        point = (
            self.private_key()
            .public_key()
            .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        )
        return b64url(point)


class WebPushChannel:
    """Pushes each message to one browser subscription, signed with the VAPID key.

    The message's `to` is the subscription as the browser gave it (JSON: endpoint, keys), and
    its `body` the payload to encrypt.
    """

    name = "webpush"

    def __init__(
        self, *, private_key: ec.EllipticCurvePrivateKey, subject: str, timeout: float = 30
    ) -> None:
        self.vapid = Vapid02(private_key)  # RFC 8292: "vapid t=…, k=…"
        self.subject = subject
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> WebPushChannel:
        keys = VapidKeys(settings.data_dir)
        if not keys.exists():
            raise DeliveryError("no VAPID key for Web Push: run `homecoming keys push-init` (once)")
        return cls(private_key=keys.private_key(), subject=settings.push_subject)

    def send(self, message: OutgoingMessage) -> None:
        try:
            subscription: dict[str, Any] = json.loads(message.to)
        except ValueError:
            raise DeliveryError("the push subscription is not readable") from None
        claims: dict[str, str | int] = {"sub": self.subject}  # pywebpush adds aud and exp
        try:
            webpush(
                subscription,
                data=message.body,
                vapid_private_key=self.vapid,
                vapid_claims=claims,
                ttl=PUSH_TTL_SECONDS,
                timeout=self.timeout,
            )
        except WebPushException as error:
            status = error.status_code
            if status in (404, 410):
                raise RecipientGone(
                    f"the push service no longer knows this browser (HTTP {status})"
                ) from None
            # The endpoint is the browser's address: never repeat it or the service's text.
            raise DeliveryError(
                f"the push service refused the message (HTTP {status or '?'})"
            ) from None
        except (requests.RequestException, OSError, ValueError) as error:
            raise DeliveryError(
                f"the push service cannot be reached ({type(error).__name__})"
            ) from None

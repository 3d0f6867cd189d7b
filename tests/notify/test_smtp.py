"""The SMTP channel against a local server the test starts: failures keep no address."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from homecoming.notify import DeliveryError, OutgoingMessage
from homecoming.notify.smtp import SmtpChannel

FAMILY = "maria.nekhir@example.org"


class Refusing:
    """An aiosmtpd handler that refuses every recipient, repeating the address (as many do)."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def refusing_server() -> Iterator[int]:
    port = _free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_a_refused_recipient_leaves_only_the_code(refusing_server: int) -> None:
    channel = SmtpChannel(host="127.0.0.1", port=refusing_server, sender="tracing@bureau.example")
    message = OutgoingMessage(to=FAMILY, subject="Звістка", body="…", reference="HC-1")
    with pytest.raises(DeliveryError) as refused:
        channel.send(message)
    reason = str(refused.value)
    assert "550" in reason and "refused the recipient" in reason
    assert "example.org" not in reason and "maria" not in reason
    assert refused.value.__cause__ is None  # nor in a chained exception someone might log


def test_an_unreachable_server_says_so() -> None:
    channel = SmtpChannel(host="127.0.0.1", port=_free_port(), sender="t@bureau.example")
    with pytest.raises(DeliveryError, match="cannot be reached"):
        channel.send(OutgoingMessage(to=FAMILY, subject="s", body="b", reference="HC-1"))

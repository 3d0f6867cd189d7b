"""The channels this installation is configured for: e-mail, Web Push, SMS."""

from __future__ import annotations

from homecoming.notify import Channel, DeliveryError
from homecoming.settings import Settings


def configured(settings: Settings) -> list[Channel]:
    """Every channel whose settings (or keys) are present; DeliveryError when there is none."""
    from homecoming.notify.sms import SmsGatewayChannel
    from homecoming.notify.smtp import SmtpChannel
    from homecoming.notify.webpush import VapidKeys, WebPushChannel

    found: list[Channel] = []
    if settings.smtp_host:
        found.append(SmtpChannel.from_settings(settings))
    if VapidKeys(settings.data_dir).exists():
        found.append(WebPushChannel.from_settings(settings))
    if settings.sms_gateway_url:
        found.append(SmsGatewayChannel.from_settings(settings))
    if not found:
        raise DeliveryError(
            "no channel is configured: set HOMECOMING_SMTP_HOST (e-mail), run "
            "`homecoming keys push-init` (Web Push) or set HOMECOMING_SMS_GATEWAY_URL (SMS)"
        )
    return found


def sms_configured(settings: Settings) -> bool:
    """Whether approvals queue a text to the family's phone."""
    return bool(settings.sms_gateway_url)

"""Route-by-role table: inquiries, testimonies, leads, notifications.

Writes send no body (422) or name an id that does not exist (404), so no caller in the
table changes what the next one sees. `/notifications/send` answers 409: no SMTP server.
"""

from __future__ import annotations

from homecoming.domain.roles import Role

from .access_tables import RouteTable

READ = frozenset({Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON, Role.AUDITOR})
WRITE = frozenset({Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON})
VERIFY = frozenset({Role.ADMINISTRATOR, Role.TRACING_OFFICER})
APPROVE = frozenset({Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON})
CONTACTS = frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON})
ERASE = frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON})

TRACING_ROUTES: RouteTable = {
    ("GET", "/cases/follow-ups"): (READ, "/cases/follow-ups", 200),
    ("GET", "/cases/no-news"): (READ, "/cases/no-news", 200),
    ("GET", "/cases/{inquiry_id}"): (READ, "/cases/HC-2026-000999", 404),
    ("POST", "/cases/{inquiry_id}/owner"): (WRITE, "/cases/999/owner", 422),
    ("POST", "/cases/{inquiry_id}/handover"): (WRITE, "/cases/999/handover", 422),
    ("POST", "/cases/{inquiry_id}/follow-up"): (WRITE, "/cases/999/follow-up", 422),
    ("POST", "/cases/{inquiry_id}/contacts"): (WRITE, "/cases/999/contacts", 422),
    ("GET", "/stages/{agreement_id}/{number}/day"): (READ, "/stages/999/1/day", 404),
    ("POST", "/stages/{agreement_id}/{number}/day/verify"): (
        VERIFY,
        "/stages/999/1/day/verify",
        422,
    ),
    ("POST", "/stages/{agreement_id}/{number}/day/approve"): (
        APPROVE,
        "/stages/999/1/day/approve",
        422,
    ),
    ("POST", "/stages/{agreement_id}/{number}/day/phoned-home"): (
        APPROVE,
        "/stages/999/1/day/phoned-home",
        422,
    ),
    ("GET", "/inquiries"): (READ, "/inquiries", 200),
    ("POST", "/inquiries"): (WRITE, "/inquiries", 422),
    ("GET", "/inquiries/gallery"): (READ, "/inquiries/gallery?unit=36", 200),
    ("GET", "/inquiries/photos/{photo_id}"): (READ, "/inquiries/photos/999", 404),
    ("GET", "/inquiries/export/pfif"): (READ, "/inquiries/export/pfif?to=icrc", 200),
    ("GET", "/inquiries/{inquiry_id}"): (READ, "/inquiries/HC-2026-000999", 404),
    ("POST", "/inquiries/{inquiry_id}/withdraw"): (WRITE, "/inquiries/999/withdraw", 422),
    ("POST", "/inquiries/{inquiry_id}/erase"): (ERASE, "/inquiries/999/erase", 422),
    ("GET", "/inquiries/{inquiry_id}/contacts"): (
        CONTACTS,
        "/inquiries/999/contacts?purpose=test",
        404,
    ),
    ("POST", "/inquiries/{inquiry_id}/photos"): (WRITE, "/inquiries/999/photos", 422),
    ("POST", "/testimonies"): (WRITE, "/testimonies", 422),
    ("GET", "/testimonies/{testimony_id}"): (READ, "/testimonies/999", 404),
    ("POST", "/testimonies/{testimony_id}/answers"): (WRITE, "/testimonies/999/answers", 422),
    ("GET", "/leads"): (READ, "/leads", 200),
    ("GET", "/leads/{lead_id}"): (READ, "/leads/999", 404),
    ("POST", "/leads/{lead_id}/decisions"): (VERIFY, "/leads/999/decisions", 422),
    ("GET", "/notifications"): (READ, "/notifications", 200),
    ("POST", "/notifications"): (APPROVE, "/notifications", 422),
    ("POST", "/notifications/send"): (APPROVE, "/notifications/send", 409),
    ("GET", "/notifications/{notification_id}"): (READ, "/notifications/999", 404),
    ("POST", "/notifications/{notification_id}/approve"): (
        APPROVE,
        "/notifications/999/approve",
        404,
    ),
    ("POST", "/notifications/{notification_id}/cancel"): (
        APPROVE,
        "/notifications/999/cancel",
        422,
    ),
}

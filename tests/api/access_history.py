"""Route-by-role table: a person's negotiation history, reply lists, the crossing, the wounded."""

from __future__ import annotations

from .access_exchanges import READERS, RECORDERS, WRITERS
from .access_tables import EVERYONE, RouteTable

_STAGE = "/crossing/{agreement_id}/{number}"

HISTORY_ROUTES: RouteTable = {
    ("GET", "/persons/{person_id}/history"): (EVERYONE, "/persons/{shared}/history", 200),
    ("GET", "/lists/{version_id}/replies"): (READERS, "/lists/999/replies", 404),
    ("POST", "/lists/{version_id}/replies"): (WRITERS, "/lists/999/replies", 422),
    ("GET", _STAGE): (READERS, "/crossing/999/1", 404),
    ("POST", _STAGE + "/unlisted"): (RECORDERS, "/crossing/999/1/unlisted", 422),
    ("POST", _STAGE + "/taken-back"): (RECORDERS, "/crossing/999/1/taken-back", 422),
    ("POST", _STAGE + "/returned"): (RECORDERS, "/crossing/999/1/returned", 422),
    ("POST", _STAGE + "/received-list"): (RECORDERS, "/crossing/999/1/received-list", 422),
    ("GET", "/wounded/{person_id}"): (READERS, "/wounded/{shared}", 200),
    ("POST", "/wounded/{person_id}/referrals"): (WRITERS, "/wounded/{shared}/referrals", 422),
    ("POST", "/wounded/{person_id}/examinations"): (
        WRITERS,
        "/wounded/{shared}/examinations",
        422,
    ),
    ("POST", "/wounded/{person_id}/consents"): (WRITERS, "/wounded/{shared}/consents", 422),
    ("POST", "/wounded/{person_id}/repatriation"): (
        RECORDERS,
        "/wounded/{shared}/repatriation",
        422,
    ),
}

"""Route-by-role table: a person's negotiation history, reply lists, the crossing, the wounded."""

from __future__ import annotations

from .access_exchanges import READERS, WRITERS
from .access_tables import EVERYONE, RouteTable

HISTORY_ROUTES: RouteTable = {
    ("GET", "/persons/{person_id}/history"): (EVERYONE, "/persons/{shared}/history", 200),
    ("GET", "/lists/{version_id}/replies"): (READERS, "/lists/999/replies", 404),
    ("POST", "/lists/{version_id}/replies"): (WRITERS, "/lists/999/replies", 422),
}

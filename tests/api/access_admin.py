"""Route-by-role table: users, records and their contacts, imports, parties, names.

Writes name a user or token that does not exist (404) or send no body (422), so no
caller in the table changes what the next one sees.
"""

from __future__ import annotations

from homecoming.domain.roles import Role

from .access_tables import EVERYONE, RouteTable

ADMIN = frozenset({Role.ADMINISTRATOR})
IMPORTERS = frozenset({Role.ADMINISTRATOR, Role.REGISTRAR})
CONTACT_READERS = frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON})

ADMIN_ROUTES: RouteTable = {
    ("GET", "/users"): (ADMIN, "/users", 200),
    ("POST", "/users"): (ADMIN, "/users", 422),
    ("GET", "/users/{username}"): (ADMIN, "/users/auditor", 200),
    ("POST", "/users/{username}/disable"): (ADMIN, "/users/nobody/disable", 404),
    ("POST", "/users/{username}/enable"): (ADMIN, "/users/nobody/enable", 404),
    ("PUT", "/users/{username}/role"): (ADMIN, "/users/nobody/role", 422),
    ("PUT", "/users/{username}/password"): (ADMIN, "/users/nobody/password", 422),
    ("GET", "/users/{username}/tokens"): (ADMIN, "/users/auditor/tokens", 200),
    ("POST", "/users/{username}/tokens"): (ADMIN, "/users/nobody/tokens", 422),
    ("POST", "/users/{username}/tokens/{token_id}/revoke"): (
        ADMIN,
        "/users/nobody/tokens/999/revoke",
        404,
    ),
    ("POST", "/sources"): (IMPORTERS, "/sources", 422),
    ("GET", "/parties"): (EVERYONE, "/parties", 200),
    ("POST", "/parties"): (IMPORTERS, "/parties", 422),
    ("GET", "/names/compare"): (EVERYONE, "/names/compare?a=Нехір&b=Nekhir", 200),
    ("GET", "/names/variants"): (EVERYONE, "/names/variants?name=Олександр", 200),
    ("GET", "/records/{record_id}"): (EVERYONE, "/records/999", 404),
    ("GET", "/records/{record_id}/contacts"): (
        CONTACT_READERS,
        "/records/1/contacts?purpose=access+test",
        200,
    ),
}

"""Who may do what: roles, capabilities, and the one table between them.

Routes name a capability; this table says which roles hold it. A new router (exchanges,
tracing) adds its capabilities here and names them; nothing else changes.
"""

from __future__ import annotations

from enum import StrEnum

from homecoming.errors import InvalidInput


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    REGISTRAR = "registrar"
    NEGOTIATOR = "negotiator"  # scoped to one party: sees only that party's records
    TRACING_OFFICER = "tracing_officer"
    FAMILY_LIAISON = "family_liaison"
    AUDITOR = "auditor"  # read-only


class Capability(StrEnum):
    ACCOUNT_SELF = "account.self"  # who am I, log out
    PERSONS_READ = "persons.read"  # persons, their records, search
    SOURCES_READ = "sources.read"
    AUDIT_VERIFY = "audit.verify"
    CONTACTS_READ = "contacts.read"  # families' contact details (tracing, not yet routed)


_EVERYONE = frozenset(Role)

ACCESS: dict[Capability, frozenset[Role]] = {
    Capability.ACCOUNT_SELF: _EVERYONE,
    Capability.PERSONS_READ: _EVERYONE,
    Capability.SOURCES_READ: _EVERYONE,
    Capability.AUDIT_VERIFY: frozenset({Role.ADMINISTRATOR, Role.AUDITOR}),
    Capability.CONTACTS_READ: frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON}),
}

# Capabilities that only read: the auditor holds no other kind.
READ_ONLY = frozenset(
    {
        Capability.ACCOUNT_SELF,
        Capability.PERSONS_READ,
        Capability.SOURCES_READ,
        Capability.AUDIT_VERIFY,
        Capability.CONTACTS_READ,
    }
)


def allows(role: Role, capability: Capability) -> bool:
    """True when the role holds the capability."""
    return role in ACCESS[capability]


def capabilities_of(role: Role) -> list[Capability]:
    """Every capability the role holds, in table order."""
    return [capability for capability, roles in ACCESS.items() if role in roles]


def party_scope(role: Role, party: str | None) -> str | None:
    """The only party whose records this user may see, or None for every party."""
    return party if role is Role.NEGOTIATOR else None


def check_party(role: Role, party: str | None) -> None:
    """A negotiator belongs to exactly one party; no other role belongs to one."""
    if role is Role.NEGOTIATOR and not party:
        raise InvalidInput("a negotiator belongs to one party: add --party (e.g. --party UA)")
    if role is not Role.NEGOTIATOR and party:
        raise InvalidInput(
            f"only negotiators belong to a party; a {role.value} sees every party's records"
        )

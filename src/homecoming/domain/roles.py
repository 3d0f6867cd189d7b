"""Who may do what: roles, capabilities, and the one table between them.

Routes name a capability; this table says which roles hold it. A new router adds
its capabilities here and names them; nothing else changes.
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
    FORENSIC_EXPERT = "forensic_expert"  # examines remains, records identification steps


class Capability(StrEnum):
    ACCOUNT_SELF = "account.self"  # who am I, log out
    PERSONS_READ = "persons.read"  # persons, their records, search
    SOURCES_READ = "sources.read"
    AUDIT_VERIFY = "audit.verify"
    CONTACTS_READ = "contacts.read"  # families' contact details; every read is audited
    USERS_MANAGE = "users.manage"  # accounts, roles, tokens
    IMPORTS_WRITE = "imports.write"  # land a source's evidence in the registry
    REVIEW_READ = "review.read"  # the review queue and its explanations
    JUDGEMENTS_WRITE = "judgements.write"  # same / not same person, undo
    EXCHANGES_READ = "exchanges.read"  # agreements, list versions, stages, reconciliation
    EXCHANGES_WRITE = "exchanges.write"  # agreements, lists, findings, stage composition
    HANDOVERS_RECORD = "handovers.record"  # what happened at the crossing
    PARITY_OVERRIDE = "parity.override"  # accept a stage that breaks parity, with a reason
    INQUIRIES_READ = "inquiries.read"  # families' inquiries, testimonies, leads
    INQUIRIES_WRITE = "inquiries.write"  # register an inquiry, a testimony, a debrief answer
    LEADS_VERIFY = "leads.verify"  # verify or reject a lead
    NOTIFICATIONS_APPROVE = "notifications.approve"  # prepare and (second person) approve
    PERSONAL_DATA_ERASE = "personal_data.erase"  # erase an inquiry's personal data
    DISCLOSURES_READ = "disclosures.read"  # the disclosure log and the access review
    REMAINS_READ = "remains.read"  # handovers of remains, cases, the belongings catalogue
    REMAINS_RECORD = "remains.record"  # receive remains, declared counts, DNA references
    FORENSICS_WRITE = "forensics.write"  # identification steps and their confirmation


_EVERYONE = frozenset(Role)

ACCESS: dict[Capability, frozenset[Role]] = {
    Capability.ACCOUNT_SELF: _EVERYONE,
    Capability.PERSONS_READ: _EVERYONE,
    Capability.SOURCES_READ: _EVERYONE,
    Capability.AUDIT_VERIFY: frozenset({Role.ADMINISTRATOR, Role.AUDITOR}),
    Capability.CONTACTS_READ: frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON}),
    Capability.USERS_MANAGE: frozenset({Role.ADMINISTRATOR}),
    Capability.IMPORTS_WRITE: frozenset({Role.ADMINISTRATOR, Role.REGISTRAR}),
    Capability.REVIEW_READ: frozenset({Role.ADMINISTRATOR, Role.REGISTRAR, Role.AUDITOR}),
    Capability.JUDGEMENTS_WRITE: frozenset({Role.ADMINISTRATOR, Role.REGISTRAR}),
    Capability.EXCHANGES_READ: frozenset(
        {Role.ADMINISTRATOR, Role.REGISTRAR, Role.NEGOTIATOR, Role.TRACING_OFFICER, Role.AUDITOR}
    ),
    Capability.EXCHANGES_WRITE: frozenset({Role.ADMINISTRATOR, Role.NEGOTIATOR}),
    Capability.HANDOVERS_RECORD: frozenset({Role.ADMINISTRATOR, Role.NEGOTIATOR, Role.REGISTRAR}),
    Capability.PARITY_OVERRIDE: frozenset({Role.ADMINISTRATOR}),
    Capability.INQUIRIES_READ: frozenset(
        {Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON, Role.AUDITOR}
    ),
    Capability.INQUIRIES_WRITE: frozenset(
        {Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON}
    ),
    Capability.LEADS_VERIFY: frozenset({Role.ADMINISTRATOR, Role.TRACING_OFFICER}),
    Capability.NOTIFICATIONS_APPROVE: frozenset(
        {Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON}
    ),
    Capability.PERSONAL_DATA_ERASE: frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON}),
    Capability.DISCLOSURES_READ: frozenset({Role.ADMINISTRATOR, Role.AUDITOR}),
    Capability.REMAINS_READ: frozenset(
        {
            Role.ADMINISTRATOR,
            Role.FORENSIC_EXPERT,
            Role.TRACING_OFFICER,
            Role.FAMILY_LIAISON,
            Role.AUDITOR,
        }
    ),
    Capability.REMAINS_RECORD: frozenset(
        {Role.ADMINISTRATOR, Role.FORENSIC_EXPERT, Role.FAMILY_LIAISON}
    ),
    Capability.FORENSICS_WRITE: frozenset({Role.ADMINISTRATOR, Role.FORENSIC_EXPERT}),
}

# Capabilities that only read: the auditor holds no other kind.
READ_ONLY = frozenset(
    {
        Capability.ACCOUNT_SELF,
        Capability.PERSONS_READ,
        Capability.SOURCES_READ,
        Capability.AUDIT_VERIFY,
        Capability.CONTACTS_READ,
        Capability.REVIEW_READ,
        Capability.EXCHANGES_READ,
        Capability.INQUIRIES_READ,
        Capability.DISCLOSURES_READ,
        Capability.REMAINS_READ,
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

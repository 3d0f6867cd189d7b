"""The navigation: one entry per area, shown to the roles that hold its capability.

An area's pages (exchanges, tracing, review, ...) add their entry to `NAV` when they land;
the header shows, in this order, every entry the user's role may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from homecoming.domain.roles import Capability, Role, allows
from homecoming.web.labels import N_


@dataclass(frozen=True, slots=True)
class NavEntry:
    """One area of the UI: where it starts, its label (a msgid) and who may open it."""

    key: str
    path: str
    label: str
    capability: Capability


NAV: list[NavEntry] = [
    NavEntry("dashboard", "/ui/", N_("Dashboard"), Capability.PERSONS_READ),
    NavEntry("search", "/ui/search", N_("Search"), Capability.PERSONS_READ),
    NavEntry("sources", "/ui/sources", N_("Sources"), Capability.SOURCES_READ),
    NavEntry("import", "/ui/import", N_("Import"), Capability.IMPORTS_WRITE),
    NavEntry("exchanges", "/ui/exchanges", N_("Exchanges"), Capability.EXCHANGES_READ),
    NavEntry("review", "/ui/review", N_("Review"), Capability.REVIEW_READ),
    NavEntry("inquiries", "/ui/inquiries", N_("Inquiries"), Capability.INQUIRIES_READ),
    NavEntry("leads", "/ui/leads", N_("Leads"), Capability.INQUIRIES_READ),
    NavEntry("gallery", "/ui/gallery", N_("Debrief"), Capability.INQUIRIES_READ),
    NavEntry("notifications", "/ui/notifications", N_("Messages"), Capability.INQUIRIES_READ),
    NavEntry("disclosures", "/ui/disclosures", N_("Disclosures"), Capability.DISCLOSURES_READ),
    NavEntry("remains", "/ui/remains", N_("Remains"), Capability.REMAINS_READ),
    NavEntry("audit", "/ui/audit", N_("Audit"), Capability.AUDIT_VERIFY),
]


def entries_for(role: Role) -> list[NavEntry]:
    """The entries this role may open, in menu order."""
    return [entry for entry in NAV if allows(role, entry.capability)]

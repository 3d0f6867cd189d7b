"""Remains: handovers of bodies by count, cases by bag, identification step by step, DNA
reference metadata for families, and the belongings catalogue (docs/remains.md).

Every write is one transaction with its audit entry. A confirmed identification becomes a
verified lead of kind `identification` on the family's inquiry, which closes it as deceased
(the status table's `forensic` row) and prepares only the message asking to speak in person.

- `views`: what the other modules return (bags, handovers, steps, cases), and one case read;
- `receiving`: handovers of remains between the parties, by count and by bag;
- `casework`: cases and their identification steps, and confirming one;
- `dna`: DNA reference metadata from families, and the queue of cases waiting for it;
- `belongings`: the belongings catalogue, its photos, and a family's recognition;
- `export`: the cases as rows for a file.

Everything is re-exported here: `from homecoming.services import remains`."""

from __future__ import annotations

from homecoming.services.remains.belongings import (
    add_photo,
    catalogue,
    photo,
    read_photo,
    recognise,
)
from homecoming.services.remains.casework import (
    Confirmed,
    cases,
    confirm_step,
    record_step,
)
from homecoming.services.remains.dna import (
    ReferenceView,
    add_reference,
    reference_queue,
    references,
)
from homecoming.services.remains.export import (
    EXPORT_COLUMNS,
    export_rows,
)
from homecoming.services.remains.receiving import (
    declare,
    handovers,
    mark_other_side,
    receive,
    send_back,
)
from homecoming.services.remains.views import (
    PHOTO_DIR,
    Bag,
    CaseView,
    HandoverView,
    StepView,
    show,
)

__all__ = [
    "EXPORT_COLUMNS",
    "PHOTO_DIR",
    "Bag",
    "CaseView",
    "Confirmed",
    "HandoverView",
    "ReferenceView",
    "StepView",
    "add_photo",
    "add_reference",
    "cases",
    "catalogue",
    "confirm_step",
    "declare",
    "export_rows",
    "handovers",
    "mark_other_side",
    "photo",
    "read_photo",
    "receive",
    "recognise",
    "record_step",
    "reference_queue",
    "references",
    "send_back",
    "show",
]

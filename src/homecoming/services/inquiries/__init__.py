"""Families' inquiries: registration (one or a file of them), cases, photos, sharing, withdrawal.

The sought person's details land in the registry as a `family_inquiry` record (so linkage and
search see them) with the inquirer's contact details in the protected `contacts` table; the
inquiry row holds the case around it: reference, consent, sharing scope, status.

- `cases`: an inquiry's request, its checks, and registering one or a file of them;
- `reading`: finding, showing and listing cases, their sharing, and withdrawing one;
- `photos`: the one check and keeper of a photo file, a case's photos, the debrief gallery;
- `files`: reading a file of inquiries, and the PFIF notes export.

Everything is re-exported here: `from homecoming.services import inquiries`."""

from __future__ import annotations

from homecoming.services.inquiries.cases import (
    InquiryRequest,
    Registered,
    check_request,
    open_case,
    open_cases,
    register,
    register_many,
)
from homecoming.services.inquiries.files import (
    TRACING_COLUMNS,
    export_pfif_notes,
    month_first_date,
    requests_from_rows,
)
from homecoming.services.inquiries.photos import (
    MAX_PHOTO_BYTES,
    PHOTO_DIR,
    PHOTO_TYPES,
    PhotoView,
    add_photo,
    checked_photo,
    gallery,
    image_type,
    keep_photo,
    read_photo,
)
from homecoming.services.inquiries.reading import (
    InquiryView,
    described,
    find,
    list_inquiries,
    set_open,
    shareable,
    sharing_of,
    show,
    status_is_closed,
    withdraw,
)

__all__ = [
    "MAX_PHOTO_BYTES",
    "PHOTO_DIR",
    "PHOTO_TYPES",
    "TRACING_COLUMNS",
    "InquiryRequest",
    "InquiryView",
    "PhotoView",
    "Registered",
    "add_photo",
    "check_request",
    "checked_photo",
    "described",
    "export_pfif_notes",
    "find",
    "gallery",
    "image_type",
    "keep_photo",
    "list_inquiries",
    "month_first_date",
    "open_case",
    "open_cases",
    "read_photo",
    "register",
    "register_many",
    "requests_from_rows",
    "set_open",
    "shareable",
    "sharing_of",
    "show",
    "status_is_closed",
    "withdraw",
]

"""Exchange lists: each party's offer and request as numbered, immutable versions; diffs;
validation against the registry; findings and the human decisions on them.

A list version IS a registry source (kind `party_list`) plus its `list_versions` row: its
entries land as records like any other evidence, and are never changed afterwards.

- `views`: what the other modules return (versions, entries, findings, reports);
- `importing`: a party's list version landing as evidence;
- `reading`: versions, entries, diffs, and who sees a validation;
- `validation`: resolving every entry against the registry, and the report of findings;
- `decisions`: decisions on findings, and the accepted entries planning may use.

Everything is re-exported here: `from homecoming.services import exchange_lists`."""

from __future__ import annotations

from homecoming.services.exchange_lists.decisions import (
    AcceptedEntry,
    DecisionView,
    accepted_entries,
    decide_finding,
)
from homecoming.services.exchange_lists.importing import (
    import_upload,
    import_version,
)
from homecoming.services.exchange_lists.reading import (
    diff_versions,
    entries,
    get_version,
    list_versions,
    sees_validation,
)
from homecoming.services.exchange_lists.validation import (
    REPORT_HEADERS,
    released_in,
    report_rows,
    validate_version,
    validation_report,
)
from homecoming.services.exchange_lists.views import (
    SEARCH_DEPTH,
    Direction,
    EntryView,
    FindingView,
    ListVersionView,
    ReportLine,
    ValidationReport,
)

__all__ = [
    "REPORT_HEADERS",
    "SEARCH_DEPTH",
    "AcceptedEntry",
    "DecisionView",
    "Direction",
    "EntryView",
    "FindingView",
    "ListVersionView",
    "ReportLine",
    "ValidationReport",
    "accepted_entries",
    "decide_finding",
    "diff_versions",
    "entries",
    "get_version",
    "import_upload",
    "import_version",
    "list_versions",
    "released_in",
    "report_rows",
    "sees_validation",
    "validate_version",
    "validation_report",
]

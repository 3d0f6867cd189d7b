"""PFIF 1.4 import and export; PFIF 1.1–1.3 are read too (fields renamed to 1.4 names).

Import maps each ``person`` and each ``note`` to record fields plus the raw fields as
received. Export writes only what PFIF has a field for: names, sex, date of birth,
residence, photo and description. Rank, unit, service number, category and fate
stay out on purpose (PFIF feeds travel far; those facts are need-to-know); send a
fate as a note with a status when it is meant to be shared.

Split along its sections; everything is re-exported here:
- `common`: PFIF's vocabulary: versions, fields, limits, the records read and their error;
- `parsing`: parse PFIF 1.1-1.4 documents into persons and notes, every problem named by line;
- `export`: write PFIF 1.4 documents of persons and notes;
"""

from __future__ import annotations

from homecoming.formats.pfif.common import (
    DEFAULTABLE_NOTE,
    DEFAULTABLE_PERSON,
    DEFAULTED_KEY,
    HOME_FIELDS,
    LIMITED_FIELDS,
    NAME_FIELDS,
    NOTE_FIELDS,
    PERSON_FIELDS,
    PFIF_NS,
    PFIF_VERSIONS,
    RENAMED_FIELDS,
    REQUIRED_NOTE,
    REQUIRED_PERSON,
    STATUS_FATES,
    PfifDocument,
    PfifError,
    PfifNote,
    PfifPerson,
)
from homecoming.formats.pfif.export import (
    person_values,
    received_values,
    utc_stamp,
    write_pfif,
    write_pfif_values,
)
from homecoming.formats.pfif.parsing import (
    _local,
    _record_id,
    parse_pfif,
    read_pfif,
)

__all__ = [
    "DEFAULTABLE_NOTE",
    "DEFAULTABLE_PERSON",
    "DEFAULTED_KEY",
    "HOME_FIELDS",
    "LIMITED_FIELDS",
    "NAME_FIELDS",
    "NOTE_FIELDS",
    "PERSON_FIELDS",
    "PFIF_NS",
    "PFIF_VERSIONS",
    "RENAMED_FIELDS",
    "REQUIRED_NOTE",
    "REQUIRED_PERSON",
    "STATUS_FATES",
    "PfifDocument",
    "PfifError",
    "PfifNote",
    "PfifPerson",
    "_local",
    "_record_id",
    "parse_pfif",
    "person_values",
    "read_pfif",
    "received_values",
    "utc_stamp",
    "write_pfif",
    "write_pfif_values",
]

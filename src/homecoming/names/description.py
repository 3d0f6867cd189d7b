"""One name described: its parts, renderings under every standard, variants and search keys."""

from __future__ import annotations

from typing import Any

from homecoming.names.blocking import keys
from homecoming.names.lookup import renderings
from homecoming.names.parse import parse_name
from homecoming.names.variant_groups import variants


def describe(name: str) -> dict[str, Any]:
    """What `homecoming names variants` and `/names/variants` show for a name."""
    parsed = parse_name(name)
    parts = (*parsed.given, *parsed.patronymic, *parsed.family)
    return {
        "name": name,
        "script": parsed.script,
        "language": parsed.language,
        "family": list(parsed.family),
        "given": list(parsed.given),
        "patronymic": list(parsed.patronymic),
        "renderings": renderings(name),
        "variants": {part: sorted(variants(part)) for part in parts},
        "keys": sorted(keys(name)),
    }

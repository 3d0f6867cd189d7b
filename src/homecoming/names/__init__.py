"""Cross-script person names: script, renderings, common form, variants, parsing, comparison, keys.

Submodules load their tables lazily, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from homecoming.names.blocking import keys
    from homecoming.names.comparison import (
        NameComparison,
        PartMatch,
        compare,
        compare_parsed,
        compare_parts,
    )
    from homecoming.names.description import describe
    from homecoming.names.latin_form import common_form, common_forms
    from homecoming.names.lookup import full_names_of, is_given_name, renderings
    from homecoming.names.parse import ParsedName, from_parts, parse_name
    from homecoming.names.script import cyrillic_language, detect_script
    from homecoming.names.tuning import DEFAULT_THRESHOLD, REVIEW_THRESHOLD
    from homecoming.names.variant_groups import (
        diminutives_of,
        variants,
    )

_EXPORTS = {
    "common_form": "latin_form",
    "common_forms": "latin_form",
    "DEFAULT_THRESHOLD": "tuning",
    "REVIEW_THRESHOLD": "tuning",
    "NameComparison": "comparison",
    "PartMatch": "comparison",
    "compare": "comparison",
    "compare_parsed": "comparison",
    "compare_parts": "comparison",
    "keys": "blocking",
    "describe": "description",
    "ParsedName": "parse",
    "from_parts": "parse",
    "parse_name": "parse",
    "cyrillic_language": "script",
    "detect_script": "script",
    "renderings": "lookup",
    "variants": "variant_groups",
    "diminutives_of": "variant_groups",
    "full_names_of": "lookup",
    "is_given_name": "lookup",
}

__all__ = [
    "DEFAULT_THRESHOLD",
    "REVIEW_THRESHOLD",
    "NameComparison",
    "ParsedName",
    "PartMatch",
    "common_form",
    "common_forms",
    "compare",
    "compare_parsed",
    "compare_parts",
    "cyrillic_language",
    "describe",
    "detect_script",
    "diminutives_of",
    "from_parts",
    "full_names_of",
    "is_given_name",
    "keys",
    "parse_name",
    "renderings",
    "variants",
]


def __getattr__(name: str) -> Any:
    # Lazy: rapidfuzz and the name tables load on first use, not on `import homecoming`.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"homecoming.names.{module}"), name)

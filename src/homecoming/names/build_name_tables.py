"""Build the engine's name tables: `data/name_groups.tsv`, `data/rare_name_groups.tsv.gz` and
`data/given_names.tsv.gz`.

rigour (OpenSanctions) ships Wikidata's person-name groups inside its compiled core and
builds a matcher over all of them on first use, which takes seconds in every new process.
The engine needs only some of those groups and only their Latin and Cyrillic forms, so
this script writes them once, at build time:

    python -m homecoming.names.build_name_tables

It reads the group list embedded in the installed rigour wheel (zstd-compressed text; the
`zstd` command must be on PATH) and keeps a group when one of its Cyrillic forms is a given
name known to names-translator or Faker, or a Latin form is one of Faker's first names.
rigour's nickname groups are kept whole. Every other group (family names, rarer given
names) goes to `data/rare_name_groups.tsv.gz` (form -> group ids) with its Latin and Cyrillic
single-word forms, when those forms are spellings that transliteration alone does not
bring together (Sheinbaum / Шейнбаум meet anyway; Moammar / Muammar do not). Re-run it
after upgrading rigour, names-translator or Faker; At run time `variant_groups` only reads
these files and fails loudly when one is missing (`tables.MissingNameTable`).

`given_names.tsv.gz` holds names-translator's Ukrainian -> Russian tables of given names
and patronymics, the common Latin forms of every given name under the usual standards,
Faker's common given names in those forms, and Faker's common Ukrainian and Russian
surnames by their Latin forms, and the everyday forms of given names (Тьома, Сашко, Серёжа)
from the hand-written `data/diminutives.tsv` (its header names the sources looked at) with
the common Latin forms each is read by: listing and rendering them takes seconds.
Re-run after changing `latin_form` or `transliterate` too (a test compares the two).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from homecoming.names.tables import (
    DERIVED_PATH,
    DIMINUTIVES_SOURCE,
    GROUPS_PATH,
    RARE_GROUPS_PATH,
)
from homecoming.names.transliterate import render_token
from homecoming.names.variant_groups import GIVEN_NAME_PREFIX

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_LATIN = re.compile(r"^[a-z\u00c0-\u024f'-]+$")
_CYRILLIC = re.compile(r"^[\u0400-\u04ff'-]+$")
_FAKER_LOCALES = ("uk_UA", "ru_RU", "en_US", "en_GB", "de_DE", "fr_FR", "pl_PL", "it_IT", "es_ES")


def _embedded_texts() -> Iterator[bytes]:
    import rigour._core

    blob = Path(rigour._core.__file__).read_bytes()
    start = blob.find(_ZSTD_MAGIC)
    while start >= 0:
        result = subprocess.run(
            ["zstd", "-d", "-c", "-q"], input=blob[start:], capture_output=True, check=False
        )
        if result.stdout:
            yield result.stdout
        start = blob.find(_ZSTD_MAGIC, start + 1)


def rigour_groups() -> tuple[list[tuple[str, list[str]]], dict[str, list[str]]]:
    """rigour's person-name groups (id, forms) and nickname groups (id -> names)."""
    groups: list[tuple[str, list[str]]] = []
    nicks: dict[str, list[str]] = {}
    for text in _embedded_texts():
        head = text[:4000].decode("utf-8", "replace")
        if not groups and re.search(r" => Q\d+\n", head):
            for line in text.decode("utf-8").splitlines():
                forms, _, ident = line.rpartition(" => ")
                if forms:
                    groups.append((ident, forms.split(", ")))
        elif not nicks and '"person_nick"' in text.decode("utf-8", "replace"):
            nicks = json.loads(text)["person_nick"]
    if not groups:
        raise SystemExit("rigour's person-name groups were not found in its core module")
    return groups, nicks


def known_given_names() -> set[str]:
    """Lower-case given names from names-translator (uk and ru) and Faker's first-name lists."""
    import importlib

    from names_translator.dicts import default_dicts

    found: set[str] = set()
    for uk, forms in default_dicts().as_dict("first").items():
        found.add(uk.lower())
        found.update(f.lower() for f in forms)
    for locale in _FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names_male", "first_names_female", "first_names"):
            found.update(str(n).lower() for n in getattr(provider, attr, ()) or ())
    return found


def _comparison_forms(form: str) -> frozenset[str]:
    """The common Latin forms `compare` gives a lower-case Latin or Cyrillic word."""
    from homecoming.names.latin_form import common_forms
    from homecoming.names.token import cyrillic_forms_of

    if _CYRILLIC.match(form):
        return cyrillic_forms_of(form)
    return frozenset(common_forms(form))


def adds_spellings(forms: list[str]) -> bool:
    """Whether a group joins spellings that transliteration alone does not bring together."""
    readings = [_comparison_forms(f) for f in forms]
    shared = frozenset.intersection(*readings) if readings else frozenset()
    return len(readings) >= 2 and not shared


def rare_group(forms: list[str]) -> list[str] | None:
    """A group's Latin and Cyrillic single-word forms, when they add spellings (else None)."""
    kept = sorted({f for f in forms if _LATIN.match(f) or _CYRILLIC.match(f)})
    return kept if adds_spellings(kept) else None


def build(path: Path = GROUPS_PATH, rare_path: Path = RARE_GROUPS_PATH) -> int:
    """Write the given-name and rare group tables; return how many given-name groups."""
    groups, nicks = rigour_groups()
    given = known_given_names()
    lines = []
    rare: dict[str, list[str]] = {}
    for ident, forms in groups:
        kept = sorted({f for f in forms if " " not in f})
        if not any(f in given for f in kept):
            for form in rare_group(kept) or ():
                rare.setdefault(form, []).append(ident)
            continue
        lines.append(f"{GIVEN_NAME_PREFIX}{ident}\t{' '.join(kept)}")
    for ident, names in sorted(nicks.items()):
        lines.append(f"NICK:{ident}\t{' '.join(sorted({n.lower() for n in names}))}")
    header = "# generated by homecoming.names.build_name_tables from rigour; do not edit\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    rare_lines = [f"{form}\t{' '.join(ids)}" for form, ids in sorted(rare.items())]
    _write_gzip(rare_path, header + "\n".join(rare_lines) + "\n")
    return len(lines)


def _write_gzip(path: Path, text: str) -> None:
    """Write text gzipped with no name and mtime=0: the same libraries give the same bytes."""
    import gzip

    with path.open("wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def build_derived(path: Path = DERIVED_PATH) -> int:
    """Write the names-translator and Faker tables `variant_groups` reads (given_names.tsv.gz)."""
    lines = []
    for category in ("first", "patronymic"):
        for uk, forms in sorted(live_translator_table(category).items()):
            lines.append(f"{category}\t{uk}\t{' '.join(forms)}")
    for form, ids in sorted(live_given_name_ids_by_form().items()):
        names = sorted(i.split(":", 1)[1] for i in ids)
        lines.append(f"form\t{form}\t{' '.join(names)}")
    lines += [f"common\t{form}\t" for form in sorted(live_common_given_name_forms())]
    for form, surnames in sorted(live_common_surnames_by_form().items()):
        lines.append(f"surname\t{form}\t{' '.join(surnames)}")
    for full, everyday in sorted(read_diminutive_source().items()):
        lines.append(f"diminutive\t{full}\t{' '.join(everyday)}")
    for form, ids in sorted(live_diminutive_ids_by_form().items()):
        lines.append(f"dim\t{form}\t{' '.join(sorted(i.split(':', 1)[1] for i in ids))}")
    _write_gzip(path, "\n".join(lines) + "\n")
    return len(lines)


# --- the live computations from the libraries: build time only ------------------------


def _rigour_name_groups(token: str) -> frozenset[str]:
    """Ask rigour itself (slow to start: it builds a matcher over every name it knows)."""
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names

    groups: set[str] = set()
    for name in analyze_names(NameTypeTag.PER, [token], consolidate=False, phonetics=False):
        for span in name.spans:
            if len(span.parts) != 1:
                continue
            if span.symbol.category in (SymbolCategory.NAME, SymbolCategory.NICK):
                groups.add(f"{span.symbol.category.value}:{span.symbol.id}")
    return frozenset(groups)


def live_translator_table(category: str) -> dict[str, tuple[str, ...]]:
    """names-translator's table of one category, listed from the library itself."""
    from names_translator.dicts import default_dicts

    return {uk: tuple(forms) for uk, forms in default_dicts().as_dict(category).items()}


# Standards whose Latin forms of given names people meet most.
_GIVEN_NAME_STANDARDS_UK = (
    "uk_kmu_2010",
    "uk_passport_2007",
    "uk_bgn_pcgn",
    "uk_german",
    "uk_french",
)
_GIVEN_NAME_STANDARDS_RU = (
    "ru_icao_doc_9303",
    "ru_mvd_310",
    "ru_english",
    "ru_bgn_pcgn",
    "ru_simple",
)


def live_given_name_ids_by_form() -> dict[str, frozenset[str]]:
    """`_given_name_ids_by_form` computed from the libraries."""
    from homecoming.names.latin_form import common_forms

    by_form: dict[str, set[str]] = {}
    for uk, forms in live_translator_table("first").items():
        ident = f"UKRU:{uk}"
        spellings = [render_token(uk.capitalize(), s) for s in _GIVEN_NAME_STANDARDS_UK]
        for ru in forms:
            spellings += [render_token(ru.capitalize(), s) for s in _GIVEN_NAME_STANDARDS_RU]
        for spelling in spellings:
            for form in common_forms(spelling)[:1]:
                by_form.setdefault(form, set()).add(ident)
    return {form: frozenset(ids) for form, ids in by_form.items()}


def live_common_given_name_forms() -> frozenset[str]:
    """`common_given_name_forms` computed from Faker's lists."""
    import importlib

    from homecoming.names.latin_form import common_forms

    found: set[str] = set()
    for locale in ("uk_UA", "ru_RU"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for name in (*provider.first_names_male, *provider.first_names_female):
            for standard in (*_GIVEN_NAME_STANDARDS_UK, *_GIVEN_NAME_STANDARDS_RU):
                found.update(common_forms(render_token(str(name), standard))[:1])
    return frozenset(found)


def live_common_surnames_by_form() -> dict[str, tuple[str, ...]]:
    """`_common_surnames_by_form` computed from Faker's uk_UA and ru_RU surname lists."""
    from homecoming.names.token import cyrillic_forms_of

    by_form: dict[str, set[str]] = {}
    for surname in live_common_surnames():
        for form in cyrillic_forms_of(surname):
            by_form.setdefault(form, set()).add(surname)
    return {form: tuple(sorted(names)) for form, names in by_form.items()}


def live_common_surnames() -> frozenset[str]:
    """Faker's Ukrainian and Russian surnames, lower case (ё read as е)."""
    import importlib

    found: set[str] = set()
    for locale in ("uk_UA", "ru_RU"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        found.update(str(n).lower().replace("ё", "е") for n in provider.last_names)
    return frozenset(found)


def read_diminutive_source(path: Path = DIMINUTIVES_SOURCE) -> dict[str, tuple[str, ...]]:
    """The hand-written table: Ukrainian full name (lower case) -> its everyday forms."""
    table: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        full, _, forms = line.partition("\t")
        table[full.strip()] = tuple(dict.fromkeys(forms.split()))
    return table


def live_diminutive_ids_by_form() -> dict[str, frozenset[str]]:
    """`_diminutive_ids_by_form` computed from the source table and the standards.

    Every everyday form is read as `compare` reads a Cyrillic word (its common Latin forms
    under the standards of its language), so that Тьома, Tioma and Tyoma all find Артем.
    """
    from homecoming.names.token import cyrillic_forms_of

    by_form: dict[str, set[str]] = {}
    for full, forms in read_diminutive_source().items():
        for form in forms:
            for latin in cyrillic_forms_of(form):
                by_form.setdefault(latin, set()).add(f"UKRU:{full}")
    return {form: frozenset(ids) for form, ids in by_form.items()}


if __name__ == "__main__":
    print(f"{build()} given-name groups written to {GROUPS_PATH} (and {RARE_GROUPS_PATH.name})")
    print(f"{build_derived()} rows written to {DERIVED_PATH}")

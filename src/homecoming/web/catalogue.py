"""Keeping the message catalogues in step with the pages (used by `scripts/update-catalogues`).

Russian is kept for the family page only: its other messages fall back to English.

Messages are the `_()`/`ngettext()` calls in the templates and the `N_()` marks in the web
package's Python. `update()` adds new messages to each .po (keeping every translation) and
drops ones no longer used; a test fails when a Ukrainian translation is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from homecoming.web.i18n import DOMAIN, FAMILY_LANGUAGES, po_path

WEB_DIR = Path(__file__).parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}


def extract() -> Catalog:
    """Every message the web package uses, with where it is used."""
    catalog = Catalog(domain=DOMAIN, project="Homecoming", charset="utf-8")
    found: Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]] = (
        extract_from_dir(WEB_DIR, METHODS, keywords=KEYWORDS, options_map=OPTIONS, comment_tags=())
    )
    for file_name, line, message, comments, context in found:
        catalog.add(
            message,
            None,
            [(f"src/homecoming/web/{file_name}", line)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def read(language: str) -> Catalog:
    """The catalogue of a language as it is on disk."""
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update() -> dict[str, int]:
    """Merge the extracted messages into every .po; returns untranslated counts per language."""
    template = extract()
    missing: dict[str, int] = {}
    for language in FAMILY_LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="Homecoming")
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        _describe(catalog, language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=False, omit_header=False)
        missing[language] = len([m for m in catalog if m.id and not _translated(m.string)])
    return missing


def _describe(catalog: Catalog, language: str) -> None:
    catalog.fuzzy = False
    catalog.project, catalog.version = "Homecoming", ""
    catalog.copyright_holder = "the Homecoming contributors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "the Homecoming contributors"
    catalog.language_team = FAMILY_LANGUAGES[language]
    catalog.header_comment = (
        f"# Messages of Homecoming's web UI, language {language!r}.\n"
        "# Kept in step with the pages by scripts/update-catalogues."
    )


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)

"""Given-name variants and Ukrainian/Russian name forms from real data sources.

Variant groups come from the Wikidata name groups that OpenSanctions ships in `rigour`
(Олександр, Александр, Oleksandr, Alexander and Sasha share a group); Ukrainian to Russian
forms of given names, patronymics and surnames come from `names-translator`.
"""

from __future__ import annotations

from functools import cache, lru_cache

from homecoming.names.script import detect_script
from homecoming.names.transliterate import render_token, russian_forms


@lru_cache(maxsize=200_000)
def name_groups(token: str) -> frozenset[str]:
    """Wikidata name-group ids (and nickname ids) that a single name token belongs to."""
    from rigour.names import NameTypeTag, SymbolCategory, analyze_names

    groups: set[str] = set()
    for name in analyze_names(NameTypeTag.PER, [token], consolidate=False, phonetics=False):
        for span in name.spans:
            if len(span.parts) != 1:
                continue
            if span.symbol.category in (SymbolCategory.NAME, SymbolCategory.NICK):
                groups.add(f"{span.symbol.category.value}:{span.symbol.id}")
    return frozenset(groups)


@cache
def _russian_to_ukrainian() -> dict[str, tuple[str, ...]]:
    """Invert names-translator's Ukrainian -> Russian given-name table (loaded on first use)."""
    from names_translator.dicts import default_dicts

    inverse: dict[str, list[str]] = {}
    for category in ("first", "patronymic"):
        for uk, forms in default_dicts().as_dict(category).items():
            for ru in forms:
                if ru.lower() != uk:
                    inverse.setdefault(ru.lower(), []).append(uk)
    return {ru: tuple(uks) for ru, uks in inverse.items()}


def ukrainian_forms(token: str) -> tuple[str, ...]:
    """Ukrainian forms of a Russian given name or patronymic, e.g. Александр -> Олександр."""
    return _russian_to_ukrainian().get(token.lower(), ())


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


@cache
def _given_name_ids_by_form() -> dict[str, frozenset[str]]:
    """Common Latin form -> ids of the Ukrainian given names (with their Russian forms) it spells.

    This lets Latin spellings of the Ukrainian and the Russian form of one name meet
    (Serhii ~ Sergey) without either side being in Cyrillic.
    """
    from names_translator.dicts import default_dicts

    from homecoming.names.latin_form import common_forms

    by_form: dict[str, set[str]] = {}
    for uk, forms in default_dicts().as_dict("first").items():
        ident = f"UKRU:{uk}"
        spellings = [render_token(uk.capitalize(), s) for s in _GIVEN_NAME_STANDARDS_UK]
        for ru in forms:
            spellings += [render_token(ru.capitalize(), s) for s in _GIVEN_NAME_STANDARDS_RU]
        for spelling in spellings:
            for form in common_forms(spelling)[:1]:
                by_form.setdefault(form, set()).add(ident)
    return {form: frozenset(ids) for form, ids in by_form.items()}


@cache
def common_given_name_forms() -> frozenset[str]:
    """Common Latin forms of the given names most used in Ukraine and Russia (Faker's lists).

    Two different common names one letter apart (Марина / Дарина) are different names; a
    rare "name" one letter from a common one is more likely a typo.
    """
    import importlib

    from homecoming.names.latin_form import common_forms

    found: set[str] = set()
    for locale in ("uk_UA", "ru_RU"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for name in (*provider.first_names_male, *provider.first_names_female):
            for standard in (*_GIVEN_NAME_STANDARDS_UK, *_GIVEN_NAME_STANDARDS_RU):
                found.update(common_forms(render_token(str(name), standard))[:1])
    return frozenset(found)


def given_name_ids_of_forms(forms: frozenset[str]) -> frozenset[str]:
    """Ukrainian/Russian given-name ids whose Latin spellings include one of `forms`."""
    table = _given_name_ids_by_form()
    return frozenset().union(*(table.get(f, frozenset()) for f in forms))


@lru_cache(maxsize=50_000)
def groups_of_given_name_id(ident: str) -> frozenset[str]:
    """Wikidata name groups of a Ukrainian given name id and of its Russian forms."""
    uk = ident.split(":", 1)[1].capitalize()
    found = set(name_groups(uk))
    for ru in russian_forms(uk, "first"):
        found |= name_groups(ru.capitalize())
    return frozenset(found)


def name_form_language(token: str) -> str | None:
    """uk or ru when a Cyrillic word is a name form only one language uses (Микола / Николай)."""
    if detect_script(token) != "cyrillic":
        return None
    if any(f.lower() != token.lower() for f in russian_forms(token.capitalize())):
        return "uk"
    if ukrainian_forms(token):
        return "ru"
    return None


@cache
def _vocabulary_by_group() -> dict[str, frozenset[str]]:
    """Group id -> known given names (Faker's East European and Western first names)."""
    import importlib

    names: set[str] = set()
    for locale in ("uk_UA", "ru_RU", "en_US", "en_GB", "de_DE", "fr_FR", "pl_PL"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names_male", "first_names_female", "first_names"):
            found = getattr(provider, attr, None)
            if found:
                names.update(str(n) for n in found)
    by_group: dict[str, set[str]] = {}
    for name in names:
        for group in name_groups(name):
            by_group.setdefault(group, set()).add(name)
    return {g: frozenset(ns) for g, ns in by_group.items()}


def variants(given_name: str) -> set[str]:
    """Known variants of a given name: Ukrainian/Russian forms, standard renderings, group mates."""
    found: set[str] = {given_name}
    cyrillic = [given_name]
    if detect_script(given_name) == "cyrillic":
        uk_forms = [given_name, *ukrainian_forms(given_name)[:2]]
        from homecoming.names.script import cyrillic_language

        own = [given_name] if cyrillic_language(given_name) != "uk" else []
        ru_forms = [*own, *russian_forms(given_name)]
        cyrillic = list(dict.fromkeys(f.capitalize() for f in uk_forms + ru_forms))
        found.update(cyrillic)
        for form in uk_forms:
            found.add(render_token(form.capitalize(), "uk_kmu_2010"))
        for form in ru_forms:
            found.update(
                render_token(form.capitalize(), s) for s in ("ru_icao_doc_9303", "ru_english")
            )
    vocabulary = _vocabulary_by_group()
    for form in cyrillic:
        for group in name_groups(form):
            found.update(vocabulary.get(group, ()))
    return found

"""Given-name variants and Ukrainian/Russian name forms from real data sources.

Variant groups come from the Wikidata name groups that OpenSanctions ships in `rigour`
(Олександр, Александр, Oleksandr, Alexander and Sasha share a group); Ukrainian to Russian
forms of given names, patronymics and surnames come from `names-translator`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from homecoming.forgetting import forgettable
from homecoming.names.script import APOSTROPHES, detect_script
from homecoming.names.tables import DERIVED_PATH, GROUPS_PATH, RARE_GROUPS_PATH, shipped
from homecoming.names.transliterate import render_token, russian_forms

_NO_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


@cache
def _group_table() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """Form -> group ids and group id -> forms, from the table `build_name_tables` writes."""
    by_form: dict[str, set[str]] = {}
    by_group: dict[str, tuple[str, ...]] = {}
    for line in shipped(GROUPS_PATH).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        ident, _, forms = line.partition("\t")
        by_group[ident] = tuple(forms.split())
        for form in by_group[ident]:
            by_form.setdefault(form, set()).add(ident)
    return {f: frozenset(ids) for f, ids in by_form.items()}, by_group


@forgettable(maxsize=200_000)
def name_groups(token: str) -> frozenset[str]:
    """Wikidata name-group ids (and nickname ids) of the given names a single token spells."""
    # rigour reads Вʼячеслав as вячеслав: its forms carry no apostrophes.
    return _group_table()[0].get(token.lower().translate(_NO_APOSTROPHES), frozenset())


# Wikidata groups that hold no given name known in Ukraine, Russia or Western Europe: family
# names (Shevchenko / Szewczenko / Шевченко) and rarer given names (Moammar / Muammar). They
# are kept apart from the given-name groups, which parsing, search keys and linkage read as
# "this word is a given name", and only where transliteration alone would not join the forms.
RARE_PREFIX = "RARE:"
# A Wikidata given-name group's id in the tables (`build_name_tables` writes it).
GIVEN_NAME_PREFIX = "NAME:"


@cache
def _rare_table() -> list[str]:
    """The rare groups table's lines ("form<TAB>ids"), sorted by form: looked up by bisection.

    Kept as the lines themselves: a dict over its 140,000 forms took longer to build than
    every other table together, in every new process.
    """
    import gzip

    lines = gzip.decompress(shipped(RARE_GROUPS_PATH).read_bytes()).decode("utf-8").splitlines()
    return [line for line in lines if not line.startswith("#")]


@forgettable(maxsize=200_000)
def rare_name_groups(token: str) -> frozenset[str]:
    """Wikidata groups of the family names and rarer names a single token spells."""
    from bisect import bisect_left

    lines = _rare_table()
    prefix = token.lower().translate(_NO_APOSTROPHES) + "\t"
    at = bisect_left(lines, prefix)
    if at == len(lines) or not lines[at].startswith(prefix):
        return frozenset()
    return frozenset(RARE_PREFIX + i for i in lines[at][len(prefix) :].split())


def group_forms(ident: str) -> tuple[str, ...]:
    """Lower-case Latin and Cyrillic forms of one name group."""
    return _group_table()[1].get(ident, ())


@cache
def _derived() -> dict[str, dict[str, tuple[str, ...]]]:
    """Tables `build_name_tables` derives from names-translator and Faker: section -> key -> values.

    Listing names-translator's tables and rendering every name under ten standards takes
    seconds; the package ships the result (`build_name_tables` writes it).
    """
    import gzip

    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    with gzip.open(shipped(DERIVED_PATH), "rt", encoding="utf-8") as handle:
        for line in handle:
            section, key, values = line.rstrip("\n").split("\t")
            sections.setdefault(section, {})[key] = tuple(values.split())
    return sections


@cache
def _translator_table(category: str) -> dict[str, tuple[str, ...]]:
    """names-translator's Ukrainian -> Russian table of one category (slow to list: once)."""
    return _derived().get(category, {})


@cache
def _russian_to_ukrainian() -> dict[str, tuple[str, ...]]:
    """Invert names-translator's Ukrainian -> Russian given-name table (loaded on first use)."""
    inverse: dict[str, list[str]] = {}
    for category in ("first", "patronymic"):
        for uk, forms in _translator_table(category).items():
            for ru in forms:
                if ru.lower() != uk:
                    inverse.setdefault(ru.lower(), []).append(uk)
    return {ru: tuple(uks) for ru, uks in inverse.items()}


def ukrainian_forms(token: str) -> tuple[str, ...]:
    """Ukrainian forms of a Russian given name or patronymic, e.g. Александр -> Олександр."""
    return _russian_to_ukrainian().get(token.lower(), ())


@cache
def _given_name_ids_by_form() -> dict[str, frozenset[str]]:
    """Common Latin form -> ids of the Ukrainian given names (with their Russian forms) it spells.

    This lets Latin spellings of the Ukrainian and the Russian form of one name meet
    (Serhii ~ Sergey) without either side being in Cyrillic.
    """
    return {
        form: frozenset(f"UKRU:{uk}" for uk in names)
        for form, names in _derived().get("form", {}).items()
    }


@cache
def common_given_name_forms() -> frozenset[str]:
    """Common Latin forms of the given names most used in Ukraine and Russia (Faker's lists).

    Two different common names one letter apart (Марина / Дарина) are different names; a
    rare "name" one letter from a common one is more likely a typo.
    """
    return frozenset(_derived().get("common", {}))


@cache
def _common_surnames_by_form() -> dict[str, tuple[str, ...]]:
    """Common Latin form -> the common Ukrainian and Russian surnames (lower case) it spells."""
    return dict(_derived().get("surname", {}))


@cache
def common_surnames() -> frozenset[str]:
    """The common Ukrainian and Russian surnames, lower case (ё read as е)."""
    return frozenset(n for names in _common_surnames_by_form().values() for n in names)


def common_surnames_spelled(forms: frozenset[str]) -> frozenset[str]:
    """Common surnames (Cyrillic, lower case) that a Latin word's common forms spell.

    Bandura spells Бандура: set beside Бандера, a different common surname, it is read as
    the surname it spells, not as a loose rendering of the other one.
    """
    table = _common_surnames_by_form()
    return frozenset(n for f in forms for n in table.get(f, ()))


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


@cache
def _diminutive_table() -> dict[str, tuple[str, ...]]:
    """Full name -> everyday forms, as shipped."""
    return dict(_derived().get("diminutive", {}))


@cache
def _diminutive_ids_by_form() -> dict[str, frozenset[str]]:
    """Common Latin form of an everyday name -> ids (UKRU:олександр) of the names it stands for."""
    return {
        form: frozenset(f"UKRU:{uk}" for uk in names)
        for form, names in _derived().get("dim", {}).items()
    }


def diminutive_ids_of_forms(forms: frozenset[str]) -> frozenset[str]:
    """Given-name ids (UKRU:артем) of the full names whose everyday forms spell one of `forms`."""
    table = _diminutive_ids_by_form()
    return frozenset().union(*(table.get(f, frozenset()) for f in forms))


def diminutives_of(full_name: str) -> tuple[str, ...]:
    """Everyday forms of a Ukrainian or Russian full given name (Артем, Артём: Тьома, Тёма...)."""
    key = full_name.lower().replace("ё", "е").replace("ʼ", "'").replace("’", "'")
    names = [key, *(u.lower() for u in ukrainian_forms(key))]
    found: list[str] = []
    table = _diminutive_table()
    for name in names:
        found += [f.capitalize() for f in table.get(name, ())]
    return tuple(dict.fromkeys(found))


def load_tables() -> None:
    """Read the tables a name's token and comparison use now, not on their first use."""
    _group_table()
    _rare_table()
    _russian_to_ukrainian()
    _given_name_ids_by_form()
    common_given_name_forms()
    common_surnames()
    _diminutive_table()
    _diminutive_ids_by_form()


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
            # The group's own Latin and Cyrillic forms: diminutives too (Sasha, Саша, Шурик).
            found.update(f.capitalize() for f in group_forms(group) if _LISTED_FORM.match(f))
        found.update(diminutives_of(form))
    return found


_LISTED_FORM = re.compile(r"^(?:[a-z]+|[а-яёіїєґ]+)$")

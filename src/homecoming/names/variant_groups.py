"""Given-name variants and Ukrainian/Russian name forms from real data sources.

Variant groups come from the Wikidata name groups that OpenSanctions ships in `rigour`
(Олександр, Александр, Oleksandr, Alexander and Sasha share a group); Ukrainian to Russian
forms of given names, patronymics and surnames come from `names-translator`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

from homecoming.names.script import APOSTROPHES, detect_script
from homecoming.names.transliterate import render_token, russian_forms

GROUPS_PATH = Path(__file__).with_name("data") / "name_groups.tsv"
_NO_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


@cache
def _group_table() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]] | None:
    """Form -> group ids and group id -> forms, from the table `build_name_tables` writes."""
    if not GROUPS_PATH.exists():
        return None
    by_form: dict[str, set[str]] = {}
    by_group: dict[str, tuple[str, ...]] = {}
    for line in GROUPS_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        ident, _, forms = line.partition("\t")
        by_group[ident] = tuple(forms.split())
        for form in by_group[ident]:
            by_form.setdefault(form, set()).add(ident)
    return {f: frozenset(ids) for f, ids in by_form.items()}, by_group


@lru_cache(maxsize=200_000)
def name_groups(token: str) -> frozenset[str]:
    """Wikidata name-group ids (and nickname ids) of the given names a single token spells."""
    table = _group_table()
    if table is not None:
        # rigour reads Вʼячеслав as вячеслав: its forms carry no apostrophes.
        return table[0].get(token.lower().translate(_NO_APOSTROPHES), frozenset())
    return _rigour_name_groups(token)


# Wikidata groups that hold no given name known in Ukraine, Russia or Western Europe: family
# names (Shevchenko / Szewczenko / Шевченко) and rarer given names (Moammar / Muammar). They
# are kept apart from the given-name groups, which parsing, search keys and linkage read as
# "this word is a given name", and only where transliteration alone would not join the forms.
RARE_GROUPS_PATH = Path(__file__).with_name("data") / "rare_name_groups.tsv.gz"
RARE_PREFIX = "RARE:"


@cache
def _rare_table() -> list[str]:
    """The rare groups table's lines ("form<TAB>ids"), sorted by form: looked up by bisection.

    Kept as the lines themselves: a dict over its 140,000 forms took longer to build than
    every other table together, in every new process.
    """
    if not RARE_GROUPS_PATH.exists():  # without the shipped table: given-name groups only
        return []
    import gzip

    lines = gzip.decompress(RARE_GROUPS_PATH.read_bytes()).decode("utf-8").splitlines()
    return [line for line in lines if not line.startswith("#")]


@lru_cache(maxsize=200_000)
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
    """Lower-case Latin and Cyrillic forms of one name group (empty without the table)."""
    table = _group_table()
    return table[1].get(ident, ()) if table is not None else ()


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


DERIVED_PATH = Path(__file__).with_name("data") / "given_names.tsv.gz"


@cache
def _derived() -> dict[str, dict[str, tuple[str, ...]]] | None:
    """Tables `build_name_tables` derives from names-translator and Faker: section -> key -> values.

    Listing names-translator's tables and rendering every name under ten standards takes
    seconds; the package ships the result (and rebuilds it live when the file is missing).
    """
    if not DERIVED_PATH.exists():
        return None
    import gzip

    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    with gzip.open(DERIVED_PATH, "rt", encoding="utf-8") as handle:
        for line in handle:
            section, key, values = line.rstrip("\n").split("\t")
            sections.setdefault(section, {})[key] = tuple(values.split())
    return sections


@cache
def _translator_table(category: str) -> dict[str, tuple[str, ...]]:
    """names-translator's Ukrainian -> Russian table of one category (slow to list: once)."""
    derived = _derived()
    if derived is not None:
        return derived.get(category, {})
    return live_translator_table(category)


def live_translator_table(category: str) -> dict[str, tuple[str, ...]]:
    """names-translator's table of one category, listed from the library itself."""
    from names_translator.dicts import default_dicts

    return {uk: tuple(forms) for uk, forms in default_dicts().as_dict(category).items()}


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
    derived = _derived()
    if derived is not None:
        return {
            form: frozenset(f"UKRU:{uk}" for uk in names)
            for form, names in derived.get("form", {}).items()
        }
    return live_given_name_ids_by_form()


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


@cache
def common_given_name_forms() -> frozenset[str]:
    """Common Latin forms of the given names most used in Ukraine and Russia (Faker's lists).

    Two different common names one letter apart (Марина / Дарина) are different names; a
    rare "name" one letter from a common one is more likely a typo.
    """
    derived = _derived()
    if derived is not None:
        return frozenset(derived.get("common", {}))
    return live_common_given_name_forms()


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


@cache
def _common_surnames_by_form() -> dict[str, tuple[str, ...]]:
    """Common Latin form -> the common Ukrainian and Russian surnames (lower case) it spells."""
    derived = _derived()
    if derived is not None:
        return dict(derived.get("surname", {}))
    return live_common_surnames_by_form()


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


# Everyday and affectionate forms (Тьома, Сашко, Серёжа, Лёша): a hand-written table, read
# only by `build_name_tables`, which ships them with their Latin forms in `given_names.tsv.gz`.
DIMINUTIVES_SOURCE = Path(__file__).with_name("data") / "diminutives.tsv"


def read_diminutive_source(path: Path = DIMINUTIVES_SOURCE) -> dict[str, tuple[str, ...]]:
    """The hand-written table: Ukrainian full name (lower case) -> its everyday forms."""
    table: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        full, _, forms = line.partition("\t")
        table[full.strip()] = tuple(dict.fromkeys(forms.split()))
    return table


@cache
def _diminutive_table() -> dict[str, tuple[str, ...]]:
    """Full name -> everyday forms, as shipped (the source table when nothing is shipped)."""
    derived = _derived()
    if derived is not None and "diminutive" in derived:
        return dict(derived["diminutive"])
    return read_diminutive_source()


@cache
def _diminutive_ids_by_form() -> dict[str, frozenset[str]]:
    """Common Latin form of an everyday name -> ids (UKRU:олександр) of the names it stands for."""
    derived = _derived()
    if derived is not None and "dim" in derived:
        return {
            form: frozenset(f"UKRU:{uk}" for uk in names) for form, names in derived["dim"].items()
        }
    return live_diminutive_ids_by_form()


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


def diminutive_ids_of_forms(forms: frozenset[str]) -> frozenset[str]:
    """Given-name ids (UKRU:артем) of the full names whose everyday forms spell one of `forms`."""
    table = _diminutive_ids_by_form()
    return frozenset().union(*(table.get(f, frozenset()) for f in forms))


def full_names_of(word: str) -> tuple[str, ...]:
    """The Ukrainian full names an everyday form stands for, in any script.

    Тьома, Tioma -> (Артем,); Саша, Sasha -> (Олександр, Олександра); Олександр -> ().
    """
    from homecoming.names.token import name_token

    ids = diminutive_ids_of_forms(name_token(word).forms)
    return tuple(sorted(i.split(":", 1)[1].capitalize() for i in ids))


def diminutives_of(full_name: str) -> tuple[str, ...]:
    """Everyday forms of a Ukrainian or Russian full given name (Артем, Артём: Тьома, Тёма...)."""
    key = full_name.lower().replace("ё", "е").replace("ʼ", "'").replace("’", "'")
    names = [key, *(u.lower() for u in ukrainian_forms(key))]
    found: list[str] = []
    table = _diminutive_table()
    for name in names:
        found += [f.capitalize() for f in table.get(name, ())]
    return tuple(dict.fromkeys(found))


def is_given_name(word: str) -> bool:
    """Whether a word is a known given name or an everyday form of one, in any script.

    For a diminutive typed in the family-name box ("Саша", given name empty): a word that
    is also a common surname (Назар, Мельник) is not taken for a given name.
    """
    from homecoming.names.token import name_token

    token = name_token(word)
    if token.patronymic or token.initial or token.surnames:
        return False
    return bool(token.given_ids or token.groups or diminutive_ids_of_forms(token.forms))


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

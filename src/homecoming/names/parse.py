"""Split a full name into family, given and patronymic parts, in either order."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from homecoming.forgetting import forgettable_by_identity
from homecoming.names.script import Language, Script, detect_script, language_of
from homecoming.names.token import (
    NameToken,
    has_patronymic_shape,
    has_surname_shape,
    is_patronymic,
    name_token,
    short_father_name_ids,
)

OrderHint = Literal["family_first", "given_first"]

# Split on spaces, commas, slashes, dots between words and hyphens; split "AlisherUsmanov".
_SEPARATORS = re.compile(r"[\s,;/()\[\]_・]+|-|(?<=\w)\.(?=\w)|(?<=\.)")
# A middle dot inside a Latin word is a mark of a romanisation (Ko·val·chuk), not a space.
_MIDDLE_DOT = re.compile(r"(?<=\w)·(?=\w)")
# The characters other than whitespace that `_SEPARATORS` splits at (or beside).
_SPLIT_MARKS = frozenset(",;/()[]_・-.")
_CAMEL = re.compile(r"(?<=[a-zа-яіїєґ])(?=[A-ZА-ЯІЇЄҐ][a-zа-яіїєґ])")
# The Arabic article written with a hyphen (al-Assad, el-Sisi) is not a name part.
_ARABIC_ARTICLE = re.compile(r"(?i)(?<![\w'’-])(?:al|el)-(?=\w)")
_NASAB_PARTICLES = frozenset({"bin", "ibn", "bint", "binti"})
# Titles and words that are not a name part in lists.
_STOPWORDS = frozenset({"mr", "mrs", "ms", "dr", "гр", "пан", "пані", "г-н", "г-жа"})
# A nickname in brackets or quotes beside the full name: "Гнатюк Андрій (Андрюша) Петрович",
# "Petrenko Oleh (Alik)", 'Олександр "Саша" Бойко'.
_BRACKETED = re.compile(r"[(\[«\"“]\s*([^()\[\]«»\"“”]{1,40}?)\s*[)\]»\"”]")


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into parts; `tokens` keeps every word in written order."""

    text: str
    tokens: tuple[NameToken, ...]
    family: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    patronymic: tuple[str, ...] = ()
    script: Script = "empty"
    language: Language = "other"
    roles: tuple[str, ...] = field(default=())
    # Nicknames written in brackets beside the name (Андрюша): not name parts, but everyday
    # forms of the given name; `compare` tries each in the given name's place.
    aliases: tuple[str, ...] = ()

    def role_of(self, index: int) -> str:
        """Role (family, given, patronymic, other) of the token at `index`."""
        return self.roles[index] if index < len(self.roles) else "other"


def tokenize(text: str) -> list[str]:
    """Split a name into words (hyphenated names become several words)."""
    if "·" in text:
        text = _MIDDLE_DOT.sub("", text)
    text = _CAMEL.sub(" ", text)
    # Without a separator other than whitespace, a dot or a middle dot, `_SEPARATORS` splits
    # where `str.split` does (both read whitespace as `str.isspace`), most names' case.
    parts = _SEPARATORS.split(text) if not _SPLIT_MARKS.isdisjoint(text) else text.split()
    words = [w for w in (w.strip(".'’`\"") for w in parts) if w]
    return [w for w in words if w.lower() not in _STOPWORDS] or words


def split_aliases(text: str) -> tuple[str, tuple[str, ...]]:
    """The name without its bracketed nicknames, and those nicknames.

    Only a bracket that holds one or two given names or everyday forms of them (Андрюша,
    Alik, Саша) is a nickname; any other bracket ("Ivanov (Ivanoff)", a former surname)
    stays part of the name, as before.
    """
    if not any(ch in text for ch in '([«"“'):
        return text, ()
    aliases: list[str] = []

    def take(match: re.Match[str]) -> str:
        words = tokenize(match.group(1))
        if words and len(words) <= 2 and all(_is_nickname(w) for w in words):
            aliases.extend(words)
            return " "
        return match.group(0)

    rest = _BRACKETED.sub(take, text)
    if not aliases or not tokenize(rest):
        return text, ()
    return re.sub(r"\s{2,}", " ", rest).strip(), tuple(aliases)


def _is_nickname(word: str) -> bool:
    from homecoming.names.lookup import is_given_name

    return is_given_name(word)


def _is_known_given(token: NameToken) -> bool:
    # A token whose name groups exist and that is not a patronymic is most likely a given name;
    # rigour tags surnames too, so this only breaks ties.
    return bool(token.groups) and not token.patronymic


def _order(tokens: list[NameToken], raw: list[str], text: str, hint: OrderHint | None) -> str:
    if hint is not None:
        return hint
    if "," in text:
        return "family_first"  # "NEKHIR, Oleksandr"
    if len(tokens) >= 2 and not tokens[0].initial and all(t.initial for t in tokens[1:]):
        return "family_first"  # "Шевченко Т. Г."
    patronymic_at = [i for i, t in enumerate(tokens) if t.patronymic]
    if patronymic_at and len(tokens) >= 3:
        # ПІБ puts the patronymic last; "given patronymic family" puts it in the middle.
        return "family_first" if patronymic_at[-1] == len(tokens) - 1 else "given_first"
    if len(raw) >= 2 and raw[0].isupper() and not raw[-1].isupper():
        return "family_first"  # "NEKHIR Oleksandr"
    if len(raw) >= 2 and raw[-1].isupper() and not raw[0].isupper():
        return "given_first"
    if len(tokens) == 2 and _is_known_given(tokens[1]) and not _is_known_given(tokens[0]):
        return "family_first"
    if len(tokens) == 2 and _is_known_surname(tokens[0]) and not _is_known_surname(tokens[1]):
        # "Anisimov Vitslii", "GRISHIN KONDTANTIN": a given name mistyped is known as neither;
        # the word that is a common surname is the family name, wherever it stands.
        return "family_first"
    if len(tokens) == 2 and has_surname_shape(tokens[0]) and not has_surname_shape(tokens[1]):
        # "AKHMEDKHANOV VRNEDIKT", "МІШІН СЕПГЕЙ": neither word is a known name, one is shaped
        # as a surname.
        return "family_first"
    return "given_first"


def _is_known_surname(token: NameToken) -> bool:
    return bool(token.surnames) and not token.common_given and not token.patronymic


def _roles(tokens: list[NameToken], order: str) -> list[str]:
    roles = ["patronymic" if t.patronymic else "" for t in tokens]
    rest = [i for i, r in enumerate(roles) if not r]
    if not rest:
        return roles
    family_at = rest[0] if order == "family_first" else rest[-1]
    for i in rest:
        roles[i] = "family" if i == family_at else "given"
    initials = [i for i in rest if tokens[i].initial]
    if len(initials) == 2 and "patronymic" not in roles:
        roles[initials[1]] = "patronymic"  # "Т. Г.": the second initial is the father's
    if len(rest) == 1:
        roles[rest[0]] = "given" if _is_known_given(tokens[rest[0]]) else "family"
    return roles


def _language(text: str, tokens: Sequence[NameToken]) -> Language:
    language = language_of(text)
    if language != "cyrillic":
        return language
    # No letter decides: let name forms vote (Микола is Ukrainian, Николай Russian).
    votes = [t.form_language for t in tokens]
    uk, ru = votes.count("uk"), votes.count("ru")
    return "uk" if uk > ru else "ru" if ru > uk else "cyrillic"


def _nasab(raw: list[str]) -> tuple[list[str], set[int]]:
    """Drop "bin"/"ibn" inside a name; the word after it is the father's name, a patronymic.

    "Muhammad bin Salman" is Muhammad, son of Salman: compared with "Salman bin Muhammad"
    the given names differ, and "bin" ~ "ibn" is one particle, not a name part.
    """
    kept: list[str] = []
    fathers: set[int] = set()
    for i, word in enumerate(raw):
        if 0 < i < len(raw) - 1 and word.lower() in _NASAB_PARTICLES:
            fathers.add(len(kept))
            continue
        kept.append(word)
    return kept, fathers


def name_words(text: str) -> tuple[list[str], set[int]]:
    """The words of a full name as parsing sees them, and which of them are fathers' names."""
    return _nasab(tokenize(_ARABIC_ARTICLE.sub("", text) if "-" in text else text))


def assign_roles(
    text: str,
    *,
    order_hint: OrderHint | None = None,
    token: Callable[[str], NameToken] = name_token,
) -> tuple[list[str], list[NameToken], list[str]]:
    """Words, tokens and roles of a full name: parse_name without script and language."""
    raw, fathers = name_words(text)
    tokens, roles = roles_of_words(raw, text, fathers=fathers, order_hint=order_hint, token=token)
    return raw, tokens, roles


def roles_of_words(
    raw: list[str],
    text: str,
    *,
    fathers: set[int] | frozenset[int] = frozenset(),
    order_hint: OrderHint | None = None,
    token: Callable[[str], NameToken] = name_token,
) -> tuple[list[NameToken], list[str]]:
    """Tokens and roles of a name's words as given (an import keeps "Петренко-Бойко" whole).

    `fathers` are the indices of words a particle marks as fathers' names (bin, ibn).
    """
    tokens = tokens_of_words(raw, fathers=fathers, token=token)
    return tokens, roles_of_tokens(tokens, raw, text, order_hint=order_hint)


def roles_of_tokens(
    tokens: list[NameToken], raw: list[str], text: str, *, order_hint: OrderHint | None = None
) -> list[str]:
    """The roles `roles_of_words` gives the tokens it made (`tokens_of_words`) of `raw`."""
    return _roles(tokens, _order(tokens, raw, text, order_hint))


def tokens_of_words(
    raw: list[str],
    *,
    fathers: set[int] | frozenset[int] = frozenset(),
    token: Callable[[str], NameToken] = name_token,
) -> list[NameToken]:
    """The tokens `roles_of_words` gives a name's words, without their roles: each word's
    token, a father's name or a patronymic by its place marked so, a family name shaped as a
    patronymic not."""
    tokens = [token(w) for w in raw]
    if fathers:
        tokens = [_with_patronymic(t, True) if i in fathers else t for i, t in enumerate(tokens)]
    return _surname_shaped_as_patronymic(_patronymic_by_position(tokens))


def _surname_shaped_as_patronymic(tokens: list[NameToken]) -> list[NameToken]:
    """A family name that ends as a patronymic does (Бернатович, Vasylevych, Вольфович).

    A name has one patronymic, and it follows the given name ("Денис Устимович"). A word shaped
    as a patronymic anywhere else is the family name: before the given name ("Бернатович
    Денис Устимович", "Василевич Денис"), or a second such word ("Денис Устимович
    Бернатович").
    """
    marked: list[int] = []
    others: list[int] = []
    for i, t in enumerate(tokens):
        if t.patronymic:
            marked.append(i)
        elif not t.initial:
            others.append(i)
    if not marked or len(others) != 1:
        return tokens
    given = others[0]
    keep = given + 1 if given + 1 in marked else None
    surname = next((i for i in marked if i != keep), None)
    if surname is None:
        return tokens
    family = _read_as_family(tokens[surname])
    return [family if i == surname else t for i, t in enumerate(tokens)]


def _patronymic_by_position(tokens: list[NameToken]) -> list[NameToken]:
    """Patronymics that only their place in the name tells apart from surnames.

    In a name of three words or more with no known patronymic, the last word (or the middle
    one of three, "Петро Парменович Іванов") is read as the patronymic when it is
    - a short form of a known father's name (Фомич, Ілліч, Кузьмич: also surnames), the
      middle word only after a known given name, or
    - shaped as a patronymic whose father's name no table knows (Парменович, Парменівна), the
      middle word also after a mistyped given name ("Евгнеий Святополкович Кулагин").
    """
    if len(tokens) < 3:
        return tokens
    if any(t.patronymic for t in tokens):
        return _patronymic_last_after_a_family_shaped_so(tokens)
    at = [len(tokens) - 1]
    known_given = len(tokens) == 3 and _is_known_given(tokens[0])
    if len(tokens) == 3:
        at.append(1)
    for i in at:
        fathers = short_father_name_ids(tokens[i]) if i != 1 or known_given else frozenset()
        shaped = has_patronymic_shape(tokens[i]) and not has_patronymic_shape(tokens[0])
        if fathers or shaped:
            found = _read_as_patronymic(tokens[i]) if fathers else _shaped_as_patronymic(tokens[i])
            return [found if j == i else t for j, t in enumerate(tokens)]
    return tokens


def _patronymic_last_after_a_family_shaped_so(tokens: list[NameToken]) -> list[NameToken]:
    """ "Андрієвич Максим Ілліч", "Мисакович Кирило Кузьмич", "Базилевич Ярема Валегтинович",
    "Василевич Борис Дмитровтч": a family name shaped as a patronymic first, then the given name,
    and last a patronymic no table knows (a short one, Ілліч, Кузьмич, Фомич, or one mistyped),
    as the registry's fields are written one after another. No order of a name's parts puts the
    patronymic first: the last word is the patronymic, the first the family name
    (`_surname_shaped_as_patronymic` then has one patronymic to place). A known given name last
    ("Петрович Іван Андрій") is not read so."""
    first, last = tokens[0], tokens[-1]
    if len(tokens) != 3 or not first.patronymic or last.patronymic or tokens[1].patronymic:
        return tokens
    fathers = short_father_name_ids(last)
    if not fathers and (last.initial or tokens[1].initial or _is_known_given(last)):
        return tokens
    return [
        _read_as_family(first),
        tokens[1],
        _read_as_patronymic(last),
    ]


def parse_name(
    text: str,
    *,
    order_hint: OrderHint | None = None,
    token: Callable[[str], NameToken] = name_token,
    read_language: bool = True,
) -> ParsedName:
    """Parse a full name in any alphabet and order into family, given and patronymic parts.

    A nickname in brackets beside the name is not a name part: it goes to `aliases`. `token`
    makes each word's token (a caller may cache its own); without `read_language` the name's
    script and language are left unset (linkage's grading reads neither).
    """
    bare, aliases = split_aliases(text)
    raw, tokens, roles = assign_roles(bare, order_hint=order_hint, token=token)
    return ParsedName(
        text=text,
        tokens=tuple(tokens),
        family=tuple(w for w, r in zip(raw, roles, strict=True) if r == "family"),
        given=tuple(w for w, r in zip(raw, roles, strict=True) if r == "given"),
        patronymic=tuple(w for w, r in zip(raw, roles, strict=True) if r == "patronymic"),
        roles=tuple(roles),
        aliases=aliases,
        script=detect_script(text) if read_language else "empty",
        language=_language(text, tokens) if read_language else "other",
    )


def with_alias(name: ParsedName, alias: str) -> ParsedName:
    """The name with `alias` in its (first) given name's place, or added as given name."""
    from dataclasses import replace

    token = name_token(alias)
    at = next((i for i, r in enumerate(name.roles) if r == "given"), None)
    if at is None:
        tokens, roles = (*name.tokens, token), (*name.roles, "given")
        given: tuple[str, ...] = (alias,)
    else:
        tokens = (*name.tokens[:at], token, *name.tokens[at + 1 :])
        roles = name.roles
        given = (alias, *name.given[1:])
    return replace(name, tokens=tokens, roles=roles, given=given, aliases=())


def family_reading(name: ParsedName) -> ParsedName | None:
    """A two-word name one of whose words parsing took for a patronymic, read with that word as
    the family name and the other as the given name ("OLEH PROKOPOVYCH", "Іван Петрович":
    Прокопович, Петрович, Карпович are family names too, and a list's name rarely lacks one);
    None for any other name. The patronymic reading stays: `compare` takes the better one."""
    from dataclasses import replace

    if len(name.tokens) != 2 or name.aliases:
        return None
    marked = [i for i, t in enumerate(name.tokens) if t.patronymic]
    if len(marked) != 1 or name.tokens[1 - marked[0]].initial:
        return None
    at = marked[0]
    family = _read_as_family(name.tokens[at])
    tokens = tuple(family if i == at else t for i, t in enumerate(name.tokens))
    roles = tuple("family" if i == at else "given" for i in range(2))
    return replace(
        name,
        tokens=tokens,
        roles=roles,
        family=(name.tokens[at].text,),
        given=(name.tokens[1 - at].text,),
        patronymic=(),
    )


def readings(name: ParsedName) -> tuple[ParsedName, ...]:
    """Every way to read a parsed name: as parsed, with each bracketed nickname as its given
    name (`with_alias`), and a two-word name's patronymic as its family name
    (`family_reading`)."""
    other = family_reading(name)
    aliased = tuple(with_alias(name, alias) for alias in name.aliases)
    return (name, *aliased, *((other,) if other is not None else ()))


def from_parts(family: str = "", given: str = "", patronymic: str = "") -> ParsedName:
    """Build a ParsedName from separate fields; a patronymic in the wrong field is recognised.

    A bracketed nickname in any field ("Андрій (Андрюша)") goes to `aliases`.
    """
    aliases: list[str] = []
    fields = []
    for value in (family, given, patronymic):
        bare, found = split_aliases(value)
        fields.append(bare)
        aliases += found
    family, given, patronymic = fields
    raw_parts = [(w, "family") for w in tokenize(family)]
    raw_parts += [(w, "given") for w in tokenize(given)]
    raw_parts += [(w, "patronymic") for w in tokenize(patronymic)]
    tokens = [name_token(w) for w, _ in raw_parts]
    roles = [
        "patronymic" if (t.patronymic or r == "patronymic") else r
        for t, (_, r) in zip(tokens, raw_parts, strict=True)
    ]
    tokens = [
        t if (role == "patronymic") == t.patronymic else _with_patronymic(t, role == "patronymic")
        for t, role in zip(tokens, roles, strict=True)
    ]
    text = " ".join(w for w, _ in raw_parts)
    return ParsedName(
        text=text,
        tokens=tuple(tokens),
        family=tuple(w for (w, _), r in zip(raw_parts, roles, strict=True) if r == "family"),
        given=tuple(w for (w, _), r in zip(raw_parts, roles, strict=True) if r == "given"),
        patronymic=tuple(
            w for (w, _), r in zip(raw_parts, roles, strict=True) if r == "patronymic"
        ),
        script=detect_script(text),
        language=language_of(text),
        roles=tuple(roles),
        aliases=tuple(aliases),
    )


# A word read otherwise by its place in a name: the same token each time it is so read (made
# once, and the graders' caches by the tokens' identities meet it again).
@forgettable_by_identity(maxsize=400_000)
def _read_as_family(token: NameToken) -> NameToken:
    """A word shaped as a patronymic read as the family name."""
    return replace(token, patronymic=False, groups=frozenset())


@forgettable_by_identity(maxsize=400_000)
def _read_as_patronymic(token: NameToken) -> NameToken:
    """A word read as the patronymic by its place, its groups the father's name it is a short
    patronymic of (`short_father_name_ids`; none: a word shaped as a patronymic)."""
    return replace(
        token, patronymic=True, groups=short_father_name_ids(token), rare_groups=frozenset()
    )


@forgettable_by_identity(maxsize=400_000)
def _shaped_as_patronymic(token: NameToken) -> NameToken:
    """A word read as the patronymic by its place and shape alone."""
    return replace(token, patronymic=True, groups=frozenset(), rare_groups=frozenset())


def _with_patronymic(token: NameToken, patronymic: bool) -> NameToken:
    from dataclasses import replace

    return replace(token, patronymic=patronymic)


__all__ = [
    "OrderHint",
    "ParsedName",
    "from_parts",
    "is_patronymic",
    "parse_name",
    "roles_of_tokens",
    "roles_of_words",
    "split_aliases",
    "tokenize",
    "tokens_of_words",
    "with_alias",
]

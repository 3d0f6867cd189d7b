"""A sighting as a released person told it: whom they saw (as heard), where, when, in what state.

`read_as_heard("Nekhir from the 36th brigade")` splits such a phrase into a surname and a unit;
a call sign ("позивний Грім", "call sign Grom") or a quoted nickname ("«Саша»") is kept apart,
because it is not a name and must not be compared as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from homecoming.names.parse import tokenize
from homecoming.names.token import name_token
from homecoming.tracing.units import parse_unit


@dataclass(frozen=True, slots=True)
class HeardName:
    """What a witness said, split: a surname and given name, a nickname, a call sign, a unit."""

    family_name: str = ""
    given_names: str = ""
    nickname: str = ""
    call_sign: str = ""
    unit: str = ""


_CALL_SIGN = re.compile(
    r"(?:позивний|позивным|позывной|позывным|call\s*-?\s*sign|callsign|c/s)\s*[:\-]?\s*"
    r"[\"«“„']?([^\"»”',;()]+?)[\"»”']?(?=$|[,;()]|\s+(?:from|з|із|зі|из|с)\s)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"«“„]([^\"»”]+)[\"»”]")
# "X from the 36th brigade", "Х з 36-ї бригади", "Х из 36-й бригады", "X, 36 ОБрМП", "X (36 ОБрМП)"
_UNIT_SPLIT = re.compile(
    r"\s+(?:from|of)\s+(?:the\s+)?|\s+(?:з|із|зі|из|с)\s+|\s*[,;(]\s*", re.IGNORECASE
)


def read_as_heard(text: str) -> HeardName:
    """Split a phrase as a witness said it into its parts (any of them may stay empty)."""
    rest = text.strip()
    call_sign = ""
    if found := _CALL_SIGN.search(rest):
        call_sign = found.group(1).strip()
        rest = (rest[: found.start()] + " " + rest[found.end() :]).strip()
    nickname = ""
    if found := _QUOTED.search(rest):
        nickname = found.group(1).strip()
        rest = (rest[: found.start()] + " " + rest[found.end() :]).strip()
    name, unit = _split_unit(rest)
    words = tokenize(name)
    if len(words) == 1 and _is_given_name(words[0]) and not nickname:
        return HeardName(nickname=words[0], call_sign=call_sign, unit=unit)
    if len(words) == 1:
        return HeardName(family_name=words[0], nickname=nickname, call_sign=call_sign, unit=unit)
    if len(words) >= 2:
        family, given = _order(words)
        return HeardName(family, given, nickname, call_sign, unit)
    return HeardName(nickname=nickname, call_sign=call_sign, unit=unit)


def _split_unit(text: str) -> tuple[str, str]:
    parts = [p.strip(" )") for p in _UNIT_SPLIT.split(" " + text) if p and p.strip(" )")]
    name_parts: list[str] = []
    unit_parts: list[str] = []
    for part in parts:
        (unit_parts if parse_unit(part).known else name_parts).append(part)
    return " ".join(name_parts), " ".join(unit_parts)


def _is_given_name(word: str) -> bool:
    """A lone word that is a known given name or diminutive (Sasha) is a nickname, not a surname."""
    token = name_token(word)
    return bool(token.groups) and not token.patronymic and word[:1].isupper() and _not_surname(word)


def _not_surname(word: str) -> bool:
    # Surname endings of Ukrainian and Russian (and their Latin forms) win over name groups.
    endings = ("енко", "ук", "юк", "чук", "ський", "цький", "ов", "ев", "ін", "ин")
    latin = ("enko", "uk", "iuk", "chuk", "skyi", "sky", "ov", "ev", "in", "yn")
    low = word.casefold()
    return not low.endswith(endings + latin)


def _order(words: list[str]) -> tuple[str, str]:
    """Family and given of two or more words: a known given name first means given-first."""
    if _is_given_name(words[0]) and not _is_given_name(words[-1]):
        return " ".join(words[1:]), words[0]
    return words[0], " ".join(words[1:])

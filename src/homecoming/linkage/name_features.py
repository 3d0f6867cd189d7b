"""A record's name parts and what the names engine gives them: forms, groups, keys and their hashes.

Re-exported by `linkage/features.py`, which builds the table Splink reads from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from homecoming.domain.record import service_number_key
from homecoming.forgetting import forgettable, on_forget
from homecoming.linkage.inputs import InputRecord
from homecoming.match.levels import neutral_primary, place_forms, unit_number
from homecoming.names.blocking import key_hash, skeleton
from homecoming.names.parse import assign_roles, tokenize
from homecoming.names.token import NameToken, name_token

_HASH_MASK = (1 << 63) - 1


Parts = tuple[tuple[NameToken, ...], tuple[NameToken, ...], tuple[NameToken, ...]]


@forgettable(maxsize=400_000)
def _field_tokens(text: str) -> tuple[NameToken, ...]:
    """Tokens of one name field (cached: family and given names repeat across records)."""
    return tuple(t for t in (_token(w) for w in tokenize(text)) if t.primary)


def name_parts(record: InputRecord) -> Parts:
    """Family, given and patronymic tokens: by field (as `from_parts`), else by `parse_name`."""
    if record.family_name or record.given_name:
        family = _as_family(_field_tokens(record.family_name))
        given = _field_tokens(record.given_name)
        patronymic = tuple(t for t in family + given if t.patronymic)
        return (
            tuple(t for t in family if not t.patronymic),
            tuple(t for t in given if not t.patronymic),
            patronymic + _field_tokens(record.patronymic),
        )
    return _parsed_parts(record.full_name)


# Name tokens made by forked workers, by word: read before the names engine's own cache.
_TOKENS: dict[str, NameToken] = {}
on_forget(_TOKENS.clear)  # words of names: an erasure empties it (homecoming.forgetting)


def _token(word: str) -> NameToken:
    found = _TOKENS.get(word)
    return found if found is not None else name_token(word)


def name_roles(full_name: str) -> tuple[tuple[NameToken, ...], tuple[str, ...]]:
    """Tokens and roles of a full name, as `parse_name` gives them, without its script and
    language detection (which linkage does not read, and which costs most of its time)."""
    _, tokens, roles = assign_roles(full_name, token=_token)
    return tuple(tokens), tuple(roles)


@forgettable(maxsize=200_000)
def _parsed_parts(full_name: str) -> Parts:
    tokens, roles = name_roles(full_name)
    family: list[NameToken] = []
    given: list[NameToken] = []
    patronymic: list[NameToken] = []
    for index, token in enumerate(tokens):
        role = roles[index] if index < len(roles) else "other"
        if not token.primary:
            continue
        if role == "patronymic" or token.patronymic:
            patronymic.append(token)
        elif role == "family":
            family.append(token)
        else:
            given.append(token)
    return tuple(family), tuple(given), tuple(patronymic)


def _as_family(tokens: tuple[NameToken, ...]) -> tuple[NameToken, ...]:
    """A family-name field whose every word is shaped as a patronymic holds a family name
    (Бернатович, Vasylevych): a patronymic put there by mistake comes with other words."""
    if tokens and all(t.patronymic for t in tokens):
        return tuple(replace(t, patronymic=False, groups=frozenset()) for t in tokens)
    return tokens


def _token_forms(token: NameToken) -> frozenset[str]:
    return token.forms | token.other_forms


@forgettable(maxsize=400_000)
def _skeletons(neutral: frozenset[str]) -> frozenset[str]:
    return frozenset(skeleton(form) for form in neutral if form)


def _token_keys(token: NameToken) -> frozenset[str]:
    """Consonant skeletons of the token's gender-neutral forms: robust to standards and vowels."""
    return _skeletons(token.neutral)


def _union(sets: Iterable[frozenset[str]]) -> list[str] | None:
    found: set[str] = set()
    for one in sets:
        found |= one
    return list(found) or None


def name_features(parts: Parts) -> dict[str, Any]:
    """Array and key columns of one name's family, given and patronymic tokens."""
    family, given, patronymic = parts
    return {
        "family_forms": _union(t.neutral for t in family),
        "given_forms": _union(_token_forms(t) for t in given),
        "given_groups": _union(t.groups | t.given_ids for t in given),
        "patronymic_forms": _union(_token_forms(t) for t in patronymic),
        "family_primary": neutral_primary(family[0]) if family else None,
        "given_primary": given[0].primary if given else None,
        "name_pair": f"{neutral_primary(family[0])}|{given[0].primary}"
        if family and given
        else None,
        "_part_keys": tuple(_token_keys(t) for t in family + given if not t.initial),
        "_family_keys": sorted({k for t in family if not t.initial for k in _token_keys(t)}),
        "_given_keys": sorted({k for t in given if not t.initial for k in _token_keys(t)}),
    }


@forgettable(maxsize=400_000)
def _pair_keys(part_keys: tuple[frozenset[str], ...]) -> tuple[str, ...]:
    found: set[str] = set()
    for i, left in enumerate(part_keys):
        for right in part_keys[i + 1 :]:
            for a in left:
                for b in right:
                    if a != b:
                        found.add(f"{a}|{b}" if a < b else f"{b}|{a}")
    return tuple(sorted(found))


def record_features(record: InputRecord) -> dict[str, Any]:
    """Every feature column of one record."""
    row = name_features(name_parts(record))
    part_keys: tuple[frozenset[str], ...] = row.pop("_part_keys")
    family_keys: list[str] = row.pop("_family_keys")
    given_keys: list[str] = row.pop("_given_keys")
    born = record.date_of_birth
    all_keys = _union(part_keys) or []
    pairs = _pair_keys(part_keys)
    from homecoming.linkage.name_grading import GRADING_COLUMNS, grading_columns

    name_text = record.full_name or " ".join(
        p for p in (record.family_name, record.given_name, record.patronymic) if p
    )
    row.update(grading_columns(name_text) if name_text else dict.fromkeys(GRADING_COLUMNS))
    row.update(
        unique_id=record.id,
        dob_year=born.year,
        dob_month=born.month,
        dob_day=born.day,
        dob_iso=born.iso() if born.day is not None else None,
        sex=record.sex or None,
        service_number=service_number_key(record.service_number) or None,
        unit_number=unit_number(record.unit),
        place_forms=sorted(place_forms(record.place_of_birth)) or None,
        name_text=name_text,
        name_key=pairs[0] if pairs else None,
        bk_names=list(pairs) or None,
        bk_name_year=[f"{k}|{born.year}" for k in all_keys] if born.year and all_keys else None,
        bk_name_dob=[f"{k}|{born.iso()}" for k in all_keys]
        if born.day is not None and all_keys
        else None,
        bk_family=family_keys or None,
        bk_given_family_start=[f"{k}|{start}" for k in given_keys]
        if (start := (row["family_primary"] or "")[:FAMILY_START]) and len(start) == FAMILY_START
        else None,
        bk_given_family_end=[f"{k}|${end}" for k in given_keys]
        if len(family := row["family_primary"] or "") > FAMILY_END and (end := family[-FAMILY_END:])
        else None,
        bk_given_patronymic=[
            f"{k}|{form}" for k in given_keys for form in row["patronymic_forms"] or ()
        ]
        or None,
    )
    return row


def _hashes(forms: Iterable[str]) -> list[int] | None:
    """Forms as 64-bit hashes, sorted (the lists Splink intersects)."""
    return sorted({key_hash(f) for f in forms}) or None


def pair_hash(left: int, right: int) -> int:
    """One key for two name-part keys in either order (SQL twin: `_PAIR_SQL`)."""
    low, high = (left, right) if left < right else (right, left)
    return (low * _PAIR_FACTOR + high) % _HASH_MASK


_PAIR_FACTOR = 1_000_003
# Letters of the family name's common form that, with a given name, make a key for linking a
# list: a family name mistyped after its start (Герамимчук, Krabtsiv, Yakovle) keeps them.
FAMILY_START = 3
# ... and the last letters, for a family name mistyped near its start (Zskirov, Poomarʹov).
FAMILY_END = 4
# A name-part key with a birth year or date: hashed in SQL only (`k` is the key).
_KEYED_SQL = "(hash(k, {}) >> 1)::bigint"


def _pair_sql(low: str, high: str) -> str:
    """SQL for `pair_hash` of two keys (`low` <= `high`, each in 0..2**63 - 1) without 128-bit
    integers, which DuckDB multiplies and divides in software: (low * _PAIR_FACTOR + high) mod
    (2**63 - 1). With low = hi * 2**32 + lo and q = hi * _PAIR_FACTOR (under 2**51), and as
    2**63 is 1 modulo 2**63 - 1, q * 2**32 is (q >> 31) + (q & (2**31 - 1)) * 2**32 (under
    2**63); it, lo * _PAIR_FACTOR (under 2**52) and high add up to under 2**64, an unsigned
    64-bit integer, taken modulo 2**63 - 1 once."""
    q = f"(({low} >> 32) * {_PAIR_FACTOR})"
    return (
        f"(((({q} >> 31) + (({q} & 2147483647) << 32))::ubigint"
        f" + (({low} & 4294967295) * {_PAIR_FACTOR})::ubigint + ({high})::ubigint)"
        f" % {_HASH_MASK})::bigint"
    )


_PAIR_SQL = _pair_sql("least(a, b)", "greatest(a, b)")


def _pair_hashes(part_keys: Sequence[frozenset[str]]) -> list[int] | None:
    """Hashed keys of every two different name parts (as `_pair_keys`, in integers)."""
    hashed = [{key_hash(k) for k in keys} for keys in part_keys]
    found = {
        pair_hash(a, b)
        for i, left in enumerate(hashed)
        for right in hashed[i + 1 :]
        for a in left
        for b in right
        if a != b
    }
    return sorted(found) or None

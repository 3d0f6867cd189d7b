"""What the names engine precomputes for Splink: forms, variant groups and blocking keys per record.

Splink compares columns in SQL; our name logic runs here once per record (once per distinct
token, thanks to the names engine's caches) and leaves arrays of comparable forms behind, so
that a cross-script, cross-standard, Ukrainian/Russian comparison is an array intersection.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from homecoming.domain.record import service_number_key
from homecoming.linkage.inputs import InputRecord
from homecoming.names.blocking import skeleton
from homecoming.names.parse import parse_name, tokenize
from homecoming.names.token import NameToken, name_token

# Column name -> kind; the order is the order of the table Splink gets. Forms are compared as
# 64-bit hashes ("forms"): DuckDB intersects integer lists ~3x faster than string lists. The
# hashes are Python's, salted per process run: consistent within one run (forked workers share
# the salt), never stored.
FEATURE_COLUMNS: dict[str, str] = {
    "unique_id": "string",
    "family_forms": "forms",  # gender-neutral common forms of the family name, every standard/form
    "given_forms": "forms",  # common forms of the given name(s)
    "given_groups": "forms",  # variant-group ids: Oleksandr ~ Aleksandr ~ Alexander ~ Sasha
    "patronymic_forms": "forms",
    "family_primary": "string",  # one common form, for edit distance (typos)
    "given_primary": "string",
    "family_key": "string",  # how common the family name is (see add_family_rarity)
    "dob_year": "int",
    "dob_month": "int",
    "dob_day": "int",
    "dob_iso": "string",  # full dates only, for training and blocking
    "sex": "string",
    "service_number": "string",
    "unit_number": "string",
    "place_forms": "forms",
    "name_text": "string",  # the name as written, for explanations
    "name_key": "string",  # one scalar key (two name parts) for EM training blocks
    "bk_names": "list",  # keys of two different name parts, any order
    "bk_name_year": "list",  # key of one name part + birth year
    "bk_name_dob": "list",  # key of one name part + full date of birth
}

_NUMBER = re.compile(r"\d+")
_HASH_MASK = (1 << 63) - 1


Parts = tuple[tuple[NameToken, ...], tuple[NameToken, ...], tuple[NameToken, ...]]


@lru_cache(maxsize=400_000)
def _field_tokens(text: str) -> tuple[NameToken, ...]:
    """Tokens of one name field (cached: family and given names repeat across records)."""
    return tuple(t for t in (name_token(w) for w in tokenize(text)) if t.primary)


def name_parts(record: InputRecord) -> Parts:
    """Family, given and patronymic tokens: by field (as `from_parts`), else by `parse_name`."""
    if record.family_name or record.given_name:
        family = _field_tokens(record.family_name)
        given = _field_tokens(record.given_name)
        patronymic = tuple(t for t in family + given if t.patronymic)
        return (
            tuple(t for t in family if not t.patronymic),
            tuple(t for t in given if not t.patronymic),
            patronymic + _field_tokens(record.patronymic),
        )
    return _parsed_parts(record.full_name)


@lru_cache(maxsize=200_000)
def _parsed_parts(full_name: str) -> Parts:
    parsed = parse_name(full_name)
    family: list[NameToken] = []
    given: list[NameToken] = []
    patronymic: list[NameToken] = []
    for index, token in enumerate(parsed.tokens):
        role = parsed.role_of(index)
        if not token.primary:
            continue
        if role == "patronymic" or token.patronymic:
            patronymic.append(token)
        elif role == "family":
            family.append(token)
        else:
            given.append(token)
    return tuple(family), tuple(given), tuple(patronymic)


def _token_forms(token: NameToken) -> frozenset[str]:
    return token.forms | token.other_forms


@lru_cache(maxsize=400_000)
def _skeletons(neutral: frozenset[str]) -> frozenset[str]:
    return frozenset(skeleton(form) for form in neutral if form)


def _neutral_primary(token: NameToken) -> str:
    """The gender-neutral form of the token's primary form (kovalska -> kovalski)."""
    primary = token.primary
    if primary in token.neutral or not token.neutral:
        return primary
    return max(sorted(token.neutral), key=lambda form: _common_prefix(form, primary))


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


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
        "family_primary": _neutral_primary(family[0]) if family else None,
        "given_primary": given[0].primary if given else None,
        "family_key": min(family[0].neutral) if family and family[0].neutral else None,
        "_part_keys": tuple(_token_keys(t) for t in family + given if not t.initial),
    }


@lru_cache(maxsize=400_000)
def _pair_keys(part_keys: tuple[frozenset[str], ...]) -> tuple[str, ...]:
    found: set[str] = set()
    for i, left in enumerate(part_keys):
        for right in part_keys[i + 1 :]:
            for a in left:
                for b in right:
                    if a != b:
                        found.add(f"{a}|{b}" if a < b else f"{b}|{a}")
    return tuple(sorted(found))


def unit_number(text: str) -> str | None:
    """The unit's number or code digits ('в/ч А1234' -> 1234, '71st brigade' -> 71)."""
    found = _NUMBER.findall(text)
    return max(found, key=len) if found else None


@lru_cache(maxsize=100_000)
def place_forms(text: str) -> tuple[str, ...]:
    """Common forms of a place name's first word, in every standard (Рівне ~ Rivne ~ Rowno)."""
    words = re.split(r"[\s,()-]+", text.strip())
    words = [w for w in words if len(w) > 1 and w.rstrip(".").lower() not in {"м", "г", "с", "смт"}]
    if not words:
        return ()
    token = name_token(words[0])
    return tuple(sorted(token.forms | token.other_forms))


def record_features(record: InputRecord) -> dict[str, Any]:
    """Every feature column of one record."""
    row = name_features(name_parts(record))
    part_keys: tuple[frozenset[str], ...] = row.pop("_part_keys")
    born = record.date_of_birth
    all_keys = _union(part_keys) or []
    pairs = _pair_keys(part_keys)
    row.update(
        unique_id=record.id,
        dob_year=born.year,
        dob_month=born.month,
        dob_day=born.day,
        dob_iso=born.iso() if born.day is not None else None,
        sex=record.sex or None,
        service_number=service_number_key(record.service_number) or None,
        unit_number=unit_number(record.unit),
        place_forms=list(place_forms(record.place_of_birth)) or None,
        name_text=record.full_name
        or " ".join(p for p in (record.family_name, record.given_name, record.patronymic) if p),
        name_key=pairs[0] if pairs else None,
        bk_names=list(pairs) or None,
        bk_name_year=[f"{k}|{born.year}" for k in all_keys] if born.year and all_keys else None,
        bk_name_dob=[f"{k}|{born.iso()}" for k in all_keys]
        if born.day is not None and all_keys
        else None,
    )
    return row


def _table(records: Iterable[InputRecord], progress: Any = None) -> Any:
    import pyarrow as pa

    columns: dict[str, list[Any]] = {name: [] for name in FEATURE_COLUMNS}
    hashed = [name for name, kind in FEATURE_COLUMNS.items() if kind == "forms"]
    for done, record in enumerate(records, start=1):
        row = record_features(record)
        for name in hashed:
            forms = row[name]
            row[name] = [hash(f) & _HASH_MASK for f in forms] if forms else None
        for name, values in columns.items():
            values.append(row[name])
        if progress is not None and done % 5000 == 0:
            progress(done)
    types = {
        "string": pa.string(),
        "int": pa.int32(),
        "list": pa.list_(pa.string()),
        "forms": pa.list_(pa.int64()),
    }
    schema = pa.schema([(name, types[kind]) for name, kind in FEATURE_COLUMNS.items()])
    return pa.table(columns, schema=schema)


# Records a forked worker reads its slice from (set just before the fork, never pickled).
_SHARED: Sequence[InputRecord] = ()
PARALLEL_FROM = 50_000
CHUNK = 25_000


def _chunk_ipc(bounds: tuple[int, int]) -> bytes:
    import pyarrow as pa

    table = _table(_SHARED[bounds[0] : bounds[1]])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def features_table(
    records: Sequence[InputRecord], *, progress: Any = None, workers: int | None = None
) -> Any:
    """A pyarrow table with one row of FEATURE_COLUMNS per record, in input order.

    Large inputs are split across forked worker processes (one per core by default): the
    names engine is pure Python, and its tables, loaded once here, are shared by the fork.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    methods = multiprocessing.get_all_start_methods()
    if workers <= 1 or len(records) < PARALLEL_FROM or "fork" not in methods:
        return _table(records, progress)
    import pyarrow as pa

    global _SHARED
    record_features(records[0])  # load the name tables before the fork
    _SHARED = records
    bounds = [(i, min(i + CHUNK, len(records))) for i in range(0, len(records), CHUNK)]
    tables = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for done, payload in zip(bounds, pool.imap(_chunk_ipc, bounds), strict=True):
                tables.append(pa.ipc.open_stream(payload).read_all())
                if progress is not None:
                    progress(done[1])
    finally:
        _SHARED = ()
    return pa.concat_tables(tables)


def add_family_rarity(tables: Sequence[Any]) -> list[Any]:
    """Add `family_rare`: the family name is rarer than the median record's (over all tables).

    Agreement on a rare family name is stronger evidence than on a common one; the model
    learns a weight for each (a coarse, engine-independent term-frequency adjustment).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = pa.chunked_array([c for t in tables for c in t.column("family_key").chunks])
    counts = pc.value_counts(keys.drop_null())
    frequency = dict(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    )
    per_record = sorted(frequency[k] for k in keys.drop_null().to_pylist())
    median = per_record[len(per_record) // 2] if per_record else 0
    out = []
    for table in tables:
        rare = [
            None if k is None else frequency[k] < median
            for k in table.column("family_key").to_pylist()
        ]
        out.append(table.append_column("family_rare", pa.array(rare, pa.bool_())))
    return out

"""What the names engine precomputes for Splink: forms, variant groups and blocking keys per record.

Splink compares columns in SQL; our name logic runs here once per distinct field value (a
family name, a given name, a full name), and DuckDB assembles each record's row from those by
joins. It leaves arrays of comparable forms behind, so that a cross-script, cross-standard,
Ukrainian/Russian comparison is an array intersection. `record_features` is the same per
record in plain Python: the reference the table is tested against.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from homecoming.linkage.clustering import sorted_distinct
from homecoming.linkage.inputs import Records, as_table
from homecoming.linkage.name_features import (
    _HASH_MASK,
    _KEYED_SQL,
    _PAIR_SQL,
    _TOKENS,
    FAMILY_END,
    FAMILY_START,
    Parts,
    _as_family,
    _field_tokens,
    _hashes,
    _pair_hashes,
    _token,
    _token_forms,
    _token_keys,
    name_features,
    name_parts,
    name_roles,
    pair_hash,
    record_features,
)
from homecoming.linkage.name_grading import (
    GRADING_COLUMNS,
    WORD_COLUMNS,
    grading_row,
    remember_written,
)
from homecoming.match.levels import neutral_primary, place_forms, renderings_read, unit_number
from homecoming.names.parse import assign_roles, name_words, tokenize
from homecoming.names.token import NameToken, name_token
from homecoming.names.transliterate import remember_run_renderings, rendering_word

# Column name -> kind; the order is the order of the table Splink gets. Forms are compared as
# 64-bit hashes ("forms"): DuckDB intersects integer lists ~3x faster than string lists. The
# hashes are `names.blocking.key_hash`'s, the same in every process and run (EM blocks on the
# least of a record's hashed keys, so a salted hash trained another model each run).
FEATURE_COLUMNS: dict[str, str] = {
    "unique_id": "string",
    "family_forms": "forms",  # gender-neutral common forms of the family name, every standard/form
    "given_forms": "forms",  # common forms of the given name(s)
    "given_groups": "forms",  # variant-group ids: Oleksandr ~ Aleksandr ~ Alexander ~ Sasha
    "patronymic_forms": "forms",
    "family_primary": "string",  # one common form, for edit distance (typos)
    "given_primary": "string",
    "name_pair": "string",  # family and given primary forms: how common the name is
    "dob_year": "int",
    "dob_month": "int",
    "dob_day": "int",
    "dob_iso": "string",  # full dates only, for training and blocking
    "sex": "string",
    "service_number": "string",
    "unit_number": "string",
    "place_forms": "forms",
    "name_text": "string",  # the name as written, for explanations and the names' levels
    # What SQL decides a pair's names' levels from without Python (`linkage.name_grading`).
    "grade_first": "forms",
    "grade_second": "forms",
    "grade_patronymic": "forms",
    "spell_first": "forms",
    "spell_second": "forms",
    "name_key": "key",  # one scalar key (two name parts) for EM training blocks
    "bk_names": "keys",  # keys of two different name parts, any order (hashed)
    "bk_name_year": "keys",  # key of one name part + birth year (hashed)
    "bk_name_dob": "keys",  # key of one name part + full date of birth (hashed)
    "bk_family": "keys",  # keys of the family name alone (hashed): linking a list only
    "bk_given_patronymic": "keys",  # a given-name key with a patronymic form: linking a list only
    "bk_given_family_start": "keys",  # a given-name key with the family name's first letters: same
    "bk_given_family_end": "keys",  # a given-name key with the family name's last letters: same
}

# One row per distinct family / given / patronymic field value: what the field gives a record.
FIELD_COLUMNS: dict[str, str] = {
    "text": "string",
    "neutral": "forms",  # gender-neutral forms of its non-patronymic tokens (as family name)
    "forms": "forms",  # forms of its non-patronymic tokens (as given name)
    "groups": "forms",
    "pat_forms": "forms",  # forms of its patronymic tokens (a patronymic in the wrong field)
    "family_pat_forms": "forms",  # the same, as a family name (`_as_family`)
    "all_forms": "forms",  # forms of every token (as patronymic field)
    "neutral_primary": "string",
    "primary": "string",
    "keys": "forms",  # blocking keys of its name parts
    "family_keys": "forms",  # the same, as a family name
    "pairs": "forms",  # pair keys within the field (two given names)
    "family_pairs": "forms",  # the same, as a family name
}


def _field_row(text: str) -> dict[str, Any]:
    tokens = _field_tokens(text)
    # A value of patronymic-shaped words only is, as a family name, a family name
    # (`_as_family`); as a patronymic, `all_forms` is what counts.
    main = [t for t in tokens if not t.patronymic]
    family = main or list(_as_family(tokens))
    pat_forms = _hashes(f for t in tokens if t.patronymic for f in _token_forms(t))
    part_keys = [_token_keys(t) for t in main if not t.initial]
    family_keys = [_token_keys(t) for t in family if not t.initial]
    first = main[0] if main else None
    return {
        "text": text,
        "neutral": _hashes(f for t in family for f in t.neutral),
        "forms": _hashes(f for t in main for f in _token_forms(t)),
        "groups": _hashes(f for t in main for f in t.groups | t.given_ids),
        "pat_forms": pat_forms,
        "family_pat_forms": pat_forms if main else None,
        "all_forms": _hashes(f for t in tokens for f in _token_forms(t)),
        "neutral_primary": neutral_primary(family[0]) if family else None,
        "primary": first.primary if first else None,
        "keys": _hashes(k for keys in part_keys for k in keys),
        "family_keys": _hashes(k for keys in family_keys for k in keys),
        "pairs": _pair_hashes(part_keys),
        "family_pairs": _pair_hashes(family_keys),
    }


# One row per distinct name as written (`name_text`): what grading its pairs reads
# (`linkage.name_grading.grading_row`).
NAME_TEXT_COLUMNS: dict[str, str] = {
    "text": "string",
    **dict.fromkeys(GRADING_COLUMNS, "forms"),
    "words": "string",
    **WORD_COLUMNS,
}

# One row per distinct full name of records without split name fields: its words sorted into
# the three fields by `parse_name`'s roles, so that the field table does the rest, and, as
# the name its records are written by, its NAME_TEXT_COLUMNS (from the same reading).
FULL_NAME_COLUMNS: dict[str, str] = {
    "family": "string",
    "given": "string",
    "patronymic": "string",
    **NAME_TEXT_COLUMNS,
}


def _full_name_row(text: str) -> dict[str, Any]:
    # `name_roles(text)` with the words it read (`name_words(text)`), reading them once.
    raw, tokens, roles = assign_roles(text, token=_token)
    graded = grading_row(text, (raw, tokens, roles))
    fields: dict[str, list[str]] = {"family": [], "given": [], "patronymic": []}
    for word, token, role in zip(raw, tokens, roles, strict=True):
        if role == "patronymic" or token.patronymic:
            fields["patronymic"].append(word)
        else:
            fields["family" if role == "family" else "given"].append(word)
    # "OLEH PROKOPOVYCH": the patronymic-shaped word is the family name as well
    # (parse.family_reading), so that the family name's keys find "Прокопович Олег Захарович".
    lone = len(raw) == 2 and not fields["family"] and len(fields["patronymic"]) == 1
    if lone and not any(t.initial for t in tokens):
        fields["family"] = list(fields["patronymic"])
    return {"text": text, **{name: " ".join(words) for name, words in fields.items()}, **graded}


def _arrow(rows: Iterable[dict[str, Any]], columns: dict[str, str]) -> Any:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int32(),
        "bool": pa.bool_(),
        "list": pa.list_(pa.string()),
        "forms": pa.list_(pa.int64()),
    }
    values: dict[str, list[Any]] = {name: [] for name in columns}
    for row in rows:
        for name, found in values.items():
            found.append(row[name])
    schema = pa.schema([(name, types[kind]) for name, kind in columns.items()])
    return pa.table(values, schema=schema)


def _place_row(text: str) -> dict[str, Any]:
    return {"place": text, "place_forms": _hashes(place_forms(text))}


def _unit_row(text: str) -> dict[str, Any]:
    return {"unit": text, "unit_number": unit_number(text)}


def _grading_row(text: str) -> dict[str, Any]:
    return {"text": text, **grading_row(text)}


# Distinct-value table -> (row of one value, its columns).
_DISTINCT: dict[str, tuple[Callable[[str], dict[str, Any]], dict[str, str]]] = {
    "field_values": (_field_row, FIELD_COLUMNS),
    "full_names": (_full_name_row, FULL_NAME_COLUMNS),
    "name_texts": (_grading_row, NAME_TEXT_COLUMNS),
    "places": (_place_row, {"place": "string", "place_forms": "forms"}),
    "units": (_unit_row, {"unit": "string", "unit_number": "string"}),
}


def _distinct_values(table: Any) -> dict[str, Any]:
    """Distinct values of each field of a records table (full names: unsplit records only),
    each a pyarrow string array sorted as Python sorts strings (code point order: UTF-8's
    byte order, DuckDB's). A million records' values are not made Python strings here but by
    the workers that read them (`_values`)."""
    return _distinct_sql(
        {
            "field_values": "select distinct unnest([family_name, given_name, patronymic]) as v"
            " from records where split",
            "full_names": "select distinct full_name as v from records where not split",
            "name_texts": f"select distinct {_NAME_TEXT} as v from records r where v <> ''",
            "places": "select distinct place as v from records",
            "units": "select distinct unit as v from records",
        },
        records=table,
    )


def _distinct_sql(queries: dict[str, str], **tables: Any) -> dict[str, Any]:
    """Each query's one column `v` over `tables` (arrow tables by name), sorted, an array."""
    import duckdb

    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return {
            name: con.sql(f"{sql} order by v").to_arrow_table().column(0).combine_chunks()
            for name, sql in queries.items()
        }
    finally:
        con.close()


# The distinct values forked workers read their slices from (set just before the fork).
_SHARED: dict[str, Any] = {}
PARALLEL_FROM = 20_000  # distinct values: below this, a fork costs more than it saves
CHUNK = 4_000


def _chunk_table(name: str, values: Sequence[str]) -> Any:
    row_of, columns = _DISTINCT[name]
    return _arrow((row_of(v) for v in values), columns)


def _chunk_ipc(task: tuple[str, int, int]) -> bytes:
    import pyarrow as pa

    name, start, end = task
    table = _chunk_table(name, _values(name, start, end))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def _distinct_tables(table: Any, workers: int | None = None) -> dict[str, Any]:
    """Tables of what each distinct field value contributes, computed once per value.

    Many distinct values are split across forked worker processes (one per core by default):
    the names engine is pure Python, and its tables, loaded once here, are shared by the fork.
    First every distinct word is found and made a token once, then full names are split into
    fields (and get their grading rows from the same reading), then every field value and every
    other name gets its row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    global _SHARED
    values = _distinct_values(table)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    parallel = (
        workers > 1
        and sum(len(v) for v in values.values()) >= PARALLEL_FROM
        and "fork" in multiprocessing.get_all_start_methods()
    )
    run = _in_workers if parallel else _here
    # The words' tokens (and the Cyrillic words' renderings) stay until the next run: grading
    # the candidate pairs reads them (`linkage.name_grading`, `match.levels.forms_apart`)
    # rather than making them again in this process.
    _TOKENS.clear()
    remember_run_renderings((), first=True)
    if parallel:
        name_token("Олександр")  # load the name tables before the fork
        _SHARED = values
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                found = pool.map(_words_of, _tasks(values, ("field_values", "full_names")))
                words = sorted(set().union(*found))
                chunks = [words[i : i + CHUNK] for i in range(0, len(words), CHUNK)]
                for made, rendered in pool.imap_unordered(_tokens_and_renderings, chunks):
                    _TOKENS.update(made)
                    remember_run_renderings(rendered)
        finally:
            _SHARED = {}
    full_names = values.pop("full_names")
    tables = run({"full_names": full_names}, workers)
    split = tables["full_names"]
    fields = (chunk for c in ("family", "given", "patronymic") for chunk in split.column(c).chunks)
    values["field_values"] = sorted_distinct(
        pa.chunked_array([values["field_values"], *fields], pa.string())
    )
    # The full names' rows hold their names' grading rows: the other names get theirs here.
    read = split.filter(pc.not_equal(split.column("text"), "")).select(list(NAME_TEXT_COLUMNS))
    names = values["name_texts"]
    values["name_texts"] = names.filter(pc.invert(pc.is_in(names, value_set=read.column("text"))))
    tables.update(run(values, workers))
    tables["name_texts"] = pa.concat_tables([read, tables["name_texts"]])
    _remember_words(tables["name_texts"])
    return tables


def _remember_words(names: Any) -> None:
    """The names whose words the workers read, with those words, for the graders
    (`name_grading.WRITTEN_NAMES`): kept beside the other table's of a link."""
    import pyarrow.compute as pc

    read = names.filter(pc.is_valid(names.column("words")))
    remember_written(read.select(["text", "words", *GRADING_COLUMNS, *WORD_COLUMNS]))


def _here(values: dict[str, Any], workers: int) -> dict[str, Any]:
    return {name: _chunk_table(name, found.to_pylist()) for name, found in values.items()}


def _values(name: str, start: int, end: int) -> list[str]:
    """A slice of `_SHARED`'s distinct values of `name`, as Python strings."""
    found: list[str] = _SHARED[name][start:end].to_pylist()
    return found


def _tasks(values: dict[str, Any], names: Sequence[str]) -> list[tuple[str, int, int]]:
    """Slices of CHUNK values of each of `names` (at least one a name)."""
    return [
        (name, start, min(start + CHUNK, len(values[name])))
        for name in names
        for start in range(0, max(len(values[name]), 1), CHUNK)
    ]


def _in_workers(values: dict[str, Any], workers: int) -> dict[str, Any]:
    import pyarrow as pa

    global _SHARED
    tasks = _tasks(values, list(values))
    parts: dict[str, list[Any]] = {name: [] for name in values}
    _SHARED = values
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for (name, _, _), payload in zip(tasks, pool.imap(_chunk_ipc, tasks), strict=True):
                parts[name].append(pa.ipc.open_stream(payload).read_all())
    finally:
        _SHARED = {}
    return {name: pa.concat_tables(tables) for name, tables in parts.items()}


def _words_of(task: tuple[str, int, int]) -> set[str]:
    """The words of a slice of `_SHARED`'s field values or full names, as parsing reads them."""
    name, start, end = task
    words: set[str] = set()
    for text in _values(name, start, end):
        words.update(tokenize(text) if name == "field_values" else name_words(text)[0])
    return words


def _tokens_of(words: Sequence[str]) -> dict[str, NameToken]:
    return {word: name_token(word) for word in words}


def _tokens_and_renderings(
    words: Sequence[str],
) -> tuple[dict[str, NameToken], list[tuple[str, tuple[str, ...]]]]:
    """The words' tokens, and the Latin renderings that grading a pair reads of each Cyrillic
    word (`levels.renderings_read`): made here, beside the token, which has just rendered the
    word under its standards (`names.transliterate.render_token`'s cache), rather than in the
    process that grades the pairs, where every standard would render it again."""
    tokens = _tokens_of(words)
    rendered = [
        found
        for token in tokens.values()
        if token.script == "cyrillic"
        for found in renderings_read(rendering_word(token.text))
    ]
    return tokens, rendered


def _or_none(sql: str) -> str:
    return f"(case when len({sql}) = 0 then null else {sql} end)"


_CROSS_PAIRS = (
    "flatten(list_transform(coalesce(f.family_keys, []), lambda a: list_transform("
    f"list_filter(coalesce(g.keys, []), lambda b: b <> a), lambda b: {_PAIR_SQL})))"
)
_KEYS = "list_distinct(list_concat(coalesce(f.family_keys, []), coalesce(g.keys, [])))"
_PAIRS = f"list_distinct(flatten([f.family_pairs, g.pairs, {_CROSS_PAIRS}]))"
_PATRONYMIC = "list_distinct(flatten([f.family_pat_forms, g.pat_forms, p.all_forms]))"
_GIVEN_PATRONYMIC = (
    "list_distinct(flatten(list_transform(coalesce(g.keys, []), lambda a: list_transform("
    f"coalesce({_PATRONYMIC}, []), lambda b: {_PAIR_SQL}))))"
)
_GIVEN_FAMILY_START = (
    "list_transform(coalesce(g.keys, []), "
    f"lambda k: (hash(k, left(f.neutral_primary, {FAMILY_START})) >> 1)::bigint)"
)
_GIVEN_FAMILY_END = (
    "list_transform(coalesce(g.keys, []), "
    f"lambda k: (hash(k, '$', right(f.neutral_primary, {FAMILY_END})) >> 1)::bigint)"
)
_DOB_ISO = "printf('%04d-%02d-%02d', r.dob_year, r.dob_month, r.dob_day)"
_WRITTEN = (
    "concat_ws(' ', nullif(r.family_name, ''), nullif(r.given_name, ''), nullif(r.patronymic, ''))"
)
_NAME_TEXT = f"case when r.full_name <> '' then r.full_name else {_WRITTEN} end"

# `service_number_key` in SQL (half a million distinct numbers at a million records): upper
# case, Cyrillic look-alikes folded to Latin, only letters and digits kept.
_SERVICE_NUMBER_SQL = (
    "nullif(regexp_replace(translate(upper(r.service_number), 'АВЕКМНОРСТХІ', 'ABEKMHOPCTXI'), "
    "'[^\\p{L}\\p{N}]', '', 'g'), '')"
)

_ASSEMBLE = f"""
with named as (
    select
        r.*,
        case when r.split then r.family_name else n.family end as family,
        case when r.split then r.given_name else n.given end as given,
        case when r.split then r.patronymic else n.patronymic end as father
    from records r
    left join full_names n on not r.split and n.text = r.full_name
),
assembled as (
    select
        r.row_number,
        r.unique_id,
        f.neutral as family_forms,
        g.forms as given_forms,
        g.groups as given_groups,
        {_or_none(_PATRONYMIC)} as patronymic_forms,
        f.neutral_primary as family_primary,
        g.primary as given_primary,
        r.dob_year, r.dob_month, r.dob_day,
        case when r.dob_day is not null then {_DOB_ISO} end as dob_iso,
        r.sex,
        {_SERVICE_NUMBER_SQL} as service_number,
        u.unit_number,
        pl.place_forms,
        {_NAME_TEXT} as name_text,
        {_or_none(_KEYS)} as keys,
        {_or_none(_PAIRS)} as pairs,
        f.family_keys as family_keys,
        {_or_none(_GIVEN_PATRONYMIC)} as given_patronymic,
        case when length(f.neutral_primary) >= {FAMILY_START} then {_or_none(_GIVEN_FAMILY_START)}
            end as given_family_start,
        case when length(f.neutral_primary) > {FAMILY_END} then {_or_none(_GIVEN_FAMILY_END)}
            end as given_family_end
    from named r
    left join field_values f on f.text = r.family
    left join field_values g on g.text = r.given
    left join field_values p on p.text = r.father
    left join units u on u.unit = r.unit
    left join places pl on pl.place = r.place
)
select
    unique_id, family_forms, given_forms, given_groups, patronymic_forms,
    family_primary, given_primary,
    case when family_primary is not null and given_primary is not null
        then family_primary || '|' || given_primary end as name_pair,
    dob_year, dob_month, dob_day, dob_iso, sex, service_number, unit_number, place_forms,
    name_text,
    gn.grade_first, gn.grade_second, gn.grade_patronymic, gn.spell_first, gn.spell_second,
    list_min(pairs) as name_key,
    pairs as bk_names,
    case when dob_year is not null
        then list_transform(keys, lambda k: {_KEYED_SQL.format("dob_year")}) end as bk_name_year,
    case when dob_iso is not null
        then list_transform(keys, lambda k: {_KEYED_SQL.format("dob_iso")}) end as bk_name_dob,
    family_keys as bk_family,
    given_patronymic as bk_given_patronymic,
    given_family_start as bk_given_family_start,
    given_family_end as bk_given_family_end
from assembled
left join name_texts gn on gn.text = assembled.name_text
order by row_number
"""


def features_table(records: Records, *, progress: Any = None, workers: int | None = None) -> Any:
    """A pyarrow table with one row of FEATURE_COLUMNS per record, in input order.

    `records` is a list of records or a records table (`inputs.read_table`). The names
    engine runs once per distinct field value (a million records carry a few tens of
    thousands of distinct family and given names); DuckDB then joins those values back to
    the records and builds the pair and date keys, vectorised.
    """
    import duckdb

    table = as_table(records)
    tables = _distinct_tables(table, workers)
    if progress is not None:
        progress(table.num_rows // 2)
    con = duckdb.connect()
    try:
        con.register("records", table)
        for name, found in tables.items():
            con.register(name, found)
        result = con.sql(_ASSEMBLE).to_arrow_table()
    finally:
        con.close()
    return result.cast(feature_schema())


def feature_schema() -> Any:
    """The arrow schema of FEATURE_COLUMNS."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int": pa.int32(),
        "key": pa.int64(),
        "keys": pa.list_(pa.int64()),
        "forms": pa.list_(pa.int64()),
    }
    return pa.schema([(name, types[kind]) for name, kind in FEATURE_COLUMNS.items()])


# A name-part pair key held by more records than this is combined with the birth year.
COMMON_KEY_RECORDS = 15
_BUCKET_FACTOR = 1_000_003
_SECOND_BUCKET = 1 << 20  # keeps the two bucket series apart


def narrow_common_keys(tables: Sequence[Any], *, limit: int | None = None) -> list[Any]:
    """Split the blocks of common `bk_names` keys by birth year, within one year either way.

    Two name parts in common (Ivan + Kovalenko) make a block of every record that has them:
    at a million records such blocks hold most of the candidate pairs. A key held by more
    than `limit` records (default COMMON_KEY_RECORDS; counted over all tables, so both sides
    of a link agree) is replaced by two keys: it with year // 2, and with (year + 1) // 2;
    records born within a year of each other share one. A record without a year gets the key
    with every year // 2 of the data, so it still meets everyone with the key (measured at a
    million records: nearly all the true pairs the narrowing would lose are such records).
    Below a few hundred thousand records hardly any key is that common: nothing changes.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    limit = COMMON_KEY_RECORDS if limit is None else limit
    columns = [t.column("bk_names").combine_chunks() for t in tables]
    common = _held_by_more(np.concatenate([c.flatten().to_numpy() for c in columns]), limit)
    if len(common) == 0:
        return list(tables)
    years = pa.chunked_array(
        [chunk for t in tables for chunk in t.column("dob_year").chunks], pa.int32()
    )
    known = pc.min_max(years)
    low, high = known["min"].as_py(), known["max"].as_py()
    every = np.arange(low // 2, high // 2 + 1, dtype=np.int64) if low is not None else None
    common_keys = pa.array(common, pa.int64())
    return [_narrowed(t, c, common_keys, every) for t, c in zip(tables, columns, strict=True)]


def _held_by_more(keys: Any, limit: int) -> Any:
    """The distinct values of `keys` (a numpy array) held more than `limit` times, sorted."""
    import numpy as np

    ordered = np.sort(keys)
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    runs = np.diff(np.append(starts, len(ordered)))
    return ordered[starts[runs > limit]]


def _bucket_keys(keys: Any, buckets: Any) -> Any:
    import numpy as np

    wide = keys.astype(np.uint64) * np.uint64(_BUCKET_FACTOR) + buckets.astype(np.uint64)
    return wide.astype(np.int64) & _HASH_MASK


def _narrowed(table: Any, column: Any, common_keys: Any, every: Any) -> Any:
    """`table` with its common bk_names keys bucketed by year (see narrow_common_keys)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = column.flatten()
    keys = flat.to_numpy()
    parents = pc.list_parent_indices(column).to_numpy()
    years = table.column("dob_year").to_numpy(zero_copy_only=False)
    years = np.where(np.isnan(years.astype(float)), -1, years).astype(np.int64)[parents]
    common = pc.is_in(flat, value_set=common_keys).to_numpy(zero_copy_only=False)
    dated, undated = common & (years >= 0), common & (years < 0)
    if every is None:  # no year anywhere: nothing to narrow by
        dated, undated = np.zeros_like(common), np.zeros_like(common)
    plain = ~(dated | undated)
    values = [keys[plain], _bucket_keys(keys[dated], years[dated] // 2)]
    values.append(_bucket_keys(keys[dated], (years[dated] + 1) // 2 + _SECOND_BUCKET))
    owners = [parents[plain], parents[dated], parents[dated]]
    if every is not None and undated.any():
        count = len(every)
        values.append(_bucket_keys(np.repeat(keys[undated], count), np.tile(every, undated.sum())))
        owners.append(np.repeat(parents[undated], count))
    held = [np.bincount(owner, minlength=table.num_rows) for owner in owners]
    sizes = np.sum(held, axis=0)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    # A record's keys part after part of `values`, each part's in its order: a part's key
    # goes after the record's keys of the parts before it (`filled`) and its own before it in
    # the part (its place in the part less the record's first place there: owners are sorted).
    found = np.empty(offsets[-1], dtype=np.int64)
    filled = offsets[:-1].copy()
    for value, owner, own in zip(values, owners, held, strict=True):
        first = np.searchsorted(owner, owner, side="left")
        found[filled[owner] + np.arange(len(owner)) - first] = value
        filled += own
    lists = pa.ListArray.from_arrays(
        pa.array(offsets.astype(np.int32)), pa.array(found, pa.int64()), mask=pa.array(sizes == 0)
    )
    index = table.schema.get_field_index("bk_names")
    return table.set_column(index, table.schema.field(index), lists)


__all__ = [
    "CHUNK",
    "COMMON_KEY_RECORDS",
    "FEATURE_COLUMNS",
    "FIELD_COLUMNS",
    "FULL_NAME_COLUMNS",
    "PARALLEL_FROM",
    "Parts",
    "feature_schema",
    "features_table",
    "name_features",
    "name_parts",
    "name_roles",
    "narrow_common_keys",
    "pair_hash",
    "record_features",
]

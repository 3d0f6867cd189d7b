"""Parsed names kept in the search index's snapshot, so a server's workers read them back
instead of parsing every indexed name (tens to hundreds of microseconds each: minutes at a
million records, in every worker).

The names are stored in columns (numpy arrays, no pickle: a snapshot is data):

- every string any parsed name holds, once, in one table (`strings`: a JSON list in UTF-8);
- the distinct tokens (a token recurs in many names), field by field: a string's id, a set's
  ids (a ragged column: counts and the ids one after another), an integer, a flag;
- per name, its tokens' ids (ragged) and, for each other field, an id: a string's, or a tuple's
  in that field's table of distinct tuples (the roles of a million names are a few dozen
  tuples, their family names tens of thousands).

Names are stored from id 0 up: `count` names, the ones after them (parsed nowhere when the
snapshot was written) are parsed where it is loaded. Decoding a run of names makes its tuples
and `ParsedName`s at once (a few microseconds a name). The rows are only as good as the names
engine that wrote them: `engine_version()` fingerprints its code, tables and the libraries it
reads, and names written by another version are not read back (they are parsed again).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import homecoming.names
from homecoming.names.parse import ParsedName
from homecoming.names.token import NameToken, as_made
from homecoming.names.transliterate import latin_renderings, rendering_word

IntArray = npt.NDArray[np.int64]
PREFIX = "parsed_"
# The libraries `parse_name` reads besides its own code and tables.
ENGINE_LIBRARIES = ("anyascii", "faker", "translitua", "iuliia", "names-translator", "rigour")


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A fingerprint of what `parse_name` reads: the names engine's code and tables, the outside
    libraries it reads, and the fields of the parsed names."""
    digest = hashlib.sha256()
    root = Path(homecoming.names.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for library in ENGINE_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{library}={version}\0".encode())
    for cls in (ParsedName, NameToken):
        digest.update(repr([(f.name, str(f.type)) for f in dataclasses.fields(cls)]).encode())
    return digest.hexdigest()


def _kind(declared: str) -> str:
    """How a field is stored, by its declared type: 'tokens', 'set', 'tuple', 'int', 'bool' or
    'str' (a Literal alias such as Script is a string)."""
    if declared.startswith("tuple[NameToken"):
        return "tokens"
    if declared.startswith("frozenset"):
        return "set"
    if declared.startswith("tuple"):
        return "tuple"
    if declared in ("int", "bool"):
        return declared
    return "str"


_TOKEN_FIELDS = [(f.name, _kind(str(f.type))) for f in dataclasses.fields(NameToken)]
# A name's text is the index's own (`PersonIndex.names`): not stored again.
_NAME_FIELDS = [(f.name, _kind(str(f.type))) for f in dataclasses.fields(ParsedName)]
_STORED_NAME_FIELDS = [(name, kind) for name, kind in _NAME_FIELDS if name != "text"]
if [name for name, _ in _NAME_FIELDS][:1] != ["text"] or any(
    kind in ("set", "int", "bool") for _, kind in _STORED_NAME_FIELDS
):
    raise TypeError("ParsedName's fields changed: teach homecoming.search.parsed to store them")


def _ragged(groups: Sequence[Sequence[int]]) -> tuple[IntArray, IntArray]:
    """Groups of ids as their sizes and the ids one after another."""
    counts = np.fromiter((len(g) for g in groups), np.int64, len(groups))
    flat = np.fromiter(itertools.chain.from_iterable(groups), np.int64, int(counts.sum()))
    return counts, flat


def _starts(counts: npt.NDArray[Any]) -> IntArray:
    """Where each group of a ragged column starts, and one past the last."""
    return np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)


def _split(counts: npt.NDArray[Any], flat: npt.NDArray[Any], table: Sequence[Any]) -> list[Any]:
    """The groups of a ragged column, each id replaced by its item of `table`."""
    items = [table[i] for i in flat.tolist()]
    bounds = _starts(counts).tolist()
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def _small(values: Sequence[int] | IntArray) -> npt.NDArray[Any]:
    """Ids in the narrowest unsigned type that holds them (a snapshot's size)."""
    found = np.asarray(values, dtype=np.int64)
    top = int(found.max()) if len(found) else 0
    dtype = np.uint8 if top < 2**8 else np.uint16 if top < 2**16 else np.uint32
    return found.astype(dtype)


class _Tables:
    """The strings, tokens and tuples written so far, each with its id (shared by the names
    a snapshot already held and those added to it)."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._string_ids: dict[str, int] = {}
        self.tokens: list[NameToken] = []
        self.as_made: list[bool] = []  # per token: what `name_token` makes of its text
        self.renderings: list[tuple[str, ...]] = []  # per token: a Cyrillic word's, else ()
        self._token_ids: dict[NameToken, int] = {}
        # A token object is met many times: by identity first (hashing one by value hashes
        # its sixteen fields), then by value. The object is kept: its id stays its own.
        self._by_object: dict[int, tuple[NameToken, int]] = {}
        self.tuples: dict[str, list[tuple[str, ...]]] = {
            name: [] for name, kind in _STORED_NAME_FIELDS if kind == "tuple"
        }
        self._tuple_ids: dict[str, dict[tuple[str, ...], int]] = {name: {} for name in self.tuples}

    def string(self, value: Any) -> int:
        if not isinstance(value, str):
            raise TypeError(f"a parsed name holds a {type(value).__name__} where a str was due")
        found = self._string_ids.get(value)
        if found is None:
            found = self._string_ids[value] = len(self.strings)
            self.strings.append(value)
        return found

    def token(
        self,
        token: NameToken,
        made: bool | None = None,
        rendered: tuple[str, ...] | None = None,
    ) -> int:
        """The token's id, added if new; `made`: whether it is as `name_token` makes it, when
        known (a stored token's mark), else told by `as_made`; `rendered`: its word's Latin
        renderings, when known (a stored token's), else made (`renderings_of`)."""
        held = self._by_object.get(id(token))
        if held is not None and held[0] is token:
            return held[1]
        found = self._token_ids.get(token)
        if found is None:
            found = self._token_ids[token] = len(self.tokens)
            self.tokens.append(token)
            self.as_made.append(as_made(token) if made is None else made)
            self.renderings.append(renderings_of(token) if rendered is None else rendered)
        self._by_object[id(token)] = (token, found)
        return found

    def tuple_of(self, field_name: str, value: tuple[str, ...]) -> int:
        ids = self._tuple_ids[field_name]
        found = ids.get(value)
        if found is None:
            for word in value:
                self.string(word)
            found = ids[value] = len(self.tuples[field_name])
            self.tuples[field_name].append(value)
        return found

    def arrays(self) -> dict[str, Any]:
        """The tables' columns (the strings last: the tokens and tuples add to them)."""
        columns: dict[str, Any] = {}
        for name, kind in _TOKEN_FIELDS:
            values = [getattr(t, name) for t in self.tokens]
            if kind in ("set", "tuple"):
                string = self.string
                groups = [[string(v) for v in s] if s else [] for s in values]
                if kind == "set":  # in one order, whatever the hashes' (a snapshot's bytes)
                    groups = [sorted(g) if len(g) > 1 else g for g in groups]
                counts, flat = _ragged(groups)
                columns[f"token_{name}_counts"] = _small(counts)
                columns[f"token_{name}"] = _small(flat)
            elif kind in ("int", "bool"):
                if not all(type(v) is (int if kind == "int" else bool) for v in values):
                    raise TypeError(f"a name token's {name} is not a {kind}")
                columns[f"token_{name}"] = np.array(values, dtype=np.int64)
            else:
                columns[f"token_{name}"] = _small([self.string(v) for v in values])
        for name, table in self.tuples.items():
            counts, flat = _ragged([[self.string(w) for w in t] for t in table])
            columns[f"tuple_{name}_counts"], columns[f"tuple_{name}"] = _small(counts), _small(flat)
        columns["token_as_made"] = np.array(self.as_made, dtype=bool)
        counts, flat = _ragged([[self.string(r) for r in group] for group in self.renderings])
        columns["token_renderings_counts"] = _small(counts)
        columns["token_renderings"] = _small(flat)
        encoded = json.dumps(self.strings, ensure_ascii=False, separators=(",", ":")).encode()
        columns["strings"] = np.frombuffer(encoded, dtype=np.uint8)
        return columns

    @classmethod
    def of(cls, stored: StoredNames) -> _Tables:
        """The tables of names a snapshot held, to add names to them."""
        tables = cls()
        for text in stored.strings:
            tables.string(text)
        for token, made, rendered in zip(
            stored.tokens, stored.as_made, stored.renderings, strict=True
        ):
            tables.token(token, made, rendered)
        for name, table in stored.tuples.items():
            for words in table:
                tables.tuple_of(name, words)
        return tables


class StoredNames:
    """The parsed names a snapshot holds, for ids 0 .. count-1 (see the module's docstring)."""

    def __init__(
        self,
        strings: list[str],
        tokens: list[NameToken],
        as_made: list[bool],
        renderings: list[tuple[str, ...]],
        tuples: dict[str, list[tuple[str, ...]]],
        columns: dict[str, npt.NDArray[Any]],
    ) -> None:
        self.strings = strings
        self.tokens = tokens
        # Per token: whether it is what `name_token` makes of its text (a parse changes some:
        # a patronymic-shaped word read as a family name); those are remembered on loading.
        self.as_made = as_made
        # Per token: its word's Latin renderings if Cyrillic (`renderings_of`), else ().
        self.renderings = renderings
        self.tuples = tuples
        # Per name: its tokens ("tokens_counts", "tokens") and one id for each other field.
        self.columns = columns
        self.count = len(columns["tokens_counts"])
        self._token_starts = _starts(columns["tokens_counts"])

    def __len__(self) -> int:
        return self.count

    def get(self, name_id: int, text: str) -> ParsedName:
        """The stored parsed name of this id (below `count`), whose text is `text`: one name
        read alone (a search's first comparison of it), a few microseconds."""
        if not 0 <= name_id < self.count:
            raise IndexError("no parsed name is stored under this id")
        columns, starts = self.columns, self._token_starts
        ids = columns["tokens"][int(starts[name_id]) : int(starts[name_id + 1])].tolist()
        values: list[Any] = [text]
        for name, kind in _STORED_NAME_FIELDS:
            if kind == "tokens":
                values.append(tuple([self.tokens[i] for i in ids]))
            else:
                table: Sequence[Any] = self.tuples[name] if kind == "tuple" else self.strings
                values.append(table[int(columns[name][name_id])])
        return ParsedName(*values)

    def decode(self, start: int, texts: Sequence[str]) -> list[ParsedName]:
        """The stored names of ids start, start+1, … (one per text, all below `count`)."""
        stop = start + len(texts)
        if start < 0 or stop > self.count:
            raise IndexError("no parsed name is stored under these ids")
        columns = self.columns
        first, last = int(self._token_starts[start]), int(self._token_starts[stop])
        counts, token_ids = columns["tokens_counts"][start:stop], columns["tokens"][first:last]
        tokens = [tuple(group) for group in _split(counts, token_ids, self.tokens)]
        fields: list[Iterable[Any]] = [texts]
        for name, kind in _STORED_NAME_FIELDS:
            if kind == "tokens":
                fields.append(tokens)
                continue
            table: Sequence[Any] = self.tuples[name] if kind == "tuple" else self.strings
            fields.append([table[i] for i in columns[name][start:stop].tolist()])
        return list(map(ParsedName, *fields))

    @staticmethod
    def write(
        texts: Sequence[str],
        parsed: Callable[[int], ParsedName | None],
        stored: StoredNames | None,
    ) -> dict[str, Any]:
        """What `np.savez` writes of the names (`load` reads it back): as many from id 0 as
        have a parse, the ones `stored` holds as they are (not decoded), the others from
        `parsed(name_id)`; the first without one ends them."""
        kept = min(len(stored), len(texts)) if stored is not None else 0
        tables = _Tables.of(stored) if stored is not None else _Tables()
        added: list[ParsedName] = []
        for name_id in range(kept, len(texts)):
            found = parsed(name_id)
            if found is None:
                break
            if found.text != texts[name_id]:
                raise ValueError(f"the parse of name {name_id} is of another text")
            added.append(found)
        token_groups = [[tables.token(t) for t in n.tokens] for n in added]
        fields: dict[str, list[int]] = {}
        for field_name, kind in _STORED_NAME_FIELDS:
            if kind == "tuple":
                fields[field_name] = [
                    tables.tuple_of(field_name, getattr(n, field_name)) for n in added
                ]
            elif kind == "str":
                fields[field_name] = [tables.string(getattr(n, field_name)) for n in added]
        arrays = tables.arrays()  # the strings last: every table's are in
        counts, flat = _ragged(token_groups)
        ids = {name: np.array(values, dtype=np.int64) for name, values in fields.items()}
        if stored is not None and kept:  # the names it held, as they were
            old = stored.columns
            held = int(stored._token_starts[kept])
            counts = np.concatenate([old["tokens_counts"][:kept].astype(np.int64), counts])
            flat = np.concatenate([old["tokens"][:held].astype(np.int64), flat])
            for name in ids:
                ids[name] = np.concatenate([old[name][:kept].astype(np.int64), ids[name]])
        columns: dict[str, Any] = {
            "engine": np.array(engine_version(), dtype=np.str_),
            "tokens_counts": _small(counts),
            "tokens": _small(flat),
            **{name: _small(values) for name, values in ids.items()},
        }
        return {PREFIX + key: value for key, value in {**arrays, **columns}.items()}

    @classmethod
    def load(cls, data: Any) -> StoredNames | None:
        """The parsed names in a snapshot's arrays; None when it holds none, or when another
        version of the names engine wrote them, or in another layout (they are then parsed
        again)."""
        if PREFIX + "engine" not in data.files or str(data[PREFIX + "engine"]) != engine_version():
            return None
        try:
            return cls._read(data)
        except (KeyError, ValueError, TypeError, IndexError):
            return None

    @classmethod
    def _read(cls, data: Any) -> StoredNames:

        def column(key: str) -> npt.NDArray[Any]:
            found: npt.NDArray[Any] = data[PREFIX + key]
            return found

        strings: list[str] = json.loads(column("strings").tobytes().decode())
        token_fields: list[list[Any]] = []
        for name, kind in _TOKEN_FIELDS:
            if kind in ("set", "tuple"):
                groups = _split(column(f"token_{name}_counts"), column(f"token_{name}"), strings)
                token_fields.append(list(map(frozenset if kind == "set" else tuple, groups)))
            elif kind == "int":
                token_fields.append(column(f"token_{name}").tolist())
            elif kind == "bool":
                token_fields.append([bool(v) for v in column(f"token_{name}").tolist()])
            else:
                token_fields.append([strings[i] for i in column(f"token_{name}").tolist()])
        tokens = list(map(NameToken, *token_fields))
        made = [bool(v) for v in column("token_as_made").tolist()]
        renderings = [
            tuple(g)
            for g in _split(column("token_renderings_counts"), column("token_renderings"), strings)
        ]
        if len(made) != len(tokens) or len(renderings) != len(tokens):
            raise ValueError("the stored tokens' marks or renderings do not add up")
        tuples = {
            name: [
                tuple(g)
                for g in _split(column(f"tuple_{name}_counts"), column(f"tuple_{name}"), strings)
            ]
            for name, kind in _STORED_NAME_FIELDS
            if kind == "tuple"
        }
        columns = {"tokens_counts": column("tokens_counts"), "tokens": column("tokens")}
        for name, kind in _STORED_NAME_FIELDS:
            if kind != "tokens":
                columns[name] = column(name)
        _check(columns, strings, tokens, tuples)
        return cls(strings, tokens, made, renderings, tuples, columns)

    def remembered_renderings(self) -> dict[str, tuple[str, ...]]:
        """Each stored Cyrillic word's renderings, by word (`latin_renderings`' argument)."""
        return {
            rendering_word(token.text): rendered
            for token, rendered in zip(self.tokens, self.renderings, strict=True)
            if rendered
        }


def renderings_of(token: NameToken) -> tuple[str, ...]:
    """A Cyrillic token's word's Latin renderings (`latin_renderings`), stored with the token
    so that a loaded snapshot's workers read them instead of making them (a third of a
    millisecond a word, on a search's first comparison of it with a Latin word); () for a
    word in another script."""
    return latin_renderings(rendering_word(token.text)) if token.script == "cyrillic" else ()


def _check(
    columns: dict[str, npt.NDArray[Any]],
    strings: list[str],
    tokens: list[NameToken],
    tuples: dict[str, list[tuple[str, ...]]],
) -> None:
    """ValueError unless every name's columns are as long as the names and every id is in its
    table: a search then never meets a stored name it cannot read."""
    count = len(columns["tokens_counts"])

    def within(ids: npt.NDArray[Any], size: int) -> bool:
        return not len(ids) or int(ids.max()) < size

    if int(columns["tokens_counts"].sum(dtype=np.int64)) != len(columns["tokens"]):
        raise ValueError("the stored names' tokens do not add up")
    if not within(columns["tokens"], len(tokens)):
        raise ValueError("a stored name has a token the table lacks")
    for name, kind in _STORED_NAME_FIELDS:
        if kind == "tokens":
            continue
        size = len(tuples[name]) if kind == "tuple" else len(strings)
        if len(columns[name]) != count or not within(columns[name], size):
            raise ValueError(f"the stored names' {name} do not match their table")

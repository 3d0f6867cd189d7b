"""Parsed names kept in the search index's snapshot, so a server's workers load them instead of
parsing every indexed name (hundreds of microseconds each: minutes at a million records).

A name is stored as `parse_name` gave it, field by field (JSON, no pickle: a snapshot is data),
its words' tokens in a table of their own (a token recurs in many names). Rows are decoded one
at a time, when a search first compares the name or a warm-up reaches it. The rows are only
as good as the names engine that wrote them: `engine_version()` fingerprints its code and
tables, and rows written by another version are not read (the names are parsed again).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import homecoming.names
from homecoming.names.parse import ParsedName
from homecoming.names.token import NameToken

IntArray = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.uint8]


@lru_cache(maxsize=1)
def engine_version() -> str:
    """A fingerprint of what `parse_name` reads: the names engine's code and tables, the one
    outside library it folds with, and the fields of the parsed names."""
    digest = hashlib.sha256()
    root = Path(homecoming.names.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(metadata.version("anyascii").encode())
    for cls in (ParsedName, NameToken):
        digest.update(repr([(f.name, str(f.type)) for f in dataclasses.fields(cls)]).encode())
    return digest.hexdigest()


def _kinds(cls: type) -> list[tuple[str, str]]:
    """Each field's name and how it is stored: 'frozenset', 'tuple' or 'plain'."""
    found = []
    for f in dataclasses.fields(cls):
        declared = str(f.type)
        kind = (
            "frozenset"
            if declared.startswith("frozenset")
            else "tuple"
            if declared.startswith("tuple")
            else "plain"
        )
        found.append((f.name, kind))
    return found


_TOKEN_FIELDS = _kinds(NameToken)
_NAME_FIELDS = [(name, kind) for name, kind in _kinds(ParsedName) if name != "text"]


class Rows:
    """JSON rows in one UTF-8 buffer, comma-separated (`null`: no row), each starting at its
    offset: a run of rows reads as one JSON array, decoded at once."""

    def __init__(self, data: Bytes, starts: IntArray) -> None:
        self.data = data
        self.starts = starts  # one past the last: the end of the buffer, plus one (a comma)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def raw(self, at: int) -> bytes:
        return self.data[self.starts[at] : self.starts[at + 1] - 1].tobytes()

    def held(self, at: int) -> bool:
        """True when row `at` is not `null`."""
        return at < len(self) and bool(self.data[self.starts[at]] != _NULL_START)

    def rows(self, start: int, stop: int) -> list[Any]:
        """Rows start..stop-1, decoded."""
        if start >= stop:
            return []
        run = self.data[self.starts[start] : self.starts[stop] - 1].tobytes()
        found: list[Any] = json.loads(b"[" + run + b"]")
        return found

    @classmethod
    def of(cls, rows: Sequence[bytes]) -> Rows:
        lengths = np.fromiter((len(r) + 1 for r in rows), np.int64, len(rows))
        starts = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        return cls(np.frombuffer(b",".join(rows), dtype=np.uint8), starts)


_NULL = b"null"
_NULL_START = _NULL[0]
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a parsed name holds a {type(value).__name__}, which cannot be stored")


def _dumps(row: list[Any]) -> bytes:
    return _ENCODER.encode(row).encode()


class StoredNames:
    """Names parsed by `parse_name`, as a snapshot keeps them (see the module's docstring)."""

    def __init__(self, tokens: Rows, names: Rows) -> None:
        self.tokens = tokens
        self.names = names
        self._decoded: list[NameToken] | None = None

    def __len__(self) -> int:
        return len(self.names)

    def has(self, name_id: int) -> bool:
        """True when a parsed name is stored under this id."""
        return self.names.held(name_id)

    def get(self, name_id: int, text: str) -> ParsedName | None:
        """The parsed name `text` stored under this id, or None when none is."""
        if name_id >= len(self.names):
            return None
        return self._name(self.names.rows(name_id, name_id + 1)[0], text)

    def get_many(self, start: int, texts: Sequence[str]) -> list[ParsedName | None]:
        """The parsed names stored under ids start, start+1, … (one per text; None where
        none is), decoded at once."""
        stop = min(start + len(texts), len(self.names))
        rows = self.names.rows(start, stop) if start < stop else []
        return [self._name(row, text) for row, text in zip(rows, texts, strict=False)] + [None] * (
            len(texts) - len(rows)
        )

    def _name(self, row: list[Any] | None, text: str) -> ParsedName | None:
        if row is None:
            return None
        tokens = self._tokens()
        values: dict[str, Any] = {"text": text}
        for (name, kind), value in zip(_NAME_FIELDS, row, strict=True):
            if name == "tokens":
                values[name] = tuple([tokens[i] for i in value])
            else:
                values[name] = tuple(value) if kind == "tuple" else value
        return ParsedName(**values)

    def _tokens(self) -> list[NameToken]:
        """The token table, decoded whole on first use (tens of thousands at 1,000,000)."""
        decoded = self._decoded
        if decoded is None:
            decoded = []
            for row in self.tokens.rows(0, len(self.tokens)):
                values: dict[str, Any] = {
                    name: frozenset(value) if kind == "frozenset" else value
                    for (name, kind), value in zip(_TOKEN_FIELDS, row, strict=True)
                }
                decoded.append(NameToken(**values))
            self._decoded = decoded
        return decoded

    def arrays(self) -> dict[str, Any]:
        """What `np.savez` writes of them (`load` reads it back)."""
        return {
            "parsed_engine": np.array(engine_version(), dtype=np.str_),
            "parsed_tokens": self.tokens.data,
            "parsed_token_starts": self.tokens.starts,
            "parsed_names": self.names.data,
            "parsed_name_starts": self.names.starts,
        }

    @classmethod
    def load(cls, data: Any) -> StoredNames | None:
        """The parsed names in a snapshot's arrays; None when it has none, or when another
        version of the names engine wrote them (its names are then parsed again)."""
        if "parsed_engine" not in data.files or str(data["parsed_engine"]) != engine_version():
            return None
        stored = cls(
            Rows(data["parsed_tokens"].astype(np.uint8), data["parsed_token_starts"]),
            Rows(data["parsed_names"].astype(np.uint8), data["parsed_name_starts"]),
        )
        stored._tokens()  # with the loading (seconds at 1,000,000), not in a search's time
        return stored

    @classmethod
    def write(
        cls, count: int, parsed: Sequence[ParsedName | None], stored: StoredNames | None
    ) -> StoredNames:
        """`count` names' rows: the row `stored` holds when it holds one, else a parsed name's
        from `parsed`, else none (left to be parsed where the snapshot is loaded)."""
        token_rows: list[bytes] = []
        if stored is not None:  # its rows stay as they are, its token ids with them
            token_rows = [stored.tokens.raw(i) for i in range(len(stored.tokens))]
        ids: _TokenIds | None = None
        name_rows: list[bytes] = []
        for name_id in range(count):
            if stored is not None and stored.has(name_id):
                name_rows.append(stored.names.raw(name_id))
                continue
            name = parsed[name_id] if name_id < len(parsed) else None
            if name is None:
                name_rows.append(_NULL)
                continue
            if ids is None:  # the stored tokens, to share their ids with the new names'
                ids = _TokenIds(stored._tokens() if stored is not None else [], token_rows)
            name_rows.append(_dumps(_name_row(name, ids)))
        return cls(Rows.of(token_rows), Rows.of(name_rows))


class _TokenIds:
    """Token -> its row in the table being written (a token object is met many times: by
    identity first, then by value)."""

    def __init__(self, known: list[NameToken], rows: list[bytes]) -> None:
        self.rows = rows
        self.by_value: dict[NameToken, int] = {t: i for i, t in enumerate(known)}
        self.by_object: dict[int, tuple[NameToken, int]] = {}

    def of(self, token: NameToken) -> int:
        held = self.by_object.get(id(token))
        if held is not None and held[0] is token:
            return held[1]
        found = self.by_value.get(token)
        if found is None:
            found = self.by_value[token] = len(self.rows)
            self.rows.append(_dumps([_plain(getattr(token, f)) for f, _ in _TOKEN_FIELDS]))
        self.by_object[id(token)] = (token, found)  # the token kept: its id stays its own
        return found


def _name_row(name: ParsedName, ids: _TokenIds) -> list[Any]:
    row: list[Any] = []
    for field_name, _ in _NAME_FIELDS:
        value = getattr(name, field_name)
        row.append([ids.of(t) for t in value] if field_name == "tokens" else _plain(value))
    return row

"""Turn one raw row of a list, as received, into normalised record fields (pure, no IO).

Conventions:
- Every text is trimmed, NFC-normalised and has its runs of whitespace collapsed.
- In names and places an apostrophe between two letters (' ’ ‘ ` ´ ʹ ′ ʼ) becomes
  U+02BC MODIFIER LETTER APOSTROPHE, the character Unicode recommends for the
  Ukrainian apostrophe: it is a letter (``str.isalpha``), so names stay one token
  and ``\\w`` matches them. Free text (notes, health, marks) keeps its apostrophes.
- The raw row is the caller's to keep; nothing here alters it.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.record import (
    RECORD_FIELD_NAMES,
    Contact,
    Fate,
    RecordFields,
)
from homecoming.domain.vocabularies import (
    BOOL_VALUES,
    CATEGORY_VALUES,
    FATE_VALUES,
    HEADER_ALIASES,
    IGNORED_HEADERS,
    SEX_VALUES,
)
from homecoming.domain.vocabularies import (
    EXTERNAL_ID as EXTERNAL_ID,
)
from homecoming.errors import InvalidInput, RowProblem

_T = TypeVar("_T")

RowError = RowProblem
"""One problem with one row: line, column (as headed in the file) or field, reason."""

RawValue = str | int | float | bool | dt.date | None
"""A cell as a reader hands it over (CSV gives str; a spreadsheet may give numbers and dates)."""

HEADER_LINE = 1
IGNORE = "ignore"
CONTACT_FIELDS: tuple[str, ...] = (
    "contact_name",
    "contact_relation",
    "contact_phone",
    "contact_email",
    "contact_address",
)
_CONTACTS = frozenset(CONTACT_FIELDS)
_RECORD_FIELDS = frozenset(RECORD_FIELD_NAMES)
TARGET_FIELDS: frozenset[str] = (
    frozenset(RECORD_FIELD_NAMES) | frozenset(CONTACT_FIELDS) | {EXTERNAL_ID}
)
NAME_FIELDS = frozenset(
    {"family_name", "given_names", "patronymic", "full_name", "mother_maiden_name"}
)
PLACE_FIELDS = frozenset(
    {"place_of_birth", "last_residence", "event_place", "place_of_detention", "unit"}
)
DATE_FIELDS = frozenset({"date_of_birth", "event_date", "fate_date"})
FREE_TEXT_FIELDS = frozenset({"notes", "health", "distinguishing_marks", "contact_address"})
# The longest text each short field holds: the store's column lengths (a test keeps them equal),
# checked here so that a long cell is a row problem with its line, not a database error.
FIELD_MAX_CHARS: dict[str, int] = {
    "family_name": 200,
    "given_names": 200,
    "patronymic": 200,
    "full_name": 400,
    "mother_maiden_name": 200,
    "place_of_birth": 300,
    "nationality": 100,
    "last_residence": 300,
    "rank": 100,
    "service_number": 100,
    "unit": 300,
    "event_place": 300,
    "place_of_detention": 300,
    "photo_ref": 500,
    EXTERNAL_ID: 200,
    "contact_name": 300,
    "contact_relation": 100,
    "contact_phone": 100,
    "contact_email": 300,
}
# Invisible characters that only get in the way of matching (BOM, zero-width space, word
# joiner, soft hyphen); joiners that some scripts need (U+200C, U+200D) are kept.
_NUL_REASON = "the cell holds a NUL character (binary data): retype the cell or delete it"
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060\u00ad"))

_APOSTROPHES = "'’‘`´ʹ′ʼ"
_APOSTROPHE_BETWEEN_LETTERS = re.compile(rf"(?<=[^\W\d_])[{_APOSTROPHES}](?=[^\W\d_])")
_TIME_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_PARENTHESISED = re.compile(r"\([^)]*\)")


@dataclass(frozen=True, slots=True)
class NameParts:
    """A full name split into its parts; any part may be ''."""

    family_name: str = ""
    given_names: str = ""
    patronymic: str = ""


@dataclass(frozen=True, slots=True)
class HeaderPlan:
    """Which field each column of a file feeds ('ignore' for columns left out)."""

    columns: dict[str, str] = field(default_factory=dict)
    # field -> {cell: (value, why not)}: a file's columns repeat their values (statuses,
    # places, units, dates, common names), each converted once per file. Each field keeps
    # its own (bounded) share, so that a column of values that never repeat (ids, service
    # numbers) does not crowd out those that do.
    converted: dict[str, dict[str, tuple[object, str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def field_for(self, column: str) -> str | None:
        """The field a column feeds, or None when the column is not in the plan."""
        return self.columns.get(column)


@dataclass(frozen=True, slots=True)
class NormalisedRow:
    """One row turned into record fields, with the contact details kept apart."""

    line: int
    fields: RecordFields
    contact: Contact | None
    external_id: str = ""


class MappingFileError(InvalidInput):
    """A mapping file that cannot be read or names fields we do not have."""


# --- keys -------------------------------------------------------------------


def header_key(header: str) -> str:
    """The form in which headers are compared: casefolded, without spaces or punctuation."""
    text = unicodedata.normalize("NFC", header).casefold().replace("ё", "е").replace("№", "no")
    return "".join(ch for ch in text if ch.isalnum() and ch not in _APOSTROPHES)


def _value_key(value: str) -> str:
    text = unicodedata.normalize("NFC", value).casefold().replace("ё", "е").replace("_", " ")
    return " ".join(text.split()).strip(" .")


def _build_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for target, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            key = header_key(alias)
            if index.setdefault(key, target) != target:
                raise AssertionError(f"header alias {alias!r} is claimed by two fields")
    for alias in IGNORED_HEADERS:
        index.setdefault(header_key(alias), IGNORE)
    return index


ALIAS_INDEX: dict[str, str] = _build_alias_index()


# --- mapping files -------------------------------------------------------------


def parse_mapping(text: str, *, source: str = "mapping file") -> dict[str, str]:
    """Read a mapping (JSON object or CSV `column,field`) and check every field name."""
    pairs = _mapping_pairs(text, source=source)
    mapping: dict[str, str] = {}
    problems: list[RowError] = []
    for line, column, target in pairs:
        resolved = _resolve_target(target)
        if resolved is None:
            problems.append(RowError(line, column, _unknown_target_reason(target)))
        else:
            mapping[column.strip()] = resolved
    if problems:
        raise MappingFileError(f"{source} names fields Homecoming does not have", problems)
    return mapping


def _mapping_pairs(text: str, *, source: str) -> list[tuple[int, str, str]]:
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("{"):
        return _json_pairs(stripped, source=source)
    rows = [
        (number, row)
        for number, row in enumerate(csv.reader(io.StringIO(stripped)), start=1)
        if any(cell.strip() for cell in row)
    ]
    if rows and [c.strip().casefold() for c in rows[0][1][:2]] == ["column", "field"]:
        rows = rows[1:]
    pairs = []
    for number, row in rows:
        if len(row) != 2:
            raise MappingFileError(
                f"{source}, line {number}: write one `column,field` pair per line"
                " (quote a column name that contains a comma)"
            )
        pairs.append((number, row[0], row[1]))
    return pairs


def _json_pairs(text: str, *, source: str) -> list[tuple[int, str, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingFileError(f"{source} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise MappingFileError(f'{source} must be a JSON object like {{"column": "field"}}')
    return [(number, str(k), v) for number, (k, v) in enumerate(data.items(), start=1)]


def _resolve_target(target: str) -> str | None:
    cleaned = target.strip()
    if cleaned in TARGET_FIELDS or cleaned == IGNORE:
        return cleaned
    if not cleaned or cleaned in {"-", "skip"}:
        return IGNORE
    return ALIAS_INDEX.get(header_key(cleaned))


def _unknown_target_reason(target: str) -> str:
    close = difflib.get_close_matches(target.strip(), sorted(TARGET_FIELDS), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return (
        f"{target!r} is not a field{hint}: use one of {', '.join(sorted(TARGET_FIELDS))},"
        f" or {IGNORE!r} to leave the column out"
    )


# --- header plans -----------------------------------------------------------------


# A bracketed hint at a header's end (its format, its values, another name of it).
_HINT = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\])\s*$")


def known_field(header: str) -> str | None:
    """The field a header names, as operators write it (Ukrainian, Russian, English), also
    with a hint in brackets after it: "Дата народження (дд.мм.рррр)", "Sex (M/F)",
    "Військова частина (в/ч)"; IGNORE for a column known to hold nothing we read; None if
    unknown."""
    return ALIAS_INDEX.get(header_key(header)) or ALIAS_INDEX.get(header_key(_HINT.sub("", header)))


def plan_headers(
    headers: Sequence[str],
    *,
    mapping: Mapping[str, str] | None = None,
    ignore_unknown: bool = False,
) -> HeaderPlan | list[RowError]:
    """Decide which field each column feeds; report unknown or doubly-used headers."""
    mapped, problems = _checked_mapping(mapping or {})
    reported = {header_key(p.field) for p in problems}
    columns: dict[str, str] = {}
    for header in headers:
        key = header_key(header)
        target = mapped.get(key) or known_field(header)
        if target is None:
            if not ignore_unknown and key not in reported:
                problems.append(RowError(HEADER_LINE, header, _unknown_header_reason(header)))
            target = IGNORE
        columns[header] = target
    problems.extend(_doubly_used(columns))
    return problems if problems else HeaderPlan(columns)


def _checked_mapping(mapping: Mapping[str, str]) -> tuple[dict[str, str], list[RowError]]:
    mapped: dict[str, str] = {}
    problems: list[RowError] = []
    for column, target in mapping.items():
        resolved = _resolve_target(target)
        if resolved is None:
            problems.append(RowError(HEADER_LINE, column, _unknown_target_reason(target)))
        else:
            mapped[header_key(column)] = resolved
    return mapped, problems


def _unknown_header_reason(header: str) -> str:
    close = difflib.get_close_matches(header_key(header), list(ALIAS_INDEX), n=1, cutoff=0.75)
    hint = f" (it looks like {ALIAS_INDEX[close[0]]!r})" if close else ""
    return (
        f"unknown column {header!r}{hint}: rename it, or give a mapping file with a line"
        f" `{header},<field>` (or `{header},{IGNORE}` to leave it out)"
    )


def _doubly_used(columns: Mapping[str, str]) -> list[RowError]:
    seen: dict[str, str] = {}
    problems = []
    for header, target in columns.items():
        if target == IGNORE:
            continue
        if target in seen:
            problems.append(
                RowError(
                    HEADER_LINE,
                    header,
                    f"columns {seen[target]!r} and {header!r} both give {target}:"
                    f" map one of them elsewhere or to {IGNORE!r} in a mapping file",
                )
            )
        else:
            seen[target] = header
    return problems


# --- rows ----------------------------------------------------------------------------


def normalise_row(
    row: Mapping[str, RawValue], *, line: int, plan: HeaderPlan
) -> NormalisedRow | list[RowError]:
    """Normalise one raw row (header → cell) into record fields and contact, or say why not."""
    values: dict[str, object] = {}
    problems: list[RowError] = []
    columns, converted = plan.columns, plan.converted
    for column, raw in row.items():
        target = columns.get(column)
        if target is None:
            problems.append(RowError(line, column, "column is not in the header plan"))
            continue
        if isinstance(raw, str):
            # A cell seen before in this column: converted then, and it held no NUL.
            known = converted.get(target, _NOTHING_SEEN).get(raw)
            if known is None:
                if "\x00" in raw:
                    problems.append(RowError(line, column, _NUL_REASON))
                    continue
                if target == IGNORE:
                    continue
                known = _remembered(converted, target, raw, _cell(target, raw))
        elif target == IGNORE:
            continue
        else:
            known = _cell(target, raw)
        value, why_not = known
        if why_not:
            problems.append(RowError(line, column, why_not))
        elif value is not _EMPTY:
            values[target] = value
    if problems:
        return problems
    return _assemble(values, line=line)


_EMPTY = object()
_NOTHING_SEEN: dict[str, tuple[object, str]] = {}
_CONVERTED_PER_FIELD = 25_000


def _remembered(
    converted: dict[str, dict[str, tuple[object, str]]],
    target: str,
    raw: str,
    result: tuple[object, str],
) -> tuple[object, str]:
    seen = converted.setdefault(target, {})
    if len(seen) < _CONVERTED_PER_FIELD:
        seen[raw] = result
    return result


def _cell(target: str, raw: RawValue) -> tuple[object, str]:
    """(value, "") or (_EMPTY, "") for an empty cell, or (_EMPTY, why the cell is refused)."""
    text = cell_text(raw)
    if not text:
        return (_EMPTY, "")
    try:
        value = _convert(target, raw, text)
        check_length(target, str(value))
    except ValueError as exc:
        return (_EMPTY, str(exc))
    return (value, "")


def check_length(target: str, text: str) -> None:
    """Refuse a text longer than its field holds (ValueError saying so)."""
    limit = FIELD_MAX_CHARS.get(target)
    if limit is not None and len(text) > limit:
        raise ValueError(
            f"{len(text)} characters, more than the {limit} that {target} holds: check that"
            " the cell holds only this field (a missing delimiter joins cells), or shorten it"
        )


def normalise_rows(
    rows: Iterable[tuple[int, Mapping[str, RawValue]]],
    *,
    mapping: Mapping[str, str] | None = None,
    ignore_unknown: bool = False,
) -> tuple[list[NormalisedRow], list[RowError]]:
    """Normalise a whole table; return the good rows and every problem found."""
    good: list[NormalisedRow] = []
    problems: list[RowError] = []
    plan: HeaderPlan | None = None
    for line, row in rows:
        if plan is None:
            planned = plan_headers(list(row), mapping=mapping, ignore_unknown=ignore_unknown)
            if isinstance(planned, list):
                return [], planned
            plan = planned
        result = normalise_row(row, line=line, plan=plan)
        if isinstance(result, list):
            problems.extend(result)
        else:
            good.append(result)
    return good, problems


def cell_text(raw: RawValue) -> str:
    """A cell as clean text: NFC, trimmed, whitespace collapsed; dates in ISO form."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    text = unicodedata.normalize("NFC", str(raw)).translate(_INVISIBLE)
    return " ".join(text.split())


def free_text(raw: str) -> str:
    """Free text trimmed line by line: spaces collapsed, line breaks and apostrophes kept."""
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _convert(target: str, raw: RawValue, text: str) -> object:
    if target in DATE_FIELDS:
        return _parse_date(raw, text)
    if target == "sex":
        return _lookup(SEX_VALUES, text, "a sex", "ч/ж, м/ж, male/female")
    if target == "category":
        return _lookup(
            CATEGORY_VALUES, text, "a category", "військовий/цивільний, serviceman/civilian"
        )
    if target == "fate":
        return _lookup(FATE_VALUES, text, "a status", ", ".join(f.value for f in Fate))
    if target == "seriously_wounded":
        return _lookup(BOOL_VALUES, text, "a yes/no answer", "так/ні, да/нет, yes/no, 1/0")
    if target in NAME_FIELDS or target in PLACE_FIELDS:
        return normalise_apostrophes(text)
    if target in FREE_TEXT_FIELDS and isinstance(raw, str):
        return free_text(raw)
    return text


def _parse_date(raw: RawValue, text: str) -> PartialDate:
    match = _TIME_PART.match(text)
    try:
        if isinstance(raw, dt.date):
            parsed = PartialDate.from_date(raw)
        else:
            parsed = PartialDate.parse(match.group(1) if match else text)
    except DateParseError as exc:
        said = str(exc) if repr(text) in str(exc) else f"{text!r}: {exc}"
        raise ValueError(f"{said}; fix the cell or leave it empty") from exc
    if parsed.is_in_future(dt.date.today()):
        raise ValueError(f"{text!r} is in the future; fix the cell or leave it empty")
    return parsed


def _lookup(table: Mapping[str, _T], text: str, what: str, examples: str) -> _T:
    found = table.get(_value_key(text))
    if found is None:
        raise ValueError(f"{text!r} is not {what} we know: write {examples}, or leave it empty")
    return found


def normalise_apostrophes(text: str) -> str:
    """Put U+02BC in place of any apostrophe-like mark between two letters."""
    return _APOSTROPHE_BETWEEN_LETTERS.sub("ʼ", text)


def _assemble(values: Mapping[str, object], *, line: int) -> NormalisedRow | list[RowError]:
    record = {k: v for k, v in values.items() if k in _RECORD_FIELDS}
    if record.get("full_name") and not any(
        record.get(k) for k in ("family_name", "given_names", "patronymic")
    ):
        parts = split_full_name(str(record["full_name"]))
        record.update(
            family_name=parts.family_name,
            given_names=parts.given_names,
            patronymic=parts.patronymic,
        )
        # The cells were checked as they were read; the parts split from the full name not.
        too_long = []
        for name in ("family_name", "given_names", "patronymic"):
            try:
                check_length(name, str(record.get(name) or ""))
            except ValueError as exc:
                too_long.append(RowError(line, name, f"split from the full name: {exc}"))
        if too_long:
            return too_long
    if not any(record.get(k) for k in ("family_name", "given_names", "full_name")) and not (
        record.get("service_number")
    ):
        return [
            RowError(
                line,
                "",
                "the row has no name and no service number: fill in ПІБ/ФИО"
                " (or Прізвище and Ім'я), or leave the row out",
            )
        ]
    contact = {k.removeprefix("contact_"): str(v) for k, v in values.items() if k in _CONTACTS}
    return NormalisedRow(
        line=line,
        external_id=str(values.get(EXTERNAL_ID, "")),
        fields=RecordFields(**record),  # type: ignore[arg-type]
        contact=Contact(**contact) if contact else None,
    )


# --- the name splitter: the names engine's roles -----------------------------------------


def split_full_name(text: str) -> NameParts:
    """Split a one-string name into family, given names and patronymic.

    The roles are the ones search and linkage read (`homecoming.names.parse.roles_of_words`);
    the words are kept as written (hyphens, initials' dots), bracketed asides are dropped, and
    a lone word is left unsplit (it stays in `full_name`). A list in Cyrillic writes ПІБ
    (family name first): when nothing in the name says its order (no patronymic, comma or
    capitalised family name), that is the order hint the names engine is given.
    """
    from homecoming.names.parse import roles_of_words

    cleaned = normalise_apostrophes(" ".join(_PARENTHESISED.sub(" ", text).split()))
    words = cleaned.replace(",", " ").split()
    if len(words) < 2:
        return NameParts()
    _, roles = roles_of_words(words, cleaned)
    if _CYRILLIC.search(cleaned) and not _order_said(cleaned, words, roles):
        _, roles = roles_of_words(words, cleaned, order_hint="family_first")
    parts = {
        role: " ".join(w for w, r in zip(words, roles, strict=True) if r == role)
        for role in ("family", "given", "patronymic")
    }
    return NameParts(parts["family"], parts["given"], parts["patronymic"])


def _order_said(text: str, words: list[str], roles: list[str]) -> bool:
    return "," in text or "patronymic" in roles or any(_is_shouted(w) for w in words)


def _is_shouted(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)

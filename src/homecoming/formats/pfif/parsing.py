"""Parse PFIF 1.1-1.4 documents into persons and notes, every problem named by line."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from homecoming.domain.dates import DateParseError, PartialDate
from homecoming.domain.normalise import (
    cell_text,
    check_length,
    free_text,
    normalise_apostrophes,
    split_full_name,
)
from homecoming.domain.record import Fate, RecordFields, Sex
from homecoming.errors import RowProblem
from homecoming.formats.pfif.common import (
    _T,
    _UTC_DATETIME,
    DEFAULTABLE_NOTE,
    DEFAULTABLE_PERSON,
    DEFAULTED_KEY,
    HOME_FIELDS,
    LIMITED_FIELDS,
    NAME_FIELDS,
    PFIF_NS,
    PFIF_VERSIONS,
    RENAMED_FIELDS,
    REQUIRED_NOTE,
    REQUIRED_PERSON,
    STATUS_FATES,
    PfifDocument,
    PfifError,
    PfifNote,
    PfifPerson,
    _LinedElement,
)

# --- parsing -----------------------------------------------------------------------


def read_pfif(path: Path) -> PfifDocument:
    """Read a PFIF file from disk."""
    return parse_pfif(path.read_bytes(), name=path.name)


def parse_pfif(data: bytes, *, name: str = "PFIF document") -> PfifDocument:
    """Parse PFIF 1.1–1.4 (bare or inside an Atom feed); refuse DTDs, entities and XXE."""
    root = _parse_tree(data, name=name)
    persons, notes = _pfif_elements(root)
    if not persons and not notes:
        raise PfifError(
            f"{name}: no PFIF person or note found; the elements must be in a PFIF"
            f" namespace such as {PFIF_NS}"
        )
    problems: list[RowProblem] = []
    versions = {_version_of(e) for e in (*persons, *(n for n, _ in notes))}
    document = PfifDocument(version=max(versions), problems=problems)
    for ordinal, element in enumerate(persons, start=1):
        if _is_placeholder(element):
            document.expired.append(_child_text(element, "person_record_id"))
            continue
        person, found = _person_from(element, line=_line(element) or ordinal)
        problems.extend(found)
        if person is not None:
            document.persons.append(person)
    for ordinal, (element, parent_id) in enumerate(notes, start=1):
        note, found = _note_from(element, parent_id, line=_line(element) or ordinal)
        problems.extend(found)
        if note is not None:
            document.notes.append(note)
    problems.extend(_duplicate_ids(document))
    return document


def _parse_tree(data: bytes, *, name: str) -> ET.Element:
    parsers: list[SafeET.DefusedXMLParser] = []

    def element_factory(tag: str, attrib: dict[str, str]) -> ET.Element:
        element = _LinedElement(tag, attrib)
        element.sourceline = parsers[0].parser.CurrentLineNumber if parsers else 0
        return element

    builder = ET.TreeBuilder(element_factory=element_factory)
    parser = SafeET.DefusedXMLParser(target=builder, forbid_dtd=True)
    parsers.append(parser)
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except DefusedXmlException as exc:
        raise PfifError(
            f"{name}: refused, the document declares a DTD or entities ({exc}). PFIF never"
            " needs them and they are how XML bombs and external-entity attacks work;"
            " remove the <!DOCTYPE …> block and send it again"
        ) from exc
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise PfifError(f"{name}, line {line}: not well-formed XML ({exc})") from exc
    except (LookupError, ValueError) as exc:  # e.g. encoding="…" that Python does not know
        line = parser.parser.CurrentLineNumber
        raise PfifError(
            f"{name}, line {line}: cannot read the XML ({exc}); save it as UTF-8 and declare"
            ' <?xml version="1.0" encoding="utf-8"?>'
        ) from exc
    return root


def _pfif_elements(root: ET.Element) -> tuple[list[ET.Element], list[tuple[ET.Element, str]]]:
    persons = [e for e in root.iter() if _local(e) == "person" and _version_of(e)]
    notes: list[tuple[ET.Element, str]] = []
    nested: set[int] = set()
    for person in persons:
        person_id = _child_text(person, "person_record_id")
        for child in person:
            if _local(child) == "note" and _version_of(child):
                notes.append((child, person_id))
                nested.add(id(child))
    for element in root.iter():
        if _local(element) == "note" and _version_of(element) and id(element) not in nested:
            notes.append((element, ""))
    return persons, notes


def _local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _namespace(element: ET.Element) -> str:
    return element.tag[1:].partition("}")[0] if element.tag.startswith("{") else ""


def _version_of(element: ET.Element) -> str:
    return PFIF_VERSIONS.get(_namespace(element), "")


def _line(element: ET.Element) -> int:
    """The line of the element's start tag; 0 when the parser did not record it."""
    line = getattr(element, "sourceline", 0)
    return line if isinstance(line, int) else 0


def _child_text(element: ET.Element, local: str) -> str:
    return _raw_fields(element).get(local, "")


def _raw_fields(element: ET.Element) -> dict[str, str]:
    """The record's PFIF fields as received (older names kept), text trimmed."""
    ns = _namespace(element)
    return {
        _local(child): (child.text or "").strip()
        for child in element
        if _namespace(child) == ns and _local(child) != "note"
    }


def _renamed(raw: Mapping[str, str]) -> dict[str, str]:
    return {RENAMED_FIELDS.get(k, k): v for k, v in raw.items()}


def _missing(
    values: Mapping[str, str], required: Sequence[str], *, line: int, what: str
) -> list[RowProblem]:
    return [
        RowProblem(line, name, f"the {what} has no {name}, which PFIF requires")
        for name in required
        if not values.get(name)
    ]


def _is_placeholder(element: ET.Element) -> bool:
    """An expired record keeps only its id and dates: the source deleted the person's data."""
    values = _renamed(_raw_fields(element))
    kept = {"person_record_id", "entry_date", "expiry_date", "source_date"}
    return bool(values.get("expiry_date") and values.get("person_record_id")) and not any(
        v for k, v in values.items() if k not in kept
    )


def _person_from(element: ET.Element, *, line: int) -> tuple[PfifPerson | None, list[RowProblem]]:
    raw = _raw_fields(element)
    values = _renamed(raw)
    required = REQUIRED_PERSON[_version_of(element)]
    problems = _missing(
        values, [f for f in required if f not in DEFAULTABLE_PERSON], line=line, what="person"
    )
    if not any(values.get(name) for name in NAME_FIELDS):
        problems.append(
            RowProblem(
                line,
                "full_name",
                "the person has no name (full_name, given_name or family_name): there is"
                " nobody to look for",
            )
        )
    # Checked against PFIF 1.4, which the export writes: a missing full_name is composed.
    expected = ("full_name", *(f for f in required if f in DEFAULTABLE_PERSON))
    defaulted = tuple(dict.fromkeys(f for f in expected if not values.get(f)))
    problems.extend(_too_long(values, line=line))
    sex = _checked(values, "sex", _parse_sex, line, problems)
    born = _checked(values, "date_of_birth", PartialDate.parse, line, problems)
    problems.extend(_bad_dates(values, line=line))
    if problems:
        return None, problems
    names = _person_names(values)
    residence = normalise_apostrophes(
        ", ".join(cell_text(values[k]) for k in HOME_FIELDS if values.get(k))
    )
    problems.extend(_too_long({**names, "last_residence": residence}, line=line, direct=True))
    if problems:
        return None, problems
    fields = RecordFields(
        family_name=names["family_name"],
        given_names=names["given_names"],
        patronymic=names["patronymic"],
        full_name=names["full_name"],
        sex=sex,
        date_of_birth=born or PartialDate(),
        last_residence=residence,
        photo_ref=values.get("photo_url", ""),
        notes=free_text(values.get("description", "")),
    )
    if defaulted:
        raw = {**raw, DEFAULTED_KEY: ",".join(defaulted)}
    return PfifPerson(values["person_record_id"], fields, raw, line, defaulted), []


def _person_names(values: Mapping[str, str]) -> dict[str, str]:
    given = normalise_apostrophes(cell_text(values.get("given_name", "")))
    family = normalise_apostrophes(cell_text(values.get("family_name", "")))
    full = normalise_apostrophes(cell_text(values.get("full_name", "")))
    parts = split_full_name(full)
    patronymic = ""
    if not given and not family:
        given, family, patronymic = parts.given_names, parts.family_name, parts.patronymic
    elif (parts.given_names, parts.family_name) == (given, family):
        patronymic = parts.patronymic  # "Нехір Олександр Іванович" with given and family
    full = full or " ".join(p for p in (given, family) if p)
    return {
        "family_name": family,
        "given_names": given,
        "patronymic": patronymic,
        "full_name": full,
    }


def _too_long(values: Mapping[str, str], *, line: int, direct: bool = False) -> list[RowProblem]:
    """Fields longer than the record field they feed holds (direct: keys are record fields)."""
    problems = []
    for name, text in values.items():
        target = name if direct else LIMITED_FIELDS.get(name)
        if target is None:
            continue
        try:
            check_length(target, text)
        except ValueError as exc:
            problems.append(RowProblem(line, name, str(exc)))
    return problems


def _checked(
    values: Mapping[str, str],
    name: str,
    parse: Callable[[str], _T],
    line: int,
    problems: list[RowProblem],
) -> _T | None:
    text = values.get(name, "")
    if not text:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        problems.append(RowProblem(line, name, str(exc)))
        return None


def _bad_dates(values: Mapping[str, str], *, line: int) -> list[RowProblem]:
    """PFIF record dates are UTC to the second; anything else cannot be ordered or compared."""
    return [
        RowProblem(
            line, name, f"{values[name]!r} is not a PFIF date: write UTC like 2025-05-23T10:00:00Z"
        )
        for name in ("entry_date", "source_date", "expiry_date")
        if values.get(name) and not _UTC_DATETIME.match(values[name])
    ]


def _parse_sex(text: str) -> Sex:
    try:
        return Sex(text.strip().casefold())
    except ValueError:
        raise ValueError(f"{text!r} is not a PFIF sex: write female, male or other") from None


def _parse_status(text: str) -> Fate | None:
    key = text.strip().casefold()
    if key not in STATUS_FATES:
        choices = ", ".join(s for s in STATUS_FATES if s)
        raise ValueError(f"{text!r} is not a PFIF note status: use one of {choices}")
    return STATUS_FATES[key]


def _note_from(
    element: ET.Element, parent_id: str, *, line: int
) -> tuple[PfifNote | None, list[RowProblem]]:
    raw = _raw_fields(element)
    values = _renamed(raw)
    required = [f for f in REQUIRED_NOTE if f not in DEFAULTABLE_NOTE]
    problems = _missing(values, required, line=line, what="note")
    defaulted = tuple(f for f in REQUIRED_NOTE if f in DEFAULTABLE_NOTE and not values.get(f))
    problems.extend(_too_long(values, line=line))
    person_id = values.get("person_record_id") or parent_id
    if not person_id:
        problems.append(
            RowProblem(line, "person_record_id", "the note says nothing of whom it is about")
        )
    fate = _checked(values, "status", _parse_status, line, problems)
    problems.extend(_bad_dates(values, line=line))
    if problems:
        return None, problems
    fields = RecordFields(
        fate=fate,
        fate_date=_date_part(values.get("source_date", "")) if fate else PartialDate(),
        event_place=normalise_apostrophes(cell_text(values.get("last_known_location", ""))),
        photo_ref=values.get("photo_url", ""),
        notes=free_text(values.get("text", "")),
    )
    # A nested note's person is its parent: written down, so the note can travel alone.
    raw = {**raw, "person_record_id": person_id}
    if defaulted:
        raw[DEFAULTED_KEY] = ",".join(defaulted)
    return PfifNote(values["note_record_id"], person_id, fields, raw, line, defaulted), []


def _date_part(timestamp: str) -> PartialDate:
    try:
        return PartialDate.parse(timestamp[:10])
    except DateParseError:
        return PartialDate()


def _duplicate_ids(document: PfifDocument) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for kind, records in (("person", document.persons), ("note", document.notes)):
        seen: dict[str, int] = {}
        for record in records:
            record_id = _record_id(record)
            if record_id in seen:
                problems.append(
                    RowProblem(
                        record.line,
                        f"{kind}_record_id",
                        f"{record_id!r} was already used on line {seen[record_id]}:"
                        " each record needs its own id",
                    )
                )
            seen.setdefault(record_id, record.line)
    return problems


def _record_id(record: PfifPerson | PfifNote) -> str:
    return record.note_record_id if isinstance(record, PfifNote) else record.person_record_id

"""PFIF with the peers: each feed of a directory imported alone into a fresh database, then
exported, the export imported into another fresh database and exported again.

Run: .venv/bin/python bench/pfif_peers.py DIR   (e.g. Person Finder's tests/*.pfif-*.xml)
Prints per feed: imported or refused, persons, notes, defaulted fields, and the round trip
(persons and notes after re-import; whether the second export equals the first apart from
entry_date). Writes only under a temporary directory.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from homecoming.domain.record import SourceKind
from homecoming.errors import HomecomingError
from homecoming.services import persons, pfif, registry
from homecoming.store.db import Database

_ENTRY_DATE = re.compile(rb"<pfif:entry_date>[^<]*</pfif:entry_date>")


def _fresh(tmp: Path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp / name}.sqlite3")
    db.upgrade()
    return db


def _import(db: Database, data: bytes, name: str) -> registry.ImportResult:
    source = registry.SourceInfo(kind=SourceKind.PFIF_FEED, name=name, file_name=name)
    rows = registry.pfif_evidence(data, name=name)
    return registry.import_evidence(db, source=source, rows=rows, actor="bench")


def feed(path: Path, tmp: Path) -> str:
    first = _fresh(tmp, path.stem + ".1")
    try:
        result = _import(first, path.read_bytes(), path.name)
    except HomecomingError as error:
        return f"{path.name:<34} refused: {str(error).splitlines()[0][:70]}"
    exported = pfif.export_persons(first, domain="homecoming.local")
    second = _fresh(tmp, path.stem + ".2")
    again = _import(second, exported.document, "export.xml")
    twice = pfif.export_persons(second, domain="homecoming.local")
    same = _ENTRY_DATE.sub(b"", exported.document) == _ENTRY_DATE.sub(b"", twice.document)
    defaulted = ",".join(sorted({d.field for d in result.defaulted})) or "-"
    line = (
        f"{path.name:<34} imported {result.imported:>2}  persons {persons.count(first):>2}  "
        f"defaulted {len(result.defaulted)} ({defaulted})  export {exported.persons}p/"
        f"{exported.notes}n  re-import {again.imported:>2} persons {persons.count(second):>2}  "
        f"export again {twice.persons}p/{twice.notes}n {'identical' if same else 'DIFFERS'}"
        " but entry_date"
    )
    first.dispose()
    second.dispose()
    return line


def together(paths: list[Path], tmp: Path) -> str:
    """Every feed into one database, one after another (later notes join earlier persons)."""
    db = _fresh(tmp, "all")
    results = [_import(db, path.read_bytes(), path.name) for path in paths]
    exported = pfif.export_persons(db, domain="homecoming.local")
    second = _fresh(tmp, "all.2")
    _import(second, exported.document, "export.xml")
    line = (
        f"{'all feeds, one database':<34} imported {sum(r.imported for r in results)}  "
        f"already held {sum(r.already_held for r in results)}  persons {persons.count(db)}  "
        f"export {exported.persons}p/{exported.notes}n  re-import persons {persons.count(second)}"
    )
    db.dispose()
    second.dispose()
    return line


def main(directory: Path) -> None:
    paths = sorted(directory.glob("*.xml"))
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            print(feed(path, Path(tmp)))
        print(together(paths, Path(tmp)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))

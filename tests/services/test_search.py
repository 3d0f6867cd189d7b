"""Search over the store: follows imports and judgements without a rebuild; snapshots reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Evidence, RecordFields, SourceKind
from homecoming.search.index import Query
from homecoming.services import judgements, registry
from homecoming.services.judgements import Decision
from homecoming.services.search import SearchService
from homecoming.store.db import Database


def _import(db: Database, name: str, rows: list[tuple[str, str, PartialDate]]) -> None:
    evidence = [
        Evidence(
            line=i + 2,
            raw={},
            fields=RecordFields(family_name=f, given_names=g, date_of_birth=born),
        )
        for i, (f, g, born) in enumerate(rows)
    ]
    registry.import_evidence(
        db, rows=evidence, actor="r", source=registry.SourceInfo(kind=SourceKind.OTHER, name=name)
    )


def test_search_follows_imports_and_judgements(db: Database, tmp_path: Path) -> None:
    _import(
        db,
        "UA list",
        [
            ("Нехір", "Олександр", PartialDate(1987, 5, 23)),
            ("Тарасов", "Олександр", PartialDate(1979)),
        ],
    )
    service = SearchService(db, snapshot=tmp_path / "index.npz")
    assert service.search(Query("Oleksandr Nekhir"))[0].record_id == 1

    _import(db, "RU list", [("Nekhir", "Aleksandr", PartialDate(1987, 5, 23))])
    hits = service.search(Query("Александр Нехир", born=PartialDate(1987, 5, 23)))
    assert {h.record_id for h in hits} == {1, 3}  # the new record is found at once

    judgements.judge(
        db, record_a=1, record_b=3, decision=Decision.SAME, reason="same DOB", actor="registrar"
    )
    hits = service.search(Query("Александр Нехир", born=PartialDate(1987, 5, 23)))
    assert len(hits) == 1  # one person now
    undone = judgements.undo(db, judgement_id=1, reason="different men", actor="registrar")
    assert undone.undoes_id == 1
    hits = service.search(Query("Александр Нехир", born=PartialDate(1987, 5, 23)))
    assert len(hits) == 2  # the undo split them again, and the index followed
    judgements.judge(
        db, record_a=1, record_b=3, decision=Decision.SAME, reason="same DOB", actor="registrar"
    )
    assert len(service.search(Query("Александр Нехир", born=PartialDate(1987, 5, 23)))) == 1

    service.save_snapshot()
    reloaded = SearchService(db, snapshot=tmp_path / "index.npz")
    assert reloaded.search(Query("Oleksandr Nekhir")) == service.search(Query("Oleksandr Nekhir"))
    _import(db, "ICRC", [("Tarasov", "Oleksandr", PartialDate(1979, 4))])
    assert {h.record_id for h in reloaded.search(Query("Oleksandr Tarasov"))} >= {2, 4}


def test_search_starts_again_after_a_restore(db: Database, tmp_path: Path) -> None:
    from homecoming.services import backup

    _import(db, "UA list", [("Нехір", "Олександр", PartialDate(1987, 5, 23))])
    saved = tmp_path / "before.hcbackup"
    backup.backup(db, saved)
    _import(db, "RU list", [("Астапенко", "Оксана", PartialDate(1990))])
    service = SearchService(db)
    assert service.search(Query("Oksana Astapenko"))[0].score > 0.9
    backup.restore(db, saved)
    db.dispose()  # the restore replaced the database under this handle's pooled connections
    assert all(hit.score < 0.8 for hit in service.search(Query("Oksana Astapenko")))
    assert service.search(Query("Oleksandr Nekhir"))[0].record_id == 1


def test_a_snapshot_of_another_database_is_not_read(db: Database, tmp_path: Path) -> None:
    """A snapshot left in the data directory by another database (tests, then `demo --reset`)
    is stamped with an audit entry this chain does not have: the index is built afresh, never
    read as this database's (it named record 1 as Нехір where this database's record 1 is
    another man)."""
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.upgrade()
    _import(other, "elsewhere", [("Нехір", "Олександр", PartialDate(1987, 5, 23))])
    snapshot = tmp_path / "index.npz"
    left = SearchService(other, snapshot=snapshot)
    assert left.search(Query("Oleksandr Nekhir"))[0].record_id == 1
    left.save_snapshot()
    other.dispose()
    for n in range(3):  # a longer chain than the snapshot's stamp, made apart from it
        _import(db, f"list {n}", [(f"Гаврилов{n}", "Михайло", PartialDate(1990, 10, 17))])
    here = SearchService(db, snapshot=snapshot)
    hits = here.search(Query("Oleksandr Nekhir"))
    assert all(hit.name != "Нехір Олександр" for hit in hits)
    assert here.search(Query("Гаврилов0 Михайло"))[0].record_id == 1


def test_a_request_makes_the_warm_up_give_way(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from homecoming.app import create_app
    from homecoming.settings import Settings

    app = create_app(Settings(environment="test", database_url=db.url, data_dir=tmp_path))
    service: SearchService = app.state.search
    waited: list[float] = []
    service_time = iter([0.0, 0.05, 0.1, 10.0])  # a request at 0: busy, busy, busy, then idle
    import homecoming.services.search as search_module

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return next(service_time)

        @staticmethod
        def sleep(seconds: float) -> None:
            waited.append(seconds)

    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
    assert service._busy_at > 0  # the request was noted
    service._busy_at = 0.0
    monkeypatch.setattr(search_module, "time", Clock)
    service._give_way()
    assert len(waited) == 3  # it waited while requests were recent, and went on once idle


def test_serve_saves_the_snapshot_with_every_name_parsed_once(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`homecoming serve` saves the snapshot with its names parsed (`save_snapshot(parsed=
    True)`): a worker reads them back, parsing none, and finds what a fresh index finds. Saved
    so again with nothing new, the snapshot is not written again; a name added since (the
    delta) is parsed at the next such save and stored with the others."""
    from homecoming.names.parse import parse_name
    from homecoming.search import index as index_module

    _import(
        db,
        "UA list",
        [
            ("Нехір", "Олександр", PartialDate(1987, 5, 23)),
            ("Тарасов", "Олександр", PartialDate(1979)),
        ],
    )
    snapshot = tmp_path / "index.npz"
    SearchService(db, snapshot=snapshot).save_snapshot(parsed=True)
    written = snapshot.stat().st_mtime_ns
    SearchService(db, snapshot=snapshot).save_snapshot(parsed=True)
    assert snapshot.stat().st_mtime_ns == written
    parsed: list[str] = []

    def counted(text: str, **options: object) -> object:
        parsed.append(text)
        return parse_name(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "parse_name", counted)
    worker = SearchService(db, snapshot=snapshot)
    worker.index().warm()
    assert parsed == []
    query = Query("Oleksandr Nekhir")
    assert worker.search(query) == SearchService(db).search(query)
    _import(db, "RU list", [("Nekhir", "Aleksandr", PartialDate(1987, 5, 23))])
    expected = SearchService(db).search(query)
    parsed.clear()
    assert worker.search(query) == expected  # the delta's name parsed, once
    assert worker.search(query) == expected
    assert parsed == [query.text, "Nekhir Aleksandr", query.text]
    SearchService(db, snapshot=snapshot).save_snapshot(parsed=True)
    parsed.clear()
    SearchService(db, snapshot=snapshot).index().warm()
    assert parsed == []  # the name added since, parsed and stored at that save


def test_a_snapshot_of_the_version_before_is_built_again(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot written before the parsed names (version 3) is not read: the index is built
    from the store, and the next save writes the current version."""
    from homecoming.search import index as index_module

    _import(db, "UA list", [("Нехір", "Олександр", PartialDate(1987, 5, 23))])
    snapshot = tmp_path / "index.npz"
    monkeypatch.setattr(index_module, "SNAPSHOT_VERSION", 3)
    SearchService(db, snapshot=snapshot).save_snapshot()
    monkeypatch.undo()
    built: list[int] = []
    real_build = index_module.PersonIndex.build.__func__  # type: ignore[attr-defined]

    def counted(cls: type[index_module.PersonIndex], entries: object) -> object:
        built.append(1)
        return real_build(cls, entries)

    monkeypatch.setattr(index_module.PersonIndex, "build", classmethod(counted))
    service = SearchService(db, snapshot=snapshot)
    assert service.search(Query("Oleksandr Nekhir"))[0].record_id == 1
    assert built == [1]
    service.save_snapshot(parsed=True)
    loaded = index_module.PersonIndex.load(snapshot)
    assert loaded is not None and loaded[0]._stored is not None and len(loaded[0]._stored) == 1


def test_a_servers_worker_keeps_its_warmed_index_out_of_full_collections(
    db: Database, tmp_path: Path
) -> None:
    """Full collections wait while an index loads and warms; the first one after would walk
    every object it made, on some request (1.8 s at 1,000,000 records). A server's worker
    freezes what it holds once warm (gc.freeze); a service in a process that makes and drops
    many (tests, the CLI) does not."""
    import gc

    gc.unfreeze()  # a served app built earlier in this process (tests/cli/test_serve.py) froze
    _import(db, "list", [("Нехір", "Олександр", PartialDate(1987, 5, 23))])
    plain = SearchService(db, snapshot=tmp_path / "index.npz")
    plain._warm_up(plain.index())
    assert gc.get_freeze_count() == 0
    worker = SearchService(db, snapshot=tmp_path / "index.npz")  # warmed here, not in a thread
    worker.freeze_when_warm = True
    index = worker.index()
    try:
        worker._warm_up(index)
        assert gc.get_freeze_count() > 0
        assert all(index._held_parse(i) is not None for i in range(len(index.names)))
    finally:
        gc.unfreeze()

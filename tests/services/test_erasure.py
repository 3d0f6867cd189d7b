"""Erasure, retention, disclosures and the access review, as services, on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from homecoming.domain.record import Contact, Evidence, RecordFields, SourceKind
from homecoming.errors import Conflict, InvalidInput, Unauthorized
from homecoming.search.index import Query
from homecoming.services import (
    access_review,
    audit,
    disclosures,
    erasure,
    family,
    inquiries,
    registry,
    remains,
    retention,
)
from homecoming.services.contacts import read_contacts
from homecoming.store.db import Database
from homecoming.store.family_models import FamilyAccess
from homecoming.store.models import Contact as ContactRow
from homecoming.store.models import Record, Source
from homecoming.store.remains_models import DnaReference
from homecoming.tracing.remains import Relation

NOW = dt.datetime.now(dt.UTC)


def _inquiry(db: Database, family: str = "Шевчишин") -> inquiries.Registered:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    return inquiries.register(
        db,
        request=inquiries.InquiryRequest(
            sought=RecordFields(family_name=family, given_names="Олег"),
            inquirer=Contact(name=f"{family} Ірина", email="iryna@example.org"),
            consent=True,
            party="UA",
        ),
        actor="liaison",
    )


def test_an_erasure_leaves_a_tombstone_and_a_verified_chain(db: Database, tmp_path: Path) -> None:
    found = _inquiry(db)
    read_contacts(db, record_id=found.record_id, actor="liaison", purpose="call Шевчишин Ірина")
    planned = erasure.plan(db, inquiry=found.reference)
    assert (planned.contacts, planned.already_erased) == (1, False)
    done = erasure.erase(
        db, inquiry=found.id, reason="consent withdrawn", actor="officer", data_dir=tmp_path
    )
    assert done.plan.audit_entries and audit.verify(db).ok
    with db.reading() as session:
        record = session.get(Record, found.record_id)
        assert record is not None and record.redacted_at is not None
        assert (record.family_name, record.given_names, record.person_id) == ("", "", None)
        assert session.scalars(select(ContactRow)).all() == []
    assert inquiries.show(db, found.id).status == "withdrawn"
    with pytest.raises(Conflict, match="already erased"):
        erasure.erase(db, inquiry=found.id, reason="again", actor="officer")
    with pytest.raises(InvalidInput, match="say why"):
        erasure.erase(db, inquiry=found.id, reason=" ", actor="officer")


def test_the_access_review_says_who_read_contacts_and_why(db: Database) -> None:
    found = _inquiry(db)
    read_contacts(db, record_id=found.record_id, actor="liaison", purpose="tell the family")
    report = access_review.review(
        db, since=NOW - dt.timedelta(hours=1), until=NOW + dt.timedelta(hours=1)
    )
    assert report.by_actor == {"liaison": 1}
    assert report.reads[0].purpose == "tell the family" and report.reads[0].items == 1
    earlier = access_review.review(
        db, since=NOW - dt.timedelta(days=2), until=NOW - dt.timedelta(days=1)
    )
    assert earlier.reads == []


def test_a_disclosure_names_its_legal_basis(db: Database) -> None:
    with pytest.raises(InvalidInput, match="legal basis"):
        disclosures.record(db, actor="a", kind="export", what="persons", recipient="ICRC")
    disclosures.record(
        db, actor="a", kind="export", what="persons", recipient="ICRC", legal_basis="GC III 123",
        encrypted=True, items=3,
    )  # fmt: skip
    (shown,) = disclosures.list_disclosures(db)
    assert (shown.recipient, shown.legal_basis, shown.items, shown.encrypted) == (
        "ICRC", "GC III 123", 3, True,
    )  # fmt: skip
    assert audit.verify(db).ok


def _policy(db: Database, **kwargs: object) -> retention.RetentionReport:
    return retention.run(db, by_source_kind={}, by_inquiry_state={"withdrawn": 365}, **kwargs)  # type: ignore[arg-type]


def test_retention_erases_a_withdrawn_inquiry_after_its_time(db: Database) -> None:
    found = _inquiry(db)
    inquiries.withdraw(db, inquiry=found.id, reason="found him", actor="liaison")
    assert _policy(db).expired == []
    later = NOW + dt.timedelta(days=366)
    dry = _policy(db, now=later)
    assert [(e.kind, e.reference) for e in dry.expired] == [("inquiry", found.reference)]
    assert not dry.applied and inquiries.show(db, found.id).reference == found.reference
    with db.reading() as session:
        assert session.get(Record, found.record_id).family_name == "Шевчишин"  # type: ignore[union-attr]
    applied = _policy(db, now=later, apply=True)
    assert applied.applied and len(applied.audit_entries) == 1
    with db.reading() as session:
        assert session.get(Record, found.record_id).family_name == ""  # type: ignore[union-attr]
    assert _policy(db, now=later).expired == [] and audit.verify(db).ok


def _pfif_record(db: Database, expiry: str) -> int:
    with db.transaction() as session:
        source = Source(
            kind=str(SourceKind.PFIF_FEED), name="feed", received_at=NOW, created_by="t"
        )
        session.add(source)
        session.flush()
        (record_id,) = registry.add_evidence(
            session,
            source_id=source.id,
            evidence=[
                Evidence(
                    line=1,
                    raw={"full_name": "Кравчук Богдан", "expiry_date": expiry},
                    fields=RecordFields(family_name="Кравчук", given_names="Богдан"),
                )
            ],
            actor="t",
        )
    return record_id


def test_retention_honours_pfif_expiry_and_source_kinds(db: Database) -> None:
    past = _pfif_record(db, "2020-01-01T00:00:00Z")
    future = _pfif_record(db, "2999-01-01T00:00:00Z")
    report = _policy(db, apply=True)
    assert [(e.kind, e.id) for e in report.expired] == [("record", past)]
    with db.reading() as session:
        assert session.get(Record, past).family_name == ""  # type: ignore[union-attr]
        assert session.get(Record, future).family_name == "Кравчук"  # type: ignore[union-attr]
    by_kind = retention.run(
        db,
        by_source_kind={"pfif_feed": 30},
        by_inquiry_state={},
        now=NOW + dt.timedelta(days=31),
    )
    assert [(e.kind, e.id) for e in by_kind.expired] == [("record", future)]
    assert audit.verify(db).ok


def test_an_erasure_deletes_the_familys_dna_reference_samples(db: Database) -> None:
    found = _inquiry(db, family="Гнатюк")
    remains.add_reference(
        db,
        inquiry=found.reference,
        relation=Relation.MOTHER,
        taken_on=dt.date(2025, 6, 20),
        institution="Бюро судово-медичної експертизи",
        institution_reference="DNA-2025-0042",
        consent=True,
        actor="forensic",
    )
    assert erasure.plan(db, inquiry=found.id).dna_references == 1
    done = erasure.erase(db, inquiry=found.id, reason="the family's request", actor="officer")
    assert done.plan.dna_references == 1
    with db.reading() as session:
        assert session.scalars(select(DnaReference)).all() == []
    assert audit.verify(db).ok


def test_an_erased_case_no_longer_opens_on_the_family_page(db: Database) -> None:
    found = _inquiry(db, family="Бондар")
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    code = family.issue_code(db, inquiry=found.reference, hasher=hasher, actor="liaison")
    erasure.erase(db, inquiry=found.id, reason="consent withdrawn", actor="officer")
    with db.reading() as session:
        assert session.scalars(select(FamilyAccess)).all() == []
    with pytest.raises(Unauthorized):
        family.open_case(
            db,
            reference=found.reference,
            code=code,
            client="10.0.0.1",
            hasher=hasher,
            policy=family.FamilyPolicy(),
        )


def test_an_erasure_leaves_no_remembered_token_of_the_erased_name(
    db: Database, tmp_path: Path
) -> None:
    """A search index loaded from a snapshot remembers its names' tokens and their Latin
    renderings (so that searches do not make them again): once a name is erased, the process
    no longer remembers them."""
    from homecoming.names import token as token_module
    from homecoming.names import transliterate
    from homecoming.services.search import SearchService

    found = _inquiry(db, family="Квасоцишин")
    SearchService(db, snapshot=tmp_path / "index.npz").save_snapshot(parsed=True)
    service = SearchService(db, snapshot=tmp_path / "index.npz")
    service.index()
    assert "Квасоцишин" in token_module._made_before
    assert "Квасоцишин" in transliterate._rendered_before
    erasure.erase(db, inquiry=found.id, reason="consent withdrawn", actor="officer")
    service.index()  # caught up with the erasure
    assert "Квасоцишин" not in token_module._made_before
    assert "Квасоцишин" not in transliterate._rendered_before
    assert service.search(Query("Квасоцишин Олег")) == []


def _hold_the_name(family: str) -> list[Any]:
    """Meet a name as this process's matching does (a comparison, the match model's levels,
    search keys, tracing's parse, linkage's date) and return the caches now holding it."""
    from homecoming.forgetting import held_by_identity
    from homecoming.linkage import inputs
    from homecoming.match import levels
    from homecoming.names import comparison
    from homecoming.names.token import name_token
    from homecoming.search import keys
    from homecoming.tracing import matching

    comparison.compare(f"{family} Олег", "Kvasotsyshyn Oleh")
    levels.name_evidence(f"{family} Олег", "Kvasotsyshin Oleh")
    keys.token_key_hashes(family)
    matching._parsed(family, "Олег", "", "")
    inputs._parse_date("1987-05-23")
    levels.neighbours_exchanged(name_token(family), name_token("Kvasotsyhsin"))  # by the tokens
    caches = [
        comparison._parse_cached,
        levels.name_evidence,
        keys.token_key_hashes,
        matching._parsed,
        inputs._parse_date,
    ]
    assert all(cache.cache_info().currsize for cache in caches)
    assert held_by_identity()
    return caches


def test_an_erasure_empties_the_caches_that_held_the_erased_name(
    db: Database, tmp_path: Path
) -> None:
    """What a process made of a name (its parse, its words' keys, its levels against another
    name, tracing's reading of it) is kept in caches keyed by the name: once it is erased, the
    process that erased forgets them all, and so does a server's worker when its search index
    catches up with the erasure."""
    from homecoming.services.search import SearchService

    found = _inquiry(db, family="Квасоцишин")
    service = SearchService(db, snapshot=tmp_path / "index.npz")
    assert service.search(Query("Kvasotsyshyn Oleh"))
    caches = _hold_the_name("Квасоцишин")
    erasure.erase(db, inquiry=found.id, reason="consent withdrawn", actor="officer")
    assert [cache.cache_info().currsize for cache in caches] == [0] * len(caches)
    from homecoming.forgetting import forgettable_caches, held_by_identity

    assert not any(cache.cache_info().currsize for cache in forgettable_caches())
    assert held_by_identity() == 0
    # Another worker's caches, made before it heard of the erasure: its index, catching up
    # with the erasure (as before its next search), forgets them.
    caches = _hold_the_name("Квасоцишин")
    service.index()
    assert [cache.cache_info().currsize for cache in caches] == [0] * len(caches)
    assert service.search(Query("Kvasotsyshyn Oleh")) == []


def test_an_erasure_empties_the_word_tokens_a_linkage_run_left(db: Database) -> None:
    """A batch linkage run leaves its words' tokens for the grader until the next run
    (`linkage.name_features._TOKENS`, filled by its forked workers); an erasure empties them
    with the other caches."""
    from homecoming.linkage import name_features

    found = _inquiry(db, family="Квасоцишин")
    name_features._TOKENS["Квасоцишин"] = name_features._token("Квасоцишин")  # as a run leaves
    erasure.erase(db, inquiry=found.id, reason="consent withdrawn", actor="officer")
    assert "Квасоцишин" not in name_features._TOKENS


def test_a_worker_serving_no_search_forgets_an_erasure_made_elsewhere(
    db: Database, tmp_path: Path
) -> None:
    """A server's worker follows the store whether or not searches come (`follow`): what it
    made of a name erased by another process leaves its caches and its index without a
    search to catch it up."""
    import time

    from homecoming.services.search import SearchService

    found = _inquiry(db, family="Квасоцишин")
    service = SearchService(db, snapshot=tmp_path / "index.npz")
    assert service.search(Query("Kvasotsyshyn Oleh"))
    erasure.erase(db, inquiry=found.id, reason="consent withdrawn", actor="officer")
    caches = _hold_the_name("Квасоцишин")  # this worker's, made before it heard of it
    stop = service.follow(every=0.02)
    try:
        deadline = time.monotonic() + 30
        while any(c.cache_info().currsize for c in caches) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
    assert [cache.cache_info().currsize for cache in caches] == [0] * len(caches)
    index = service._index
    assert index is not None and not any("Квасоцишин" in name for name in index.names)


def test_a_retention_run_empties_the_caches_that_held_the_expired_names(db: Database) -> None:
    _pfif_record(db, "2020-01-01T00:00:00Z")
    caches = _hold_the_name("Кравчук")
    assert _policy(db, apply=True).applied
    assert [cache.cache_info().currsize for cache in caches] == [0] * len(caches)

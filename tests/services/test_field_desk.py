"""The field desk: a stage pack out to a laptop, a signed desk log back, merged at the centre.

The centre runs on SQLite and PostgreSQL (the `db` fixture); a desk is always the embedded
SQLite file in its own data directory. Two desks merged in either order end the same way
(a hypothesis property over real merges into copies of one central database).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from homecoming.domain.record import Contact, RecordFields
from homecoming.errors import Conflict, InvalidInput, NotFound
from homecoming.exchange.reconciliation import Outcome
from homecoming.formats.signed import Keyring, open_sealed, seal
from homecoming.services import (
    audit,
    desk,
    field_merge,
    handovers,
    inquiries,
    registry,
    stage_packs,
)
from homecoming.store.db import Database
from homecoming.store.models import AuditEntry, Record

from .test_exchange_handovers import _stage


@dataclass
class Centre:
    db: Database
    data_dir: Path
    agreement_id: int
    ua: list[int]
    ru: list[int]


@dataclass
class Desk:
    db: Database
    data_dir: Path


def _centre(db: Database, tmp_path: Path, n: int = 4) -> Centre:
    agreement_id, ua, ru = _stage(db, n)
    data_dir = tmp_path / "centre"
    Keyring(data_dir).init(name="bureau")
    return Centre(db, data_dir, agreement_id, ua, ru)


def _desk(centre: Centre, template: Path, tmp_path: Path, name: str) -> Desk:
    data_dir = tmp_path / name
    data_dir.mkdir()
    keyring = Keyring(data_dir)
    own = keyring.init(name=name)
    keyring.trust(Keyring(centre.data_dir).public(), name="bureau")
    Keyring(centre.data_dir).trust(own, name=name)
    shutil.copy(template, data_dir / "homecoming.sqlite3")
    return Desk(Database(f"sqlite:///{data_dir / 'homecoming.sqlite3'}"), data_dir)


def _pack(centre: Centre, encrypt_to: str | None = None) -> bytes:
    return stage_packs.pack_stage(
        centre.db,
        data_dir=centre.data_dir,
        agreement_id=centre.agreement_id,
        number=1,
        actor="registrar",
        encrypt_to=encrypt_to,
    ).data


def _open(field: Desk, data: bytes, name: str = "bus-1") -> desk.DeskInfo:
    return desk.open_pack(
        field.db,
        data_dir=field.data_dir,
        data=data,
        source="stage-1.hcpack",
        name=name,
        operator="olena",
    )


def _merge(centre: Centre, data: bytes) -> field_merge.MergeReport:
    return field_merge.merge_log(
        centre.db, None, data_dir=centre.data_dir, data=data, source="desk.hcdesk", actor="centre"
    )


def _delivered(centre: Centre) -> int:
    tally = handovers.tally(centre.db, agreement_id=centre.agreement_id, number=1)
    return sum(tally.crossed(p, "soldiers") for p in ("UA", "RU"))


def test_a_pack_carries_the_agreed_fields_only_and_opens_on_a_desk(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    centre = _centre(db, tmp_path)
    handovers.record_handover(
        db,
        None,
        agreement_id=centre.agreement_id,
        number=1,
        party="UA",
        person_id=centre.ua[0],
        outcome=Outcome.DELIVERED,
        actor="centre-op",
    )
    field = _desk(centre, sqlite_template, tmp_path, "bus-1")
    age = Keyring(field.data_dir).public().age
    data = _pack(centre, encrypt_to=age)
    assert data.startswith(b"age-encryption.org/v1")  # nobody but the laptop reads it

    opened = open_sealed(
        data,
        kind=stage_packs.PACK_KIND,
        source="p",
        trusted=Keyring(field.data_dir).trusted(),
        identity=Keyring(field.data_dir).age_identity(),
    )
    member = opened.payload["members"][0]
    assert set(member["fields"]) == set(stage_packs.MEMBER_FIELDS)
    assert set(member) == {"party", "person_id", "category", "fields", "photos", "recorded"}

    info = _open(field, data)
    assert (info.agreement_id, info.stage, info.members) == (centre.agreement_id, 1, 8)
    waiting = desk.pending(field.db, data_dir=field.data_dir)
    assert len(waiting) == 7  # the one the centre recorded is not asked again
    assert centre.ua[0] not in {w.person_id for w in waiting}
    assert all(w.name.startswith("Person") for w in waiting)
    with pytest.raises(Exception, match="already holds stage 1"):
        _open(field, _pack(centre))


def test_photos_travel_only_where_the_family_consented(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    centre = _centre(db, tmp_path)
    registry.ensure_party(db, code="UA", name="Ukraine", actor="t")
    for person, consent, harm in (
        (centre.ua[0], True, False),
        (centre.ua[1], False, False),
        (centre.ua[2], True, True),
    ):
        case = inquiries.register(
            db,
            request=inquiries.InquiryRequest(
                sought=RecordFields(family_name=f"Sought{person}", given_names="Test"),
                inquirer=Contact(name="Family", phone="+380000000009"),
                consent=consent,
                harm_risk=harm,
                party="UA",
            ),
            actor="liaison",
        )
        inquiries.add_photo(
            db,
            data_dir=centre.data_dir,
            inquiry=case.id,
            data=b"\xff\xd8\xffjpeg" + bytes([person % 250]),
            file_name="p.jpg",
            actor="liaison",
        )
        with db.transaction() as session:  # linkage's verdict: the inquiry is about this member
            session.execute(
                update(Record).where(Record.id == case.record_id).values(person_id=person)
            )
    field = _desk(centre, sqlite_template, tmp_path, "bus-1")
    data = _pack(centre)
    assert b"+380000000009" not in gzip.decompress(base64.b64decode(json.loads(data)["payload"]))
    _open(field, data)
    photos = {w.person_id: w.photos for w in desk.pending(field.db, data_dir=field.data_dir)}
    assert len(photos[centre.ua[0]]) == 1 and Path(photos[centre.ua[0]][0]).is_file()
    assert photos[centre.ua[1]] == [] and photos[centre.ua[2]] == []


def test_a_tampered_pack_or_a_stranger_s_pack_is_refused(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    centre = _centre(db, tmp_path)
    field = _desk(centre, sqlite_template, tmp_path, "bus-1")
    envelope = json.loads(_pack(centre))
    body = json.loads(gzip.decompress(base64.b64decode(envelope["payload"])))
    body["members"][0]["fields"]["family_name"] = "Somebody Else"
    envelope["payload"] = base64.b64encode(gzip.compress(json.dumps(body).encode())).decode()
    with pytest.raises(InvalidInput, match="signature does not verify"):
        _open(field, json.dumps(envelope).encode())

    stranger = tmp_path / "stranger"
    Keyring(stranger).init(name="stranger")
    forged = seal(body, kind=stage_packs.PACK_KIND, key=Keyring(stranger).signing_key())
    with pytest.raises(InvalidInput, match="does not trust"):
        _open(field, forged)

    elsewhere = _pack(centre, encrypt_to=Keyring(stranger).public().age)
    with pytest.raises(InvalidInput, match="encrypted to another key"):
        _open(field, elsewhere)
    with pytest.raises(NotFound, match="no stage pack is open"):
        desk.pending(field.db, data_dir=field.data_dir)  # nothing half-landed
    Keyring(centre.data_dir).trust(Keyring(centre.data_dir).public(), name="self")
    with pytest.raises(Conflict, match="already holds a registry"):
        desk.open_pack(centre.db, data_dir=centre.data_dir, data=_pack(centre), source="p",
                       name="oops", operator="o")  # fmt: skip


def test_three_outcomes_merge_once_with_the_field_operator_and_time(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    centre = _centre(db, tmp_path)
    field = _desk(centre, sqlite_template, tmp_path, "bus-1")
    _open(field, _pack(centre))
    desk.record_outcome(
        field.db, None, person_id=centre.ua[0], outcome=Outcome.DELIVERED, operator="olena"
    )
    desk.record_outcome(
        field.db, None, person_id=centre.ru[0], outcome=Outcome.DELIVERED, operator="petro"
    )
    desk.record_outcome(
        field.db,
        None,
        person_id=centre.ua[1],
        outcome=Outcome.SUBSTITUTED,
        operator="petro",
        substitute=handovers.Substitute(family_name="Substitute", given_names="Ivan"),
    )
    desk.record_note(
        field.db,
        kind="arrival",
        operator="olena",
        party="UA",
        arrival=handovers.Substitute(family_name="Unlisted", given_names="Ivan"),
    )
    desk.record_note(field.db, kind="note", operator="olena", text="bus 1 left at 10:40")
    log = desk.export_log(field.db, data_dir=field.data_dir, operator="olena")
    assert (log.outcomes, log.notes) == (3, 2)

    before = _delivered(centre)
    report = _merge(centre, log.data)
    assert (report.new, report.written, report.conflicts_opened, report.notes) == (5, 3, 1, 1)
    assert _delivered(centre) == before + 3  # delivered ×2 and substituted both cross
    rows = handovers.list_handovers(db, agreement_id=centre.agreement_id, number=1)
    assert {r.recorded_by for r in rows} == {"olena", "petro"}

    again = _merge(centre, log.data)
    assert (again.new, again.already, again.written) == (0, 5, 0)
    assert _delivered(centre) == before + 3
    assert len(handovers.list_handovers(db, agreement_id=centre.agreement_id, number=1)) == 3

    with db.reading() as session:
        merged = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "handover.merged")
        ).all()
    assert len(merged) == 3
    assert {e.details["field_operator"] for e in merged} == {"olena", "petro"}
    assert all(e.actor == "centre" and e.details["field_time"] for e in merged)
    assert audit.verify(db).ok

    (arrival,) = field_merge.list_conflicts(db, agreement_id=centre.agreement_id)
    assert arrival.kind == "arrival" and "Unlisted Ivan" in arrival.claims[0].substitute
    with pytest.raises(InvalidInput, match="no outcome to choose"):
        field_merge.resolve(
            db, None, conflict_id=arrival.id, actor="lead", reason="x", outcome=Outcome.DELIVERED
        )
    field_merge.resolve(db, None, conflict_id=arrival.id, actor="lead", reason="added to stage 2")
    assert field_merge.list_conflicts(db) == []
    assert len(field_merge.field_log(db, agreement_id=centre.agreement_id, number=1)) == 5


def test_disagreements_go_to_a_person_and_nothing_is_lost(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    centre = _centre(db, tmp_path)
    pack = _pack(centre)
    bus1 = _desk(centre, sqlite_template, tmp_path, "bus-1")
    bus2 = _desk(centre, sqlite_template, tmp_path, "bus-2")
    _open(bus1, pack)
    _open(bus2, pack, name="bus-2")
    # The centre recorded ua[2] itself; bus 1 says otherwise.
    handovers.record_handover(
        db,
        None,
        agreement_id=centre.agreement_id,
        number=1,
        party="UA",
        person_id=centre.ua[2],
        outcome=Outcome.DELIVERED,
        actor="centre-op",
    )
    desk.record_outcome(
        bus1.db, None, person_id=centre.ua[2], outcome=Outcome.NOT_DELIVERED, operator="olena"
    )
    # The two buses disagree about ru[1].
    desk.record_outcome(
        bus1.db, None, person_id=centre.ru[1], outcome=Outcome.DELIVERED, operator="olena"
    )
    desk.record_outcome(
        bus2.db, None, person_id=centre.ru[1], outcome=Outcome.NOT_DELIVERED, operator="ivan"
    )
    _merge(centre, desk.export_log(bus1.db, data_dir=bus1.data_dir, operator="olena").data)
    _merge(centre, desk.export_log(bus2.db, data_dir=bus2.data_dir, operator="ivan").data)

    outcomes = field_merge.person_outcomes(db, agreement_id=centre.agreement_id, number=1)
    assert outcomes[centre.ua[2]] == "delivered"  # the centre's stands until decided
    assert outcomes[centre.ru[1]] == "delivered"  # bus 1 recorded first
    conflicts = {c.person_id: c for c in field_merge.list_conflicts(db)}
    assert set(conflicts) == {centre.ua[2], centre.ru[1]}
    assert {c.outcome for c in conflicts[centre.ru[1]].claims} == {"delivered", "not_delivered"}

    decided = field_merge.resolve(
        db,
        None,
        conflict_id=conflicts[centre.ru[1]].id,
        actor="lead",
        outcome=Outcome.NOT_DELIVERED,
        reason="ICRC delegate confirms he stayed on bus 2",
    )
    assert decided.resolution == "not_delivered"
    outcomes = field_merge.person_outcomes(db, agreement_id=centre.agreement_id, number=1)
    assert outcomes[centre.ru[1]] == "not_delivered"
    # Merging bus 1 again changes nothing: its claim was heard and decided.
    _merge(centre, desk.export_log(bus1.db, data_dir=bus1.data_dir, operator="olena").data)
    assert {c.person_id for c in field_merge.list_conflicts(db)} == {centre.ua[2]}
    assert (
        field_merge.person_outcomes(db, agreement_id=centre.agreement_id, number=1)[centre.ru[1]]
        == "not_delivered"
    )


def test_a_desk_log_signed_by_an_unknown_desk_is_refused(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    centre = _centre(db, tmp_path)
    field = _desk(centre, sqlite_template, tmp_path, "bus-1")
    _open(field, _pack(centre))
    data = desk.export_log(field.db, data_dir=field.data_dir, operator="o").data
    shutil.rmtree(centre.data_dir / "keys" / "trusted")
    with pytest.raises(InvalidInput, match="does not trust"):
        _merge(centre, data)


# --- two desks, merged in either order ------------------------------------------------------

OUTCOMES = [Outcome.DELIVERED, Outcome.NOT_DELIVERED, Outcome.DECEASED]
T0 = dt.datetime(2025, 5, 23, 9, 0, tzinfo=dt.UTC)


def _log(
    key_dir: Path, centre: Centre, desk_id: str, said: list[tuple[int, Outcome, int]]
) -> bytes:
    """A signed desk log of (person, outcome, minute) entries, in the desk's own order."""
    entries: list[dict[str, Any]] = []
    members = {p: "UA" for p in centre.ua} | {p: "RU" for p in centre.ru}
    for seq, (person, outcome, minute) in enumerate(said, start=1):
        entries.append(
            {
                "key": f"h{seq}",
                "seq": seq,
                "kind": "outcome",
                "party": members[person],
                "person_id": person,
                "outcome": str(outcome),
                "evidence": "",
                "substitute": None,
                "operator": f"op-{desk_id[:4]}",
                "at": (T0 + dt.timedelta(minutes=minute)).isoformat(),
            }
        )
    payload = {
        "version": desk.LOG_VERSION,
        "desk_id": desk_id,
        "desk_name": desk_id[:4],
        "pack_id": "p",
        "agreement_id": centre.agreement_id,
        "stage": 1,
        "exported_at": T0.isoformat(),
        "exported_by": "o",
        "entries": entries,
    }
    return seal(payload, kind=desk.LOG_KIND, key=Keyring(key_dir).signing_key())


def _state(centre: Centre) -> tuple[dict[int, str], set[tuple[int, str]], dict[str, Any]]:
    conflicts = {
        (c.person_id or 0, "|".join(sorted(f"{x.desk_id}:{x.outcome}" for x in c.claims)))
        for c in field_merge.list_conflicts(centre.db)
    }
    tally = handovers.tally(centre.db, agreement_id=centre.agreement_id, number=1)
    return (
        field_merge.person_outcomes(centre.db, agreement_id=centre.agreement_id, number=1),
        conflicts,
        {"counts": tally.counts, "pending": tally.pending},
    )


@pytest.mark.slow
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_two_desks_merged_in_either_order_end_the_same(db: Database, tmp_path: Path) -> None:
    base = _centre(db, tmp_path, n=3)
    people = base.ua + base.ru
    keys = {}
    for name in ("a", "b"):
        keys[name] = tmp_path / f"keys-{name}"
        public = Keyring(keys[name]).init(name=f"bus-{name}")
        Keyring(base.data_dir).trust(public, name=f"bus-{name}")
    central_file = Path(str(db.engine.url.database))
    db.dispose()
    said = st.lists(
        st.tuples(st.sampled_from(people), st.sampled_from(OUTCOMES), st.integers(0, 30)),
        max_size=8,
    )
    runs = iter(range(10_000))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        a=said,
        b=said,
        centre_says=st.lists(
            st.tuples(st.sampled_from(people), st.sampled_from(OUTCOMES)),
            max_size=2,
            unique_by=lambda t: t[0],
        ),
    )
    def check(
        a: list[tuple[int, Outcome, int]],
        b: list[tuple[int, Outcome, int]],
        centre_says: list[tuple[int, Outcome]],
    ) -> None:
        run = next(runs)
        logs = {
            "a": _log(keys["a"], base, f"a{uuid.uuid4().hex}", a),
            "b": _log(keys["b"], base, f"b{uuid.uuid4().hex}", b),
        }
        states = []
        for order in (("a", "b"), ("b", "a")):
            path = tmp_path / f"run-{run}-{''.join(order)}.sqlite3"
            shutil.copy(central_file, path)
            copy = Centre(
                Database(f"sqlite:///{path}"), base.data_dir, base.agreement_id, base.ua, base.ru
            )
            for person, outcome in centre_says:
                party = "UA" if person in base.ua else "RU"
                handovers.record_handover(
                    copy.db,
                    None,
                    agreement_id=base.agreement_id,
                    number=1,
                    party=party,
                    person_id=person,
                    outcome=outcome,
                    actor="centre-op",
                )
            for name in order:
                _merge(copy, logs[name])
            _merge(copy, logs[order[0]])  # and once more: idempotent
            states.append(_state(copy))
            copy.db.dispose()
            path.unlink()
        assert states[0] == states[1]

    check()

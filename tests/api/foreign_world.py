"""A world where some objects belong to another party: what UA's negotiator must never reach.

Built over HTTP as the administrator, on top of the `two_parties` records:
- an agreement between RU and BY (UA is not a party to it) with both parties' offers (two
  RU versions, so there is a diff), a validation with findings, a composed stage, a
  handover and a declared count;
- RU's own registry records of the people in it.

`MARKERS` are words that occur only in that data (and in RU's internal record of
Коваленко): none of them may appear in anything UA's negotiator reads.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from homecoming.api import PUBLIC_PATHS, ROUTERS
from homecoming.domain.dates import PartialDate
from homecoming.domain.roles import Role, allows
from homecoming.http.guard import route_capabilities
from homecoming.services import registry
from homecoming.store.db import Database
from homecoming.store.models import Record, Source

from .conftest import import_names

FOREIGN_AGREEMENT: dict[str, Any] = {
    "name": "RU-BY secret round",
    "parties": ["RU", "BY"],
    "per_side": 1,
    "categories": {"soldiers": {"label": "soldiers", "total": 1, "category": "serviceman"}},
    "stages": [{"number": 1, "day": "2025-06-01", "counts": {"soldiers": 1}}],
}
HEADER = "Прізвище,Ім'я,Дата народження,Категорія\n"
RU_OFFER = "Zasekrechenko,Foreignmarker,01.01.1980,військовослужбовець\n"
RU_OFFER_V2 = RU_OFFER + "Nevidomyi,Nikto,02.02.1982,військовослужбовець\n"
BY_OFFER = "Lukashuk,Tajnyi,03.03.1983,військовослужбовець\n"
MARKERS = ("Zasekrechenko", "Foreignmarker", "Lukashuk", "Tajnyi", "secret round", "Коваленко")


def negotiator_routes() -> set[tuple[str, str]]:
    """(method, path) of every route a negotiator may call, from the app's route table."""
    found = set()
    for router in ROUTERS:
        for route in router.routes:
            if not isinstance(route, APIRoute) or route.path in PUBLIC_PATHS:
                continue
            if all(allows(Role.NEGOTIATOR, c) for c in route_capabilities(route)):
                found.update((method, route.path) for method in route.methods or ())
    return found


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _upload(
    client: TestClient, admin: dict[str, str], agreement: int, party: str, body: str
) -> int:
    files = {"file": (f"{party}-{len(body)}.csv", (HEADER + body).encode(), "text/csv")}
    data = {"agreement_id": str(agreement), "party": party}
    return int(_ok(client.post("/lists", headers=admin, data=data, files=files), 201)["id"])


def _person_of_source(db: Database, party: str, family: str) -> int:
    with db.reading() as session:
        for record in session.query(Record).join(Source).filter(Source.party_code == party):
            if record.family_name == family and record.person_id is not None:
                return record.person_id
    raise AssertionError(f"no {party} record of {family}")


def build_foreign_world(db: Database, client: TestClient, admin_token: str) -> dict[str, int]:
    """The RU–BY agreement and everything in it: the ids UA's negotiator will ask for."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    registry.ensure_party(db, code="BY", name="Belarus", actor="admin")
    import_names(db, "RU", [("Zasekrechenko", "Foreignmarker", PartialDate(1980, 1, 1))])
    import_names(db, "BY", [("Lukashuk", "Tajnyi", PartialDate(1983, 3, 3))])
    ru_person = _person_of_source(db, "RU", "Zasekrechenko")
    by_person = _person_of_source(db, "BY", "Lukashuk")
    agreement = int(
        _ok(client.post("/agreements", json=FOREIGN_AGREEMENT, headers=admin), 201)["id"]
    )
    ru_v1 = _upload(client, admin, agreement, "RU", RU_OFFER)
    ru_v2 = _upload(client, admin, agreement, "RU", RU_OFFER_V2)
    _upload(client, admin, agreement, "BY", BY_OFFER)
    report = _ok(client.post(f"/lists/{ru_v2}/validate", headers=admin))
    finding = next(f["id"] for line in report["lines"] for f in line["findings"])
    add = [
        {"party": "RU", "person_id": ru_person, "category": "soldiers"},
        {"party": "BY", "person_id": by_person, "category": "soldiers"},
    ]
    body = {"add": add, "remove": [], "reason": "agreed"}
    _ok(client.post(f"/stages/{agreement}/1/changes", json=body, headers=admin))
    handover = {
        "agreement_id": agreement,
        "stage": 1,
        "party": "RU",
        "person_id": ru_person,
        "outcome": "delivered",
    }
    _ok(client.post("/handovers", json=handover, headers=admin), 201)
    count = {
        "agreement_id": agreement,
        "stage": 1,
        "declared_by": "RU",
        "handing_party": "RU",
        "category": "soldiers",
        "count": 1,
    }
    _ok(client.post("/handovers/declared-counts", json=count, headers=admin), 201)
    return {
        "foreign": agreement,
        "ru_v1": ru_v1,
        "ru_v2": ru_v2,
        "finding": finding,
        "ru_person": ru_person,
        "by_person": by_person,
    }

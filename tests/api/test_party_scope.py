"""Route × role × object owned by the other party, generated from the app's route table.

`test_route_by_role` checks who may call a route at all. This checks what a negotiator, who
may call it, reaches through it: every route a negotiator may call must be listed in
`FOREIGN` with requests for objects of an agreement their party is not in (or of records
only the other party holds), or in `NOT_PARTY_DATA` with the reason it holds none. A new
route that a negotiator may call fails `test_every_route_a_negotiator_may_call_is_checked`
until it is listed here, and once listed it must refuse the other party's objects:

- `REFUSED`: UA's negotiator gets 403 or 404, and the same request by someone in scope (RU's
  negotiator for reads, the administrator for writes) is not refused, so the object exists;
- `FILTERED`: UA's negotiator gets 200 without any of the other party's data.

Nothing UA's negotiator sends may land (the audit log does not move), and no answer to them
may carry a word of the other party's data (`MARKERS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from homecoming.store.db import Database
from homecoming.store.models import AuditEntry

from .conftest import PASSWORD
from .foreign_world import (
    FOREIGN_AGREEMENT,
    HEADER,
    MARKERS,
    RU_OFFER,
    build_foreign_world,
    negotiator_routes,
)

REFUSED, FILTERED = "refused", "filtered"


@dataclass(frozen=True)
class Ask:
    """One request; `{name}` in the URL and bodies are filled from the world's ids."""

    url: str
    expect: str = REFUSED
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = field(default=None, hash=False)

    def send(self, client: TestClient, method: str, token: str, ids: dict[str, int]) -> Any:
        return client.request(
            method,
            self.url.format(**ids),
            json=_fill(self.json, ids),
            data=_fill(self.data, ids),
            files=self.files,
            headers={"Authorization": f"Bearer {token}"},
        )


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


_SECOND_ROUND = {**FOREIGN_AGREEMENT, "name": "RU-BY second round"}
_RU_FILE = {"file": ("forged.csv", (HEADER + "Forged,Name,01.01.1990,цивільний\n").encode(), "")}
_REPLY_FILE = {"file": ("reply.csv", b"line,answer,reason\n2,refused,forged\n", "text/csv")}
_UNLISTED = {
    "party": "RU",
    "family_name": "Zasekrechenko",
    "given_names": "Foreignmarker",
    "checked_by": "x",
    "methods": ["documents"],
}
_BACK = {"party": "RU", "person_id": "{ru_person}", "reason": "x"}
_EXAMINED = {
    "body": "mixed_medical_commission",
    "examined_on": "2025-05-02",
    "decision": "repatriate",
}
_RU_PERSON = {"party": "RU", "person_id": "{ru_person}", "category": "soldiers"}

# (method, path): requests for objects the other party owns.
FOREIGN: dict[tuple[str, str], list[Ask]] = {
    ("GET", "/persons"): [Ask("/persons", FILTERED)],
    ("GET", "/persons/{person_id}"): [Ask("/persons/{ru_only}"), Ask("/persons/{ru_person}")],
    ("GET", "/records/{record_id}"): [Ask("/records/4")],
    ("GET", "/search"): [
        Ask("/search?q=Коваленко+Петро", FILTERED),
        Ask("/search?q=Zasekrechenko+Foreignmarker", FILTERED),
    ],
    ("GET", "/sources"): [Ask("/sources", FILTERED)],
    ("GET", "/agreements"): [Ask("/agreements", FILTERED)],
    ("POST", "/agreements"): [Ask("/agreements", json=_SECOND_ROUND)],
    ("GET", "/agreements/{agreement_id}"): [Ask("/agreements/{foreign}")],
    ("GET", "/lists"): [Ask("/lists", FILTERED), Ask("/lists?agreement_id={foreign}")],
    ("POST", "/lists"): [
        Ask("/lists", data={"agreement_id": "{foreign}", "party": "BY"}, files=_RU_FILE)
    ],
    ("GET", "/lists/{version_id}"): [Ask("/lists/{ru_v1}")],
    ("GET", "/lists/{version_id}/diff/{other_id}"): [Ask("/lists/{ru_v1}/diff/{ru_v2}")],
    ("POST", "/lists/{version_id}/validate"): [Ask("/lists/{ru_v1}/validate")],
    ("GET", "/lists/{version_id}/report"): [Ask("/lists/{ru_v2}/report")],
    ("POST", "/lists/findings/{finding_id}/decisions"): [
        Ask("/lists/findings/{finding}/decisions", json={"decision": "accept", "reason": "x"})
    ],
    ("POST", "/stages/{agreement_id}/plan"): [Ask("/stages/{foreign}/plan")],
    ("GET", "/stages/{agreement_id}/{number}"): [Ask("/stages/{foreign}/1")],
    ("POST", "/stages/{agreement_id}/{number}/changes"): [
        Ask("/stages/{foreign}/1/changes", json={"add": [], "remove": [_RU_PERSON], "reason": "x"})
    ],
    ("GET", "/stages/{agreement_id}/{number}/export"): [
        Ask("/stages/{foreign}/1/export?party=RU"),
        Ask("/stages/{foreign}/1/export?party=RU&format=xlsx"),
    ],
    ("POST", "/handovers"): [
        Ask(
            "/handovers",
            json={
                "agreement_id": "{foreign}",
                "stage": 1,
                "party": "RU",
                "person_id": "{ru_person}",
                "outcome": "not_delivered",
                "correct": True,
            },
        )
    ],
    ("GET", "/handovers"): [Ask("/handovers?agreement_id={foreign}&stage=1")],
    ("GET", "/handovers/tally"): [Ask("/handovers/tally?agreement_id={foreign}&stage=1")],
    ("POST", "/handovers/declared-counts"): [
        Ask(
            "/handovers/declared-counts",
            json={
                "agreement_id": "{foreign}",
                "stage": 1,
                "declared_by": "RU",
                "handing_party": "RU",
                "category": "soldiers",
                "count": 0,
            },
        )
    ],
    ("GET", "/reconciliation/{agreement_id}"): [Ask("/reconciliation/{foreign}")],
    ("GET", "/persons/{person_id}/history"): [
        Ask("/persons/{ru_only}/history"),
        Ask("/persons/{ru_person}/history"),
    ],
    ("GET", "/lists/{version_id}/replies"): [Ask("/lists/{ru_v1}/replies")],
    ("POST", "/lists/{version_id}/replies"): [Ask("/lists/{ru_v1}/replies", files=_REPLY_FILE)],
    ("GET", "/crossing/{agreement_id}/{number}"): [Ask("/crossing/{foreign}/1")],
    ("POST", "/crossing/{agreement_id}/{number}/unlisted"): [
        Ask("/crossing/{foreign}/1/unlisted", json=_UNLISTED)
    ],
    ("POST", "/crossing/{agreement_id}/{number}/taken-back"): [
        Ask("/crossing/{foreign}/1/taken-back", json=_BACK)
    ],
    ("POST", "/crossing/{agreement_id}/{number}/returned"): [
        Ask("/crossing/{foreign}/1/returned", json=_BACK)
    ],
    ("POST", "/crossing/{agreement_id}/{number}/received-list"): [
        Ask("/crossing/{foreign}/1/received-list", data={"party": "RU"}, files=_RU_FILE)
    ],
    ("GET", "/wounded/{person_id}"): [Ask("/wounded/{ru_only}"), Ask("/wounded/{ru_person}")],
    ("POST", "/wounded/{person_id}/referrals"): [
        Ask(
            "/wounded/{ru_person}/referrals",
            json={"referred_by": "icrc", "referred_on": "2025-05-01"},
        )
    ],
    ("POST", "/wounded/{person_id}/examinations"): [
        Ask("/wounded/{ru_person}/examinations", json=_EXAMINED)
    ],
    ("POST", "/wounded/{person_id}/consents"): [
        Ask(
            "/wounded/{ru_person}/consents",
            json={"consent": "given", "given_on": "2025-05-03", "witnessed_by": "ICRC"},
        )
    ],
    ("POST", "/wounded/{person_id}/repatriation"): [
        Ask("/wounded/{ru_person}/repatriation", json={"repatriated_on": "2025-05-04"})
    ],
}

# Routes a negotiator may call that hold no party's data, and why.
NOT_PARTY_DATA: dict[tuple[str, str], str] = {
    ("GET", "/auth/me"): "the caller's own account",
    ("POST", "/auth/logout"): "ends the caller's own session",
    ("GET", "/names/compare"): "compares the two names sent; reads nothing stored",
    ("GET", "/names/variants"): "renders the name sent; reads nothing stored",
    ("GET", "/parties"): "the parties' codes and names, public in every agreement",
}


def test_every_route_a_negotiator_may_call_is_checked() -> None:
    routes = negotiator_routes()
    unchecked = routes - set(FOREIGN) - set(NOT_PARTY_DATA)
    assert not unchecked, (
        f"{sorted(unchecked)}: a negotiator may call these; add requests for the other "
        "party's objects to FOREIGN (or say in NOT_PARTY_DATA why they hold no party's data)"
    )
    assert set(FOREIGN) | set(NOT_PARTY_DATA) <= routes  # nothing stale in the tables


def _audit_head(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


def _leaks(text: str) -> list[str]:
    return [marker for marker in MARKERS if marker in text]


@pytest.fixture
def world(
    app_client: TestClient, db: Database, tokens: dict[str, str], two_parties: dict[str, int]
) -> dict[str, int]:
    return {**two_parties, **build_foreign_world(db, app_client, tokens["admin"])}


def test_a_negotiator_reaches_nothing_of_another_party(
    app_client: TestClient, db: Database, tokens: dict[str, str], world: dict[str, int]
) -> None:
    before = _audit_head(db)
    wrong = []
    for (method, _path), asks in FOREIGN.items():
        for ask in asks:
            response = ask.send(app_client, method, tokens["negotiator-ua"], world)
            ok = (
                response.status_code in {403, 404}
                if ask.expect == REFUSED
                else response.status_code == 200
            )
            leaked = _leaks(response.text)
            if not ok or leaked:
                wrong.append((method, ask.url, response.status_code, leaked, response.text[:200]))
            if response.status_code >= 400:
                assert "Traceback" not in response.text
                assert response.json()["detail"], response.text  # says what to do
    assert not wrong, wrong
    assert _audit_head(db) == before, "a write of UA's negotiator landed"


def test_the_foreign_objects_exist_for_those_in_scope(
    app_client: TestClient, tokens: dict[str, str], world: dict[str, int]
) -> None:
    """The refusals above are the scope's: RU's negotiator (reads) or the administrator
    (writes) sending the very same requests is not refused."""
    wrong = []
    for (method, _path), asks in FOREIGN.items():
        for ask in asks:
            if ask.expect != REFUSED:
                continue
            caller = "negotiator-ru" if method == "GET" else "admin"
            response = ask.send(app_client, method, tokens[caller], world)
            if response.status_code in {401, 403, 404} or response.status_code >= 500:
                wrong.append((caller, method, ask.url, response.status_code, response.text[:200]))
    assert not wrong, wrong


# --- finding 1: naming the other party's person into a stage --------------------------------

OWN_AGREEMENT: dict[str, Any] = {
    "name": "UA-RU wounded",
    "parties": ["UA", "RU"],
    "per_side": 1,
    "categories": {"wounded": {"label": "seriously wounded", "parity": "none"}},
    "stages": [{"number": 1, "day": "2025-06-02", "counts": {}}],
}


def _own_agreement(client: TestClient, tokens: dict[str, str]) -> int:
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    created = client.post("/agreements", json=OWN_AGREEMENT, headers=admin)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_a_negotiator_cannot_name_the_other_partys_person_into_a_stage(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    agreement = _own_agreement(app_client, tokens)
    ua = {"Authorization": f"Bearer {tokens['negotiator-ua']}"}
    hidden = two_parties["ru_only"]
    assert app_client.get(f"/persons/{hidden}", headers=ua).status_code == 404
    add = {"party": "UA", "person_id": hidden, "category": "wounded"}
    body = {"add": [add], "remove": [], "reason": "x"}
    refused = app_client.post(f"/stages/{agreement}/1/changes", json=body, headers=ua)
    assert refused.status_code == 404, refused.text
    nobody = {**body, "add": [{**add, "person_id": 99_999}]}
    missing = app_client.post(f"/stages/{agreement}/1/changes", json=nobody, headers=ua)
    assert refused.json()["detail"].replace(str(hidden), "N") == missing.json()["detail"].replace(
        "99999", "N"
    )  # a hidden person looks exactly like no person
    export = app_client.get(f"/stages/{agreement}/1/export?party=UA", headers=ua)
    assert export.status_code == 200 and "Коваленко" not in export.text
    own = {**body, "add": [{**add, "person_id": two_parties["ua_only"]}]}
    assert (
        app_client.post(f"/stages/{agreement}/1/changes", json=own, headers=ua).status_code == 200
    )


def test_names_in_a_stage_come_only_from_records_in_scope(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    """Someone put RU's person on UA's side (an administrator may): UA still reads no name."""
    agreement = _own_agreement(app_client, tokens)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    ua = {"Authorization": f"Bearer {tokens['negotiator-ua']}"}
    add = {"party": "UA", "person_id": two_parties["ru_only"], "category": "wounded"}
    body = {"add": [add], "remove": [], "reason": "x"}
    assert app_client.post(f"/stages/{agreement}/1/changes", json=body, headers=admin).is_success
    for url in (
        f"/stages/{agreement}/1",
        f"/stages/{agreement}/1/export?party=UA",
        f"/reconciliation/{agreement}",
    ):
        response = app_client.get(url, headers=ua)
        assert response.status_code == 200, response.text
        assert "Коваленко" not in response.text, url
    seen_by_admin = app_client.get(f"/stages/{agreement}/1", headers=admin)
    assert "Коваленко" in seen_by_admin.text


# --- finding 2: counts declared for the other party --------------------------------------


def test_a_negotiator_declares_counts_only_for_their_own_party(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    agreement = _own_agreement(app_client, tokens)
    ua = {"Authorization": f"Bearer {tokens['negotiator-ua']}"}
    count = {
        "agreement_id": agreement,
        "stage": 1,
        "handing_party": "RU",
        "category": "wounded",
        "count": 3,
    }
    forged = app_client.post(
        "/handovers/declared-counts", json={**count, "declared_by": "RU"}, headers=ua
    )
    assert forged.status_code == 403, forged.text
    assert "RU" in forged.json()["detail"]
    own = app_client.post(
        "/handovers/declared-counts", json={**count, "declared_by": "UA"}, headers=ua
    )
    assert own.status_code == 201, own.text


def test_a_negotiator_imports_lists_only_into_their_own_agreements(
    app_client: TestClient, tokens: dict[str, str], world: dict[str, int]
) -> None:
    ua = {"Authorization": f"Bearer {tokens['negotiator-ua']}"}
    files = {"file": ("ru.csv", (HEADER + RU_OFFER).encode(), "text/csv")}
    data = {"agreement_id": str(world["foreign"]), "party": "RU"}
    assert app_client.post("/lists", headers=ua, data=data, files=files).status_code == 404


# --- the same rule in the web UI (its pages read through the same services) -----------------


def _ui_login(client: TestClient, username: str) -> None:
    page = client.get("/ui/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    form = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    answer = client.post("/ui/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]


def test_the_ui_shows_a_negotiator_nothing_of_another_party(
    app_client: TestClient, tokens: dict[str, str], world: dict[str, int]
) -> None:
    agreement = _own_agreement(app_client, tokens)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    add = {"party": "UA", "person_id": world["ru_only"], "category": "wounded"}
    body = {"add": [add], "remove": [], "reason": "x"}
    assert app_client.post(f"/stages/{agreement}/1/changes", json=body, headers=admin).is_success
    _ui_login(app_client, "negotiator-ua")
    for url in (
        "/ui/exchanges/{foreign}",
        "/ui/exchanges/{foreign}/stages/1",
        "/ui/exchanges/{foreign}/stages/1/handovers",
        "/ui/exchanges/{foreign}/reconciliation",
        "/ui/lists/{ru_v1}",
        "/ui/lists/{ru_v1}/diff/{ru_v2}",
    ):
        page = app_client.get(url.format(**world))
        assert page.status_code == 404, (url, page.status_code)
        assert not _leaks(page.text), url
    for url in (
        "/ui/",
        "/ui/exchanges",
        f"/ui/exchanges/{agreement}/stages/1",
        f"/ui/exchanges/{agreement}/stages/1/handovers?party=UA",
        f"/ui/exchanges/{agreement}/reconciliation",
    ):
        page = app_client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        assert not _leaks(page.text), (url, _leaks(page.text))

"""Need-to-know: a negotiator sees only their own party's records, everywhere they look."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from homecoming.services import access
from homecoming.services.scope import EVERY_PARTY, Scope

PARTY_OF_RECORD = {1: "UA", 2: "UA", 3: "RU", 4: "RU"}


def _get(client: TestClient, token: str, url: str, **params: Any) -> Any:
    response = client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("username", "party"), [("negotiator-ua", "UA"), ("negotiator-ru", "RU")])
def test_a_negotiator_sees_only_their_party(
    app_client: TestClient,
    tokens: dict[str, str],
    two_parties: dict[str, int],
    username: str,
    party: str,
) -> None:
    token = tokens[username]
    own_only, other_only = (
        (two_parties["ua_only"], two_parties["ru_only"])
        if party == "UA"
        else (two_parties["ru_only"], two_parties["ua_only"])
    )
    page = _get(app_client, token, "/persons")
    assert page["total"] == 2
    assert {p["id"] for p in page["items"]} == {two_parties["shared"], own_only}
    assert all(p["records"] == 1 for p in page["items"])

    shared = _get(app_client, token, f"/persons/{two_parties['shared']}")
    assert {PARTY_OF_RECORD[r["id"]] for r in shared["records_detail"]} == {party}
    assert {PARTY_OF_RECORD[e["record"]] for e in shared["timeline"]} == {party}
    assert _get(app_client, token, f"/persons/{own_only}")["id"] == own_only

    hidden = app_client.get(f"/persons/{other_only}", headers={"Authorization": f"Bearer {token}"})
    assert hidden.status_code == 404
    missing = app_client.get("/persons/999", headers={"Authorization": f"Bearer {token}"})
    assert hidden.json()["detail"].replace(str(other_only), "N") == missing.json()[
        "detail"
    ].replace("999", "N")  # a hidden person looks exactly like no person

    assert [s["party"] for s in _get(app_client, token, "/sources")] == [party]


def test_search_shows_a_negotiator_only_their_party_records(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    def found(username: str, q: str) -> set[int]:
        return {h["record_id"] for h in _get(app_client, tokens[username], "/search", q=q)}

    assert found("admin", "Kovalenko Petro") == {4}
    assert found("negotiator-ru", "Kovalenko Petro") == {4}
    assert found("negotiator-ua", "Kovalenko Petro") == set()
    assert found("negotiator-ua", "Tarasov Oleksandr") == {2}
    assert found("negotiator-ru", "Tarasov Oleksandr") == set()
    # The shared man: each negotiator finds him through their own party's record only.
    assert found("negotiator-ua", "Oleksandr Nekhir") == {1}
    assert found("negotiator-ru", "Aleksandr Nekhir") == {3}
    # Ranked by their own party's records only: UA's record 1 fits this spelling best, yet
    # RU's negotiator finds him through RU's record 3 and never sees record 1.
    assert found("negotiator-ru", "Oleksandr Nekhir") == {3}


def test_everyone_else_sees_every_party(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    for username in ("admin", "registrar", "tracer", "liaison", "auditor"):
        assert _get(app_client, tokens[username], "/persons")["total"] == 3
        shared = _get(app_client, tokens[username], f"/persons/{two_parties['shared']}")
        assert {r["id"] for r in shared["records_detail"]} == {1, 3}
        assert len(_get(app_client, tokens[username], "/sources")) == 2


def test_the_scoped_page_counts_and_pages_like_the_whole(
    app_client: TestClient, tokens: dict[str, str], two_parties: dict[str, int]
) -> None:
    db = app_client.app.state.db  # type: ignore[attr-defined]
    assert access.count_persons(db, scope=EVERY_PARTY) == 3
    assert access.count_persons(db, scope=Scope("UA")) == 2
    first = access.page_persons(db, scope=Scope("UA"), limit=1)
    second = access.page_persons(db, scope=Scope("UA"), limit=1, offset=1)
    assert [v.id for v in first + second] == sorted([two_parties["shared"], two_parties["ua_only"]])
    assert access.page_persons(db, scope=Scope("XX")) == []

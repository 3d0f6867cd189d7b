"""/parties and /names: what `homecoming parties add` and `homecoming names` do, over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.names import DEFAULT_THRESHOLD


def _auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def test_parties_are_listed_and_added_once(app_client: TestClient, tokens: dict[str, str]) -> None:
    assert [
        p["code"] for p in app_client.get("/parties", headers=_auth(tokens, "auditor")).json()
    ] == [
        "RU",
        "UA",
    ]
    added = app_client.post(
        "/parties", json={"code": "BY", "name": "Belarus"}, headers=_auth(tokens, "registrar")
    )
    assert added.status_code == 201 and added.json() == {"code": "BY", "name": "Belarus"}
    again = app_client.post(
        "/parties", json={"code": "BY", "name": "Belarus"}, headers=_auth(tokens, "admin")
    )
    assert again.status_code == 201
    codes = [p["code"] for p in app_client.get("/parties", headers=_auth(tokens, "admin")).json()]
    assert codes == ["BY", "RU", "UA"]
    bad = app_client.post(
        "/parties", json={"code": "by!", "name": "x"}, headers=_auth(tokens, "admin")
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_names_compare_and_describe(app_client: TestClient, tokens: dict[str, str]) -> None:
    same = app_client.get(
        "/names/compare",
        params={"a": "Олександр Нехір", "b": "Alexander Nehir"},
        headers=_auth(tokens, "negotiator-ua"),
    ).json()
    assert same["match"] is True and same["score"] >= DEFAULT_THRESHOLD and same["explanation"]
    other = app_client.get(
        "/names/compare",
        params={"a": "Сергій Жадан", "b": "Сергій Жаданов"},
        headers=_auth(tokens, "tracer"),
    ).json()
    assert other["match"] is False
    described = app_client.get(
        "/names/variants", params={"name": "Олександр Нехір"}, headers=_auth(tokens, "liaison")
    ).json()
    assert described["family"] == ["Нехір"] and described["given"] == ["Олександр"]
    assert "Oleksandr" in described["variants"]["Олександр"] or any(
        "Oleksandr" in text for text in described["renderings"].values()
    )

"""The exchange routes over HTTP: upload, validation, need-to-know, parity refusal and override,
handovers, reconciliation."""

from __future__ import annotations

from fastapi.testclient import TestClient

from homecoming.store.db import Database

from ..exchange.world import build_registry

AGREEMENT = {
    "name": "2 for 2",
    "parties": ["UA", "RU"],
    "per_side": 2,
    "categories": {
        "soldiers": {"label": "soldiers", "total": 1, "category": "serviceman"},
        "civilians": {"label": "civilians", "total": 1, "category": "civilian"},
    },
    "stages": [{"number": 1, "day": "2025-05-23", "counts": {"soldiers": 1, "civilians": 1}}],
}
HEADER = "Прізвище,Ім'я,Дата народження,Категорія\n"
LISTS = {
    "RU": "Нехир,Александр,23.05.1987,військовослужбовець\nШевченко,Мария,03.03.1965,цивільний\n",
    "UA": "Ivanov,Sergei,01.03.1990,військовослужбовець\nSmirnova,Olga,07.07.1970,цивільний\n",
}


def _as(tokens: dict[str, str], user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[user]}"}


def test_an_exchange_over_http(
    app_client: TestClient, db: Database, tokens: dict[str, str]
) -> None:
    build_registry(db)
    admin, ua, ru = _as(tokens, "admin"), _as(tokens, "negotiator-ua"), _as(tokens, "negotiator-ru")
    created = app_client.post("/agreements", json=AGREEMENT, headers=ua)
    assert created.status_code == 201, created.text
    agreement = created.json()["id"]
    assert [c["code"] for c in created.json()["categories"]] == ["soldiers", "civilians"]

    versions = {}
    for party, body in LISTS.items():
        response = app_client.post(
            "/lists",
            headers=admin,
            data={"agreement_id": str(agreement), "party": party},
            files={"file": (f"{party}.csv", (HEADER + body).encode("utf-8"), "text/csv")},
        )
        assert response.status_code == 201, response.text
        versions[party] = response.json()["id"]
        validated = app_client.post(f"/lists/{versions[party]}/validate", headers=admin)
        assert validated.status_code == 200, validated.text
        assert all(line["cleared"] for line in validated.json()["lines"])

    # UA's negotiator sees RU's list as received, not its resolution against the registry.
    assert app_client.get(f"/lists/{versions['RU']}", headers=ua).status_code == 200
    assert app_client.get(f"/lists/{versions['RU']}/report", headers=ua).status_code == 403
    csv = app_client.get(f"/lists/{versions['UA']}/report?format=csv", headers=ua)
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("line,name")

    plan = app_client.post(f"/stages/{agreement}/plan", headers=admin)
    assert plan.status_code == 200, plan.text
    stage = plan.json()["stages"][0]
    assert stage["counts"] == {
        "UA": {"civilians": 1, "soldiers": 1},
        "RU": {"civilians": 1, "soldiers": 1},
    }
    soldier = next(
        m["person_id"]
        for m in stage["members"]
        if m["party"] == "UA" and m["category"] == "soldiers"
    )
    body = {"remove": [{"party": "UA", "person_id": soldier}], "reason": "kept back"}
    refused = app_client.post(f"/stages/{agreement}/1/changes", json=body, headers=ua)
    assert refused.status_code == 409 and "break the agreement" in refused.json()["detail"]
    assert (
        app_client.post(f"/stages/{agreement}/1/changes", json=body, headers=ru).status_code == 403
    )
    overridden = app_client.post(
        f"/stages/{agreement}/1/overrides",
        json=body | {"override_reason": "agreed by both delegations"},
        headers=admin,
    )
    assert overridden.status_code == 200, overridden.text
    assert overridden.json()["counts"]["UA"] == {"civilians": 1}

    civilian = next(
        m["person_id"]
        for m in stage["members"]
        if m["party"] == "RU" and m["category"] == "civilians"
    )
    handover = {
        "agreement_id": agreement,
        "stage": 1,
        "party": "RU",
        "person_id": civilian,
        "outcome": "delivered",
    }
    recorded = app_client.post("/handovers", json=handover, headers=_as(tokens, "registrar"))
    assert recorded.status_code == 201, recorded.text
    again = app_client.post("/handovers", json=handover, headers=ua)
    assert again.status_code == 409
    tally = app_client.get(f"/handovers/tally?agreement_id={agreement}&stage=1", headers=ua)
    assert tally.json()["counts"]["RU"] == {"civilians": {"delivered": 1}}
    person = app_client.get(f"/persons/{civilian}", headers=admin).json()
    assert person["status"] == "released"

    declared = app_client.post(
        "/handovers/declared-counts",
        json={
            "agreement_id": agreement,
            "stage": 1,
            "declared_by": "UA",
            "handing_party": "RU",
            "category": "civilians",
            "count": 2,
        },
        headers=ua,
    )
    assert declared.status_code == 201, declared.text
    result = app_client.get(f"/reconciliation/{agreement}", headers=_as(tokens, "auditor")).json()
    assert result["running"]["RU"] == "1 of 2: 0 of 1 soldiers, 1 of 1 civilians"
    line = next(x for x in result["lines"] if x["stage"] == 1 and x["category"] == "civilians")
    assert line["sides"][1]["declared"] == [{"by": "UA", "count": 2, "differs_by": 1}]
    export = app_client.get(f"/stages/{agreement}/1/export?party=RU&format=xlsx", headers=ru)
    assert export.status_code == 200 and export.content[:2] == b"PK"
    logged = app_client.get("/disclosures", headers=_as(tokens, "auditor")).json()
    (stage_list,) = [d for d in logged if d["kind"] == "stage_list"]
    assert stage_list["recipient"] == "the other party" and stage_list["items"] >= 1
    assert app_client.get(f"/stages/{agreement}/1/export?party=RU", headers=ua).status_code == 403
    other = app_client.get(f"/stages/{agreement}/1/export?party=XX", headers=ru)
    assert other.status_code == 422 and "not a side of agreement" in other.text

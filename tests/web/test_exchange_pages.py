"""Exchange pages over HTTP, on SQLite and PostgreSQL: findings, parity table, the handover
desk and its live tally, reconciliation, and a negotiator's need-to-know."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from homecoming.services import overview
from homecoming.services.handovers import substitute_of
from homecoming.services.overview import matching

from .conftest import log_in

EN = {"accept-language": "en"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_agreement_lists_and_running_totals(exchange_app: TestClient, exchange: int) -> None:
    log_in(exchange_app, "auditor")
    page = exchange_app.get(f"/ui/exchanges/{exchange}", headers=EN)
    assert page.status_code == 200
    assert "3 for 3" in page.text and "RU offer v1" in _text(page.text)
    assert "0 of 3: 0 of 2 soldiers, 0 of 1 civilians" in page.text
    assert exchange_app.get("/ui/exchanges", headers=EN).text.count("/ui/exchanges/") >= 1


def test_a_finding_is_decided_with_a_reason_over_htmx(
    exchange_app: TestClient, exchange: int
) -> None:
    token = log_in(exchange_app, "negotiator-ru")
    page = exchange_app.get("/ui/lists/2", headers=EN)
    finding = re.search(r'id="finding-(\d+)" class="finding blocking"', page.text)
    assert finding, "RU's list has a blocking finding to decide"
    fid = finding.group(1)
    url = f"/ui/lists/findings/{fid}/decision"
    empty = exchange_app.post(
        url,
        data={"csrf_token": token, "version_id": "2", "decision": "reject"},
        headers=EN | {"HX-Request": "true"},
    )
    assert empty.status_code == 422 and "say why" in empty.text
    done = exchange_app.post(
        url,
        data={"csrf_token": token, "version_id": "2", "decision": "accept", "reason": "seen"},
        headers=EN | {"HX-Request": "true"},
    )
    assert done.status_code == 200 and "<html" not in done.text
    assert f'id="finding-{fid}"' in done.text and 'data-decision="accept"' in done.text
    # UA's negotiator sees RU's list as received, never its validation, and cannot decide.
    exchange_app.cookies.clear()
    ua = log_in(exchange_app, "negotiator-ua")
    other = exchange_app.get("/ui/lists/2", headers=EN)
    assert "Entries as received" in other.text and "finding-" not in other.text
    refused = exchange_app.post(
        url, data={"csrf_token": ua, "version_id": "2", "decision": "reject", "reason": "x"}
    )
    assert refused.status_code == 403


def test_the_parity_table_turns_red_and_an_administrator_overrides(
    exchange_app: TestClient, exchange: int
) -> None:
    token = log_in(exchange_app, "admin")
    url = f"/ui/exchanges/{exchange}/stages/1"
    assert 'class="broken"' not in exchange_app.get(url).text
    soldier = re.search(r'value="UA:(\d+)"', exchange_app.get(url).text)
    assert soldier
    change = {"csrf_token": token, "remove": f"UA:{soldier.group(1)}", "reason": "kept back"}
    refused = exchange_app.post(f"{url}/changes", data=change, headers=EN)
    assert refused.status_code == 409 and "would break the agreement" in refused.text
    done = exchange_app.post(
        f"{url}/changes",
        data=change | {"override_reason": "agreed by both delegations"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = exchange_app.get(url, headers=EN)
    assert re.search(r'<tr class="broken" data-category="[a-z]+">', page.text)
    # A negotiator may not override.
    exchange_app.cookies.clear()
    ua = log_in(exchange_app, "negotiator-ua")
    forced = exchange_app.post(
        f"{url}/changes",
        data={"csrf_token": ua, "add_party": "UA", "add_person": "1", "override_reason": "x"},
    )
    assert forced.status_code == 403


def test_the_handover_desk_records_and_the_tally_follows(
    exchange_app: TestClient, exchange: int
) -> None:
    token = log_in(exchange_app, "registrar")
    base = f"/ui/exchanges/{exchange}/stages/1"
    # Stage 1 takes RU's oldest soldier (the same captivity, then age): Коваленко, born 1979.
    found = exchange_app.get(f"{base}/handovers/find", params={"party": "RU", "q": "Kovalenko"})
    person = re.search(r'name="person_id" value="(\d+)"', found.text)
    assert person and "Коваленко Пётр" in found.text  # Latin typed, Cyrillic listed
    before = exchange_app.get(f"{base}/tally").text
    assert re.search(r'data-crossed="RU-soldiers"><strong>0</strong> / 1', before)
    form = {"csrf_token": token, "party": "RU", "person_id": person.group(1)}
    done = exchange_app.post(
        f"{base}/handovers",
        data=form | {"outcome": "delivered"},
        headers=EN | {"HX-Request": "true"},
    )
    assert done.status_code == 200 and "Recorded:" in done.text
    assert re.search(r'data-crossed="RU-soldiers"><strong>1</strong> / 1', done.text)
    assert 'id="tally"' in done.text and 'hx-swap-oob="true"' in done.text
    again = exchange_app.post(
        f"{base}/handovers", data=form | {"outcome": "delivered"}, headers={"HX-Request": "true"}
    )
    assert again.status_code == 409 and "already recorded" in again.text
    declined = exchange_app.post(
        f"{base}/handovers", data=form | {"outcome": "declined", "correct": "1"}, headers=EN
    )
    assert declined.status_code == 422 and "needs its evidence" in declined.text
    plain = exchange_app.post(
        f"{base}/handovers",
        data=form | {"outcome": "not_delivered", "correct": "1"},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and "recorded=" in plain.headers["location"]
    after = exchange_app.get(f"{base}/tally").text
    assert re.search(r'data-crossed="RU-soldiers"><strong>0</strong> / 1', after)
    recon = exchange_app.get(f"/ui/exchanges/{exchange}/reconciliation", headers=EN)
    assert "Not delivered" in recon.text and "Коваленко Пётр" in recon.text


def test_an_auditor_sees_the_desk_but_cannot_record(
    exchange_app: TestClient, exchange: int
) -> None:
    token = log_in(exchange_app, "auditor")
    desk = exchange_app.get(f"/ui/exchanges/{exchange}/stages/1/handovers?party=UA")
    assert desk.status_code == 200 and 'name="outcome"' not in desk.text
    refused = exchange_app.post(
        f"/ui/exchanges/{exchange}/stages/1/handovers",
        data={"csrf_token": token, "party": "UA", "person_id": "1", "outcome": "delivered"},
    )
    assert refused.status_code == 403


def test_a_declared_count_shows_its_difference(exchange_app: TestClient, exchange: int) -> None:
    token = log_in(exchange_app, "admin")
    done = exchange_app.post(
        f"/ui/exchanges/{exchange}/declared-counts",
        data={
            "csrf_token": token,
            "stage": "1",
            "declared_by": "UA",
            "handing_party": "RU",
            "category": "civilians",
            "count": "2",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = exchange_app.get(done.headers["location"], headers=EN)
    assert "UA says 2" in page.text and "(+2)" in page.text


ROSTER = [
    overview.RosterEntry("RU", 1, "Нехир Александр", "soldiers", "1987-05-23", "А-1234", None),
    overview.RosterEntry("RU", 2, "Коваленко Пётр", "soldiers", "1979-02-11", "", "delivered"),
    overview.RosterEntry("RU", 3, "Шевченко Мария", "civilians", "1965-03-03", "BT 55", None),
]


def test_the_desk_finds_people_by_either_alphabet_or_service_number() -> None:
    assert [r.person_id for r in matching(ROSTER, "Nekhir")] == [1]
    assert [r.person_id for r in matching(ROSTER, "Нехір Ал")] == [1]  # Ukrainian і, Russian и
    assert [r.person_id for r in matching(ROSTER, "a1234")] == [1]  # Cyrillic А, no dash
    assert [r.person_id for r in matching(ROSTER, "")] == [1, 3]  # nobody recorded yet
    assert matching(ROSTER, "Petrenko") == []


@given(st.text(max_size=30))
def test_the_desk_never_offers_someone_outside_the_stage(q: str) -> None:
    found = matching(ROSTER, q)
    assert all(r in ROSTER for r in found)
    assert [r.outcome is not None for r in found] == sorted(r.outcome is not None for r in found)


def test_a_substitute_is_read_from_the_note() -> None:
    who = substitute_of("Мельник Василь Петрович, 1992-10-10")
    assert (who.family_name, who.given_names, who.patronymic) == ("Мельник", "Василь", "Петрович")
    assert who.date_of_birth.iso() == "1992-10-10"


LIST_HEADER = "Прізвище,Ім'я,Дата народження,Категорія\n"


def _list_file(body: str, name: str = "ru-offer.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, (LIST_HEADER + body).encode(), "text/csv")}


def _versions(client: TestClient, exchange: int) -> list[str]:
    page = client.get(f"/ui/exchanges/{exchange}", headers=EN)
    return re.findall(r"(?:RU|UA) (?:offer|request) v\d+", _text(page.text))


def test_a_received_list_is_imported_from_the_agreement_page(
    exchange_app: TestClient, exchange: int
) -> None:
    """The form lands the file as the party's next version; a file with a bad row lands
    nothing and shows the row by line, with what was chosen kept."""
    token = log_in(exchange_app, "negotiator-ru")
    page = exchange_app.get(f"/ui/exchanges/{exchange}", headers=EN)
    assert "Import a list as received" in page.text
    before = _versions(exchange_app, exchange)
    url = f"/ui/exchanges/{exchange}/lists"
    form = {"csrf_token": token, "party": "RU", "direction": "offer", "received_from": "ICRC"}
    bad = exchange_app.post(
        url,
        data=form,
        files=_list_file(
            "Петренко,Іван,01.01.1980,військовослужбовець\nКоваль,Петро,31.02.1981,\n"
        ),
        headers=EN,
        follow_redirects=False,
    )
    assert bad.status_code == 422
    text = _text(bad.text)
    assert "not imported" in text and " 3 " in text  # the bad row by its line in the file
    assert 'value="ICRC"' in bad.text and _versions(exchange_app, exchange) == before
    done = exchange_app.post(
        url,
        data=form,
        files=_list_file("Петренко,Іван,01.01.1980,військовослужбовець\n"),
        headers=EN,
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/ui/lists/")
    version = exchange_app.get(done.headers["location"], headers=EN)
    assert "Петренко" in version.text
    after = _versions(exchange_app, exchange)
    assert len(after) == len(before) + 1 and "RU offer v2" in after
    again = exchange_app.post(
        url,
        data=form,
        files=_list_file("Петренко,Іван,01.01.1980,військовослужбовець\n"),
        headers=EN,
    )
    assert again.status_code == 409 and _versions(exchange_app, exchange) == after
    empty = exchange_app.post(url, data=form, headers=EN)
    assert empty.status_code == 422 and "file (CSV or XLSX) to import" in empty.text


def test_a_reader_gets_no_import_form_and_cannot_post_one(
    exchange_app: TestClient, exchange: int
) -> None:
    token = log_in(exchange_app, "auditor")
    page = exchange_app.get(f"/ui/exchanges/{exchange}", headers=EN)
    assert page.status_code == 200 and "Import a list as received" not in page.text
    refused = exchange_app.post(
        f"/ui/exchanges/{exchange}/lists",
        data={"csrf_token": token, "party": "RU", "direction": "offer"},
        files=_list_file("Петренко,Іван,01.01.1980,військовослужбовець\n"),
        headers=EN,
    )
    assert refused.status_code == 403

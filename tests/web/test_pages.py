"""Every page over HTTP, on SQLite and PostgreSQL: who may open it, CSRF, scope, import."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.domain.roles import Role
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.web import page_routes, refuse_unguarded_pages

from ..api.conftest import ACCOUNTS
from .conftest import form_token, log_in

EVERYONE = frozenset(Role)
IMPORTERS = frozenset({Role.ADMINISTRATOR, Role.REGISTRAR})
AUDITORS = frozenset({Role.ADMINISTRATOR, Role.AUDITOR})
EXCHANGE_READERS = frozenset(
    {Role.ADMINISTRATOR, Role.REGISTRAR, Role.NEGOTIATOR, Role.TRACING_OFFICER, Role.AUDITOR}
)
REVIEWERS = frozenset({Role.ADMINISTRATOR, Role.REGISTRAR, Role.AUDITOR})
TRACING_READERS = frozenset(
    {Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON, Role.AUDITOR}
)
REMAINS_READERS = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.FORENSIC_EXPERT,
        Role.TRACING_OFFICER,
        Role.FAMILY_LIAISON,
        Role.AUDITOR,
    }
)
TRACING_WRITERS = frozenset({Role.ADMINISTRATOR, Role.TRACING_OFFICER, Role.FAMILY_LIAISON})
ERASERS = frozenset({Role.ADMINISTRATOR, Role.FAMILY_LIAISON})
# GET pages: (route path, url to open, roles that may open it[, status they get: 200 unless
# said]). Written out independently of domain/roles.py; a page missing here fails
# test_the_table_names_every_page. Pages of one thing get an id that does not exist: 404.
PAGES: list[tuple[str, str, frozenset[Role]] | tuple[str, str, frozenset[Role], int]] = [
    ("/ui/", "/ui/", EVERYONE),
    ("/ui/search", "/ui/search?q=Нехір", EVERYONE),
    ("/ui/search/results", "/ui/search/results?q=Нехір", EVERYONE),
    ("/ui/persons/{person_id}", "/ui/persons/{ua}", EVERYONE),
    ("/ui/sources", "/ui/sources", EVERYONE),
    ("/ui/import", "/ui/import", IMPORTERS),
    ("/ui/audit", "/ui/audit", AUDITORS),
    ("/ui/audit/verify", "/ui/audit/verify", AUDITORS),
    ("/ui/exchanges", "/ui/exchanges", EXCHANGE_READERS),
    ("/ui/exchanges/{agreement_id}", "/ui/exchanges/99", EXCHANGE_READERS, 404),
    ("/ui/lists/{version_id}", "/ui/lists/99", EXCHANGE_READERS, 404),
    ("/ui/lists/{version_id}/diff/{other_id}", "/ui/lists/98/diff/99", EXCHANGE_READERS, 404),
    (
        "/ui/exchanges/{agreement_id}/stages/{number}",
        "/ui/exchanges/99/stages/1",
        EXCHANGE_READERS,
        404,
    ),
    (
        "/ui/exchanges/{agreement_id}/stages/{number}/handovers",
        "/ui/exchanges/99/stages/1/handovers",
        EXCHANGE_READERS,
        404,
    ),
    (
        "/ui/exchanges/{agreement_id}/stages/{number}/handovers/find",
        "/ui/exchanges/99/stages/1/handovers/find?q=x",
        EXCHANGE_READERS,
        404,
    ),
    (
        "/ui/exchanges/{agreement_id}/stages/{number}/tally",
        "/ui/exchanges/99/stages/1/tally",
        EXCHANGE_READERS,
        404,
    ),
    (
        "/ui/exchanges/{agreement_id}/reconciliation",
        "/ui/exchanges/99/reconciliation",
        EXCHANGE_READERS,
        404,
    ),
    (
        "/ui/exchanges/{agreement_id}/stages/{number}/crossing",
        "/ui/exchanges/99/stages/1/crossing",
        EXCHANGE_READERS,
        404,
    ),
    (
        "/ui/exchanges/{agreement_id}/stages/{number}/day",
        "/ui/exchanges/99/stages/1/day",
        TRACING_READERS,
        404,
    ),
    ("/ui/review", "/ui/review", REVIEWERS),
    ("/ui/review/{pair_id}", "/ui/review/99", REVIEWERS, 404),
    ("/ui/inquiries", "/ui/inquiries", TRACING_READERS),
    ("/ui/inquiries/new", "/ui/inquiries/new", TRACING_WRITERS),
    ("/ui/inquiries/{inquiry_id}", "/ui/inquiries/HC-2026-000099", TRACING_READERS, 404),
    ("/ui/leads", "/ui/leads", TRACING_READERS),
    ("/ui/leads/{lead_id}", "/ui/leads/99", TRACING_READERS, 404),
    ("/ui/gallery", "/ui/gallery?unit=36", TRACING_READERS),
    ("/ui/gallery/photos/{photo_id}", "/ui/gallery/photos/99", TRACING_READERS, 404),
    ("/ui/notifications", "/ui/notifications", TRACING_READERS),
    ("/ui/cases", "/ui/cases", TRACING_READERS),
    ("/ui/cases/{inquiry_id}", "/ui/cases/99", TRACING_READERS, 404),
    ("/ui/inquiries/{inquiry_id}/erase", "/ui/inquiries/HC-2026-000099/erase", ERASERS, 404),
    ("/ui/disclosures", "/ui/disclosures", AUDITORS),
    ("/ui/access-review", "/ui/access-review?since=2026-01-01", AUDITORS),
    ("/ui/remains", "/ui/remains", REMAINS_READERS),
    ("/ui/remains/cases/{case}", "/ui/remains/cases/RC-2025-000099", REMAINS_READERS, 404),
]
# POST pages and the public ones are exercised by the tests below.
OTHER_ROUTES = {
    ("GET", "/ui/login"),
    ("POST", "/ui/login"),
    ("POST", "/ui/logout"),
    ("GET", "/ui/lang"),
    ("GET", "/family"),
    ("POST", "/family"),
    ("GET", "/family/case"),
    ("POST", "/family/leave"),
    ("POST", "/family/contacts"),
    ("POST", "/family/consent"),
    ("GET", "/family/lang"),
    ("GET", "/family/sw.js"),
    ("POST", "/family/push"),
    ("POST", "/family/push/{subscription_id}/remove"),
    ("POST", "/ui/import/preview"),
    ("POST", "/ui/import/confirm"),
    ("POST", "/ui/exchanges/{agreement_id}/lists"),
    ("POST", "/ui/lists/{version_id}/validate"),
    ("POST", "/ui/lists/findings/{finding_id}/decision"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/changes"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/handovers"),
    ("POST", "/ui/exchanges/{agreement_id}/declared-counts"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/crossing/unlisted"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/crossing/taken-back"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/crossing/sent-back"),
    ("POST", "/ui/persons/{person_id}/wounded/referral"),
    ("POST", "/ui/persons/{person_id}/wounded/examination"),
    ("POST", "/ui/persons/{person_id}/wounded/consent"),
    ("POST", "/ui/persons/{person_id}/wounded/repatriation"),
    ("POST", "/ui/review/{pair_id}/decision"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/day/verify"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/day/approve"),
    ("POST", "/ui/exchanges/{agreement_id}/stages/{number}/day/phoned-home/{notification_id}"),
    ("POST", "/ui/inquiries"),
    ("POST", "/ui/inquiries/{inquiry_id}/contacts"),
    ("POST", "/ui/inquiries/{inquiry_id}/photos"),
    ("POST", "/ui/inquiries/{inquiry_id}/erase"),
    ("POST", "/ui/leads/{lead_id}/decision"),
    ("POST", "/ui/gallery/testimonies"),
    ("POST", "/ui/gallery/answers"),
    ("POST", "/ui/notifications/{notification_id}/approve"),
    ("POST", "/ui/notifications/{notification_id}/cancel"),
    ("POST", "/ui/cases/{inquiry_id}/owner"),
    ("POST", "/ui/cases/{inquiry_id}/handover"),
    ("POST", "/ui/cases/{inquiry_id}/follow-up"),
    ("POST", "/ui/cases/{inquiry_id}/contacts"),
    ("POST", "/ui/remains/cases/{case}/steps/{step_id}/confirm"),
}
BAD_CSV = "Прізвище,Ім'я,Дата народження\nШевченко,Тарас,09.03.1984\nТарасов,Петро,31.02.1990\n"
GOOD_CSV = "Прізвище,Ім'я,Дата народження\nШевченко,Тарас,09.03.1984\nТарасов,Петро,28.02.1990\n"


def test_the_table_names_every_page() -> None:
    found = {(method, route.path) for route in page_routes() for method in route.methods or ()}
    assert found == {("GET", page[0]) for page in PAGES} | OTHER_ROUTES


def test_pages_stay_out_of_the_openapi_document() -> None:
    paths = create_app(Settings(environment="test", database_url="sqlite://")).openapi()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith("/ui")]


def test_a_page_without_a_capability_stops_the_app() -> None:
    router = APIRouter(prefix="/ui")

    @router.get("/forgotten")
    def forgotten() -> str:
        return ""

    with pytest.raises(RuntimeError, match="/ui/forgotten"):
        refuse_unguarded_pages([*page_routes(), *router.routes])


def test_every_page_by_role(web_app: TestClient, seeded: dict[str, int]) -> None:
    """Anonymous: to the login page; allowed roles: 200; the others: a 403 page."""
    wrong = []
    for path, url, *_ in PAGES:
        anonymous = web_app.get(url.format(**seeded), follow_redirects=False)
        if anonymous.status_code != 303 or "/ui/login?next=/ui/" not in anonymous.headers.get(
            "location", ""
        ):
            wrong.append(("anonymous", path, anonymous.status_code, 303))
    for username, role, party in ACCOUNTS:  # one login per account, every page
        web_app.cookies.clear()
        log_in(web_app, username)
        for path, url, allowed, *found in PAGES:
            page = web_app.get(url.format(**seeded), follow_redirects=False)
            expected = (found[0] if found else 200) if role in allowed else 403
            if path == "/ui/persons/{person_id}" and party == "RU":
                expected = 404  # UA's record: another party's negotiator does not see it
            if page.status_code != expected or "text/html" not in page.headers["content-type"]:
                wrong.append((username, path, page.status_code, expected))
    assert not wrong, wrong


def test_pages_send_strict_headers(web_app: TestClient) -> None:
    log_in(web_app, "admin")
    page = web_app.get("/ui/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text  # no inline script: everything is a local file
    assert "https://" not in re.sub(r"<!--.*?-->", "", page.text)


def test_a_denied_page_says_why(web_app: TestClient) -> None:
    log_in(web_app, "tracer")
    page = web_app.get("/ui/audit")
    assert page.status_code == 403
    assert "tracing_officer may not use this page (audit.verify)" in page.text


def test_an_unknown_person_is_a_friendly_404(web_app: TestClient) -> None:
    log_in(web_app, "admin")
    page = web_app.get("/ui/persons/999999", headers={"accept-language": "en"})
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text and "no person 999999" in page.text


def test_the_api_still_answers_problem_details(web_app: TestClient) -> None:
    answer = web_app.get("/persons")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


def test_logout_needs_the_sessions_csrf_token(web_app: TestClient) -> None:
    token = log_in(web_app, "registrar")
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": token + "x"}):
        refused = web_app.post("/ui/logout", data=data, follow_redirects=False)
        assert refused.status_code == 403, data
        assert web_app.get("/ui/", follow_redirects=False).status_code == 200
    done = web_app.post("/ui/logout", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert web_app.get("/ui/", follow_redirects=False).status_code == 303


def test_htmx_requests_may_send_the_token_as_a_header(web_app: TestClient) -> None:
    token = log_in(web_app, "registrar")
    done = web_app.post(
        "/ui/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"}, follow_redirects=False
    )
    assert done.status_code == 303


def test_an_import_without_the_token_is_refused(web_app: TestClient) -> None:
    log_in(web_app, "registrar")
    refused = web_app.post(
        "/ui/import/preview",
        data={"kind": "party_list"},
        files={"file": ("list.csv", GOOD_CSV.encode(), "text/csv")},
    )
    assert refused.status_code == 403


def test_login_needs_the_login_forms_token(web_app: TestClient) -> None:
    web_app.get("/ui/login")
    refused = web_app.post(
        "/ui/login",
        data={"username": "admin", "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    page = web_app.get("/ui/login")
    cross = web_app.post(
        "/ui/login",
        data={"username": "admin", "password": "x" * 12, "csrf_token": form_token(page.text)},
        headers={"sec-fetch-site": "cross-site"},
        follow_redirects=False,
    )
    assert cross.status_code == 403


def test_a_wrong_password_shows_the_form_again(web_app: TestClient) -> None:
    page = web_app.get("/ui/login", headers={"accept-language": "en"})
    answer = web_app.post(
        "/ui/login",
        data={
            "username": "admin",
            "password": "wrong password!",
            "csrf_token": form_token(page.text),
        },
        headers={"accept-language": "en"},
    )
    assert answer.status_code == 401
    assert "Wrong username or password." in answer.text
    assert "homecoming_session" not in answer.cookies


def test_login_returns_to_the_page_asked_for_never_elsewhere(web_app: TestClient) -> None:
    for asked, landed in (("/ui/sources", "/ui/sources"), ("https://evil.example/", "/ui/")):
        web_app.cookies.clear()
        page = web_app.get("/ui/login")
        answer = web_app.post(
            "/ui/login",
            data={
                "username": "admin",
                "password": "correct horse battery staple",
                "csrf_token": form_token(page.text),
                "next": asked,
            },
            follow_redirects=False,
        )
        assert answer.headers["location"] == landed


def test_search_finds_latin_from_cyrillic_with_reasons(
    web_app: TestClient, seeded: dict[str, int]
) -> None:
    log_in(web_app, "tracer")
    results = web_app.get(
        "/ui/search/results", params={"q": "Олександр Нехір"}, headers={"accept-language": "en"}
    )
    assert f'href="/ui/persons/{seeded["ua"]}"' in results.text
    assert "Nekhir Oleksandr" in results.text
    assert "How the names were compared" in results.text
    assert results.headers["HX-Replace-Url"].startswith("/ui/search?q=")
    ukrainian = web_app.get(
        "/ui/search/results", params={"q": "Олександр Нехір"}, headers={"accept-language": "uk"}
    )
    # the match model's reasons, comparison and level both translated
    assert "ім’я: усі частини однакові або в іншій транслітерації" in ukrainian.text


def test_a_negotiator_searches_only_their_partys_records(
    web_app: TestClient, seeded: dict[str, int]
) -> None:
    log_in(web_app, "negotiator-ru")
    results = web_app.get("/ui/search/results", params={"q": "Олександр Нехір"})
    assert f"/ui/persons/{seeded['ua']}" not in results.text
    dashboard = web_app.get("/ui/")
    assert re.search(r'data-count="records">1<', dashboard.text)
    assert "UA list" not in dashboard.text


def test_the_person_page_shows_status_timeline_and_records(
    web_app: TestClient, seeded: dict[str, int]
) -> None:
    log_in(web_app, "auditor")
    page = web_app.get(f"/ui/persons/{seeded['ua']}", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "Timeline of evidence" in page.text and "UA list" in page.text
    assert 'class="status status-captured"' in page.text


def _upload(client: TestClient, token: str, text: str, name: str = "list.csv") -> str:
    answer = client.post(
        "/ui/import/preview",
        data={"csrf_token": token, "kind": "party_list", "party": "UA"},
        files={"file": (name, text.encode(), "text/csv")},
        headers={"accept-language": "en"},
    )
    return answer.text


def _confirm_fields(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.update(
        re.findall(
            r'<select id="(field_\d+)"[^>]*>(?:(?!</select>).)*?value="([^"]+)" selected',
            html,
            flags=re.S,
        )
    )
    return {k: v.replace("&#39;", "'") for k, v in fields.items()} | {
        "kind": "party_list",
        "party": "UA",
    }


def test_an_import_with_a_bad_row_shows_it_and_writes_nothing(
    web_app: TestClient, db: Database
) -> None:
    token = log_in(web_app, "registrar")
    preview = _upload(web_app, token, BAD_CSV)
    assert "Rows with errors" in preview
    assert '<td class="num">3</td><td>Дата народження</td>' in preview
    assert 'id="confirm" disabled' in preview
    forced = web_app.post("/ui/import/confirm", data=_confirm_fields(preview))
    assert forced.status_code == 422
    web_app.get("/ui/sources")
    assert "list.csv" not in web_app.get("/ui/sources").text


def test_a_good_import_lands_and_a_second_copy_is_refused(web_app: TestClient) -> None:
    token = log_in(web_app, "registrar")
    preview = _upload(web_app, token, GOOD_CSV)
    assert "Rows with errors" not in preview
    assert "Import 2 records" in preview
    done = web_app.post("/ui/import/confirm", data=_confirm_fields(preview), follow_redirects=False)
    assert done.status_code == 303
    landed = web_app.get(done.headers["location"], headers={"accept-language": "en"})
    assert "Imported 2 records as source" in landed.text
    again = _upload(web_app, token, GOOD_CSV)
    refused = web_app.post(
        "/ui/import/confirm", data=_confirm_fields(again), headers={"accept-language": "en"}
    )
    assert refused.status_code == 409
    assert "was already imported" in refused.text and 'name="force"' in refused.text


def test_a_changed_mapping_is_read_again(web_app: TestClient) -> None:
    token = log_in(web_app, "admin")
    preview = _upload(web_app, token, "Прізвище,Позивний\nШевченко,Кобзар\n")
    assert 'class="unknown"' in preview  # "Позивний" is no known header: flagged, left out
    fields = _confirm_fields(preview) | {"field_1": "notes"}
    again = web_app.post("/ui/import/preview", data=fields, headers={"accept-language": "en"})
    assert 'class="unknown"' not in again.text
    assert "Import 1 record" in again.text


def test_someone_elses_upload_cannot_be_imported(web_app: TestClient) -> None:
    token = log_in(web_app, "registrar")
    fields = _confirm_fields(_upload(web_app, token, GOOD_CSV))
    web_app.cookies.clear()
    fields["csrf_token"] = log_in(web_app, "admin")
    taken = web_app.post("/ui/import/confirm", data=fields)
    assert taken.status_code == 404


def test_the_audit_page_lists_entries_and_verifies_the_chain(web_app: TestClient) -> None:
    log_in(web_app, "auditor")
    page = web_app.get("/ui/audit")
    assert "source.imported" in page.text and "auth.login" in page.text
    verdict = web_app.get("/ui/audit/verify", headers={"HX-Request": "true"})
    assert 'data-chain="ok"' in verdict.text and "<html" not in verdict.text


@pytest.mark.parametrize(
    ("accept", "cookie", "language"),
    [
        ("", None, "uk"),
        ("en-US,en;q=0.9", None, "en"),
        ("ru-RU,ru;q=0.9,en;q=0.8", None, "en"),
        ("uk-UA,uk;q=0.9,en;q=0.8", None, "uk"),
        ("en-US,en;q=0.9", "uk", "uk"),
        ("uk", "en", "en"),
    ],
)
def test_the_login_page_follows_the_browser_until_a_language_is_picked(
    web_app: TestClient, accept: str, cookie: str | None, language: str
) -> None:
    if cookie:
        web_app.cookies.set("lang", cookie)
    page = web_app.get("/ui/login", headers={"accept-language": accept} if accept else {})
    assert page.headers["content-language"] == language
    assert f'<html lang="{language}">' in page.text
    assert ("Увійти" in page.text) is (language == "uk")


def test_the_language_switch_sets_a_cookie_and_goes_back_locally(web_app: TestClient) -> None:
    switched = web_app.get("/ui/lang?to=en&next=/ui/login", follow_redirects=False)
    assert switched.headers["location"] == "/ui/login"
    assert "lang=en" in switched.headers["set-cookie"]
    for hostile in ("//evil.example/ui/", "https://evil.example", "/ui/../../x"):
        away = web_app.get("/ui/lang", params={"to": "en", "next": hostile}, follow_redirects=False)
        assert away.headers["location"] == "/ui/", hostile


def test_a_mapping_that_reads_no_name_is_refused(web_app: TestClient) -> None:
    token = log_in(web_app, "admin")
    fields = _confirm_fields(_upload(web_app, token, GOOD_CSV)) | {"field_0": "ignore"}
    fields |= {"field_1": "notes"}
    refused = web_app.post("/ui/import/confirm", data=fields)
    assert refused.status_code == 422
    assert "no column is read as a name" in refused.text
    assert "list.csv" not in web_app.get("/ui/sources").text


def test_other_errors_on_pages_are_pages_too(web_app: TestClient) -> None:
    log_in(web_app, "admin")
    for url, status in (
        ("/ui/no-such-page", 404),
        ("/ui/persons/not-a-number", 422),
        ("/ui/persons/99999999999999999999", 422),
    ):
        page = web_app.get(url, headers={"accept-language": "en"})
        assert page.status_code == status, url
        assert page.headers["content-type"].startswith("text/html"), url
        assert "<h1>" in page.text and 'class="alert"' in page.text, url
    assert web_app.get("/no-such-route").headers["content-type"] == "application/problem+json"

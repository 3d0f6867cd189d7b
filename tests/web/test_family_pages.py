"""The family page over HTTP, on SQLite and PostgreSQL: the code opens the case, a wrong code
reads exactly like an unknown reference, wrong codes are paused with 429, the page speaks
uk/en/ru and shows nothing but the family's own case; the UI shows the code once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from homecoming.app import create_app
from homecoming.domain.dates import PartialDate
from homecoming.domain.record import Contact, RecordFields
from homecoming.services import family, inquiries, registry, users
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.tracing.inquiry import SharingScope
from homecoming.web.catalogue import extract, read

from .conftest import form_token, log_in
from .test_tracing_pages import INQUIRY

TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*(")')


def _register(db: Database, settings: Settings, family_name: str = "Нехір") -> tuple[str, str]:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    code, code_hash = family.new_code_and_hash(users.password_hasher(settings))
    request = inquiries.InquiryRequest(
        sought=RecordFields(
            family_name=family_name, given_names="Олександр", date_of_birth=PartialDate(1987)
        ),
        inquirer=Contact(name="Марія", email="maria@example.org"),
        consent=False,
        party="UA",
    )
    found = inquiries.register(db, request=request, actor="liaison", family_code_hash=code_hash)
    return found.reference, code


def _client(settings: Settings, address: str = "10.0.0.1", language: str = "uk") -> TestClient:
    client = TestClient(create_app(settings), client=(address, 50000))
    client.headers["accept-language"] = language
    return client


def _post(client: TestClient, reference: str, code: str) -> object:
    token = form_token(client.get("/family").text)
    return client.post(
        "/family",
        data={"reference": reference, "code": code, "csrf_token": token},
        follow_redirects=False,
    )


def test_the_right_code_opens_the_case_page(db: Database, web_settings: Settings) -> None:
    reference, code = _register(db, web_settings)
    _register(db, web_settings, "Бондар")  # someone else's case
    client = _client(web_settings)
    form = client.get("/family")
    assert form.status_code == 200 and 'name="reference"' in form.text
    assert form.headers["content-language"] == "uk" and "Номер справи" in form.text
    answer = _post(client, reference, code)
    assert answer.status_code == 303 and answer.headers["location"] == "/family/case"  # type: ignore[attr-defined]
    page = client.get("/family/case")
    assert page.status_code == 200 and reference in page.text
    assert "Ваше звернення зареєстровано" in page.text and 'data-status="registered"' in page.text
    assert "Нехір Олександр" in page.text
    for other in ("Бондар", "maria@example.org", "liaison", "harm"):
        assert other not in page.text
    assert page.headers["cache-control"] == "no-store"
    # Closing it on a shared computer ends the visit.
    left = client.post(
        "/family/leave", data={"csrf_token": form_token(page.text)}, follow_redirects=False
    )
    assert left.status_code == 303 and left.headers["location"] == "/family"
    assert client.get("/family/case", follow_redirects=False).status_code == 303


def test_the_page_speaks_russian_and_english(db: Database, web_settings: Settings) -> None:
    reference, code = _register(db, web_settings)
    for language, words in (
        ("ru", "Ваше обращение зарегистрировано"),
        ("en", "Your inquiry is registered"),
    ):
        client = _client(web_settings, language=language)
        _post(client, reference, code)
        page = client.get("/family/case")
        assert page.headers["content-language"] == language and words in page.text
    picked = _client(web_settings, language="en")
    switched = picked.get("/family/lang?to=ru&next=/family", follow_redirects=True)
    assert switched.headers["content-language"] == "ru" and "Номер дела" in switched.text
    assert "Русский" not in picked.get("/ui/login").text  # the staff pages stay uk/en


def test_a_wrong_code_reads_exactly_like_an_unknown_reference(
    db: Database, web_settings: Settings
) -> None:
    reference, code = _register(db, web_settings)
    unknown = f"{reference[:-6]}000999"
    answers = []
    for n, (given_reference, given_code) in enumerate(
        ((reference, "AAAA-BBBB-CCCC"), (unknown, code))
    ):
        client = _client(web_settings, address=f"10.0.1.{n}")
        answer = _post(client, given_reference, given_code)
        body = TOKEN.sub(r"\1\2", answer.text.replace(given_reference, "REF"))  # type: ignore[attr-defined]
        answers.append((answer.status_code, sorted(answer.headers.keys()), body))  # type: ignore[attr-defined]
    assert answers[0] == answers[1]
    assert answers[0][0] == 401 and 'data-error="not_found"' in answers[0][2]


def test_ten_wrong_codes_are_paused_with_429(db: Database, web_settings: Settings) -> None:
    reference, code = _register(db, web_settings)
    per_case = web_settings.family_max_failures
    for n in range(per_case):  # from ever new addresses: the case itself is protected
        assert (
            _post(_client(web_settings, address=f"10.1.0.{n}"), reference, "X").status_code == 401
        )  # type: ignore[attr-defined]
    paused = _post(_client(web_settings, address="10.1.1.1"), reference, code)
    assert paused.status_code == 429 and int(paused.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    assert 'data-error="throttled"' in paused.text  # type: ignore[attr-defined]
    one = _client(web_settings, address="10.2.0.1")
    per_address = web_settings.family_max_failures_per_address
    assert per_address == 10
    for n in range(per_address):  # ten guesses at ten references from one address
        assert _post(one, f"HC-2026-{500 + n:06d}", "X").status_code == 401  # type: ignore[attr-defined]
    assert _post(one, "HC-2026-000777", "X").status_code == 429  # type: ignore[attr-defined]


def test_a_form_from_elsewhere_is_refused(db: Database, web_settings: Settings) -> None:
    reference, code = _register(db, web_settings)
    client = _client(web_settings)
    answer = client.post(
        "/family", data={"reference": reference, "code": code}, follow_redirects=False
    )
    assert answer.status_code == 403 and "family_visit" not in answer.headers.get("set-cookie", "")
    client.cookies.set("family_visit", "1.1.9999999999.forged")
    forged = client.get("/family/case", follow_redirects=False)
    assert forged.status_code == 303


def test_a_new_code_ends_the_visit(db: Database, web_settings: Settings) -> None:
    reference, code = _register(db, web_settings)
    client = _client(web_settings)
    _post(client, reference, code)
    assert client.get("/family/case").status_code == 200
    family.issue_code(
        db, inquiry=reference, hasher=users.password_hasher(web_settings), actor="liaison"
    )
    assert client.get("/family/case", follow_redirects=False).headers["location"] == "/family"


def test_the_ui_shows_the_code_once_with_its_letter(
    web_app: TestClient, db: Database, web_settings: Settings
) -> None:
    token = log_in(web_app, "tracer")
    answer = web_app.post(
        "/ui/inquiries", data=INQUIRY | {"csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    case = web_app.get(answer.headers["location"])
    code = re.search(r"data-family-code>([A-Z0-9-]{14})<", case.text)
    reference = re.search(r"data-reference>(HC-\d{4}-\d{6})<", case.text)
    assert code and reference and "data-letter" in case.text and "Код доступу" in case.text
    again = web_app.get(answer.headers["location"])
    assert "data-family-code" not in again.text and code.group(1) not in again.text
    family_client = _client(web_settings)
    assert _post(family_client, reference.group(1), code.group(1)).status_code == 303  # type: ignore[attr-defined]


def test_the_family_changes_contacts_and_withdraws_consent(
    db: Database, web_settings: Settings
) -> None:
    registry.ensure_party(db, code="UA", name="Україна", actor="admin")
    code, code_hash = family.new_code_and_hash(users.password_hasher(web_settings))
    request = inquiries.InquiryRequest(
        sought=RecordFields(family_name="Нехір", given_names="Олександр"),
        inquirer=Contact(name="Марія", phone="+380501234567"),
        consent=True,
        scope=SharingScope.ICRC,
        party="UA",
    )
    found = inquiries.register(db, request=request, actor="liaison", family_code_hash=code_hash)
    client = _client(web_settings)
    _post(client, found.reference, code)
    page = client.get("/family/case")
    assert 'data-consent="given"' in page.text and "+380501234567" not in page.text
    token = form_token(page.text)
    forged = client.post("/family/consent", data={"csrf_token": "x"}, follow_redirects=False)
    assert forged.status_code == 303 and inquiries.show(db, found.id).consent  # nothing changed
    client.cookies.clear()
    _post(client, found.reference, code)
    token = form_token(client.get("/family/case").text)
    bad = client.post("/family/contacts", data={"csrf_token": token, "email": "no"})
    assert bad.status_code == 422
    done = client.post("/family/contacts", data={"csrf_token": token, "phone": "+380 67 000 11 22"})
    assert done.status_code == 200 and 'data-done="contacts"' in done.text
    assert "+380 67 000 11 22" not in done.text  # never shown back
    withdrawn = client.post("/family/consent", data={"csrf_token": token})
    assert 'data-consent="withdrawn"' in withdrawn.text
    assert inquiries.show(db, found.id).effective_scope == "bureau"


def test_every_message_of_the_family_page_is_in_ukrainian_and_russian() -> None:
    used = {m.id for m in extract() if m.id and any("family" in path for path, _ in m.locations)}
    assert len(used) > 30
    for language in ("uk", "ru"):
        catalogue = read(language)
        missing = [i for i in used if not (m := catalogue.get(i)) or not m.string]
        assert not missing, (language, missing)

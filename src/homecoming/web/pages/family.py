"""The family page (/family): no account, a case reference and the family access code.

It shows the family what `services.family.case_for_family` gives and nothing else, in
Ukrainian, English or Russian. A wrong code and an unknown reference get the same page, the
same status and the same wait; too many attempts answer 429. Being let in is a signed cookie
of this path (the case, the code it came with, until when): a new code ends it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from homecoming.errors import InvalidInput, TooManyRequests, Unauthorized
from homecoming.http.deps import DatabaseDep, SettingsDep
from homecoming.http.routing import Router
from homecoming.services import family, push, users
from homecoming.settings import Settings
from homecoming.store.db import Database
from homecoming.tracing.templates import DEFAULT_OFFICE
from homecoming.web.i18n import FAMILY_LANGUAGES, Translator, choose
from homecoming.web.labels import N_
from homecoming.web.security import new_login_token
from homecoming.web.templating import _ENV, PAGE_HEADERS, static_url

router = Router(prefix="/family", include_in_schema=False)
PATH = "/family"
VISIT_COOKIE = "family_visit"
LANG_COOKIE = "family_lang"
CSRF_COOKIE = "family_csrf"
LANG_COOKIE_AGE = 365 * 24 * 3600
# What the family is shown: a deceased case never shows as such (see case_for_family).
FAMILY_STATUSES = {
    "registered": N_("Your inquiry is registered"),
    "information_added": N_("Information has been added to your case"),
    "confirmed_captivity": N_("Confirmed in captivity"),
    "released": N_("Returned from captivity"),
    "withdrawn": N_("The inquiry is closed at your request"),
}


def _language(request: Request) -> str:
    return choose(
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language", ""),
        FAMILY_LANGUAGES,
    )


def _page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    words = Translator(_language(request))
    html = _ENV.get_template(template).render(
        request=request,
        lang=words.language,
        languages=FAMILY_LANGUAGES,
        t=words,
        _=words.gettext,
        ngettext=words.ngettext,
        static=static_url,
        here=request.url.path,
        statuses=FAMILY_STATUSES,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Language"] = words.language
    return response


def _form(
    request: Request, *, reference: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    token = new_login_token()
    response = _page(
        request,
        "family_form.html",
        status=status,
        reference=reference,
        error=error,
        form_token=token,
    )
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=3600,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("")
def family_page(request: Request) -> HTMLResponse:
    """The form: the case reference and the family access code."""
    return _form(request)


@router.post("")
async def open_family_case(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    reference: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Let the family in with reference and code, or refuse alike whatever was wrong."""
    reference, code = reference[:100], code[:100]
    if not _form_is_ours(request, csrf_token):
        return _form(request, reference=reference, error="expired", status=403)
    client = request.client.host if request.client else "unknown"
    try:
        visit = await run_in_threadpool(  # Argon2 is slow on purpose: off the event loop
            lambda: family.open_case(
                db,
                reference=reference,
                code=code,
                client=client,
                hasher=users.password_hasher(settings),
                policy=family.FamilyPolicy.of(settings),
            )
        )
    except TooManyRequests as paused:
        response = _form(request, reference=reference, error="throttled", status=429)
        response.headers.update(paused.headers)
        return response
    except Unauthorized:
        return _form(request, reference=reference, error="not_found", status=401)
    answer = RedirectResponse(f"{PATH}/case", status_code=303)
    age = settings.family_visit_seconds
    answer.set_cookie(
        VISIT_COOKIE,
        _visit_cookie(settings.secret_key, visit, age),
        max_age=age,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    answer.delete_cookie(CSRF_COOKIE, path=PATH)
    return answer


def _form_is_ours(request: Request, given: str) -> bool:
    """The form came from this page (its token equals its cookie's), not from another site."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    expected = request.cookies.get(CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@router.get("/case")
def family_case(request: Request, db: DatabaseDep, settings: SettingsDep) -> Response:
    """The case as its family sees it; back to the form when the visit has ended."""
    visit = _visit(request, db, settings)
    if visit is None:
        return _leave(RedirectResponse(PATH, status_code=303))
    return _case_page(request, db, settings, visit)


def _case_page(
    request: Request,
    db: Database,
    settings: Settings,
    visit: family.FamilyVisit,
    *,
    error: InvalidInput | None = None,
    status: int = 200,
) -> HTMLResponse:
    from homecoming.web.pages import family_push

    case = family.case_for_family(db, visit.inquiry_id)
    language = _language(request)
    done = request.query_params.get("done", "")
    return _page(
        request,
        "family_case.html",
        status=status,
        case=case,
        office=DEFAULT_OFFICE[language],
        contact=family.office_contact(settings),
        leave_token=_leave_token(settings.secret_key, request.cookies.get(VISIT_COOKIE, "")),
        done=done if done in ("contacts", "consent", "push", "push_removed") else "",
        error=error,
        push_key=family_push.push_key(settings),
        subscriptions=push.subscriptions(db, visit.inquiry_id),
    )


@router.post("/contacts")
def change_contacts(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The family's new phone, e-mail or address (what they leave blank is kept)."""
    visit = _posting_visit(request, db, settings, csrf_token)
    if visit is None:
        return _leave(RedirectResponse(PATH, status_code=303))
    client = request.client.host if request.client else "unknown"
    try:
        family.update_contacts(
            db,
            inquiry_id=visit.inquiry_id,
            client=client,
            phone=phone[:2000],
            email=email[:2000],
            address=address[:2000],
        )
    except InvalidInput as refused:
        return _case_page(request, db, settings, visit, error=refused, status=422)
    return RedirectResponse(f"{PATH}/case?done=contacts", status_code=303)


@router.post("/consent")
def take_back_consent(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """The family withdraws its consent: the report stays with the bureau."""
    visit = _posting_visit(request, db, settings, csrf_token)
    if visit is None:
        return _leave(RedirectResponse(PATH, status_code=303))
    client = request.client.host if request.client else "unknown"
    family.withdraw_consent(db, inquiry_id=visit.inquiry_id, client=client)
    return RedirectResponse(f"{PATH}/case?done=consent", status_code=303)


def _posting_visit(
    request: Request, db: Database, settings: Settings, token: str
) -> family.FamilyVisit | None:
    """The visit behind a form of the case page, when the form carries the visit's token."""
    cookie = request.cookies.get(VISIT_COOKIE, "")
    if not cookie or not hmac.compare_digest(token, _leave_token(settings.secret_key, cookie)):
        return None
    return _visit(request, db, settings)


@router.post("/leave")
def leave(
    request: Request,
    settings: SettingsDep,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Close the page on this device (a shared computer)."""
    cookie = request.cookies.get(VISIT_COOKIE, "")
    if cookie and hmac.compare_digest(csrf_token, _leave_token(settings.secret_key, cookie)):
        return _leave(RedirectResponse(PATH, status_code=303))
    return RedirectResponse(f"{PATH}/case", status_code=303)


@router.get("/lang")
def pick_language(
    request: Request,
    to: str = "uk",
    next: str = PATH,
) -> Response:
    """Remember the language picked and go back to the family page."""
    target = next if next in (PATH, f"{PATH}/case") else PATH
    response = RedirectResponse(target, status_code=303)
    if to in FAMILY_LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            to,
            max_age=LANG_COOKIE_AGE,
            path=PATH,
            samesite="lax",
            secure=request.url.scheme == "https",
            httponly=True,
        )
    return response


def _leave(response: Response) -> Response:
    response.delete_cookie(VISIT_COOKIE, path=PATH)
    return response


# --- the visit cookie ------------------------------------------------------------------------


def _mac(key: str, purpose: str, value: str) -> str:
    digest = hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _visit_cookie(key: str, visit: family.FamilyVisit, age: int) -> str:
    until = int(dt.datetime.now(dt.UTC).timestamp()) + age
    value = f"{visit.inquiry_id}.{visit.access_id}.{until}"
    return f"{value}.{_mac(key, 'family-visit', value)}"


def _leave_token(key: str, cookie: str) -> str:
    return _mac(key, "family-leave", cookie)


def _visit(request: Request, db: Database, settings: Settings) -> family.FamilyVisit | None:
    """The visit this browser holds, while its signature, its time and its code hold."""
    value, _, mac = request.cookies.get(VISIT_COOKIE, "").rpartition(".")
    if not value or not hmac.compare_digest(mac, _mac(settings.secret_key, "family-visit", value)):
        return None
    try:
        inquiry_id, access_id, until = (int(part) for part in value.split("."))
    except ValueError:
        return None
    if until < dt.datetime.now(dt.UTC).timestamp():
        return None
    visit = family.FamilyVisit(inquiry_id, access_id)
    return visit if family.visit_is_current(db, visit) else None

"""Rendering pages: one Jinja2 environment, the page's language, and the headers every page gets."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from homecoming.services.users import Principal
from homecoming.settings import Settings
from homecoming.web import labels
from homecoming.web.i18n import LANG_COOKIE, LANGUAGES, Translator, choose
from homecoming.web.nav import entries_for
from homecoming.web.security import page_csrf

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_PREFIX = "/ui/static"

# Scripts and styles come only from our own static files: no inline script, no CDN.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages hold personal data: no copies in shared caches
    "Vary": "Accept-Language, Cookie",
}

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def static_url(name: str) -> str:
    """A static file's URL with its content hash, so browsers never keep a stale copy."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"{STATIC_PREFIX}/{name}?v={digest}"


def language_of(request: Request) -> str:
    """The language this request's page is shown in."""
    return choose(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language", ""))


def translator(request: Request) -> Translator:
    """The translator for this request's language."""
    return Translator(language_of(request))


def render(
    request: Request,
    template: str,
    *,
    user: Principal | None,
    status: int = 200,
    active: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render a template as a page (or an htmx fragment) in the request's language."""
    settings: Settings = request.app.state.settings
    words = translator(request)
    html = _ENV.get_template(template).render(
        request=request,
        user=user,
        nav=entries_for(user.role) if user else [],
        active=active,
        csrf=page_csrf(request, settings.secret_key),
        lang=words.language,
        languages=LANGUAGES,
        t=words,
        _=words.gettext,
        ngettext=words.ngettext,
        labels=labels,
        static=static_url,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers.update(PAGE_HEADERS)
    response.headers["Content-Language"] = words.language
    return response

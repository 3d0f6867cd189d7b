"""Session and CSRF cookies: signed with the secret key (HMAC-SHA256), set with strict flags.

The session cookie carries a random secret (its digest is the server-side session) and an
HMAC over it, so a forged or edited cookie is refused before any database read, and a new
secret key ends every session. The CSRF token is an HMAC of the session secret: a
double-submit value that an attacker cannot plant for someone else's session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from fastapi import Request, Response

from homecoming.errors import Forbidden

SESSION_COOKIE = "homecoming_session"
CSRF_COOKIE = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _mac(key: str, purpose: str, value: str) -> str:
    digest = hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _same(given: str, expected: str) -> bool:
    # Bytes, because compare_digest refuses str with non-ASCII letters (a hostile header).
    return hmac.compare_digest(given.encode(), expected.encode())


def session_cookie(key: str, secret: str) -> str:
    """The cookie value for a session secret: the secret and its signature."""
    return f"{secret}.{_mac(key, 'session', secret)}"


def session_secret(key: str, cookie: str) -> str | None:
    """The session secret in a cookie, or None when the signature does not hold."""
    secret, _, signature = cookie.rpartition(".")
    if not secret or not _same(signature, _mac(key, "session", secret)):
        return None
    return secret


def csrf_token(key: str, secret: str) -> str:
    """The CSRF token that belongs to a session."""
    return _mac(key, "csrf", secret)


def check_csrf(request: Request, key: str, secret: str) -> None:
    """Refuse an unsafe cookie-authenticated request without the matching CSRF header."""
    expected = csrf_token(key, secret)
    header = request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not (_same(header, expected) and _same(cookie, expected)):
        raise Forbidden(
            f"CSRF check failed: send the {CSRF_HEADER} header with the value of the "
            f"{CSRF_COOKIE!r} cookie (or use an API token)"
        )


def set_cookies(response: Response, request: Request, *, key: str, secret: str, age: int) -> str:
    """Set the session and CSRF cookies; returns the CSRF token."""
    secure = request.url.scheme == "https"
    token = csrf_token(key, secret)
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie(key, secret),
        max_age=age,
        httponly=True,
        secure=secure,
        samesite="strict",
    )
    # Readable by the page's script, which echoes it in the header.
    response.set_cookie(
        CSRF_COOKIE, token, max_age=age, httponly=False, secure=secure, samesite="strict"
    )
    return token


def clear_cookies(response: Response, request: Request) -> None:
    """Remove both cookies from the browser."""
    secure = request.url.scheme == "https"
    for name, httponly in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, httponly=httponly, secure=secure, samesite="strict")

"""Signing out a user who has been idle, without a database write on every request.

Each response to a signed-in user carries a signed, time-stamped activity cookie bound to their session.
A request whose cookie is missing, forged, from another session or older than the idle limit signs the
user out. Page views therefore never write the session table: under a running import on SQLite a read
could otherwise fail on the session save (Django's SessionInterrupted) although it changed nothing.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

ACTIVITY_COOKIE = "tessera_active"
_SALT = "tessera.accounts.idle"


def session_fingerprint(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()[:32]


def activity_cookie_value(session_key: str | None) -> str:
    """The signed value the activity cookie carries for this session now (tests use it too)."""
    return signing.get_cookie_signer(salt=ACTIVITY_COOKIE + _SALT).sign(session_fingerprint(session_key))


def was_active_recently(request: HttpRequest) -> bool:
    value = request.get_signed_cookie(
        ACTIVITY_COOKIE, default=None, salt=_SALT, max_age=settings.SESSION_IDLE_SECONDS
    )
    return value is not None and value == session_fingerprint(request.session.session_key)


def mark_active(request: HttpRequest, response: HttpResponse) -> None:
    response.set_signed_cookie(
        ACTIVITY_COOKIE,
        session_fingerprint(request.session.session_key),
        salt=_SALT,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )

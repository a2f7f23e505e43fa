"""Sign-in, sign-out and failed sign-in are security events and go into the access log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from tessera.audit.log import record_access
from tessera.audit.models import AuditAction


@receiver(user_logged_in)
def log_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_access(actor=user, action=AuditAction.SIGN_IN, request=request, details={"step": "password"})


@receiver(user_logged_out)
def log_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_access(actor=user, action=AuditAction.SIGN_OUT, request=request)


@receiver(user_login_failed)
def log_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record_access(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        details={"username": str(credentials.get("username", ""))[:150]},
    )

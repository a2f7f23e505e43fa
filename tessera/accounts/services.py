"""Account changes a user makes to themselves. Every one is logged."""

from __future__ import annotations

import uuid

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction


@transaction.atomic
def sign_out_everywhere(user: User, request: HttpRequest) -> None:
    """End every session the user has, on every device, including this one."""
    User.objects.filter(pk=user.pk).update(security_stamp=uuid.uuid4())
    record_access(
        actor=user,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={"event": "signed out everywhere"},
    )


@transaction.atomic
def change_password(user: User, new_password: str, request: HttpRequest) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Other sessions end (their hash no longer matches); this one carries on.
    update_session_auth_hash(request, user)
    record_access(
        actor=user,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={"event": "password changed"},
    )


@transaction.atomic
def set_first_password(user: User, new_password: str, request: HttpRequest) -> None:
    """The person's own first password, from their emailed link (which this makes unusable)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_access(
        actor=user,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={"event": "password set from the emailed link"},
    )


@transaction.atomic
def confirm_second_factor(user: User, device: TOTPDevice, request: HttpRequest) -> None:
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_access(
        actor=user,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={"event": "authenticator app set up"},
    )


def record_second_factor(user: User, request: HttpRequest, *, success: bool) -> None:
    record_access(
        actor=user,
        action=AuditAction.SIGN_IN if success else AuditAction.SIGN_IN_FAILED,
        request=request,
        details={"step": "security code"},
    )

"""Signing in with a username and password, and finding the signed-in user on each request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.models import User


class UserBackend(ModelBackend):
    """Django's model backend, loading with the user what every signed-in request asks of it next.

    The user's agency (the access policy's scope reads its kind and every access-log row names it) and
    the id of their confirmed authenticator device (``confirmed_device_id``, which the second-factor
    middleware compares with the session's) come in the same query as the user (ADR 0023).
    """

    def get_user(self, user_id: Any) -> User | None:
        confirmed = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True).order_by("pk")
        try:
            user = (
                User._default_manager.select_related("agency")
                .annotate(confirmed_device_id=Subquery(confirmed.values("pk")[:1]))
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

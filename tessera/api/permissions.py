"""The API's default permission. Kept apart from the views because REST framework imports it from settings."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from tessera.accounts.second_factor import is_verified


class SignedInWithSecondFactor(permissions.BasePermission):
    message = "Sign in with your password and security code first."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and is_verified(user))

"""Every signed-in page needs the second factor: until the code is checked, only sign-in pages answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.idle import mark_active, was_active_recently
from tessera.accounts.second_factor import is_verified

# Pages a user who has given their password but not yet their code may reach.
_OPEN_URL_NAMES = {
    "accounts:sign_in",
    "accounts:verify_code",
    "accounts:set_up_code",
    "accounts:sign_out",
}


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: set[str] | None = None

    def _paths(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in _OPEN_URL_NAMES}
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and request.path not in self._paths()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Enter your security code to use the API."}, status=403)
            return redirect("accounts:verify_code")
        return self.get_response(request)


class IdleSignOutMiddleware:
    """Sign out a user who made no request for the idle limit; keep an active user's cookie fresh."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not was_active_recently(request):
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Your session has ended. Sign in again."}, status=403)
            minutes = settings.SESSION_IDLE_SECONDS // 60
            messages.info(request, f"You were signed out because Tessera was not used for {minutes} minutes.")
            return redirect(f"{reverse('accounts:sign_in')}?{urlencode({'next': request.get_full_path()})}")
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            mark_active(request, response)
        return response


class SecondFactorMiddleware(OTPMiddleware):  # type: ignore[misc]  # django-otp has no type hints
    """django-otp's middleware, without its device query when the user came with their device's id.

    ``UserBackend`` reads, with the user, the id of their confirmed authenticator device. When the session
    names that device, it exists, is the user's and is confirmed, exactly what django-otp checks after
    loading it, so the user is verified without a second query; the device row itself is read only if
    something asks for it. Any other case (no such id, another device) takes django-otp's own path.
    """

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        known = getattr(user, "confirmed_device_id", None)
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if known is None or not persistent_id:
            return super()._verify_user_sync(request, user)
        if self._normalize_persistent_id(persistent_id) != f"{TOTPDevice.model_label()}/{known}":
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        user.otp_device = SimpleLazyObject(lambda: TOTPDevice.objects.get(pk=known))
        return user

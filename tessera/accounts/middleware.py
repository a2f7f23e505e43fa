"""Every signed-in page needs the second factor: until the code is checked, only sign-in pages answer."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

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

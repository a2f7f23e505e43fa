"""Sign-in with password then security code, first-time authenticator set-up, sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts import services
from tessera.accounts.forms import ChangePasswordForm, CodeForm, SignInForm
from tessera.accounts.models import User
from tessera.accounts.second_factor import (
    base32_secret,
    check_code,
    confirmed_device,
    is_verified,
    pending_device,
    qr_code_data_uri,
)

_NEXT_KEY = "tessera_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return None


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_verified(request.user):
        return redirect("web:home")
    form = SignInForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.user is None:  # form.is_valid() guarantees a user; keep mypy and readers sure
            raise RuntimeError("Sign-in form validated without a user")
        next_url = _safe_next(request, request.POST.get("next"))
        login(request, form.user)
        if next_url:
            request.session[_NEXT_KEY] = next_url
        if confirmed_device(form.user) is None:
            return redirect("accounts:set_up_code")
        return redirect("accounts:verify_code")
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@login_not_required
def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


def _second_factor_given(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified under a new session id, so an id seen before the code is worth nothing."""
    otp_login(request, device)
    request.session.cycle_key()


def _after_second_factor(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.session.pop(_NEXT_KEY, None))
    return redirect(next_url or "web:home")


@login_required
def verify_code(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if is_verified(user):
        return redirect("web:home")
    device = confirmed_device(user)
    if device is None:
        return redirect("accounts:set_up_code")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = check_code(
            device,
            form.cleaned_data["code"],
            wrong_message="The security code is not correct or has expired. Enter the newest code from your app",
        )
        services.record_second_factor(user, request, success=result.accepted)
        if result.accepted:
            _second_factor_given(request, device)
            return _after_second_factor(request)
        form.add_error("code", result.problem)
    return render(request, "accounts/verify_code.html", {"form": form})


@login_required
def set_up_code(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if confirmed_device(user) is not None:
        return redirect("web:home" if is_verified(user) else "accounts:verify_code")
    device = pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = check_code(
            device,
            form.cleaned_data["code"],
            wrong_message="The security code is not correct. Check the app shows Tessera and enter its newest code",
        )
        if result.accepted:
            services.confirm_second_factor(user, device, request)
            _second_factor_given(request, device)
            messages.success(
                request,
                "Your authenticator app is set up. You will need a code from it each time you sign in.",
            )
            return _after_second_factor(request)
        form.add_error("code", result.problem)
    return render(
        request,
        "accounts/set_up_code.html",
        {"form": form, "qr_code": qr_code_data_uri(device), "secret": base32_secret(device)},
    )


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sign_out_everywhere(request.user, request)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, "You have signed out on every device.")
    return redirect("accounts:sign_in")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(user, form.cleaned_data["new_password"], request)
        messages.success(
            request,
            "Your password has been changed. You are still signed in here; other sessions have ended.",
        )
        return redirect("accounts:account")
    memberships = user.memberships.select_related("team__district", "team__agency").order_by("team__name")
    return render(request, "accounts/account.html", {"form": form, "memberships": memberships})

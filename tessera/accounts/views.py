"""Sign-in with password then security code, first-time authenticator set-up, sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts import grants, services
from tessera.accounts.forms import (
    AccessDecisionForm,
    ChangePasswordForm,
    CodeForm,
    SetPasswordForm,
    SignInForm,
)
from tessera.accounts.models import User
from tessera.accounts.password_link import user_from_link
from tessera.accounts.roles import Role
from tessera.accounts.second_factor import (
    base32_secret,
    check_code,
    confirmed_device,
    is_verified,
    pending_device,
    qr_code_data_uri,
)
from tessera.accounts.signed_in import signed_in

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
    user = signed_in(request)
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
    user = signed_in(request)
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
    user = signed_in(request)
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


@login_not_required
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A new user sets their own password from the link emailed to them; the link then stops working."""
    user = user_from_link(uidb64, token)
    if user is None:
        return render(request, "accounts/set_password_expired.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_first_password(user, form.cleaned_data["new_password"], request)
        messages.success(request, "Your password is set. Sign in, then set up your authenticator app.")
        return redirect("accounts:sign_in")
    return render(request, "accounts/set_password.html", {"form": form, "account": user})


def _supervisor(request: HttpRequest) -> User:
    user = signed_in(request)
    if not user.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Only supervisors approve access")
    return user


def access_requests(request: HttpRequest) -> HttpResponse:
    """Roles and teams an administrator asked for people of the supervisor's agency: the second key."""
    supervisor = _supervisor(request)
    return render(
        request, "accounts/access_requests.html", {"requests": grants.requests_to_approve(supervisor)}
    )


def access_request(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = _supervisor(request)
    item = next((r for r in grants.requests_to_approve(supervisor) if r.pk == pk), None)
    if item is None:
        raise Http404("No access request waiting for you")
    form = AccessDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = grants.approve if form.cleaned_data["decision"] == "approve" else grants.decline
        try:
            decide(supervisor, item, note=form.cleaned_data["note"], request=request)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            verb = "approved" if decide is grants.approve else "declined"
            messages.success(request, f"Access for {item.user} {verb}.")
            return redirect("accounts:access_requests")
    return render(request, "accounts/access_request.html", {"item": item, "form": form})

"""System administration: users, organisation and the audit chain. No case data is shown here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tessera.accounts.models import AccessRequest, RoleGrant, TeamMembership, User
from tessera.accounts.password_link import send_set_password_link
from tessera.administration import services
from tessera.administration.forms import DistrictForm, EditUserForm, NewUserForm
from tessera.audit.keys import AuditKeyMissingError
from tessera.audit.selectors import latest_rows
from tessera.audit.verify import verify_stored_chain
from tessera.audit.versioning import StaleVersionError, history_of
from tessera.core.models import District, Team


def user_list(request: HttpRequest) -> HttpResponse:
    services.require_administrator(request.user)
    users = (
        User.objects.select_related("agency")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("username")
    )
    return render(request, "administration/user_list.html", {"users": users})


def user_create(request: HttpRequest) -> HttpResponse:
    services.require_administrator(request.user)
    form = NewUserForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        user, change = services.create_user(request.user, data=form.cleaned_data, request=request)  # type: ignore[arg-type]
        messages.success(
            request,
            f"Account {user.username} created. A link to set their password has been sent to {user.email}."
            + _waiting_words(change),
        )
        return redirect("administration:user_edit", pk=user.pk)
    return render(request, "administration/user_form.html", {"form": form, "creating": True})


def _waiting_words(change: services.AccessChange) -> str:
    if change.requested is None:
        return ""
    return (
        f" {', '.join(change.requested.role_labels) or 'The teams'} will take effect when a supervisor of "
        "their agency approves them."
    )


def _initial(user: User) -> dict[str, object]:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "agency": user.agency_id,
        "roles": list(user.role_grants.values_list("role", flat=True)),
        "teams": list(user.memberships.values_list("team_id", flat=True)),
        "is_active": user.is_active,
        "version": user.version,
    }


def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_administrator(request.user)
    user = get_object_or_404(User.objects.select_related("agency"), pk=pk)
    stale_message = ""
    if request.method == "POST":
        form = EditUserForm(request.POST)
        if form.is_valid():
            try:
                _, change = services.update_user(
                    request.user,  # type: ignore[arg-type]
                    user,
                    expected_version=form.cleaned_data["version"],
                    data=form.cleaned_data,
                    request=request,
                )
            except (PermissionDenied, ValueError) as refused:
                form.add_error("roles", str(refused))
            except StaleVersionError as stale:
                # Keep everything typed; move the form onto the current version so a deliberate re-save works.
                stale_message = stale.message
                data = request.POST.copy()
                data["version"] = str(stale.current_version)
                form = EditUserForm(data)
                form.is_valid()
            else:
                messages.success(request, f"Changes to {user.username} saved." + _waiting_words(change))
                return redirect("administration:user_edit", pk=user.pk)
    else:
        form = EditUserForm(initial=_initial(user))
    return render(
        request,
        "administration/user_form.html",
        {
            "form": form,
            "account": user,
            "stale_message": stale_message,
            "page_has_errors": bool(stale_message),
            "history": history_of(user),
            "own_account": user.pk == request.user.pk,
            "requests": user.access_requests.select_related("requested_by", "decided_by").prefetch_related(
                "teams"
            ),
            "may_send_link": not user.has_usable_password(),
        },
    )


@require_POST
def user_send_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_administrator(request.user)
    user = get_object_or_404(User, pk=pk)
    try:
        send_set_password_link(request.user, user, request=request)  # type: ignore[arg-type]
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"A new link to set their password has been sent to {user.email}.")
    return redirect("administration:user_edit", pk=user.pk)


def access_requests(request: HttpRequest) -> HttpResponse:
    """Every role grant asked for and what became of it: who asked, who approved or declined, when."""
    services.require_administrator(request.user)
    requests = AccessRequest.objects.select_related(
        "user__agency", "requested_by", "decided_by"
    ).prefetch_related("teams")[:500]
    return render(request, "administration/access_requests.html", {"requests": requests})


@require_POST
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_administrator(request.user)
    user = get_object_or_404(User, pk=pk)
    services.reset_second_factor(request.user, user, request=request)  # type: ignore[arg-type]
    messages.success(request, f"{user.username} will set up a new authenticator app at their next sign-in.")
    return redirect("administration:user_edit", pk=user.pk)


def organisation(request: HttpRequest) -> HttpResponse:
    services.require_administrator(request.user)
    form = DistrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = services.add_district(request.user, request=request, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, f"District {district.name} added.")
        return redirect("administration:organisation")
    districts = District.objects.annotate(team_count=Count("teams")).order_by("name")
    teams = (
        Team.objects.select_related("agency", "district")
        .annotate(members=Count("memberships"))
        .order_by("district__name", "name")
    )
    return render(
        request, "administration/organisation.html", {"form": form, "districts": districts, "teams": teams}
    )


def audit(request: HttpRequest) -> HttpResponse:
    services.require_administrator(request.user)
    # The page only reads: the worker seals, and verification here checks what is sealed so far.
    try:
        report = verify_stored_chain(seal_first=False)
    except AuditKeyMissingError as error:
        return render(request, "administration/audit.html", {"key_missing": str(error), "latest": []})
    latest = latest_rows(limit=20)
    memberships = TeamMembership.objects.count()
    return render(
        request,
        "administration/audit.html",
        {
            "problem": report.problem,
            "count": report.sealed,
            "unsealed": report.unsealed,
            "checkpoint": report.checkpoint,
            "latest": latest,
            "memberships": memberships,
        },
    )

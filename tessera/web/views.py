from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.access.emergency import target_for_path
from tessera.access.reads import log_list
from tessera.access.scope import scope_of
from tessera.accounts.signed_in import signed_in
from tessera.web.home import home_for
from tessera.web.navigation import SECTION_TITLES, hub_pages


def home(request: HttpRequest) -> HttpResponse:
    page = home_for(signed_in(request))
    shown = page.records_shown()
    if shown:
        # Records viewed lately, my actions and my concerns name children: one row with the ids shown.
        log_list(
            request.user, request, list_name="home", target_type="", ids=shown, people=page.people_named()
        )
    return render(request, "web/home.html", {"page": page})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for missing records and records the user may not see alike, with the emergency route where it applies."""
    user = getattr(request, "user", None)
    offer_emergency = bool(
        user is not None
        and user.is_authenticated
        and scope_of(user).may_break_glass
        and target_for_path(request.path) is not None
    )
    return render(
        request, "web/404.html", {"offer_emergency": offer_emergency, "path": request.path}, status=404
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You do not have permission to do that."
    return render(request, "web/403.html", {"message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)


def section_hub(request: HttpRequest, section: str) -> HttpResponse:
    """A section's pages, for a section with more than one (risk, records, oversight)."""
    pages = hub_pages(scope_of(request.user), section)
    if not pages:
        raise PermissionDenied("None of this section's pages are open to your role")
    return render(request, "web/section_hub.html", {"title": SECTION_TITLES[section], "pages": pages})

"""The district team's network alerts, one alert with the paths that explain it, and closing it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tessera.access.policy import Action, can
from tessera.access.scope import scope_of
from tessera.earlywarning import selectors, services
from tessera.earlywarning.forms import CloseAlertForm
from tessera.earlywarning.rules import is_district_team
from tessera.ui.errors import add_service_errors


def alert_list(request: HttpRequest) -> HttpResponse:
    if not is_district_team(scope_of(request.user)):
        raise PermissionDenied("Network alerts are for the district teams of the children they are about")
    alerts = selectors.open_alerts(request.user, request)
    return render(request, "earlywarning/alert_list.html", {"alerts": alerts})


def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form = CloseAlertForm(request.POST or None)
    found_since = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.close_alert(
                request.user,
                pk,
                reason=form.cleaned_data["reason"],
                paths_seen=form.paths_shown(),
                request=request,
            )
        except services.FoundSinceOpenedError as error:
            found_since = error.messages[0]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Network alert closed. Only a suspect or group not told of before will raise a new one.",
            )
            return redirect("earlywarning:alerts")
    page = selectors.alert_page(request.user, pk, via=request)
    already_closed = ""
    if form.is_bound and page.alert.closed_at is not None:
        # Closed before this was sent (by someone else, or a second press): nothing to close, and no
        # form on the page to show errors against.
        already_closed = services.already_closed(page.alert.closed_at)
        form = CloseAlertForm()
    elif found_since:
        # What was typed is kept; the count is the page's now.
        form = CloseAlertForm(
            initial={"reason": request.POST.get("reason", ""), "paths_seen": len(page.paths)}
        )
    elif not form.is_bound:
        form = CloseAlertForm(initial={"paths_seen": len(page.paths)})
    return render(
        request,
        "earlywarning/alert_detail.html",
        {
            "page": page,
            "form": form,
            "already_closed": already_closed,
            "found_since": found_since,
            "may_close": page.alert.closed_at is None
            and page.alert.on_queue
            and can(request.user, Action.CLOSE, page.alert),
            "shows_grades": scope_of(request.user).sees_police_intelligence,
        },
    )

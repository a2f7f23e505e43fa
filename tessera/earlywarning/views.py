"""The district team's network alerts and one alert with the path that explains it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.access.scope import scope_of
from tessera.earlywarning import selectors
from tessera.earlywarning.rules import is_district_team


def alert_list(request: HttpRequest) -> HttpResponse:
    if not is_district_team(scope_of(request.user)):
        raise PermissionDenied("Network alerts are for the district teams of the children they are about")
    alerts = selectors.open_alerts(request.user, request)
    return render(request, "earlywarning/alert_list.html", {"alerts": alerts})


def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.alert_page(request.user, pk, via=request)
    return render(
        request,
        "earlywarning/alert_detail.html",
        {"page": page, "shows_grades": scope_of(request.user).sees_police_intelligence},
    )

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tessera.access.reads import log_search
from tessera.access.scope import scope_of
from tessera.access.services import may_restrict, restriction_on
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.people.forms import PersonSearchForm
from tessera.people.link_chart import layout
from tessera.people.rules import may_search_people
from tessera.people.search import search_people
from tessera.people.selectors import links_of, open_person_with_grant


def person_search(request: HttpRequest) -> HttpResponse:
    if not may_search_people(scope_of(request.user)):
        raise PermissionDenied("Your role does not search for people")
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    outcome = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"]
        with transaction.atomic():
            outcome = search_people(request.user, text)
            # What was asked, and the ids (never the names) of the people shown, so each of them finds
            # this search in "who has looked at this record".
            log_search(
                request.user,
                request,
                people_shown=[result.person.pk for result in outcome.results],
                details={
                    "query": text,
                    "understood": outcome.query.terms(),
                    "results": len(outcome.results),
                },
            )
    return render(request, "people/person_search.html", {"form": form, "outcome": outcome})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person, grant = open_person_with_grant(request.user, pk, via=request)
    if person.merged_into_id:
        return redirect("people:person_detail", pk=person.merged_into_id)
    links = links_of(request.user, person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "identities": person.identities.all(),
            "links": links,
            "chart": layout(person.full_name or "This person", links),
            "grant": grant,
            "may_see_viewers": bool(scope_of(request.user).roles & CASEWORK_ROLES),
            "restriction": restriction_on(person),
            "may_restrict": may_restrict(request.user),
            # Only police intelligence carries a grade, and only these users are shown it (links_of).
            "shows_grades": scope_of(request.user).sees_police_intelligence,
        },
    )

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tessera.access.reads import log_search
from tessera.access.scope import scope_of
from tessera.access.services import may_restrict
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.people.forms import PersonSearchForm
from tessera.people.identifiers import spaced_registration
from tessera.people.link_chart import layout
from tessera.people.person_page import open_person_page
from tessera.people.rules import may_search_people
from tessera.people.search import search_people
from tessera.people.thing_search import find_things
from tessera.people.things import ThingPage, open_account, open_phone, open_place, open_vehicle


def person_search(request: HttpRequest) -> HttpResponse:
    if not may_search_people(scope_of(request.user)):
        raise PermissionDenied("Your role does not search for people")
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    outcome = None
    things = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"]
        with transaction.atomic():
            outcome = search_people(request.user, text)
            things = find_things(request.user, outcome.query)
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
                    "things": things.count,
                },
                also_shown=things.shown(),
            )
    return render(request, "people/person_search.html", {"form": form, "outcome": outcome, "things": things})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_person_page(request.user, pk, via=request)
    person = page.person
    if person.merged_into_id:
        return redirect("people:person_detail", pk=person.merged_into_id)
    scope = scope_of(request.user)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "page": page,
            "overview": page.overview,
            "comparison": page.comparison,
            "links": page.links,
            "chart": layout(person.full_name or "This person", page.links),
            "grant": page.grant,
            "may_see_viewers": bool(scope.roles & CASEWORK_ROLES),
            "restriction": page.restricted,
            "may_restrict": may_restrict(request.user),
            # Only police intelligence carries a grade, and only these users are shown it (links_of).
            "shows_grades": scope.sees_police_intelligence,
        },
    )


def _thing_page(request: HttpRequest, page: ThingPage, title: str) -> HttpResponse:
    thing = page.thing
    return render(
        request,
        "people/thing_detail.html",
        {
            "page": page,
            "thing": thing,
            "title": title,
            "address_parts": [
                part
                for part in (
                    getattr(thing, "address_line_1", ""),
                    getattr(thing, "address_line_2", ""),
                    getattr(thing, "town", ""),
                    getattr(thing, "postcode", ""),
                )
                if part
            ],
            "registration": spaced_registration(getattr(thing, "registration", "")),
            "shows_grades": scope_of(request.user).sees_police_intelligence,
        },
    )


def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_place(request.user, pk, via=request)
    return _thing_page(request, page, page.thing.name or str(page.thing))


def vehicle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_vehicle(request.user, pk, via=request)
    return _thing_page(request, page, f"Vehicle {spaced_registration(page.thing.registration)}")


def phone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_phone(request.user, pk, via=request)
    return _thing_page(request, page, f"Phone {page.thing}")


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_account(request.user, pk, via=request)
    return _thing_page(request, page, f"{page.thing.platform} account {page.thing.handle}")

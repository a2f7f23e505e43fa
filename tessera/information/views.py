"""Retention review and subject access, for the data protection officer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.information import retention, selectors, services
from tessera.information.forms import (
    ErasureForm,
    FindPersonForm,
    RetentionDecisionForm,
    SubjectAccessRequestForm,
)
from tessera.information.models import SubjectAccessRequest
from tessera.information.pack_files import pack_zip
from tessera.people.models import Person


def _officer(request: HttpRequest) -> None:
    if not selectors.is_data_protection_officer(request.user):
        raise PermissionDenied("Only a data protection officer reviews retention and answers subject access")


def hub(request: HttpRequest) -> HttpResponse:
    _officer(request)
    today = timezone.localdate()
    due = selectors.list_due(request.user, today, via=request)
    find = FindPersonForm(request.GET if "family_name" in request.GET else None)
    found: list[Person] | None = None
    if find.is_bound and find.is_valid():
        found = selectors.search_for_request(
            request.user,
            family_name=find.cleaned_data["family_name"],
            date_of_birth=find.cleaned_data["date_of_birth"],
            via=request,
        )
    return render(
        request,
        "information/hub.html",
        {"due": due, "find": find, "found": found, "schedule": retention.SCHEDULE.values(), "today": today},
    )


def _person_page(request: HttpRequest, person: Person, **forms: object) -> HttpResponse:
    position = selectors.show_person(request.user, person, via=request)
    context = {
        "person": person,
        "position": position,
        "due": position.is_due(timezone.localdate()),
        "decisions": selectors.decisions_of(person),
        "requests": visible_to(request.user, SubjectAccessRequest.objects.filter(person=person)),
        "decision_form": RetentionDecisionForm(),
        "erasure_form": ErasureForm(),
        "request_form": SubjectAccessRequestForm(),
    }
    context.update(forms)
    return render(request, "information/person.html", context)


def person_rights(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    return _person_page(request, selectors.person_for_information_rights(request.user, pk))


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    person = selectors.person_for_information_rights(request.user, pk)
    form = RetentionDecisionForm(request.POST)
    if form.is_valid():
        services.decide_retention(
            request.user,
            person,
            review_on=form.cleaned_data["review_on"],
            reason=form.cleaned_data["decision_reason"],
            request=request,
        )
        messages.success(
            request, f"Decision recorded: review again on {form.cleaned_data['review_on']:%-d %B %Y}."
        )
        return redirect("information:person", pk=person.pk)
    return _person_page(request, person, decision_form=form)


@require_POST
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    person = selectors.person_for_information_rights(request.user, pk)
    form = ErasureForm(request.POST)
    if form.is_valid():
        try:
            services.erase_person(
                request.user, person, reason=form.cleaned_data["erasure_reason"], request=request
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Erased. The person's details are gone; the erasure is recorded.")
            return redirect("information:person", pk=person.pk)
    return _person_page(request, person, erasure_form=form)


@require_POST
def new_request(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    person = selectors.person_for_information_rights(request.user, pk)
    form = SubjectAccessRequestForm(request.POST)
    if form.is_valid():
        sar = services.record_request(request.user, person, request=request, **form.cleaned_data)
        messages.success(request, "Request recorded. Download the pack below.")
        return redirect(f"{redirect('information:person', pk=person.pk).url}#request-{sar.pk}")
    return _person_page(request, person, request_form=form)


def download_pack(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    sar = get_visible_or_404(request.user, SubjectAccessRequest.objects.select_related("person"), pk=pk)
    # The person must still be reachable (a restriction made since the request hides them).
    selectors.person_for_information_rights(request.user, sar.person_id)
    pack = services.export_pack(request.user, sar, request=request)
    response = HttpResponse(pack_zip(pack), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.zip"'
    return response

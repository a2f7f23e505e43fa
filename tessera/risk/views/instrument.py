"""The instrument's versions: read them, draft a new one, approve or withdraw a draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.signed_in import signed_in
from tessera.risk import selectors, shadow_job, version_services
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.forms import DecideVersionForm, DraftVersionForm
from tessera.risk.instrument import GROUP_LABELS, Group, HardRuleKind
from tessera.risk.models import InstrumentVersion, VersionStatus
from tessera.risk.rules import may_manage_instrument, may_read_instrument
from tessera.risk.shadow import comparison_to_json
from tessera.risk.shadow_job import shadow_evidence

HARD_RULE_WORDS = {
    HardRuleKind.DISCLOSURE_IS_HIGHEST: "A disclosure of sexual exploitation always means the highest level.",
    HardRuleKind.HARM_IS_HIGHEST: (
        "Any sign that exploitation is already happening means the highest level, worded to say harm is "
        "happening: the child is never described as only at risk."
    ),
    HardRuleKind.YOUNG_CHILD_NOT_LOWEST: "A child under {age} with any indicator present is never rated Not at risk.",
    HardRuleKind.LEARNING_DISABILITY_NOT_LOWEST: (
        "A child with a learning disability and any indicator present is never rated Not at risk."
    ),
}


def _require_reader(request: HttpRequest) -> None:
    if not may_read_instrument(scope_of(request.user)):
        raise PermissionDenied("The instrument is for people who assess risk and their managers")


def _require_manager(request: HttpRequest) -> None:
    if not may_manage_instrument(scope_of(request.user)):
        raise PermissionDenied("Only an authorised manager can draft or approve instrument versions")


def version_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    versions = InstrumentVersion.objects.select_related("drafted_by", "decided_by").order_by("-number")
    return render(
        request,
        "risk/version_list.html",
        {"versions": versions, "may_manage": may_manage_instrument(scope_of(request.user))},
    )


def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    _require_reader(request)
    version = get_object_or_404(
        InstrumentVersion.objects.select_related("drafted_by", "decided_by", "study"), number=number
    )
    definition = version.instrument
    form = None
    scope = scope_of(request.user)
    if version.status == VersionStatus.DRAFT and may_manage_instrument(scope):
        form = DecideVersionForm()
    return render(
        request,
        "risk/version_detail.html",
        {
            "version": version,
            "definition": definition,
            "groups": [(GROUP_LABELS[g], definition.in_group(g)) for g in Group],
            "rules": [HARD_RULE_WORDS[r.kind].format(age=r.age_under) for r in definition.hard_rules],
            "form": form,
            "own_draft": version.drafted_by_id == request.user.pk,
            **_shadow_context(request, version),
        },
    )


def version_draft(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    current = selectors.version_in_force()
    base = current.instrument if current else seraf_style_default()
    next_title = f"{base.title} (revised)" if current else base.title
    form = DraftVersionForm(request.POST or None, base=base, initial={"title": next_title})
    if request.method == "POST" and form.is_valid():
        try:
            version = version_services.draft_version(
                signed_in(request),
                form.definition(),
                change_summary=form.cleaned_data["change_summary"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"Version {version.number} drafted. A second manager must now approve it."
            )
            return redirect("risk:version_detail", number=version.number)
    return render(request, "risk/version_draft.html", {"form": form, "current": current})


def version_decide(request: HttpRequest, number: int) -> HttpResponse:
    _require_manager(request)
    version = get_object_or_404(InstrumentVersion, number=number)
    form = DecideVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            version_services.decide_version(
                signed_in(request), version, approve=approve, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if approve:
                messages.success(request, f"Version {version.number} is now in force for new assessments.")
            else:
                messages.success(request, f"Version {version.number} withdrawn.")
            return redirect("risk:version_detail", number=version.number)
    log_opened(request.user, version, via=request, details={"page": "decide"}, grant=None)
    return render(
        request,
        "risk/version_decide.html",
        {"version": version, "form": form, **_shadow_context(request, version)},
    )


def _shadow_context(request: HttpRequest, version: InstrumentVersion) -> dict[str, Any]:
    """The shadow evidence a manager weighs before approving: only drafts have any to show."""
    if version.status != VersionStatus.DRAFT and version.shadow_since is None:
        return {"show_shadow": False}
    evidence = shadow_evidence(version)
    return {
        "show_shadow": True,
        "shadow": comparison_to_json(evidence) if evidence else None,
        "may_switch_shadow": version.status == VersionStatus.DRAFT
        and may_manage_instrument(scope_of(request.user)),
    }


@require_POST
def version_shadow(request: HttpRequest, number: int) -> HttpResponse:
    """Run a draft in shadow, or stop it."""
    _require_manager(request)
    version = get_object_or_404(InstrumentVersion, number=number)
    on = request.POST.get("shadow") == "on"
    try:
        shadow_job.switch_shadow(signed_in(request), version, on=on, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Version {number} now scores every newly completed assessment in shadow. Assessors do not see it."
            if on
            else f"Version {number} no longer scores in shadow. Its scores so far are kept.",
        )
    return redirect("risk:version_detail", number=number)

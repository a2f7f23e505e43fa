"""A child's risk page, and starting, recording, completing and signing off an assessment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tessera.access.policy import Action, can
from tessera.access.reads import emergency_grant, log_list, log_opened
from tessera.access.scope import scope_of
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.accounts.signed_in import signed_in
from tessera.audit.versioning import StaleVersionError
from tessera.cases.page import open_case_page
from tessera.people.models import Person
from tessera.risk import fact_services, selectors, services
from tessera.risk.charts import LevelPoint, trajectory_svg
from tessera.risk.fact_services import facts_offered
from tessera.risk.facts import OfferedIndicator
from tessera.risk.forms import (
    CompleteAssessmentForm,
    ObservationForm,
    SignOffForm,
    StartAssessmentForm,
    WithdrawObservationForm,
)
from tessera.risk.instrument import GROUP_LABELS, Level
from tessera.risk.models import AssessmentStatus, FactDecision, IndicatorObservation, RiskAssessment
from tessera.risk.rules import may_assess
from tessera.risk.scoring import RiskResult, long_date


def _require_casework(request: HttpRequest) -> None:
    """Risk pages are for those who work on named children's risk: 404 to others, as if missing."""
    if not scope_of(request.user).roles & CASEWORK_ROLES:
        raise Http404("No record found")


def _child(request: HttpRequest, pk: int) -> Person:
    """The child, if the user may see them and works on named children's risk; 404 otherwise."""
    _require_casework(request)
    return selectors.child_for_risk(request.user, pk)


def _overview(request: HttpRequest, child: Person) -> dict[str, Any]:
    """What the child's risk page and the case page's Risk tab both show."""
    assessments = selectors.assessments_of(request.user, child)
    points = selectors.trajectory(assessments)
    return {
        "child": child,
        "assessments": assessments,
        "points": points,
        "chart": trajectory_svg([LevelPoint(p.assessed_on, p.computed, p.final) for p in points]),
        "tasks": selectors.tasks_of(request.user, child),
        "today": timezone.localdate(),
        "may_assess": may_assess(scope_of(request.user))
        and child.district_id in scope_of(request.user).district_ids,
        "version": selectors.version_in_force(),
    }


def child_risk(request: HttpRequest, pk: int) -> HttpResponse:
    _require_casework(request)
    child = selectors.open_child_risk(request.user, pk, via=request)
    overview = _overview(request, child)
    grant = emergency_grant(request.user, child)
    return render(request, "risk/child_risk.html", {**overview, "grant": grant})


def case_risk(request: HttpRequest, pk: int) -> HttpResponse:
    """The Risk tab of a case page: the case's child's risk, inside the case's frame."""
    page = open_case_page(request, pk, "risk")
    child = page.case.child
    overview: dict[str, Any] = {}
    if (
        child is not None
        and scope_of(request.user).roles & CASEWORK_ROLES
        and can(request.user, Action.VIEW, child)
    ):
        overview = _overview(request, child) | {"from_case": page.case}
    return render(request, "risk/case_risk.html", page.context(**overview))


def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    scope = scope_of(request.user)
    if not may_assess(scope):
        raise PermissionDenied("Your role does not include assessing risk")
    if child.district_id not in scope.district_ids:
        raise PermissionDenied("Assessments are made by the child's district team")
    version = selectors.version_in_force()
    case = selectors.case_for_assessment(
        request.user, request.GET.get("case") or request.POST.get("case"), child
    )
    form = StartAssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and version is not None:
        try:
            assessment = services.start_assessment(
                signed_in(request),
                child,
                assessed_on=form.cleaned_data["assessed_on"],
                learning_disability=form.cleaned_data["learning_disability"] == "yes",
                in_care=form.cleaned_data["in_care"],
                case=case,
                request=request,
            )
        except services.NoInstrumentInForceError:
            version = None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Assessment started. Record each indicator with its date and evidence.")
            return redirect("risk:assessment_detail", pk=assessment.pk)
    # The page names the child on a GET and again when the start is refused: both are logged, once the
    # role and district checks above have let the user see the form.
    log_opened(request.user, child, via=request, details={"page": "start risk assessment"}, grant=None)
    return render(
        request,
        "risk/assessment_start.html",
        {"child": child, "form": form, "version": version, "case": case},
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offers: list[OfferedIndicator] = []

    def facts_shown(assessment: RiskAssessment) -> dict[str, list[int]]:
        # Facts are offered to whoever may still change the assessment; the log row names what they show.
        if assessment.is_editable and can(request.user, Action.CHANGE, assessment):
            offers.extend(facts_offered(request.user, assessment))
        return shown_by(offers)

    assessment = selectors.open_assessment(request.user, pk, via=request, also_shown=facts_shown)
    definition = assessment.instrument_version.instrument
    result = selectors.result_of(assessment)
    observations = list(assessment.observations.all())
    rows = [(o, i, GROUP_LABELS[i.group]) for o in observations for i in [definition.indicator(o.indicator)]]
    child = assessment.child
    grant = emergency_grant(request.user, child)
    user = request.user
    return render(
        request,
        "risk/assessment_detail.html",
        {
            "assessment": assessment,
            "child": child,
            "grant": grant,
            "case": assessment.case if assessment.case and can(user, Action.VIEW, assessment.case) else None,
            "result": result,
            "harm_rows": [row for row in rows if row[1].shows_harm and row[0].withdrawn_at is None],
            "risk_rows": [row for row in rows if not row[1].shows_harm and row[0].withdrawn_at is None],
            "withdrawn_rows": [row for row in rows if row[0].withdrawn_at is not None],
            "may_change": assessment.is_editable and can(user, Action.CHANGE, assessment),
            "offers": [(offer, definition.indicator(offer.indicator)) for offer in offers],
            "decisions": [
                (d, definition.indicator(d.indicator))
                for d in assessment.fact_decisions.select_related("decided_by").order_by("-decided_at")
            ],
            "may_sign_off": assessment.status == AssessmentStatus.AWAITING_SIGN_OFF
            and can(user, Action.SIGN_OFF, assessment)
            and assessment.completed_by_id != user.pk,
        },
    )


def shown_by(offers: list[OfferedIndicator]) -> dict[str, list[int]]:
    shown: dict[str, list[int]] = {}
    for offer in offers:
        for target, record_id in offer.fact.shown:
            shown.setdefault(target, []).append(record_id)
    return shown


@require_POST
def fact_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Confirm or reject one fact offered from the record; either way, back to the assessment."""
    assessment = _editable(request, pk)
    key = request.POST.get("fact", "")
    decide = fact_services.confirm_fact if decision == "confirm" else fact_services.reject_fact
    try:
        made = decide(signed_in(request), assessment, key, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        label = assessment.instrument_version.instrument.indicator(made.indicator).label
        if made.decision == FactDecision.CONFIRMED:
            messages.success(request, f"{label} confirmed from the record and added as an observation.")
        else:
            messages.success(request, f"{label} rejected. The rejection is kept with the assessment.")
    return redirect("risk:assessment_detail", pk=assessment.pk)


def _editable(request: HttpRequest, pk: int) -> RiskAssessment:
    assessment = selectors.assessment_for_page(request.user, pk)
    if not can(request.user, Action.CHANGE, assessment):
        raise PermissionDenied("You can see this assessment but cannot change it")
    return assessment


def _log_form_view(request: HttpRequest, assessment: RiskAssessment) -> None:
    """Showing a form about a child shows who the child is: that is a view, and is logged as one, both
    when the form is opened and when it comes back after a refused save. (A save that succeeds is
    logged by the service that acts on it.)"""
    page = request.resolver_match.url_name if request.resolver_match else ""
    selectors.log_assessment_shown(request.user, assessment, via=request, page=page or "")


def observation_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    definition = assessment.instrument_version.instrument
    form = ObservationForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid() and assessment.is_editable:
        try:
            services.add_observation(signed_in(request), assessment, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = definition.indicator(form.cleaned_data["indicator"]).label
            messages.success(request, f"{label} recorded.")
            if "add_another" in request.POST:
                return redirect("risk:observation_add", pk=assessment.pk)
            return redirect("risk:assessment_detail", pk=assessment.pk)
    _log_form_view(request, assessment)
    return render(request, "risk/observation_form.html", {"assessment": assessment, "form": form})


def observation_withdraw(request: HttpRequest, pk: int, observation_pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    observation = IndicatorObservation.objects.filter(
        assessment=assessment, pk=observation_pk, withdrawn_at__isnull=True
    ).first()
    if observation is None:
        raise Http404("No such observation")
    indicator = assessment.instrument_version.instrument.indicator(observation.indicator)
    form = WithdrawObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_observation(
                signed_in(request), observation, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{indicator.label} removed. The removal and its reason are kept.")
            return redirect("risk:assessment_detail", pk=assessment.pk)
    _log_form_view(request, assessment)
    return render(
        request,
        "risk/observation_withdraw.html",
        {"assessment": assessment, "observation": observation, "indicator": indicator, "form": form},
    )


def _complete_form(data: Any, result: RiskResult, version: int) -> CompleteAssessmentForm:
    return CompleteAssessmentForm(
        data,
        computed=result.level,
        harm_evident=result.harm_evident,
        initial={"final_level": result.level.value, "version": version},
    )


def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _editable(request, pk)
    if not assessment.is_editable:
        return redirect("risk:assessment_detail", pk=assessment.pk)
    result = selectors.result_of(assessment)
    form = _complete_form(request.POST or None, result, assessment.version)
    stale_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_assessment(
                signed_in(request),
                assessment,
                expected_version=form.cleaned_data["version"],
                final_level=Level(form.cleaned_data["final_level"]),
                override_reason=form.cleaned_data["override_reason"],
                gut_feeling=form.cleaned_data["gut_feeling"],
                request=request,
            )
        except StaleVersionError as stale:
            stale_message = stale.message
            data = request.POST.copy()
            data["version"] = str(stale.current_version)
            assessment = selectors.assessment_for_page(request.user, pk)
            result = selectors.result_of(assessment)
            form = _complete_form(data, result, stale.current_version)
            form.is_valid()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Assessment completed. A supervisor now signs it off.")
            return redirect("risk:assessment_detail", pk=assessment.pk)
    _log_form_view(request, assessment)
    return render(
        request,
        "risk/assessment_complete.html",
        {
            "assessment": assessment,
            "result": result,
            "form": form,
            "stale_message": stale_message,
            "page_has_errors": bool(stale_message),
        },
    )


def assessment_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for_page(request.user, pk)
    if not can(request.user, Action.SIGN_OFF, assessment):
        raise PermissionDenied("Only a supervisor signs off an assessment")
    form = SignOffForm(request.POST or None, initial={"version": assessment.version})
    problem = ""
    if assessment.status != AssessmentStatus.AWAITING_SIGN_OFF:
        problem = "This assessment is not waiting for sign-off."
    elif assessment.completed_by_id == request.user.pk:
        problem = "You completed this assessment, so another supervisor must sign it off."
    if request.method == "POST" and form.is_valid() and not problem:
        try:
            services.sign_off(
                signed_in(request),
                assessment,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except StaleVersionError as stale:
            problem = stale.message
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                f"Assessment signed off. Next review due by {long_date(services.review_due_after(assessment.assessed_on))}.",
            )
            return redirect("risk:assessment_detail", pk=assessment.pk)
    _log_form_view(request, assessment)
    return render(
        request,
        "risk/assessment_sign_off.html",
        {"assessment": assessment, "form": form, "problem": problem, "page_has_errors": bool(problem)},
    )


def reassessments(request: HttpRequest) -> HttpResponse:
    """Due and overdue reassessments for the children the user's teams work with."""
    if not scope_of(request.user).roles & CASEWORK_ROLES:
        raise PermissionDenied("Reassessments are for people who work with children's cases")
    tasks = list(selectors.open_tasks(request.user)[:500])
    latest = selectors.latest_levels([t.child for t in tasks], request.user)
    log_list(
        request.user,
        request,
        list_name="reassessments",
        target_type="risk.reassessmenttask",
        ids=[t.pk for t in tasks],
        people=[t.child_id for t in tasks],
        details={"children": sorted({t.child_id for t in tasks})},
    )
    today = timezone.localdate()
    rows = [(t, latest.get(t.child_id), t.is_overdue(today)) for t in tasks]
    return render(
        request,
        "risk/reassessments.html",
        {"rows": rows, "today": today, "to_sign_off": selectors.awaiting_sign_off(request.user)},
    )

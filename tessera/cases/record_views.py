"""Pages that record something on a case: one form per page, the GOV.UK way.

Each page follows one pattern: open the case (404 if not visible), check the policy (403 if visible but
not allowed), validate, call one service, and on a service refusal or a stale save show the form again
with everything the user typed and a message that says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from tessera.accounts.models import User
from tessera.audit.saving import try_to_save
from tessera.cases import meeting_services, services
from tessera.cases.forms import (
    ActionForm,
    ActionUpdateForm,
    AddMemberForm,
    AssessmentForm,
    CaseDetailsForm,
    CloseCaseForm,
    ConferenceForm,
    InvestigationForm,
    StrategyDiscussionForm,
    SupportForm,
)
from tessera.cases.models import Action, Case
from tessera.cases.page import CasePage, open_case_page
from tessera.core.submissions import AlreadySubmittedError


def team_users(case: Case) -> QuerySet[User]:
    return (
        User.objects.filter(case_memberships__case=case, case_memberships__removed_at__isnull=True)
        .select_related("agency")
        .order_by("last_name", "first_name")
    )


@dataclass(frozen=True)
class RecordPage:
    tab: str
    title: str
    button: str
    next_url: str  # the tab to return to, relative to the case page
    build: Callable[[Case, Any, dict[str, Any]], forms.Form]
    save: Callable[[User, Case, forms.Form, HttpRequest], str]
    closing: bool = False
    intro: str = ""


def _render_record_page(request: HttpRequest, pk: int, spec: RecordPage, **extra: Any) -> HttpResponse:
    page: CasePage = open_case_page(request, pk, spec.tab, log_view=False)
    allowed = page.may_close if spec.closing else page.may_change
    if not allowed:
        raise PermissionDenied(
            "Only the lead professional or a supervisor in the district closes a case"
            if spec.closing
            else "You can see this case but cannot record on it"
        )
    case = page.case
    initial = {"version": case.version}
    form = spec.build(case, request.POST if request.method == "POST" else None, initial)
    stale_message = ""
    then = f"/cases/{case.pk}/{spec.next_url}"
    if request.method == "POST":
        try:
            attempt = try_to_save(
                request,
                form,
                lambda: (spec.save(request.user, case, form, request), redirect(then)),  # type: ignore[arg-type]
                at_current_version=lambda posted: spec.build(case, posted, initial),
            )
        except AlreadySubmittedError:
            # A second click on the same form: the first sending made the record; show where it is.
            messages.info(request, "This form was already sent, so it has been saved once, not twice.")
            return redirect(then)
        if attempt.done:
            return attempt.done
        form, stale_message = attempt.form, attempt.changed_since_opened
    # The form page shows the case (identity bar, what was typed): logged when first opened and again
    # whenever a save is refused and the page comes back. A save that succeeds is logged by its service.
    page.log_view(request, spec.tab)
    return render(
        request,
        "cases/record_form.html",
        page.context(
            form=form,
            title=spec.title,
            button=spec.button,
            intro=spec.intro,
            stale_message=stale_message,
            page_has_errors=bool(stale_message),
            **extra,
        ),
    )


def _save_details(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    data = form.cleaned_data
    services.update_case_details(
        user,
        case,
        expected_version=data["version"],
        lead_professional=data["lead_professional"],
        exploitation_flag=data["exploitation_flag"],
        request=request,
    )
    return "Case details saved."


DETAILS = RecordPage(
    "summary",
    "Change case details",
    "Save changes",
    "",
    lambda case, data, initial: CaseDetailsForm(
        data,
        initial={
            **initial,
            "lead_professional": case.lead_professional_id,
            "exploitation_flag": case.exploitation_flag,
        },
        team=team_users(case),
    ),
    _save_details,
)


def _save_member(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    member = form.cleaned_data["member"]
    services.add_team_member(
        user, case, member=member, role_on_case=form.cleaned_data["role_on_case"], request=request
    )
    return f"{member} added to the case team."


ADD_MEMBER = RecordPage(
    "people",
    "Add someone to the case team",
    "Add to the case team",
    "people/",
    lambda case, data, initial: AddMemberForm(data),
    _save_member,
    intro="Anyone on the case team, from any agency, can see the case and the child's record.",
)


def _save_discussion(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    if not isinstance(form, StrategyDiscussionForm):
        raise TypeError("expected the strategy discussion form")
    data = form.cleaned_data
    attendees = [
        meeting_services.AttendeeDetails(str(u), u.agency, u) for u in data["members"] if u.agency is not None
    ]
    attendees += [meeting_services.AttendeeDetails(name, agency) for name, agency in form.others()]
    meeting_services.record_strategy_discussion(
        user,
        case,
        held_on=data["held_on"],
        attendees=attendees,
        information_shared=data["information_shared"],
        section_47=data["section_47"] == "yes",
        investigation=data["investigation"],
        immediate_safety_actions=data["immediate_safety_actions"],
        missing_agency_reason=data["missing_agency_reason"],
        request=request,
    )
    return "Strategy discussion recorded."


STRATEGY_DISCUSSION = RecordPage(
    "meetings",
    "Record a strategy discussion",
    "Record the strategy discussion",
    "meetings/",
    lambda case, data, initial: StrategyDiscussionForm(data, team=team_users(case)),
    _save_discussion,
    intro="Police, social care and health must take part; if one did not, record why.",
)


def _save_conference(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    data = form.cleaned_data
    meeting_services.record_conference(
        user,
        case,
        initial=data["which"] == "yes",
        held_on=data["held_on"],
        plan_continues=data["plan_continues"] == "yes",
        late_reason=data["late_reason"],
        notes=data["notes"],
        request=request,
    )
    return "Conference recorded."


CONFERENCE = RecordPage(
    "meetings",
    "Record a child protection conference",
    "Record the conference",
    "meetings/",
    lambda case, data, initial: ConferenceForm(data),
    _save_conference,
)


def _save_action(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    data = form.cleaned_data
    action = services.add_action(
        user,
        case,
        description=data["description"],
        owner=data["owner"],
        due_in_working_days=data["due_in_working_days"],
        request=request,
        submission=data["submission_token"],
    )
    return f"Action set for {action.owner}, due {action.due_on:%-d %B %Y}."


ADD_ACTION = RecordPage(
    "actions",
    "Set an action",
    "Set the action",
    "actions/",
    lambda case, data, initial: ActionForm(data, team=team_users(case)),
    _save_action,
)


def _save_support(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    details = dict(form.cleaned_data)
    submission = details.pop("submission_token")
    services.record_support(user, case, request=request, submission=submission, **details)
    return "Support recorded."


SUPPORT = RecordPage(
    "support",
    "Record support for the child",
    "Record the support",
    "support/",
    lambda case, data, initial: SupportForm(data),
    _save_support,
    intro="Record what the child received, from whom, how often, how they engaged and what they said.",
)


def _save_assessment(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    data = form.cleaned_data
    services.record_assessment(
        user,
        case,
        expected_version=data["version"],
        completed_on=data["completed_on"],
        late_reason=data["late_reason"],
        request=request,
    )
    return "Assessment recorded as completed."


ASSESSMENT = RecordPage(
    "summary",
    "Record the assessment as completed",
    "Record the assessment",
    "",
    lambda case, data, initial: AssessmentForm(data, initial=initial),
    _save_assessment,
)


def _save_investigation(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    services.move_to_investigation(user, case, expected_version=form.cleaned_data["version"], request=request)
    return "The case is now under investigation."


INVESTIGATION = RecordPage(
    "summary",
    "Move the case to investigation",
    "Move to investigation",
    "",
    lambda case, data, initial: InvestigationForm(data, initial=initial),
    _save_investigation,
    intro="A case moves to investigation only after a strategy discussion started a section 47 enquiry and decided who investigates.",
)


def _save_closure(user: User, case: Case, form: forms.Form, request: HttpRequest) -> str:
    data = form.cleaned_data
    services.close_case(
        user,
        case,
        expected_version=data["version"],
        outcome=data["outcome"],
        outcome_detail=data["outcome_detail"],
        no_support_reason=data["no_support_reason"],
        request=request,
    )
    return "The case is closed."


CLOSE = RecordPage(
    "summary",
    "Close the case",
    "Close the case",
    "",
    lambda case, data, initial: CloseCaseForm(data, initial=initial),
    _save_closure,
    closing=True,
    intro="Closing records the outcome for the child. Nothing on the case is deleted.",
)


def _view(spec: RecordPage) -> Callable[[HttpRequest, int], HttpResponse]:
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _render_record_page(request, pk, spec)

    view.__name__ = spec.title.lower().replace(" ", "_")
    return view


change_details = _view(DETAILS)
add_member = _view(ADD_MEMBER)
record_strategy_discussion = _view(STRATEGY_DISCUSSION)
record_conference = _view(CONFERENCE)
add_action = _view(ADD_ACTION)
record_support = _view(SUPPORT)
record_assessment = _view(ASSESSMENT)
move_to_investigation = _view(INVESTIGATION)
close_case = _view(CLOSE)


def update_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Mark an action done or cancelled; a late one needs its reason."""
    page = open_case_page(request, pk, "actions", log_view=False)
    if not page.may_change:
        raise PermissionDenied("You can see this case but cannot record on it")
    action = get_object_or_404(
        Action.objects.select_related("owner__agency", "case"), pk=action_pk, case=page.case
    )
    initial = {"status": action.status, "late_reason": action.late_reason, "version": action.version}
    form = ActionUpdateForm(request.POST or None, initial=initial)
    stale_message = ""

    def update() -> tuple[str, HttpResponse]:
        services.update_action(
            request.user,  # type: ignore[arg-type]
            action,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            late_reason=form.cleaned_data["late_reason"],
            request=request,
        )
        return "Action updated.", redirect("cases:actions", pk=page.case.pk)

    if request.method == "POST":
        attempt = try_to_save(request, form, update, at_current_version=ActionUpdateForm)
        if attempt.done:
            return attempt.done
        form, stale_message = attempt.form, attempt.changed_since_opened
    page.log_view(request, "actions")
    return render(
        request,
        "cases/record_form.html",
        page.context(
            form=form,
            title=f"Update action: {action.description}",
            button="Save",
            intro=f"Owner: {action.owner}. Due {action.due_on:%-d %B %Y}.",
            stale_message=stale_message,
            page_has_errors=bool(stale_message),
        ),
    )

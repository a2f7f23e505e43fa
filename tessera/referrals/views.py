"""Reporting a concern, the triage queue and the triage decision."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tessera.access.policy import Action, active_grant, can
from tessera.access.reads import log_list, log_opened, log_search
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.accounts.roles import Role
from tessera.accounts.signed_in import signed_in
from tessera.audit.saving import try_to_save
from tessera.audit.versioning import StaleVersionError, changes_since
from tessera.cases.models import SubjectKind
from tessera.cases.rules import is_district_team
from tessera.core.submissions import AlreadySubmittedError, earlier_result
from tessera.referrals import selectors, services, subject_services
from tessera.referrals.forms import (
    AdditionForm,
    DecisionForm,
    GradeForm,
    PartnerConcernForm,
    StaffConcernForm,
    seen_at,
)
from tessera.referrals.models import Decision, Referral
from tessera.referrals.selectors import CLOCK_FILTERS
from tessera.referrals.subject_forms import DEFAULT_ROWS, resolution_form, row_counts, with_subject_rows
from tessera.referrals.warning_signs import WarningSign
from tessera.ui.errors import add_service_errors

_SENT_KEY = "tessera_referral_sent"


def _user(request: HttpRequest) -> User:
    return signed_in(request)


def _staff_reporter(request: HttpRequest) -> User:
    user = _user(request)
    if not services.may_report(user) or scope_of(user).has(Role.PARTNER_REPORTER):
        raise PermissionDenied("Your role does not report concerns through this form")
    return user


def _default_district(user: User) -> int | None:
    districts = sorted(scope_of(user).district_ids)
    return districts[0] if len(districts) == 1 else None


def _sent(request: HttpRequest, submit: Callable[[], Referral]) -> HttpResponse:
    """Send the concern once and show its reference; a second sending of the same form (a double click)
    shows the reference of the first instead of making a second referral."""
    try:
        referral = submit()
    except AlreadySubmittedError as repeat:
        return _sent_before(request, repeat.result_id)
    request.session[_SENT_KEY] = referral.reference
    return redirect("referrals:concern_sent")


def _sent_before(request: HttpRequest, referral_id: str) -> HttpResponse:
    first = Referral.objects.filter(pk=int(referral_id or 0), referred_by=_user(request)).first()
    if first is None:
        messages.info(request, "This concern was already sent.")
        return redirect("web:home")
    request.session[_SENT_KEY] = first.reference
    return redirect("referrals:concern_sent")


def _earlier_sending(request: HttpRequest) -> str | None:
    return earlier_result(_user(request), request.POST.get("submission_token"), "referrals.referral")


# The staff form asks for the child first, with search before create; more children are extra rows.
STAFF_ROWS: dict[str, int] = {**DEFAULT_ROWS, "child": 0}


def report_concern(request: HttpRequest) -> HttpResponse:
    """A concern from staff, in under two minutes. Search-before-create: typing a child's name and date of
    birth shows the children the reporter can already see, and one must be chosen (or 'none of these')."""
    user = _staff_reporter(request)
    form_class = with_subject_rows(
        StaffConcernForm, row_counts(request.POST if request.method == "POST" else None, STAFF_ROWS)
    )
    if request.method != "POST":
        form = form_class(initial={"subject_kind": SubjectKind.CHILD, "district": _default_district(user)})
        return render(request, "referrals/report_concern.html", {"form": form})
    if (earlier := _earlier_sending(request)) is not None:
        return _sent_before(request, earlier)
    given = request.POST.get("given_name", "")
    family = request.POST.get("family_name", "")
    probe = StaffConcernForm(request.POST)
    born = probe.fields["date_of_birth"].widget.value_from_datadict(
        request.POST, {}, probe.add_prefix("date_of_birth")
    )
    try:
        born_date = probe.fields["date_of_birth"].clean(born)
    except ValidationError:
        born_date = None
    is_child = request.POST.get("subject_kind") == SubjectKind.CHILD
    matches = selectors.matching_children(user, given, family, born_date) if is_child else []
    searching = "search" in request.POST
    form = form_class(request.POST, matches=matches, searching=searching)
    if not form.searching and form.is_valid():
        data = form.cleaned_data
        person = form.chosen_person() if is_child else None
        new_child = None
        if is_child and person is None and (data["given_name"] or data["family_name"]):
            new_child = services.NewChild(data["given_name"], data["family_name"], data["date_of_birth"])
        submit = partial(
            services.submit_referral,
            user,
            district=data["district"],
            subject_kind=data["subject_kind"],
            what_was_seen=data["what_was_seen"],
            seen_at=seen_at(data["seen_on"], data["seen_time"]),
            where=data["where"],
            warning_signs=data["warning_signs"],
            child=person,
            new_child=new_child,
            child_description=data["child_description"],
            place_description=data["place_description"],
            peer_group_description=data["peer_group_description"],
            happening_now=data["happening_now"],
            subjects=data["subjects"],
            request=request,
            submission=data["submission_token"],
        )
        return _sent(request, submit)
    if searching or matches:
        # The form comes back with the matching children on every post that finds any, a search or a
        # send that failed validation: logged with the ids shown, never the names typed.
        log_search(
            user,
            request,
            people_shown=[match.person.pk for match in matches],
            details={"purpose": "report a concern", "results": len(matches)},
        )
    return render(
        request, "referrals/report_concern.html", {"form": form, "searched": searching or bool(matches)}
    )


def partner_report(request: HttpRequest) -> HttpResponse:
    """The short form for partner reporters (Hotel Watch and similar). They get a reference and nothing back."""
    user = _user(request)
    if not scope_of(user).has(Role.PARTNER_REPORTER) or user.agency is None or user.agency.district is None:
        raise PermissionDenied("This form is for partner reporting schemes")
    posted = request.POST if request.method == "POST" else None
    form = with_subject_rows(PartnerConcernForm, row_counts(posted, DEFAULT_ROWS))(posted)
    if request.method == "POST" and not form.searching and form.is_valid():
        data = form.cleaned_data
        submit = partial(
            services.submit_referral,
            user,
            district=user.agency.district,
            subject_kind=SubjectKind.CHILD,
            what_was_seen=data["what_was_seen"],
            seen_at=seen_at(data["seen_on"], data["seen_time"]),
            where=data["where"],
            warning_signs=data["warning_signs"],
            child_description=data["who"],
            happening_now=data["happening_now"],
            subjects=data["subjects"],
            request=request,
            submission=data["submission_token"],
        )
        return _sent(request, submit)
    return render(request, "referrals/partner_report.html", {"form": form})


_ADDED_KEY = "tessera_referral_added"


def add_to_concern(request: HttpRequest) -> HttpResponse:
    """More about a concern already sent, by its reference. Any reporter may add to a concern their
    organisation sent; the answer says only that the addition was sent, never what the concern holds."""
    user = _user(request)
    if not services.may_report(user):
        raise PermissionDenied("Your role does not report concerns")
    posted = request.POST if request.method == "POST" else None
    rows: dict[str, int] = {**DEFAULT_ROWS, "child": 0, "vehicle": 0, "place": 0, "adult": 1}
    form = with_subject_rows(AdditionForm, row_counts(posted, rows))(
        posted, initial={"reference": request.GET.get("reference", "")[:20]}
    )
    if request.method == "POST" and not form.searching and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_to_referral(
                user,
                reference=data["reference"],
                what_was_seen=data["what_was_seen"],
                subjects=data["subjects"],
                request=request,
                submission=data["submission_token"],
            )
        except services.AdditionRefusedError as refused:
            form.add_error("reference", str(refused))
        except AlreadySubmittedError:
            request.session[_ADDED_KEY] = data["reference"].strip().upper()
            return redirect("referrals:addition_sent")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Only what the reporter typed goes back: the reference, never anything of the concern.
            request.session[_ADDED_KEY] = data["reference"].strip().upper()
            return redirect("referrals:addition_sent")
    partner = scope_of(user).has(Role.PARTNER_REPORTER)
    return render(request, "referrals/add_to_concern.html", {"form": form, "partner": partner})


def addition_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(_ADDED_KEY)
    if not reference:
        return redirect("web:home")
    partner = scope_of(_user(request)).has(Role.PARTNER_REPORTER)
    return render(request, "referrals/addition_sent.html", {"reference": reference, "partner": partner})


def concern_sent(request: HttpRequest) -> HttpResponse:
    """The reference number for the concern just sent, from the reporter's own session: nothing is read back."""
    reference = request.session.get(_SENT_KEY)
    if not reference:
        return redirect("web:home")
    partner = scope_of(_user(request)).has(Role.PARTNER_REPORTER)
    return render(request, "referrals/concern_sent.html", {"reference": reference, "partner": partner})


def my_concerns(request: HttpRequest) -> HttpResponse:
    """Concerns the user reported and what was decided: how a referrer is told the outcome."""
    user = _user(request)
    if scope_of(user).has(Role.PARTNER_REPORTER) or not services.may_report(user):
        raise PermissionDenied("Partner reporters do not see concerns after sending them")
    referrals = selectors.my_referrals(user)
    log_list(
        user,
        request,
        list_name="concerns you reported",
        target_type="referrals.referral",
        ids=[referral.pk for referral in referrals],
        people=[referral.child_id for referral in referrals],
    )
    return render(request, "referrals/my_concerns.html", {"referrals": referrals})


def _require_triage(user: User) -> None:

    if not is_district_team(scope_of(user)):
        raise PermissionDenied("The triage queue is for the district's multi-agency team")


def triage_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_triage(user)
    chosen = {
        "district": request.GET.getlist("district"),
        "clock": [c for c in request.GET.getlist("clock") if c in CLOCK_FILTERS],
        "kind": [k for k in request.GET.getlist("kind") if k in SubjectKind.values],
    }
    rows = selectors.triage_queue(
        user, districts=chosen["district"], clocks=chosen["clock"], kinds=chosen["kind"]
    )
    log_list(
        user,
        request,
        list_name="triage queue",
        target_type="referrals.referral",
        ids=[row.referral.pk for row in rows],
        people=[row.referral.child_id for row in rows],
        details={"filters": {name: values for name, values in chosen.items() if values}},
    )
    districts = selectors.queue_districts(user)
    filters = [
        ("district", "District", [(d.code, d.name) for d in districts]),
        ("clock", "Decision clock", list(CLOCK_FILTERS.items())),
        ("kind", "About", list(SubjectKind.choices)),
    ]
    selected = [
        (name, value, dict(options)[value])
        for name, _label, options in filters
        for value in chosen[name]
        if value in dict(options)
    ]
    return render(
        request,
        "referrals/triage_queue.html",
        {
            "rows": rows,
            "filters": filters,
            "chosen": chosen,
            "selected": selected,
            "today": timezone.localdate(),
        },
    )


def _decision_form(
    referral: Referral, data: Any = None, *, initial: dict[str, Any] | None = None
) -> DecisionForm:
    children, places = selectors.case_subject_choices(referral)
    return DecisionForm(
        data,
        initial=initial,
        lead_choices=selectors.lead_professional_choices(referral.district_id),
        children=children,
        places=places,
    )


def _decision_initial(referral: Referral) -> dict[str, Any]:
    children, places = selectors.case_subject_choices(referral)
    return {
        "version": referral.version,
        "case_about": referral.subject_kind,
        "case_child": str(referral.child_id) if referral.child_id else (children[0][0] if children else ""),
        "case_place": places[0][0] if places else "",
        "peer_group": referral.peer_group_description,
    }


def _page(
    request: HttpRequest,
    user: User,
    referral: Referral,
    *,
    form: DecisionForm | None = None,
    grade_form: GradeForm | None = None,
    subjects_form: Any = None,
    stale_message: str = "",
) -> HttpResponse:
    """The referral page: the concern, its people, places and things, and for the district team the
    grade, the subjects to resolve and the decision, with whichever form was posted kept as typed."""
    may_triage = can(user, Action.DECIDE, referral)
    may_decide = not referral.is_decided and may_triage
    if form is None and may_decide:
        form = _decision_form(referral, initial=_decision_initial(referral))
    if grade_form is None and may_decide:
        grade_form = GradeForm(initial={"version": referral.version, "urgency": referral.urgency})
    if subjects_form is None and may_triage:
        subjects_form = resolution_form(referral, candidates={}, searched=set())
    labels = dict(WarningSign.choices)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "signs": [labels.get(s, s) for s in referral.warning_signs],
            "clock": selectors.decision_clock(referral),
            "today": timezone.localdate(),
            "form": form,
            "grade_form": grade_form,
            "subjects_form": subjects_form if subjects_form is not None and subjects_form.fields else None,
            "subjects": selectors.subjects_for_page(user, referral),
            "stale_message": stale_message,
            "page_has_errors": bool(stale_message),
            "grant": active_grant(user, referral),
            "typed_decision": dict(Decision.choices).get(request.POST.get("decision", ""), ""),
        },
    )


def _stale(referral: Referral, request: HttpRequest) -> str:
    sent_version = request.POST.get("version", "")
    opened_at = int(sent_version) if sent_version.isdigit() and len(sent_version) <= 9 else 0
    return StaleVersionError(referral.version, changes_since(referral, opened_at)).message


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral; the district team records the decision here, the referrer reads the outcome."""
    user = _user(request)
    if request.method != "POST":
        referral = selectors.open_referral(user, pk, via=request)
        return _page(request, user, referral)
    # A decision posted is logged by the service that records it; the page itself is logged as a view.
    referral = selectors.referral_for_page(user, pk)
    if not can(user, Action.DECIDE, referral):
        raise PermissionDenied("You cannot decide this referral")
    form = _decision_form(referral, request.POST)

    def decide() -> tuple[str, HttpResponse]:
        data = form.cleaned_data
        case = services.decide_referral(
            user,
            referral,
            expected_version=data["version"],
            decision=data["decision"],
            reason=data["reason"],
            late_reason=data["late_reason"],
            lead_professional=data["lead_professional"],
            case_about=data["case_about"],
            child=selectors.subject_person(referral, data["case_child"]),
            place=selectors.subject_place(referral, data["case_place"]),
            peer_group=data["peer_group"],
            request=request,
        )
        then = (
            redirect("cases:case_detail", pk=case.pk)
            if case is not None
            else redirect("referrals:triage_queue")
        )
        return f"Decision recorded for {referral.reference}.", then

    if referral.is_decided:
        # Someone decided while this user was typing: say who and when, keep what they typed.
        stale_message = _stale(referral, request)
        form.is_valid()
    else:
        attempt = try_to_save(
            request, form, decide, at_current_version=lambda posted: _decision_form(referral, posted)
        )
        if attempt.done:
            return attempt.done
        form, stale_message = attempt.form, attempt.changed_since_opened
    # The decision was refused or someone else decided first: the page shows the referral again.
    log_opened(user, referral, via=request, grant=active_grant(user, referral))
    return _page(request, user, referral, form=form, stale_message=stale_message)


def grade_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """The district team grades how urgent the concern is; the decision clock follows the grade."""
    user = _user(request)
    referral = selectors.referral_for_page(user, pk)
    if not can(user, Action.DECIDE, referral):
        raise PermissionDenied("You cannot grade this referral")
    if request.method != "POST":
        return redirect("referrals:referral_detail", pk=referral.pk)
    form = GradeForm(request.POST)

    def grade() -> tuple[str, HttpResponse]:
        services.grade_referral(
            user,
            referral,
            expected_version=form.cleaned_data["version"],
            urgency=form.cleaned_data["urgency"],
            request=request,
        )
        graded = selectors.referral_for_page(user, pk)
        return f"{graded.reference} graded: {graded.get_urgency_display()}.", redirect(
            "referrals:referral_detail", pk=graded.pk
        )

    attempt = try_to_save(request, form, grade)
    if attempt.done:
        return attempt.done
    log_opened(user, referral, via=request, grant=active_grant(user, referral))
    return _page(request, user, referral, grade_form=form, stale_message=attempt.changed_since_opened)


def resolve_subjects(request: HttpRequest, pk: int) -> HttpResponse:
    """The district team says who and what each of the concern's subjects is: search before create for
    children and adults, found-or-new for things. Recording them records the links between them."""
    user = _user(request)
    referral = selectors.referral_for_page(user, pk)
    if not can(user, Action.DECIDE, referral):
        raise PermissionDenied("You cannot record this referral's people, places and things")
    if request.method != "POST":
        return redirect("referrals:referral_detail", pk=referral.pk)
    subjects = list(referral.subjects.all())
    searched = {int(v) for v in request.POST.getlist("searched") if v.isdigit() and len(v) <= 12}
    asked = request.POST.get("search", "")
    if asked.isdigit() and len(asked) <= 12:
        searched.add(int(asked))
    searches = {
        subject.pk: request.POST.get(f"search-{subject.pk}", "")[:200]
        for subject in subjects
        if subject.pk in searched
    }
    candidates = selectors.subject_candidates(user, [s for s in subjects if s.pk in searched], searches)
    form = resolution_form(referral, candidates=candidates, searched=searched, data=request.POST)
    shown = [match.person.pk for matches in candidates.values() for match in matches]
    if "record" in request.POST and form.is_valid():
        try:
            outcome = subject_services.resolve_subjects(user, referral, form.resolutions(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Recorded {outcome.resolved} of the concern's people, places and things "
                f"and {outcome.links_recorded} link{'s' if outcome.links_recorded != 1 else ''} between them.",
            )
            return redirect("referrals:referral_detail", pk=referral.pk)
    if candidates:
        # Search before create: the people offered are logged with the search, never the names typed.
        log_search(
            user,
            request,
            people_shown=shown,
            details={"purpose": "triage a concern", "referral": referral.pk, "results": len(shown)},
        )
    log_opened(user, referral, via=request, grant=active_grant(user, referral))
    return _page(request, user, referral, subjects_form=form)

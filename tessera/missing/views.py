"""Missing children's pages: the child's missing record (carer's profile, episodes, monitoring), an
episode and its forms, the coordinator's lists, and the Missing tab of the case page.

Every page opens its record through the app's open-and-log selectors (404 alike for missing and not
yours) and every form handler calls one service; a refused or stale save shows the form again with
everything typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tessera.access.policy import Action, can, visible_to
from tessera.access.reads import log_aggregate, log_list, log_opened
from tessera.access.scope import scope_of
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.accounts.signed_in import signed_in
from tessera.audit.saving import try_to_save
from tessera.audit.versioning import StaleVersionError
from tessera.cases.page import open_case_page
from tessera.missing import charts, figures, selectors, services
from tessera.missing.forms import (
    OTHER_PLACE,
    CloseMonitoringForm,
    FoundForm,
    InterviewForm,
    ProfileChangeForm,
    ProfileForm,
    RegradeForm,
    ReportForm,
    SafeAndWellForm,
)
from tessera.missing.models import CarerProfile, MissingEpisode, ReportedBy
from tessera.missing.rules import may_record
from tessera.people.models import Link, Location, LocationKind, Person
from tessera.people.pole_services import find_or_record_place, find_or_record_vehicle
from tessera.ui.errors import add_service_errors

# The dashboard looks back a year (and at every episode still open).
DASHBOARD_DAYS = 365


def _casework(request: HttpRequest) -> None:
    if not scope_of(request.user).roles & CASEWORK_ROLES:
        raise PermissionDenied("Missing episodes are for the people who work with children's cases")


def overview(request: HttpRequest) -> HttpResponse:
    """The coordinator's lists: children missing now, return interviews waiting (overdue first), alerts."""
    _casework(request)
    now = timezone.now()
    missing_now = selectors.open_episodes(request.user)
    waiting = selectors.interviews_waiting(request.user, now)
    alerts = selectors.alerts_for(request.user)[:50]
    closures = selectors.closures_to_approve(request.user)
    episode_ids = [e.pk for e in missing_now] + [row.episode.pk for row in waiting]
    log_list(
        request.user,
        request,
        list_name="missing_overview",
        target_type="missing.missingepisode",
        ids={
            "missing.missingepisode": episode_ids,
            "missing.patternalert": [a.pk for a in alerts],
            "missing.monitoring": [m.pk for m in closures],
        },
        people=[e.child_id for e in missing_now]
        + [row.episode.child_id for row in waiting]
        + [a.child_id for a in alerts]
        + [m.child_id for m in closures],
    )
    overdue = [row for row in waiting if row.clock.state(now) == "overdue"]
    return render(
        request,
        "missing/overview.html",
        {
            "missing_now": missing_now,
            "waiting": [(row, row.clock.label(now), row.clock.tag(now)) for row in waiting],
            "overdue_count": len(overdue),
            "alerts": alerts,
            "closures": closures,
        },
    )


def child_missing(request: HttpRequest, pk: int) -> HttpResponse:
    """A child's missing record: the carer's profile, every episode, monitoring."""
    _casework(request)
    child = selectors.child_for_missing(request.user, pk)
    profile = selectors.profile_of(request.user, child)
    episodes = selectors.episodes_of_child(request.user, child.pk)
    monitoring = selectors.open_monitoring(request.user, child.pk)
    shown: dict[str, list[int]] = {"missing.missingepisode": [e.pk for e in episodes]}
    if profile:
        shown["missing.carerprofile"] = [profile.pk]
    log_opened(request.user, child, via=request, details={"page": "missing"}, shown=shown)
    scope = scope_of(request.user)
    return render(
        request,
        "missing/child.html",
        {
            "child": child,
            "profile": profile,
            "episodes": episodes,
            "monitoring": monitoring,
            "may_record": may_record(scope) and child.district_id in scope.district_ids,
        },
    )


def _recorder(request: HttpRequest, child: Person) -> None:
    scope = scope_of(request.user)
    if not may_record(scope) or child.district_id not in scope.district_ids:
        raise PermissionDenied("Missing episodes are recorded by the child's district team")


def _homes(user: Any, child: Person) -> Any:
    return visible_to(user, Location).filter(kind=LocationKind.CHILDRENS_HOME).order_by("name")


def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_for_missing(request.user, pk)
    _recorder(request, child)
    profile = CarerProfile.objects.filter(child=child).first()
    homes = _homes(request.user, child)
    data = request.POST if request.method == "POST" else None
    form: ProfileForm
    if profile is None:
        form = ProfileForm(data, homes=homes)
    else:
        initial = {name: getattr(profile, name) for name in services.PROFILE_FIELDS} | {
            "version": profile.version
        }
        form = ProfileChangeForm(data, homes=homes, initial=initial)
    stale = ""

    def save() -> tuple[str, HttpResponse]:
        services.save_profile(
            signed_in(request),
            child,
            expected_version=form.cleaned_data.get("version"),
            request=request,
            **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
        )
        return "The carer's profile is saved.", redirect("missing:child", pk=child.pk)

    if request.method == "POST":
        attempt = try_to_save(request, form, save)
        if attempt.done:
            return attempt.done
        stale = attempt.changed_since_opened
    log_opened(request.user, child, via=request, details={"form": "carer_profile"})
    return render(
        request,
        "missing/form.html",
        {
            "child": child,
            "form": form,
            "title": "Carer's profile" if profile else "Record a carer's profile",
            "intro": "Kept before any episode, and handed to the police in one step if the child goes missing.",
            "button": "Save the profile",
            "stale_message": stale,
        },
    )


def report_missing(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a child missing; with a carer's profile it goes to the police with the report."""
    child = selectors.child_for_missing(request.user, pk)
    _recorder(request, child)
    profile = selectors.profile_of(request.user, child)
    initial: dict[str, Any] = {}
    if profile is not None:
        initial = {
            "reported_by_kind": profile.carer_kind,
            "reported_by_name": profile.kept_by,
            "phones": profile.phones,
        }
    form = ReportForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = services.EpisodeReport(
            reported_by_kind=data["reported_by_kind"],
            reported_by_name=data["reported_by_name"],
            last_seen_at=data["last_seen_at"],
            last_seen_where=data["last_seen_where"],
            last_seen_with=data["last_seen_with"],
            circumstances=data["circumstances"],
            clothing=data["clothing"],
            phones=data["phones"],
            grade=data["grade"],
            grade_reason=data["grade_reason"],
            supervisor_decision=data["supervisor_decision"],
        )
        try:
            episode = services.report_missing(
                signed_in(request), child, report, profile=profile, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            handed = " The carer's profile went to the police with it." if profile else ""
            messages.success(request, f"Missing episode {episode.reference} is open.{handed}")
            return redirect("missing:episode_detail", pk=episode.pk)
    log_opened(request.user, child, via=request, details={"form": "report_missing"})
    return render(
        request,
        "missing/form.html",
        {
            "child": child,
            "form": form,
            "profile": profile,
            "title": "Report missing",
            "intro": (
                "The carer's profile below is handed to the police with this report."
                if profile
                else "There is no carer's profile for this child: the police get only what you write here."
            ),
            "button": "Report missing" + (" and hand over the profile" if profile else ""),
        },
    )


def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.open_episode(request.user, pk, via=request)
    now = timezone.now()
    return render(
        request,
        "missing/episode.html",
        {
            "page": page,
            "episode": page.episode,
            "clock_label": page.clock.label(now) if page.clock else "",
            "clock_tag": page.clock.tag(now) if page.clock else "",
            "may_change": can(request.user, Action.CHANGE, page.episode),
            "found_with_visible": page.episode.found_with_id is not None
            and selectors.can_see_person(request.user, page.episode.found_with_id),
        },
    )


def _episode_form(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    button: str,
    build: Callable[[MissingEpisode, Any], forms.Form],
    save: Callable[[MissingEpisode, forms.Form], str],
    intro: str = "",
) -> HttpResponse:
    episode = selectors.episode_for_page(request.user, pk)
    if not can(request.user, Action.CHANGE, episode):
        raise PermissionDenied("You can see this episode but cannot record on it")
    form = build(episode, request.POST if request.method == "POST" else None)
    stale = ""
    if request.method == "POST":
        attempt = try_to_save(
            request,
            form,
            lambda: (save(episode, form), redirect("missing:episode_detail", pk=episode.pk)),
            at_current_version=lambda posted: build(episode, posted),
        )
        if attempt.done:
            return attempt.done
        form, stale = attempt.form, attempt.changed_since_opened
    log_opened(request.user, episode, via=request, shown={"people.person": [episode.child_id]})
    return render(
        request,
        "missing/form.html",
        {
            "child": episode.child,
            "episode": episode,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "stale_message": stale,
        },
    )


def episode_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    def build(episode: MissingEpisode, data: Any) -> forms.Form:
        return RegradeForm(
            data,
            initial={
                "version": episode.version,
                "grade": episode.grade,
                "grade_reason": episode.grade_reason,
            },
        )

    def save(episode: MissingEpisode, form: forms.Form) -> str:
        data = form.cleaned_data
        services.regrade(
            signed_in(request),
            episode,
            expected_version=data["version"],
            grade=data["grade"],
            grade_reason=data["grade_reason"],
            supervisor_decision=data["supervisor_decision"],
            request=request,
        )
        return "The grade is changed."

    return _episode_form(
        request, pk, title="Change the police risk grade", button="Save the grade", build=build, save=save
    )


def _linked_entities(user: Any, child: Person) -> set[int]:
    """The POLE entities at the other end of the child's links the user may see."""
    links = visible_to(user, Link).filter(Q(source_id=child.entity_id) | Q(target_id=child.entity_id))
    return {e for pair in links.values_list("source_id", "target_id") for e in pair} - {child.entity_id}


def _known_places(user: Any, child: Person) -> list[tuple[str, str]]:
    """Places linked to the child (that the user may see), and children's homes of the child's district."""
    places = visible_to(user, Location).filter(
        Q(entity_id__in=_linked_entities(user, child))
        | Q(kind=LocationKind.CHILDRENS_HOME, district_id=child.district_id)
    )
    return [(str(place.pk), str(place)) for place in places.order_by("name", "address_line_1")[:30]]


def _known_people(user: Any, child: Person) -> Any:
    return (
        visible_to(user, Person)
        .filter(entity_id__in=_linked_entities(user, child), merged_into__isnull=True)
        .order_by("family_name", "given_name")
    )


def episode_found(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)

    def build(episode: MissingEpisode, data: Any) -> forms.Form:
        return FoundForm(
            data,
            initial={"version": episode.version},
            places=_known_places(user, episode.child),
            people=_known_people(user, episode.child),
        )

    def save(episode: MissingEpisode, form: forms.Form) -> str:
        data = form.cleaned_data
        if data["place"] == OTHER_PLACE:
            place = find_or_record_place(
                user,
                name=data["place_name"],
                address=data["place_address"],
                kind=data["place_kind"],
                district=episode.district,
                request=request,
            ).thing
        else:
            known = visible_to(user, Location).filter(pk=int(data["place"])).first()
            if known is None:
                raise ValidationError({"place": "Choose where the child was found"})
            place = known
        vehicle = (
            find_or_record_vehicle(user, registration=data["vehicle"], request=request).thing
            if data["vehicle"].strip()
            else None
        )
        services.record_found(
            user,
            episode,
            services.Found(
                found_at=data["found_at"],
                account=data["account"],
                place=place,
                with_person=data["found_with"],
                with_description=data["found_with_description"],
                vehicle=vehicle,
            ),
            expected_version=data["version"],
            request=request,
        )
        return "The return is recorded; the return interview is due within 72 hours."

    return _episode_form(
        request,
        pk,
        title="Record found or returned",
        button="Record the return",
        build=build,
        save=save,
        intro="Where the child was found, who with and in what vehicle are linked to the child's record.",
    )


def safe_and_well(request: HttpRequest, pk: int) -> HttpResponse:
    def build(episode: MissingEpisode, data: Any) -> forms.Form:
        return SafeAndWellForm(data, initial={"version": episode.version})

    def save(episode: MissingEpisode, form: forms.Form) -> str:
        data = form.cleaned_data
        services.record_safe_and_well(
            signed_in(request),
            episode,
            expected_version=data["version"],
            checked_at=data["checked_at"],
            officer=data["officer"],
            notes=data["notes"],
            request=request,
        )
        return "The safe and well check is recorded."

    return _episode_form(
        request, pk, title="Record the safe and well check", button="Save the check", build=build, save=save
    )


def return_interview(request: HttpRequest, pk: int) -> HttpResponse:
    def build(episode: MissingEpisode, data: Any) -> forms.Form:
        return InterviewForm(data)

    def save(episode: MissingEpisode, form: forms.Form) -> str:
        data = form.cleaned_data
        if not isinstance(form, InterviewForm):
            raise TypeError("The return interview page builds an InterviewForm")
        interview = services.record_return_interview(
            signed_in(request),
            episode,
            services.Interview(
                held_at=data["held_at"],
                interviewer=data["interviewer"],
                child_account=data["child_account"],
                where_they_went=data["where_they_went"],
                late_reason=data["late_reason"],
                disclosures=form.disclosures(),
            ),
            request=request,
        )
        count = interview.disclosures.count()
        became = (
            f" {count} disclosure{'s' if count != 1 else ''} sent to the case team as actions."
            if count
            else ""
        )
        return f"The return interview is recorded.{became}"

    return _episode_form(
        request,
        pk,
        title="Record the return interview",
        button="Save the interview",
        build=build,
        save=save,
        intro="Each disclosure becomes an action for the child's case team, traceable to this interview.",
    )


def close_monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_for_missing(request.user, pk)
    monitoring = selectors.open_monitoring(request.user, child.pk)
    if monitoring is None:
        raise PermissionDenied("This child is not being monitored")
    if not can(request.user, Action.CHANGE, monitoring):
        raise PermissionDenied("Monitoring is ended by the child's district team")
    form = CloseMonitoringForm(request.POST or None, initial={"version": monitoring.version})
    stale = ""
    if request.method == "POST" and form.is_valid():
        try:
            closed = services.close_monitoring(
                signed_in(request),
                monitoring,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except StaleVersionError as error:
            stale = error.message
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if closed:
                messages.success(request, "Monitoring of this child has ended.")
            else:
                messages.warning(
                    request,
                    "This child has been missing repeatedly: monitoring can only end with a supervisor's "
                    "approval. Your request is kept for a supervisor of the district to approve.",
                )
            return redirect("missing:child", pk=child.pk)
    log_opened(request.user, child, via=request, details={"form": "close_monitoring"})
    return render(
        request,
        "missing/form.html",
        {
            "child": child,
            "form": form,
            "title": "End monitoring",
            "intro": "A repeatedly missing child's monitoring ends only with a supervisor's approval.",
            "button": "End monitoring"
            if monitoring.closure_requested_at is None
            else "Approve ending monitoring",
            "stale_message": stale,
            "monitoring": monitoring,
        },
    )


def case_missing(request: HttpRequest, pk: int) -> HttpResponse:
    """The Missing tab of a case page: the child's episodes and the alerts raised on the case."""
    page = open_case_page(request, pk, "missing", log_view=False)
    child_id = page.case.child_id
    episodes = selectors.episodes_of_child(request.user, child_id) if child_id else []
    alerts = selectors.alerts_for(request.user, case_id=page.case.pk, child_id=child_id)
    log_opened(
        request.user,
        page.case,
        via=request,
        details={"tab": "missing"},
        grant=page.grant,
        shown={
            "people.person": [child_id] if child_id else [],
            "missing.missingepisode": [e.pk for e in episodes],
            "missing.patternalert": [a.pk for a in alerts],
        },
    )
    return render(
        request,
        "missing/case_missing.html",
        page.context(episodes=episodes, alerts=alerts, reported_by=dict(ReportedBy.choices)),
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator dashboard: figures by district from the episodes the user may see, no names."""
    _casework(request)
    now = timezone.now()
    rows = selectors.dashboard_rows(request.user, now - timedelta(days=DASHBOARD_DAYS))
    log_aggregate(request.user, request, report="missing.dashboard")
    by_grade = figures.open_by_grade(rows)
    overdue = figures.overdue_interviews(rows, now)
    repeat = figures.repeat_missing_children(rows, now)
    shares = figures.within_72_hours_by_month(rows, now)
    homes = figures.episodes_per_home(rows)
    districts = sorted({row.district for row in rows})
    summary = [
        {
            "district": district,
            "open": sum(by_grade.get(district, {}).values()),
            "overdue": overdue.get(district, 0),
            "repeat": len(repeat.get(district, set())),
            "episodes": sum(1 for row in rows if row.district == district),
        }
        for district in districts
    ]
    return render(
        request,
        "missing/dashboard.html",
        {
            "summary": summary,
            "days": DASHBOARD_DAYS,
            "national": figures.NATIONAL_WITHIN_72_HOURS,
            "by_grade": charts.open_by_grade_figure(by_grade) if by_grade else None,
            "within_72": charts.within_72_hours_figure(shares) if shares else None,
            "per_home": charts.per_home_figure(homes) if homes else None,
        },
    )

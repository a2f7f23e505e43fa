"""Reads of missing episodes, carers' profiles and alerts: every one from ``visible_to``, and the
open-and-log selectors pages and the API share (ADR 0019)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.models import Actor
from tessera.accounts.roles import Role
from tessera.cases.models import Case, CaseStatus, ExploitationFlag
from tessera.intelligence.models import IntelligenceReport
from tessera.missing.clocks import ReturnInterviewClock
from tessera.missing.figures import EpisodeRow
from tessera.missing.grading import ChildConcerns
from tessera.missing.models import (
    CarerProfile,
    Disclosure,
    EpisodeStatus,
    MissingEpisode,
    Monitoring,
    PatternAlert,
    ReturnInterview,
)
from tessera.people.models import Person
from tessera.risk.instrument import level_label
from tessera.risk.models import RiskAssessment

EXPLOITATION_FLAGS = (ExploitationFlag.SEXUAL, ExploitationFlag.CRIMINAL, ExploitationFlag.BOTH)


def child_concerns(child: Person) -> ChildConcerns:
    """What the record says about the child, whoever is grading: the grade rule must hold even when the
    person grading could not open the case or the assessment (their refusal then names only the kind)."""
    flags = tuple(
        f"{ExploitationFlag(flag).label} (case {reference})"
        for flag, reference in Case.objects.filter(child=child, exploitation_flag__in=EXPLOITATION_FLAGS)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("exploitation_flag", "reference")
    )
    latest = (
        RiskAssessment.objects.filter(child=child)
        .exclude(final_level="")
        .order_by("-assessed_on", "-pk")
        .values("final_level", "harm_evident")
        .first()
    )
    level = latest["final_level"] if latest else ""
    return ChildConcerns(
        exploitation_flags=flags,
        current_level=level,
        current_level_label=level_label(level, latest["harm_evident"]) if latest else "",
    )


def open_case_of(child: Person) -> Case | None:
    """The child's open case (the newest, should there be more than one): its team is told."""
    return (
        Case.objects.filter(child=child)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("lead_professional")
        .order_by("-opened_at")
        .first()
    )


def _for_page() -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.select_related(
        "child",
        "district",
        "case",
        "childrens_home",
        "found_place",
        "found_with",
        "found_vehicle",
        "graded_by",
        "decided_by",
        "opened_agency",
        "profile",
    )


def visible_episodes(user: Actor) -> QuerySet[MissingEpisode]:
    return visible_to(user, MissingEpisode)


def episode_for_page(user: Actor, pk: int) -> MissingEpisode:
    """The episode or 404, not logged: for a form handler whose service logs the save."""
    return get_visible_or_404(user, _for_page(), pk=pk)


@dataclass(frozen=True)
class EpisodePage:
    episode: MissingEpisode
    interview: ReturnInterview | None
    disclosures: list[Disclosure]
    alerts: list[PatternAlert]
    case: Case | None
    clock: ReturnInterviewClock | None
    # The intelligence reports made from the disclosures that this user may open (police intelligence
    # and exploitation roles); everyone else is told a report was passed on, not what it holds.
    readable_reports: frozenset[int] = frozenset()


def episode_page(user: Actor, episode: MissingEpisode) -> EpisodePage:
    interview = visible_to(user, ReturnInterview).filter(episode=episode).first()
    disclosures = (
        list(
            visible_to(user, Disclosure)
            .filter(interview=interview)
            .select_related("action", "referral", "intelligence_report")
        )
        if interview
        else []
    )
    alerts = list(visible_to(user, PatternAlert).filter(episode=episode))
    case = visible_to(user, Case).filter(pk=episode.case_id).first() if episode.case_id else None
    clock = (
        ReturnInterviewClock(episode.found_at, interview.held_at if interview else None)
        if episode.found_at
        else None
    )
    report_ids = {d.intelligence_report_id for d in disclosures if d.intelligence_report_id}
    readable = (
        frozenset(visible_to(user, IntelligenceReport).filter(pk__in=report_ids).values_list("pk", flat=True))
        if report_ids
        else frozenset()
    )
    return EpisodePage(episode, interview, disclosures, alerts, case, clock, readable)


def log_episode_shown(user: Actor, page: EpisodePage, via: HttpRequest | None) -> None:
    shown: dict[str, list[int]] = {"people.person": [page.episode.child_id]}
    if page.episode.found_with_id and can_see_person(user, page.episode.found_with_id):
        shown["people.person"].append(page.episode.found_with_id)
    if page.interview:
        shown["missing.returninterview"] = [page.interview.pk]
    if page.alerts:
        shown["missing.patternalert"] = [a.pk for a in page.alerts]
    log_opened(user, page.episode, via=via, shown=shown)


def can_see_person(user: Actor, pk: int) -> bool:
    return visible_to(user, Person).filter(pk=pk).exists()


def open_episode(user: Actor, pk: int, *, via: HttpRequest | None) -> EpisodePage:
    """The episode page's read: 404 alike for missing and not yours; one VIEW row naming the child."""
    episode = episode_for_page(user, pk)
    page = episode_page(user, episode)
    log_episode_shown(user, page, via)
    return page


def profile_for_page(user: Actor, pk: int) -> CarerProfile:
    return get_visible_or_404(
        user, CarerProfile.objects.select_related("child", "district", "childrens_home"), pk=pk
    )


def open_profile(user: Actor, pk: int, *, via: HttpRequest | None) -> CarerProfile:
    profile = profile_for_page(user, pk)
    log_opened(user, profile, via=via, shown={"people.person": [profile.child_id]})
    return profile


def child_for_missing(user: Actor, pk: int) -> Person:
    """A child the user may see, or 404 (the profile and report forms start from the child)."""
    return get_visible_or_404(user, Person.objects.filter(merged_into__isnull=True), pk=pk)


def profile_of(user: Actor, child: Person) -> CarerProfile | None:
    return visible_to(user, CarerProfile).filter(child=child).first()


def episodes_of_child(user: Actor, child_id: int) -> list[MissingEpisode]:
    return list(visible_episodes(user).filter(child_id=child_id).order_by("-reported_at"))


def open_monitoring(user: Actor, child_id: int) -> Monitoring | None:
    return visible_to(user, Monitoring).filter(child_id=child_id, closed_at__isnull=True).first()


def _closures_waiting(user: Actor) -> QuerySet[Monitoring]:
    scope = scope_of(user)
    if not scope.has(Role.SUPERVISOR):
        return Monitoring.objects.none()
    return visible_to(user, Monitoring).filter(
        closed_at__isnull=True, closure_requested_at__isnull=False, district_id__in=scope.district_ids
    )


def closures_waiting_count(user: Actor) -> int:
    """How many requests to end monitoring wait for this supervisor (a count names no child)."""
    return _closures_waiting(user).count()


def closures_to_approve(user: Actor) -> list[Monitoring]:
    """Requests to end a repeatedly missing child's monitoring that wait for a supervisor, oldest first.

    Only a supervisor of the child's district may approve (``rules.is_supervisor_of``), so the list is
    theirs: everyone else sees the request on the child's page, where it was made.
    """
    return list(
        _closures_waiting(user)
        .select_related("child", "district", "closure_requested_by")
        .order_by("closure_requested_at", "pk")
    )


@dataclass(frozen=True)
class OverdueRow:
    episode: MissingEpisode
    clock: ReturnInterviewClock


def open_episodes(user: Actor, district_id: int | None = None) -> list[MissingEpisode]:
    episodes = visible_episodes(user).filter(status=EpisodeStatus.MISSING).select_related("child", "district")
    if district_id:
        episodes = episodes.filter(district_id=district_id)
    return list(episodes.order_by("reported_at"))


def interviews_waiting(
    user: Actor, now: datetime | None = None, district_id: int | None = None
) -> list[OverdueRow]:
    """Children back from an episode whose return interview has not been held, soonest due first."""
    now = now or timezone.now()
    episodes = (
        visible_episodes(user)
        .filter(found_at__isnull=False, return_interview__isnull=True)
        .select_related("child", "district")
    )
    if district_id:
        episodes = episodes.filter(district_id=district_id)
    rows = [OverdueRow(e, ReturnInterviewClock(e.found_at)) for e in episodes if e.found_at]
    return sorted(rows, key=lambda row: row.clock.due_at)


def alerts_for(
    user: Actor, *, case_id: int | None = None, child_id: int | None = None, limit: int = 200
) -> list[PatternAlert]:
    """Alerts the user may see, newest first: of a case (and its child), or all of them."""
    alerts = visible_to(user, PatternAlert).select_related("child", "episode", "case")
    if case_id is not None:
        alerts = alerts.filter(Q(case_id=case_id) | Q(child_id=child_id) if child_id else Q(case_id=case_id))
    return list(alerts[:limit])


def dashboard_rows(user: Actor, since: datetime) -> list[EpisodeRow]:
    """Every episode the user may see reported since ``since``, or still open, as plain rows."""
    episodes = visible_episodes(user).filter(Q(reported_at__gte=since) | Q(status=EpisodeStatus.MISSING))
    return [
        EpisodeRow(
            district=row["district__name"],
            child_id=row["child_id"],
            grade=row["grade"],
            reported_at=row["reported_at"],
            found_at=row["found_at"],
            interview_held_at=row["return_interview__held_at"],
            home=row["childrens_home__name"] or "",
        )
        for row in episodes.values(
            "district__name",
            "child_id",
            "grade",
            "reported_at",
            "found_at",
            "return_interview__held_at",
            "childrens_home__name",
        )
    ]


def disclosure_pages(user: Actor, ids: set[int]) -> dict[int, str]:
    """For the intelligence app: the episode page of each disclosure the user may see."""
    return {
        pk: reverse("missing:episode_detail", args=[episode])
        for pk, episode in visible_to(user, Disclosure)
        .filter(pk__in=ids)
        .values_list("pk", "interview__episode_id")
    }

"""Reads of risk records. Each one starts from the user's scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.models import Actor
from tessera.accounts.roles import Role
from tessera.cases.models import Case
from tessera.people.models import Person
from tessera.risk.instrument import Level, level_label
from tessera.risk.models import (
    AssessmentStatus,
    IndicatorObservation,
    InstrumentVersion,
    ReassessmentTask,
    RiskAssessment,
    VersionStatus,
)
from tessera.risk.scoring import ChildFacts, Observation, RiskResult, score_assessment

# A reassessment counts as "due" this many days before its date.
DUE_SOON_DAYS = 14


def version_in_force() -> InstrumentVersion | None:
    """The instrument version new assessments are made with (not personal data: readable by the app)."""
    return InstrumentVersion.objects.filter(status=VersionStatus.IN_FORCE).first()


def visible_assessments(user: Actor) -> QuerySet[RiskAssessment]:
    """Assessments the user may see: their scope reaches the assessment and they may see the child."""
    return visible_to(user, RiskAssessment).filter(child__in=visible_to(user, Person).values("pk"))


def assessment_for_page(user: Actor, pk: int) -> RiskAssessment:
    observations = IndicatorObservation.objects.select_related("source_agency", "recorded_by").order_by(
        "-observed_on", "pk"
    )
    queryset = (
        visible_assessments(user)
        .select_related(
            "child", "district", "case", "instrument_version", "started_by", "completed_by", "signed_off_by"
        )
        .prefetch_related(Prefetch("observations", queryset=observations))
    )
    return get_visible_or_404(user, queryset, pk=pk)


def child_for_risk(user: Actor, pk: int) -> Person:
    """The child a risk form is about; not logged (the form page logs what it shows, when it shows it)."""
    return get_visible_or_404(user, Person.objects.select_related("district"), pk=pk)


def open_child_risk(user: Actor, pk: int, *, via: HttpRequest | None) -> Person:
    """The child's risk page: the child, logged as viewed on the page "risk"."""
    with transaction.atomic():
        child = child_for_risk(user, pk)
        log_opened(user, child, via=via, details={"page": "risk"}, emergency_of=child)
    return child


def open_assessment(
    user: Actor,
    pk: int,
    *,
    via: HttpRequest | None,
    also_shown: Callable[[RiskAssessment], dict[str, list[int]]] | None = None,
) -> RiskAssessment:
    """An assessment's page, logged as viewed, naming the emergency access to the child if that is how.

    ``also_shown`` names the other records the page shows about the assessment (the facts from the record
    it offers), so the one log row lists them too.
    """
    with transaction.atomic():
        assessment = assessment_for_page(user, pk)
        shown = _child_shown(assessment)
        for target, ids in (also_shown(assessment) if also_shown else {}).items():
            shown[target] = sorted({*shown.get(target, []), *ids})
        log_opened(user, assessment, via=via, emergency_of=assessment.child, shown=shown)
    return assessment


def _child_shown(assessment: RiskAssessment) -> dict[str, list[int]]:
    return {"people.person": [assessment.child_id]}


def log_assessment_shown(
    user: Actor, assessment: RiskAssessment, *, via: HttpRequest | None, page: str
) -> None:
    """A form about the assessment shows who the child is: a view, logged when the form is shown."""
    log_opened(user, assessment, via=via, details={"page": page}, grant=None, shown=_child_shown(assessment))


def same_child(child_id: int) -> Q:
    """The child's own rows and those of person records merged into it (a merge moves no risk records, so
    undoing it needs nothing moved back)."""
    return Q(child_id=child_id) | Q(child__merged_into_id=child_id)


def assessments_of(user: Actor, child: Person) -> list[RiskAssessment]:
    return list(
        visible_assessments(user)
        .filter(same_child(child.pk))
        .select_related("instrument_version", "completed_by", "signed_off_by")
        .order_by("-assessed_on", "-pk")
    )


def live_observations(assessment: RiskAssessment) -> list[IndicatorObservation]:
    return [o for o in assessment.observations.all() if o.withdrawn_at is None]


def facts_of(assessment: RiskAssessment) -> ChildFacts:
    return ChildFacts(assessment.child.date_of_birth, assessment.learning_disability)


def result_of(assessment: RiskAssessment) -> RiskResult:
    """The level the assessment's own pinned instrument version computes from its live observations."""
    observations = [Observation(o.indicator, o.observed_on) for o in live_observations(assessment)]
    return score_assessment(
        assessment.instrument_version.instrument, observations, facts_of(assessment), assessment.assessed_on
    )


@dataclass(frozen=True)
class TrajectoryPoint:
    assessed_on: date
    computed: Level
    final: Level
    harm_evident: bool
    version: int
    status: str

    @property
    def computed_label(self) -> str:
        return level_label(self.computed, self.harm_evident)

    @property
    def final_label(self) -> str:
        return level_label(self.final, self.harm_evident)


def trajectory(assessments: list[RiskAssessment]) -> list[TrajectoryPoint]:
    """The child's completed assessments, oldest first: both levels each time."""
    points = [
        TrajectoryPoint(
            a.assessed_on,
            Level(a.computed_level),
            Level(a.final_level),
            a.harm_evident,
            a.instrument_version.number,
            a.get_status_display(),
        )
        for a in assessments
        if a.computed_level and a.final_level
    ]
    return sorted(points, key=lambda p: p.assessed_on)


def open_tasks(user: Actor) -> QuerySet[ReassessmentTask]:
    return (
        visible_to(user, ReassessmentTask)
        .filter(done_at__isnull=True, child__in=visible_to(user, Person).values("pk"))
        .select_related("child", "district")
        .order_by("due_on", "pk")
    )


def tasks_of(user: Actor, child: Person) -> list[ReassessmentTask]:
    return list(open_tasks(user).filter(same_child(child.pk)))


@dataclass(frozen=True)
class DueCounts:
    overdue: int
    due_soon: int


def due_counts(user: Actor, today: date | None = None) -> DueCounts:
    today = today or timezone.localdate()
    tasks = open_tasks(user)
    return DueCounts(
        overdue=tasks.filter(due_on__lt=today).count(),
        due_soon=tasks.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)).count(),
    )


def latest_levels(children: list[Person], user: Actor) -> dict[int, RiskAssessment]:
    """Each child's latest completed assessment the user may see (one query for the lot)."""
    latest: dict[int, RiskAssessment] = {}
    rows = (
        visible_assessments(user)
        .filter(child__in=children)
        .exclude(final_level="")
        .order_by("child_id", "-assessed_on", "-pk")
    )
    for assessment in rows:
        latest.setdefault(assessment.child_id, assessment)
    return latest


def awaiting_sign_off(user: Actor) -> list[RiskAssessment]:
    """Completed assessments in the supervisor's districts waiting for someone other than their assessor."""
    scope = scope_of(user)
    if not scope.has(Role.SUPERVISOR):
        return []
    return list(
        visible_assessments(user)
        .filter(status=AssessmentStatus.AWAITING_SIGN_OFF, district_id__in=scope.district_ids)
        .exclude(completed_by_id=user.pk)
        .select_related("child", "district", "completed_by")
        .order_by("completed_at")[:200]
    )


def case_for_assessment(user: Actor, case_id: str | None, child: Person) -> Case | None:
    """The case an assessment is being started from, if the user may see it and it is about this child."""
    if not case_id or not str(case_id).isdigit():
        return None
    return visible_to(user, Case).filter(pk=int(case_id), child=child).first()

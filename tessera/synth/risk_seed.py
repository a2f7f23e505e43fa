"""Writes synthetic risk histories into the database for the demo: assessments made with the original,
under-rating instrument, professionals' overrides, reassessment tasks, and ground-truth outcomes.

Synthetic seeding is not a user's act, so it writes no access-log rows (like the world generator).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tessera.accounts.models import User
from tessera.people.models import Person
from tessera.risk.calibration import FOLLOW_UP_MONTHS
from tessera.risk.instrument import Level
from tessera.risk.models import (
    AssessmentStatus,
    ConfirmedOutcome,
    IndicatorObservation,
    InstrumentVersion,
    OutcomeKind,
    ReassessmentTask,
    RiskAssessment,
    TaskReason,
    VersionStatus,
)
from tessera.risk.scoring import ChildFacts, Recency, RiskResult, long_date, months_before, score_assessment
from tessera.risk.services import direction_of, review_due_after
from tessera.risk.version_services import install_reference_version
from tessera.synth.models import GroundTruthPerson
from tessera.synth.risk_history import (
    KnownTruth,
    WorldParameters,
    generate_child,
    known_at,
    original_instrument,
)

ASSESSORS = ("cse.rotherham", "youthworker.rotherham", "sw.sheffield")
SIGNER = "supervisor.rotherham"
RAISE_REASONS = (
    "The team's experience of this child's contacts says the tool is too low.",
    "Strategy discussion agreed the risk is higher than the score: recent intelligence about the adults involved.",
    "Youth worker's direct work with the child shows grooming the indicators do not capture.",
)
LOWER_REASON = "Protective factors in place: a trusted adult and a stable placement since the last review."


@dataclass(frozen=True)
class RiskSeedSummary:
    children: int
    assessments: int
    observations: int
    outcomes: int
    tasks: int


def _final_level(rng: random.Random, result: RiskResult, harmed_soon: bool) -> tuple[Level, str]:
    """Professional judgement as the inspection saw it: staff routinely raised the tool's level by hand,
    most often where they saw significant indicators the tool hardly counted, and more often still where
    the child was in fact being harmed (their experience told them)."""
    computed = result.level
    significant_now = any(
        c.indicator.group == "significant" and c.recency == Recency.CURRENT for c in result.contributions
    )
    if computed.rank < Level.MODERATE.rank and (significant_now or harmed_soon):
        chance = 0.6 if harmed_soon else 0.3
        if rng.random() < chance:
            return (Level.SIGNIFICANT if rng.random() < 0.3 else Level.MODERATE), rng.choice(RAISE_REASONS)
    if not harmed_soon and computed == Level.MODERATE and not result.harm_evident and rng.random() < 0.05:
        return Level.MILD, LOWER_REASON
    return computed, ""


@transaction.atomic
def seed_risk_history(*, limit: int = 600, seed: int = 2013, end: date | None = None) -> RiskSeedSummary:
    end = end or timezone.localdate()
    # Five years, so that after the 12 months outcomes are given to mature there is history to study.
    start = months_before(end, 60)
    rng = random.Random(seed)
    if not InstrumentVersion.objects.exists():
        install_reference_version(
            original_instrument(),
            summary="The tool in use before Tessera (synthetic): its weights under-rate as the inspection found.",
            when=timezone.now() - timedelta(days=3 * 365),
        )
    version = InstrumentVersion.objects.get(status=VersionStatus.IN_FORCE)
    definition = version.instrument
    assessors = list(User.objects.filter(username__in=ASSESSORS).select_related("agency"))
    signer = User.objects.get(username=SIGNER)
    params = WorldParameters()
    children, truths = _children_to_assess(rng, limit, end)
    assessments: list[RiskAssessment] = []
    pending_observations: list[tuple[int, list[tuple[Any, User]]]] = []
    outcomes = []
    now = timezone.now()
    for child in children:
        story = generate_child(
            rng, child.pk, start, end, params, date_of_birth=child.date_of_birth, truth=truths.get(child.pk)
        )
        facts = ChildFacts(child.date_of_birth, story.learning_disability)
        for on in story.assessment_dates:
            known = known_at(story, on)
            result = score_assessment(definition, known, facts, on)
            harmed_soon = story.harmed_between(on, months_before(on, -FOLLOW_UP_MONTHS))
            final, reason = _final_level(rng, result, harmed_soon)
            direction = direction_of(result.level, final)
            assessor = rng.choice(assessors)
            assessments.append(
                RiskAssessment(
                    child=child,
                    district=child.district,
                    instrument_version=version,
                    status=AssessmentStatus.SIGNED_OFF,
                    assessed_on=on,
                    learning_disability=story.learning_disability,
                    started_by=assessor,
                    computed_level=result.level,
                    computed_score=result.score,
                    harm_evident=result.harm_evident,
                    reasons=list(result.reasons),
                    final_level=final,
                    override_direction=direction,
                    override_reason=reason,
                    in_care="yes" if rng.random() < 0.15 else "no",
                    completed_by=assessor,
                    completed_at=_moment(on + timedelta(days=rng.randrange(0, 10))),
                    assessor_agency=assessor.agency,
                    assessor_role="cse_team_member",
                    signed_off_by=signer,
                    signed_off_at=now,
                    next_review_due=review_due_after(on),
                )
            )
            pending_observations.append((len(assessments) - 1, [(o, assessor) for o in known]))
        if story.exploited_from and story.exploited_until:
            confirmed_on = story.exploited_from + timedelta(days=rng.randrange(14, 60))
            if confirmed_on <= end:
                outcomes.append(
                    ConfirmedOutcome(
                        child=child,
                        kind=OutcomeKind.SYNTHETIC,
                        harmed_from=story.exploited_from,
                        harmed_until=story.exploited_until,
                        confirmed_on=confirmed_on,
                    )
                )
    RiskAssessment.objects.bulk_create(assessments, batch_size=500)
    observations = [
        IndicatorObservation(
            assessment=assessments[index],
            indicator=observation.indicator,
            observed_on=observation.observed_on,
            evidence="Synthetic observation recorded by the demo generator",
            entered_at=_moment(
                min(observation.observed_on + timedelta(days=3), assessments[index].assessed_on)
            ),
            source_agency=assessor.agency,
            recorded_by=assessor,
        )
        for index, rows in pending_observations
        for observation, assessor in rows
    ]
    IndicatorObservation.objects.bulk_create(observations, batch_size=1000)
    ConfirmedOutcome.objects.bulk_create(outcomes, batch_size=500)
    tasks = _scheduled_reviews(assessments, end)
    return RiskSeedSummary(len(children), len(assessments), len(observations), len(outcomes), tasks)


def _moment(day: date) -> datetime:
    """Midday on ``day`` in local time, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def _children_to_assess(
    rng: random.Random, limit: int, end: date
) -> tuple[list[Person], dict[int, KnownTruth]]:
    """The children professionals would have assessed: every child the world says was exploited or at
    risk, and others referred for other concerns, up to ``limit``. Their truth comes from the world's
    ground truth where it has one."""
    truths: dict[int, KnownTruth] = {}
    for person_id, status, started in GroundTruthPerson.objects.filter(
        role="child", person_id__isnull=False
    ).values_list("person_id", "exploitation_status", "exploitation_started_on"):
        if person_id is None:
            continue
        truths[person_id] = KnownTruth(
            exploited_from=started if status == "exploited" else None, at_risk=status == "at_risk"
        )
    people = Person.objects.filter(
        date_of_birth__gt=months_before(end, 12 * 18 + 36),
        date_of_birth__lt=months_before(end, 12 * 10),
        merged_into__isnull=True,
        district__isnull=False,
    ).select_related("district")
    candidates = list(people.order_by("pk"))
    if truths:
        candidates = [p for p in candidates if p.pk in truths]
    concern = [
        p for p in candidates if p.pk in truths and (truths[p.pk].exploited_from or truths[p.pk].at_risk)
    ]
    others = [p for p in candidates if p not in concern]
    rng.shuffle(others)
    chosen = concern[:limit] + others[: max(0, limit - len(concern))]
    return sorted(chosen, key=lambda p: p.pk), truths


def _scheduled_reviews(assessments: list[RiskAssessment], end: date) -> int:
    """A three-monthly review for each child still being assessed in the last six months."""
    latest: dict[int, RiskAssessment] = {}
    for assessment in assessments:
        if (
            assessment.child_id not in latest
            or assessment.assessed_on > latest[assessment.child_id].assessed_on
        ):
            latest[assessment.child_id] = assessment
    tasks = [
        ReassessmentTask(
            child_id=a.child_id,
            district_id=a.district_id,
            reason=TaskReason.SCHEDULED,
            detail=f"Three-monthly review of the assessment of {long_date(a.assessed_on)}",
            due_on=review_due_after(a.assessed_on),
            prompted_by=f"risk.riskassessment:{a.pk}",
        )
        for a in latest.values()
        if a.assessed_on >= months_before(end, 6)
    ]
    ReassessmentTask.objects.bulk_create(tasks)
    return len(tasks)

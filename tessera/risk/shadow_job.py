"""Shadow scoring in the product: switching a draft version on and off in shadow, scoring each newly
completed assessment with it in the background (the jobs app), and reading the evidence back for the
version's approval. The comparison itself is pure (``shadow.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.scope import scope_of
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.jobs.queue import JobContext, enqueue, job_handler
from tessera.risk.calibration_job import labelled_from_database
from tessera.risk.instrument import Level
from tessera.risk.models import (
    IndicatorObservation,
    InstrumentVersion,
    RiskAssessment,
    ShadowScore,
    VersionStatus,
)
from tessera.risk.rules import may_manage_instrument
from tessera.risk.scoring import ChildFacts, Observation, score_assessment
from tessera.risk.shadow import ShadowComparison, ShadowPair, compare_shadow

JOB_KIND = "risk.shadow_score"


def versions_in_shadow() -> list[InstrumentVersion]:
    return list(
        InstrumentVersion.objects.filter(
            status=VersionStatus.DRAFT, shadow_since__isnull=False, shadow_until__isnull=True
        )
    )


@transaction.atomic
def switch_shadow(
    user: Any, version: InstrumentVersion, *, on: bool, request: HttpRequest | None = None
) -> InstrumentVersion:
    """A manager runs a draft in shadow, or stops it. Scores already made are kept."""
    if not may_manage_instrument(scope_of(user)):
        raise PermissionDenied("Only an authorised manager can run a version in shadow")
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("Only a draft version can run in shadow")
    if on == version.in_shadow:
        raise ValidationError(
            "This version is already running in shadow" if on else "This version is not running in shadow"
        )
    now = timezone.now()
    if on:
        version.shadow_since, version.shadow_until = version.shadow_since or now, None
    else:
        version.shadow_until = now
    version.save(update_fields=["shadow_since", "shadow_until", "updated_at"])
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=version,
        request=request,
        details={"shadow": "started" if on else "stopped"},
    )
    return version


def score_in_shadow_later(assessment: RiskAssessment) -> None:
    """After the completion commits, queue the shadow scoring (only when some version is in shadow)."""

    def queue() -> None:
        if versions_in_shadow():
            enqueue(
                JOB_KIND,
                title=f"Shadow scoring of assessment {assessment.pk}",
                params={"assessment": assessment.pk},
            )

    transaction.on_commit(queue)


def score_in_shadow(assessment: RiskAssessment) -> int:
    """Score one completed assessment with every version in shadow; returns how many scores were made."""
    observations = [
        Observation(indicator, observed_on)
        for indicator, observed_on in IndicatorObservation.objects.filter(
            assessment=assessment, withdrawn_at__isnull=True
        ).values_list("indicator", "observed_on")
    ]
    facts = ChildFacts(assessment.child.date_of_birth, assessment.learning_disability)
    made = 0
    for version in versions_in_shadow():
        if ShadowScore.objects.filter(assessment=assessment, instrument_version=version).exists():
            continue
        # An indicator the draft lacks scores nothing under it, as under the study.
        definition = version.instrument
        known = [o for o in observations if definition.has_indicator(o.indicator)]
        result = score_assessment(definition, known, facts, assessment.assessed_on)
        ShadowScore.objects.create(
            assessment=assessment,
            instrument_version=version,
            computed_level=str(result.level),
            computed_score=result.score,
        )
        made += 1
    return made


def run_shadow_job(context: JobContext) -> dict[str, Any]:
    assessment = RiskAssessment.objects.select_related("child").get(pk=context.job.params["assessment"])
    context.progress(0, 1, "Scoring in shadow")
    made = score_in_shadow(assessment)
    context.progress(1, 1, "Scored in shadow")
    return {"assessment": assessment.pk, "scores": made}


def register_shadow_job() -> None:
    job_handler(JOB_KIND)(run_shadow_job)


def shadow_pairs(version: InstrumentVersion, today: date) -> list[ShadowPair]:
    """Each assessment the version scored in shadow, with the live level and the outcome known today."""
    records, _ = labelled_from_database(today)
    harmed = {(r.child, r.assessed_on): r.harmed for r in records}
    pairs = []
    rows = ShadowScore.objects.filter(instrument_version=version).values_list(
        "assessment__child_id", "assessment__assessed_on", "assessment__computed_level", "computed_level"
    )
    for child, assessed_on, live, shadow in rows:
        pairs.append(
            ShadowPair(
                child, assessed_on, Level(live), Level(shadow), harmed.get((child, assessed_on), False)
            )
        )
    return pairs


def shadow_evidence(version: InstrumentVersion, today: date | None = None) -> ShadowComparison | None:
    """The shadow comparison for a version's approval, or None if it never ran in shadow."""
    if version.shadow_since is None:
        return None
    return compare_shadow(
        shadow_pairs(version, today or timezone.localdate()), as_of=today or timezone.localdate()
    )

"""Every write to risk records: one function per act, in a transaction, with its access-log row."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, can_see, require
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import StaleVersionError, changes_since, save_changes
from tessera.cases.models import Case
from tessera.core.models import Agency
from tessera.core.working_days import add_working_days
from tessera.people.models import Person
from tessera.risk.instrument import (
    Level,
    level_label,
)
from tessera.risk.models import (
    AssessmentStatus,
    ConfirmedOutcome,
    IndicatorObservation,
    OutcomeKind,
    OverrideDirection,
    ReassessmentTask,
    RiskAssessment,
    TaskReason,
)
from tessera.risk.rules import may_assess
from tessera.risk.scoring import long_date, months_before
from tessera.risk.selectors import result_of, version_in_force
from tessera.risk.shadow_job import score_in_shadow_later

REVIEW_MONTHS = 3
# New information asks for a reassessment within this many working days.
NEW_INFORMATION_WORKING_DAYS = 5


class NoInstrumentInForceError(Exception):
    """No instrument version has been approved yet, so no assessment can start."""


# Assessments ---------------------------------------------------------------------------------------------


def _require_assessor(user: User, child: Person) -> None:
    if not can_see(user, child):
        raise Http404("No record found")
    scope = scope_of(user)
    if not may_assess(scope):
        raise PermissionDenied("Your role does not include assessing risk")
    if child.district_id not in scope.district_ids:
        raise PermissionDenied(
            "You can see this child through emergency access or a case team, but assessments are made by "
            "the child's district team"
        )


@transaction.atomic
def start_assessment(
    user: User,
    child: Person,
    *,
    assessed_on: date,
    learning_disability: bool,
    in_care: str = "",
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> RiskAssessment:
    """Begin an assessment of ``child``, pinned to the instrument version in force now, made for ``case``
    when it was started from one."""
    _require_assessor(user, child)
    if case is not None and (case.child_id != child.pk or not can_see(user, case)):
        raise ValidationError("The assessment can only be made for a case about this child")
    version = version_in_force()
    if version is None:
        raise NoInstrumentInForceError("No instrument version is in force: a manager must approve one first")
    if child.district_id is None:
        raise ValidationError("The child has no district, so no team can hold the assessment")
    assessment = RiskAssessment.objects.create(
        child=child,
        case=case,
        district_id=child.district_id,
        instrument_version=version,
        assessed_on=assessed_on,
        learning_disability=learning_disability,
        in_care=in_care,
        started_by=user,
    )
    record_access(
        actor=user,
        action=AuditAction.CREATE,
        target=assessment,
        request=request,
        details={"child": child.pk, "case": case.pk if case else None, "instrument_version": version.number},
    )
    return assessment


def _require_editable(user: User, assessment: RiskAssessment) -> None:
    require(user, Action.CHANGE, assessment)
    if not assessment.is_editable:
        raise ValidationError("This assessment has been completed; start a new assessment to record more")


def _current_version(assessment: RiskAssessment) -> int:
    """The version as stored now, locked: adding evidence is not refused for being based on a stale page."""
    return RiskAssessment.objects.select_for_update().values_list("version", flat=True).get(pk=assessment.pk)


@transaction.atomic
def add_observation(
    user: User,
    assessment: RiskAssessment,
    *,
    indicator: str,
    observed_on: date,
    evidence: str,
    source_agency: Agency,
    request: HttpRequest | None = None,
) -> IndicatorObservation:
    _require_editable(user, assessment)
    definition = assessment.instrument_version.instrument
    if not definition.has_indicator(indicator):
        raise ValidationError({"indicator": "Select an indicator from this version of the instrument"})
    if observed_on > assessment.assessed_on:
        raise ValidationError({"observed_on": "Date seen must be on or before the date of the assessment"})
    if not evidence.strip():
        raise ValidationError({"evidence": "Enter the evidence for this indicator"})
    observation = IndicatorObservation.objects.create(
        assessment=assessment,
        indicator=indicator,
        observed_on=observed_on,
        evidence=evidence,
        source_agency=source_agency,
        recorded_by=user,
    )
    # The assessment moves to a new version, so a completion based on what was seen before is refused.
    label = definition.indicator(indicator).label
    save_changes(
        assessment,
        expected_version=_current_version(assessment),
        changes={},
        actor=user,
        request=request,
        extra_changes={"indicators": ("", f"Added: {label} seen {long_date(observed_on)}")},
    )
    return observation


@transaction.atomic
def withdraw_observation(
    user: User, observation: IndicatorObservation, *, reason: str, request: HttpRequest | None = None
) -> None:
    assessment = observation.assessment
    _require_editable(user, assessment)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this observation is being removed"})
    IndicatorObservation.objects.filter(pk=observation.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=user, withdrawn_reason=reason
    )
    label = assessment.instrument_version.instrument.indicator(observation.indicator).label
    save_changes(
        assessment,
        expected_version=_current_version(assessment),
        changes={},
        actor=user,
        request=request,
        reason=reason,
        extra_changes={"indicators": (f"{label} seen {long_date(observation.observed_on)}", "Removed")},
    )


def direction_of(computed: Level, final: Level) -> OverrideDirection:
    if final.rank > computed.rank:
        return OverrideDirection.RAISED
    if final.rank < computed.rank:
        return OverrideDirection.LOWERED
    return OverrideDirection.NONE


@transaction.atomic
def complete_assessment(
    user: User,
    assessment: RiskAssessment,
    *,
    expected_version: int,
    final_level: Level,
    override_reason: str,
    gut_feeling: str,
    request: HttpRequest | None = None,
) -> RiskAssessment:
    """Fix the computed level and record the professionals' final level, for sign-off.

    A final level that differs from the computed one needs a reason. Where signs of harm were recorded the
    level cannot be lowered below the highest: harm is never described as only a risk.
    """
    _require_editable(user, assessment)
    stored = _current_version(assessment)
    if stored != expected_version:
        # Evidence changed since the user saw the computed level: they must see the new one first.
        raise StaleVersionError(stored, changes_since(assessment, expected_version))
    result = result_of(assessment)
    direction = direction_of(result.level, final_level)
    override_reason = override_reason.strip()
    if direction != OverrideDirection.NONE and not override_reason:
        raise ValidationError(
            {
                "override_reason": (
                    f"Enter why the final level ({level_label(final_level)}) differs from the computed level "
                    f"({result.label})"
                )
            }
        )
    if result.harm_evident and final_level.rank < result.level.rank:
        raise ValidationError(
            {
                "final_level": (
                    "Signs that exploitation is already happening were recorded, so the level cannot be lowered. "
                    "If an observation was recorded in error, remove it first"
                )
            }
        )
    scope = scope_of(user)
    role = next((code for code in ("supervisor", "cse_team_member") if code in scope.roles), "")
    save_changes(
        assessment,
        expected_version=expected_version,
        changes={
            "status": AssessmentStatus.AWAITING_SIGN_OFF,
            "computed_level": str(result.level),
            "computed_score": result.score,
            "harm_evident": result.harm_evident,
            "reasons": list(result.reasons),
            "final_level": str(final_level),
            "override_direction": direction,
            "override_reason": override_reason if direction != OverrideDirection.NONE else "",
            "gut_feeling": gut_feeling.strip(),
            "completed_by": user,
            "completed_at": timezone.now(),
            "assessor_agency": user.agency,
            "assessor_role": role,
        },
        actor=user,
        request=request,
        reason=override_reason,
    )
    # A version running in shadow scores it in the background; assessors never see that score.
    score_in_shadow_later(assessment)
    return assessment


@transaction.atomic
def sign_off(
    user: User,
    assessment: RiskAssessment,
    *,
    expected_version: int,
    note: str,
    request: HttpRequest | None = None,
) -> RiskAssessment:
    """A supervisor other than the assessor signs the assessment off; the next review is then scheduled."""
    require(user, Action.SIGN_OFF, assessment)
    if assessment.status != AssessmentStatus.AWAITING_SIGN_OFF:
        raise ValidationError("Only a completed assessment waiting for sign-off can be signed off")
    if assessment.completed_by_id == user.pk:
        raise ValidationError("Another supervisor must sign off an assessment you completed yourself")
    due = review_due_after(assessment.assessed_on)
    save_changes(
        assessment,
        expected_version=expected_version,
        changes={
            "status": AssessmentStatus.SIGNED_OFF,
            "signed_off_by": user,
            "signed_off_at": timezone.now(),
            "sign_off_note": note.strip(),
            "next_review_due": due,
        },
        actor=user,
        request=request,
        reason=note,
    )
    now = timezone.now()
    ReassessmentTask.objects.filter(child=assessment.child, done_at__isnull=True).update(
        done_at=now, done_by_assessment=assessment
    )
    create_task(
        assessment.child,
        reason=TaskReason.SCHEDULED,
        detail=f"Three-monthly review of the assessment of {long_date(assessment.assessed_on)}",
        due_on=due,
        prompted_by=f"risk.riskassessment:{assessment.pk}",
    )
    return assessment


def review_due_after(assessed_on: date) -> date:
    """Three calendar months after the assessment date."""
    return months_before(assessed_on, -REVIEW_MONTHS)


# Reassessment tasks --------------------------------------------------------------------------------------


@transaction.atomic
def create_task(
    child: Person,
    *,
    reason: TaskReason,
    detail: str,
    due_on: date | None = None,
    prompted_by: str = "",
) -> ReassessmentTask | None:
    """Ask for the child's risk to be (re)assessed. The same event never makes two tasks.

    Made by the system in response to an event, so the access log names no user.
    """
    if child.district_id is None:
        return None
    if prompted_by and ReassessmentTask.objects.filter(child=child, prompted_by=prompted_by).exists():
        return None
    due_on = due_on or add_working_days(timezone.localdate(), NEW_INFORMATION_WORKING_DAYS)
    task = ReassessmentTask.objects.create(
        child=child,
        district_id=child.district_id,
        reason=reason,
        detail=detail[:300],
        due_on=due_on,
        prompted_by=prompted_by,
    )
    record_access(
        actor=None,
        action=AuditAction.CREATE,
        target=task,
        details={"child": child.pk, "reason": str(reason), "prompted_by": prompted_by},
    )
    return task


# Confirmed outcomes ------------------------------------------------------------------------------------


@transaction.atomic
def record_confirmed_outcome(
    user: User,
    child: Person,
    *,
    kind: OutcomeKind,
    harmed_from: date,
    confirmed_on: date,
    harmed_until: date | None = None,
    request: HttpRequest | None = None,
) -> ConfirmedOutcome:
    """Record that a child was confirmed harmed by exploitation (a crime flagged as exploitation, a
    disclosure, a section 47 finding), for the calibration study. Apps that confirm harm call this; the
    product never shows the row against the child, only the study's aggregate figures use it."""
    _require_assessor(user, child)
    if kind == OutcomeKind.SYNTHETIC:
        raise ValidationError({"kind": "Synthetic ground truth is written only by the synthetic world"})
    if harmed_until is not None and harmed_until < harmed_from:
        raise ValidationError({"harmed_until": "The end of the harm must be on or after its start"})
    if confirmed_on < harmed_from:
        raise ValidationError({"confirmed_on": "Harm cannot be confirmed before it began"})
    outcome = ConfirmedOutcome.objects.create(
        child=child, kind=kind, harmed_from=harmed_from, harmed_until=harmed_until, confirmed_on=confirmed_on
    )
    record_access(
        actor=user,
        action=AuditAction.CREATE,
        target=outcome,
        request=request,
        details={"child": child.pk, "kind": str(kind)},
    )
    return outcome

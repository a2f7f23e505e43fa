"""Every write to case work. Each function checks the policy, runs in one transaction and logs the act.

Rules the inspection found broken are enforced here, not only in forms: a case cannot move to
investigation without a strategy discussion, cannot close without an outcome and either support or a
recorded reason, and a step taken after its statutory date needs the reason it was late.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action as PolicyAction
from tessera.access.policy import require
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.cases import timescales
from tessera.cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseEvent,
    CaseStatus,
    CaseTeamMember,
    EventKind,
    SubjectKind,
    SupportRecord,
    Track,
)
from tessera.core.models import District
from tessera.core.submissions import claim_submission
from tessera.core.working_days import add_working_days
from tessera.people.models import Location, Person

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference(prefix: str) -> str:
    """A short reference people can read out over the phone: no 0/O or 1/I to confuse."""
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
    return f"{prefix}-{timezone.localdate().year}-{code}"


def case_event(case: Case, actor: User, kind: EventKind, detail: str = "") -> CaseEvent:
    """A step in the case's life, for the chronology: what, who, from which agency, when."""
    return CaseEvent.objects.create(
        case=case, kind=kind, at=timezone.now(), by=actor, agency=actor.agency, detail=detail
    )


def require_open(case: Case) -> None:
    if case.is_closed:
        raise ValidationError("This case is closed. Reopen work through a new referral.")


@transaction.atomic
def open_case(
    actor: User,
    *,
    district: District,
    track: Track,
    lead_professional: User,
    referral_on: date,
    child: Person | None = None,
    place: Location | None = None,
    subject_description: str = "",
    subject_kind: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Open a case. Called from a triage decision, which has already checked the decider's rights.

    ``subject_kind`` is what triage chose the case to be about; without it, a child's case when there
    is a child, else a place's when there is a place, else a child's.
    """
    if not subject_kind:
        subject_kind = SubjectKind.CHILD if child or not place else SubjectKind.PLACE
    case = Case.objects.create(
        reference=new_reference("C"),
        district=district,
        subject_kind=subject_kind,
        child=child,
        place=place,
        subject_description=subject_description,
        track=track,
        lead_professional=lead_professional,
        referral_on=referral_on,
        opened_at=timezone.now(),
        opened_by=actor,
    )
    now = timezone.now()
    for member, role in [(lead_professional, "Lead professional"), (actor, "Opened the case")]:
        if not CaseTeamMember.objects.filter(case=case, user=member).exists():
            CaseTeamMember.objects.create(
                case=case, user=member, role_on_case=role, added_at=now, added_by=actor
            )
    case_event(
        case, actor, EventKind.OPENED, f"{case.get_track_display()}. Lead professional: {lead_professional}."
    )
    record_access(actor=actor, action=AuditAction.CREATE, target=case, request=request)
    return case


@transaction.atomic
def add_team_member(
    actor: User, case: Case, *, member: User, role_on_case: str, request: HttpRequest | None = None
) -> CaseTeamMember:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    existing = CaseTeamMember.objects.filter(case=case, user=member).first()
    if existing is not None and existing.removed_at is None:
        raise ValidationError({"member": f"{member} is already on the case team"})
    if existing is not None:
        existing.removed_at = None
        existing.role_on_case = role_on_case
        existing.save(update_fields=["removed_at", "role_on_case"])
        membership = existing
    else:
        membership = CaseTeamMember.objects.create(
            case=case, user=member, role_on_case=role_on_case, added_at=timezone.now(), added_by=actor
        )
    agency = f" ({member.agency})" if member.agency else ""
    case_event(case, actor, EventKind.MEMBER_ADDED, f"{member}{agency} as {role_on_case}")
    record_access(
        actor=actor,
        action=AuditAction.CHANGE,
        target=case,
        request=request,
        details={"case_team_added": member.pk, "role": role_on_case},
    )
    return membership


@transaction.atomic
def move_to_investigation(
    actor: User, case: Case, *, expected_version: int, request: HttpRequest | None = None
) -> None:
    """Start the investigation. Refused unless a strategy discussion decided on a section 47 enquiry and
    who investigates: the inspection found investigations begun without one."""
    require(actor, PolicyAction.DECIDE, case)
    require_open(case)
    if case.status == CaseStatus.INVESTIGATION:
        raise ValidationError("The case is already under investigation.")
    decided = case.strategy_discussions.filter(section_47=True).exclude(investigation="").exists()
    if not decided:
        raise ValidationError(
            "A case cannot move to investigation without a strategy discussion. Record the strategy "
            "discussion that started the section 47 enquiry and decided who investigates, then try again."
        )
    save_changes(
        case,
        expected_version=expected_version,
        changes={"status": CaseStatus.INVESTIGATION},
        actor=actor,
        request=request,
    )
    case_event(case, actor, EventKind.INVESTIGATION)


@transaction.atomic
def update_case_details(
    actor: User,
    case: Case,
    *,
    expected_version: int,
    lead_professional: User,
    exploitation_flag: str,
    request: HttpRequest | None = None,
) -> None:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    if not case.team_members.filter(user=lead_professional, removed_at__isnull=True).exists():
        raise ValidationError({"lead_professional": "The lead professional must be on the case team"})
    old_lead = case.lead_professional
    version = case.version
    save_changes(
        case,
        expected_version=expected_version,
        changes={"lead_professional": lead_professional, "exploitation_flag": exploitation_flag},
        actor=actor,
        request=request,
    )
    if case.version != version:
        changes = []
        if old_lead != lead_professional:
            changes.append(f"Lead professional: {lead_professional}")
        changes.append(f"Exploitation flag: {case.get_exploitation_flag_display() or 'not recorded'}")
        case_event(case, actor, EventKind.DETAILS_CHANGED, ". ".join(changes))


def late_reason_problem(due_on: date, done_on: date, reason: str, what: str) -> str | None:
    if timescales.is_late(due_on, done_on) and not reason.strip():
        return f"{what} was due by {due_on:%-d %B %Y}: say why it was late"
    return None


@transaction.atomic
def record_assessment(
    actor: User,
    case: Case,
    *,
    expected_version: int,
    completed_on: date,
    late_reason: str,
    request: HttpRequest | None = None,
) -> None:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    if case.assessment_completed_on:
        raise ValidationError("The assessment is already recorded as completed.")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "Date completed must be today or in the past"})
    problem = late_reason_problem(
        timescales.assessment_due(case.referral_on), completed_on, late_reason, "The assessment"
    )
    if problem:
        raise ValidationError({"late_reason": problem})
    save_changes(
        case,
        expected_version=expected_version,
        changes={"assessment_completed_on": completed_on, "assessment_late_reason": late_reason},
        actor=actor,
        request=request,
    )
    case_event(case, actor, EventKind.ASSESSMENT, f"Completed on {completed_on:%-d %B %Y}.")


@transaction.atomic
def add_action(
    actor: User,
    case: Case,
    *,
    description: str,
    owner: User,
    due_in_working_days: int,
    request: HttpRequest | None = None,
    submission: uuid.UUID | None = None,
) -> Action:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    if not case.team_members.filter(user=owner, removed_at__isnull=True).exists():
        raise ValidationError({"owner": "The owner must be on the case team: add them to the team first"})
    claim = claim_submission(actor, submission, "cases.action")
    action = Action.objects.create(
        case=case,
        description=description,
        owner=owner,
        due_on=add_working_days(timezone.localdate(), due_in_working_days),
        created_by=actor,
    )
    claim.made(action)
    record_access(
        actor=actor, action=AuditAction.CREATE, target=action, request=request, details={"case": case.pk}
    )
    return action


@transaction.atomic
def update_action(
    actor: User,
    action: Action,
    *,
    expected_version: int,
    status: str,
    late_reason: str,
    request: HttpRequest | None = None,
) -> None:
    case = action.case
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    today = timezone.localdate()
    changes: dict[str, Any] = {"status": status, "late_reason": late_reason}
    if status == ActionStatus.DONE:
        problem = late_reason_problem(action.due_on, today, late_reason, "This action")
        if problem:
            raise ValidationError({"late_reason": problem})
        changes["done_on"] = action.done_on or today
    version = action.version
    save_changes(action, expected_version=expected_version, changes=changes, actor=actor, request=request)
    if action.version != version and status in {ActionStatus.DONE, ActionStatus.CANCELLED}:
        kind = EventKind.ACTION_DONE if status == ActionStatus.DONE else EventKind.ACTION_CANCELLED
        case_event(case, actor, kind, action.description)


@transaction.atomic
def record_support(
    actor: User,
    case: Case,
    *,
    request: HttpRequest | None = None,
    submission: uuid.UUID | None = None,
    **details: Any,
) -> SupportRecord:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    if details["started_on"] > timezone.localdate():
        raise ValidationError({"started_on": "Started must be today or in the past"})
    claim = claim_submission(actor, submission, "cases.supportrecord")
    support = SupportRecord.objects.create(case=case, recorded_by=actor, **details)
    claim.made(support)
    record_access(
        actor=actor, action=AuditAction.CREATE, target=support, request=request, details={"case": case.pk}
    )
    return support


@transaction.atomic
def close_case(
    actor: User,
    case: Case,
    *,
    expected_version: int,
    outcome: str,
    outcome_detail: str,
    no_support_reason: str,
    request: HttpRequest | None = None,
) -> None:
    """Close with an outcome. Refused without support recorded or a reason why there was none."""
    require(actor, PolicyAction.CLOSE, case)
    require_open(case)
    errors: dict[str, str] = {}
    if not outcome:
        errors["outcome"] = "Select the outcome for the child"
    if not case.support_records.exists() and not no_support_reason.strip():
        errors["no_support_reason"] = (
            "No support to the child is recorded. Record the support they received, or say why there was none"
        )
    if errors:
        raise ValidationError(errors)
    save_changes(
        case,
        expected_version=expected_version,
        changes={
            "status": CaseStatus.CLOSED,
            "outcome": outcome,
            "outcome_detail": outcome_detail,
            "no_support_reason": no_support_reason if not case.support_records.exists() else "",
            "closed_at": timezone.now(),
            "closed_by": actor,
        },
        actor=actor,
        request=request,
        reason="Case closed",
    )
    case_event(case, actor, EventKind.CLOSED, f"{case.get_outcome_display()}. {outcome_detail}".strip())

"""Every write to missing episodes. Each checks the policy, runs in one transaction and logs the act.

The rules the national reviews found broken are refused here, not only in forms: "no apparent risk" for a
child with exploitation concerns without a supervisor's recorded decision (``grading``), and closing the
monitoring of a repeatedly missing child without a supervisor's approval (``patterns``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action as PolicyAction
from tessera.access.policy import require, visible_to
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.cases.models import Action, CaseStatus
from tessera.cases.services import new_reference
from tessera.core.working_days import add_working_days
from tessera.intelligence.models import SubjectRole
from tessera.intelligence.services import Subject, submit_intelligence
from tessera.missing import alerts, grading, patterns
from tessera.missing.clocks import held_in_time, return_interview_due
from tessera.missing.models import (
    CarerProfile,
    Disclosure,
    EpisodeStatus,
    MissingEpisode,
    Monitoring,
    ReturnInterview,
)
from tessera.missing.rules import is_supervisor_of, may_record
from tessera.missing.selectors import child_concerns, open_case_of
from tessera.people.models import LinkKind, Location, Person, Vehicle
from tessera.people.services import record_link
from tessera.referrals.services import submit_referral
from tessera.referrals.warning_signs import WarningSign

SOURCE_SYSTEM = "missing"
# The case team has two working days to act on what the child disclosed.
DISCLOSURE_ACTION_WORKING_DAYS = 2
PROFILE_FIELDS = (
    "kept_by",
    "carer_kind",
    "childrens_home",
    "description",
    "photo_reference",
    "associates",
    "places",
    "phones",
    "accounts",
    "missing_history",
)


def _require_recorder(actor: User, district_id: int | None) -> None:
    scope = scope_of(actor)
    if not may_record(scope) or district_id not in scope.district_ids:
        raise PermissionDenied("Missing episodes are recorded by the child's district team")


def _child_in_reach(actor: User, child: Person) -> None:
    if not visible_to(actor, Person).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot record about a child you cannot see")
    _require_recorder(actor, child.district_id)


# The carer's profile ---------------------------------------------------------------------------------


@transaction.atomic
def save_profile(
    actor: User,
    child: Person,
    *,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> CarerProfile:
    """Record the carer's profile of a child, or change it (a stale change is refused, nothing lost)."""
    _child_in_reach(actor, child)
    if child.district_id is None:
        raise ValidationError("The child has no district: record where they live first")
    fields = {name: fields[name] for name in PROFILE_FIELDS if name in fields}
    profile = CarerProfile.objects.filter(child=child).first()
    if profile is None:
        profile = CarerProfile.objects.create(
            child=child, district_id=child.district_id, recorded_by=actor, **fields
        )
        record_access(
            actor=actor,
            action=AuditAction.CREATE,
            target=profile,
            request=request,
            details={"child": child.pk},
        )
        return profile
    save_changes(
        profile,
        expected_version=expected_version if expected_version is not None else profile.version,
        changes=fields,
        actor=actor,
        request=request,
    )
    profile.refresh_from_db()
    return profile


def profile_handover(profile: CarerProfile) -> dict[str, str]:
    """The profile as the police receive it when the episode opens: a copy, kept with the episode."""
    return {
        "Kept by": profile.kept_by,
        "Kind of carer": profile.get_carer_kind_display(),
        "Children's home": str(profile.childrens_home or ""),
        "Description": profile.description,
        "Photo reference": profile.photo_reference,
        "Friends and associates": profile.associates,
        "Places they may go": profile.places,
        "Phone numbers": profile.phones,
        "Social media and online accounts": profile.accounts,
        "Missing history before Tessera": profile.missing_history,
        "Profile version": str(profile.version),
    }


# Episodes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeReport:
    reported_by_kind: str
    reported_by_name: str
    last_seen_at: datetime
    last_seen_where: str
    circumstances: str
    grade: str
    grade_reason: str
    last_seen_with: str = ""
    clothing: str = ""
    phones: str = ""
    supervisor_decision: str = ""
    childrens_home: Location | None = None


def _grade_problem(actor: User, child: Person, grade: str, decision: str) -> str | None:
    return grading.grade_refusal(
        grade,
        child_concerns(child),
        supervisor_decision=decision,
        by_supervisor=child.district_id is not None and is_supervisor_of(scope_of(actor), child.district_id),
    )


@transaction.atomic
def report_missing(
    actor: User,
    child: Person,
    report: EpisodeReport,
    *,
    profile: CarerProfile | None = None,
    request: HttpRequest | None = None,
) -> MissingEpisode:
    """Open a missing episode. With the carer's profile, it is handed over in the same step."""
    _child_in_reach(actor, child)
    if child.district_id is None:
        raise ValidationError("The child has no district: record where they live first")
    if report.last_seen_at > timezone.now():
        raise ValidationError({"last_seen_at": "When last seen must be in the past"})
    problem = _grade_problem(actor, child, report.grade, report.supervisor_decision)
    if problem:
        raise ValidationError({"grade": problem})
    if profile is not None and profile.child_id != child.pk:
        raise ValidationError("That profile is of another child")
    case = open_case_of(child)
    home = report.childrens_home or (profile.childrens_home if profile else None)
    episode = MissingEpisode.objects.create(
        reference=new_reference("MIS"),
        child=child,
        district_id=child.district_id,
        case=case,
        reported_by_kind=report.reported_by_kind,
        reported_by_name=report.reported_by_name,
        reported_at=timezone.now(),
        childrens_home=home,
        last_seen_at=report.last_seen_at,
        last_seen_where=report.last_seen_where,
        last_seen_with=report.last_seen_with,
        circumstances=report.circumstances,
        clothing=report.clothing,
        phones=report.phones,
        profile=profile,
        profile_handed_over=profile_handover(profile) if profile else {},
        grade=report.grade,
        grade_reason=report.grade_reason,
        graded_by=actor,
        supervisor_decision=report.supervisor_decision if report.grade == grading.NO_APPARENT_RISK else "",
        decided_by=actor if report.supervisor_decision and report.grade == grading.NO_APPARENT_RISK else None,
        opened_by=actor,
        opened_agency=actor.agency,
    )
    details = {"child": child.pk, "grade": report.grade}
    if profile is not None:
        details["profile_handed_over"] = profile.pk
    record_access(actor=actor, action=AuditAction.CREATE, target=episode, request=request, details=details)
    if not Monitoring.objects.filter(child=child, closed_at__isnull=True).exists():
        Monitoring.objects.create(child=child, district_id=child.district_id, started_at=episode.reported_at)
    alerts.after_report(episode)
    return episode


@transaction.atomic
def regrade(
    actor: User,
    episode: MissingEpisode,
    *,
    expected_version: int,
    grade: str,
    grade_reason: str,
    supervisor_decision: str = "",
    request: HttpRequest | None = None,
) -> None:
    require(actor, PolicyAction.CHANGE, episode)
    problem = _grade_problem(actor, episode.child, grade, supervisor_decision)
    if problem:
        raise ValidationError({"grade": problem})
    deciding = grade == grading.NO_APPARENT_RISK and bool(supervisor_decision.strip())
    save_changes(
        episode,
        expected_version=expected_version,
        changes={
            "grade": grade,
            "grade_reason": grade_reason,
            "graded_by": actor,
            "supervisor_decision": supervisor_decision if deciding else "",
            "decided_by": actor if deciding else None,
        },
        actor=actor,
        request=request,
    )


@dataclass(frozen=True)
class Found:
    found_at: datetime
    account: str
    place: Location | None = None
    with_person: Person | None = None
    with_description: str = ""
    vehicle: Vehicle | None = None


@transaction.atomic
def record_found(
    actor: User,
    episode: MissingEpisode,
    found: Found,
    *,
    expected_version: int,
    request: HttpRequest | None = None,
) -> None:
    """The child is found or has come back: where, with whom and in what, each linked into POLE, and the
    return interview clock starts."""
    require(actor, PolicyAction.CHANGE, episode)
    if episode.status != EpisodeStatus.MISSING:
        raise ValidationError("The child has already been recorded as found or returned")
    if found.found_at > timezone.now():
        raise ValidationError({"found_at": "When found must be in the past"})
    if found.found_at < episode.last_seen_at:
        raise ValidationError({"found_at": "When found must be after the child was last seen"})
    if found.with_person is not None and found.with_person.pk == episode.child_id:
        raise ValidationError({"found_with": "Choose who the child was with, not the child"})
    save_changes(
        episode,
        expected_version=expected_version,
        changes={
            "status": EpisodeStatus.RETURNED,
            "found_at": found.found_at,
            "found_place": found.place,
            "found_with": found.with_person,
            "found_with_description": found.with_description,
            "found_vehicle": found.vehicle,
            "found_account": found.account,
            "found_recorded_by": actor,
            "return_interview_due_at": return_interview_due(found.found_at),
        },
        actor=actor,
        request=request,
    )
    episode.refresh_from_db()
    on = timezone.localdate(found.found_at)
    for other, kind in (
        (found.place, LinkKind.SEEN_AT),
        (found.with_person, LinkKind.FOUND_WITH),
        (found.vehicle, LinkKind.SEEN_IN_VEHICLE),
    ):
        if other is not None:
            record_link(
                actor,
                source=episode.child,
                target=other,
                kind=kind,
                started_on=on,
                source_system=SOURCE_SYSTEM,
                source_record_id=episode.reference,
                request=request,
            )
    alerts.after_found(episode)


@transaction.atomic
def record_safe_and_well(
    actor: User,
    episode: MissingEpisode,
    *,
    expected_version: int,
    checked_at: datetime,
    officer: str,
    notes: str,
    request: HttpRequest | None = None,
) -> None:
    require(actor, PolicyAction.CHANGE, episode)
    if episode.found_at is None:
        raise ValidationError("Record that the child was found before the safe and well check")
    if checked_at < episode.found_at or checked_at > timezone.now():
        raise ValidationError(
            {"checked_at": "The check is made after the child was found, and not in the future"}
        )
    save_changes(
        episode,
        expected_version=expected_version,
        changes={
            "safe_and_well_at": checked_at,
            "safe_and_well_officer": officer,
            "safe_and_well_notes": notes,
        },
        actor=actor,
        request=request,
    )


# The return interview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interview:
    held_at: datetime
    interviewer: str
    child_account: str
    where_they_went: str = ""
    late_reason: str = ""
    disclosures: tuple[str, ...] = ()


@transaction.atomic
def record_return_interview(
    actor: User, episode: MissingEpisode, interview: Interview, *, request: HttpRequest | None = None
) -> ReturnInterview:
    """The independent return interview. Each disclosure becomes an intelligence report for the police
    analysts (``intelligence.services.submit_intelligence``) and an action for the child's case team, owned
    by the lead professional (or, when the child has no open case, a concern for the district's triage),
    each traceable to the interview both ways."""
    require(actor, PolicyAction.CHANGE, episode)
    if episode.found_at is None:
        raise ValidationError("Record that the child was found before the return interview")
    if ReturnInterview.objects.filter(episode=episode).exists():
        raise ValidationError("The return interview for this episode is already recorded")
    if interview.held_at < episode.found_at or interview.held_at > timezone.now():
        raise ValidationError(
            {"held_at": "The interview is held after the child was found, and not in the future"}
        )
    late = not held_in_time(episode.found_at, interview.held_at)
    if late and not interview.late_reason.strip():
        raise ValidationError({"late_reason": "The interview was not held within 72 hours: say why"})
    if actor.agency is None:
        raise PermissionDenied(
            "A return interview is recorded for an agency, and your account belongs to none"
        )
    held = ReturnInterview.objects.create(
        episode=episode,
        held_at=interview.held_at,
        interviewer=interview.interviewer,
        interviewer_agency=actor.agency,
        where_they_went=interview.where_they_went,
        child_account=interview.child_account,
        recorded_by=actor,
        late_reason=interview.late_reason if late else "",
    )
    record_access(
        actor=actor,
        action=AuditAction.CREATE,
        target=held,
        request=request,
        details={"episode": episode.pk, "child": episode.child_id, "within_72_hours": not late},
    )
    said = [text.strip() for text in interview.disclosures if text.strip()]
    for number, text in enumerate(said, start=1):
        act_on_disclosure(actor, episode, held, text, number, request)
    return held


def act_on_disclosure(
    actor: User,
    episode: MissingEpisode,
    interview: ReturnInterview,
    said: str,
    number: int,
    request: HttpRequest | None,
) -> Disclosure:
    """One disclosure: an intelligence report, and an action for the case team (or a concern for triage)."""
    disclosure = Disclosure.objects.create(interview=interview, what_was_said=said)
    # The report names the child and what the episode linked: the adult and vehicle the child was found
    # with, the place found. The analyst is offered the names and numbers in the text to confirm later.
    subjects: list[Subject] = [Subject(episode.child, SubjectRole.CHILD_AT_RISK)]
    if episode.found_with is not None and visible_to(actor, Person).filter(pk=episode.found_with.pk).exists():
        subjects.append(Subject(episode.found_with, SubjectRole.SUSPECT))
    subjects += [
        Subject(thing) for thing in (episode.found_vehicle, episode.found_place) if thing is not None
    ]
    disclosure.intelligence_report = submit_intelligence(
        actor,
        text=said,
        subjects=subjects,
        source=disclosure,
        source_label=(
            f"Return interview {timezone.localtime(interview.held_at):%-d %b %Y} for missing episode "
            f"{episode.reference}, disclosure {number}"
        ),
        district=episode.district,
        request=request,
    )
    case = (
        episode.case
        if episode.case and episode.case.status != CaseStatus.CLOSED
        else open_case_of(episode.child)
    )
    if case is not None:
        action = Action.objects.create(
            case=case,
            description=f"Act on a disclosure in the return interview for {episode.reference}: {said}"[:300],
            owner=case.lead_professional,
            due_on=add_working_days(timezone.localdate(), DISCLOSURE_ACTION_WORKING_DAYS),
            created_by=actor,
        )
        disclosure.action = action
        record_access(
            actor=actor,
            action=AuditAction.CREATE,
            target=action,
            request=request,
            details={"case": case.pk, "disclosure": disclosure.pk, "episode": episode.pk},
        )
    else:
        disclosure.referral = submit_referral(
            actor,
            district=episode.district,
            subject_kind="child",
            what_was_seen=f"Disclosed in the return interview for missing episode {episode.reference}: {said}",
            seen_at=interview.held_at,
            warning_signs=[WarningSign.DISCLOSURE, WarningSign.MISSING_OVERNIGHT],
            child=episode.child,
            request=request,
        )
    disclosure.save(update_fields=["action", "referral", "intelligence_report"])
    record_access(
        actor=actor,
        action=AuditAction.CREATE,
        target=disclosure,
        request=request,
        details={
            "interview": interview.pk,
            "action": disclosure.action_id,
            "referral": disclosure.referral_id,
            "intelligence_report": disclosure.intelligence_report_id,
        },
    )
    return disclosure


# Monitoring ------------------------------------------------------------------------------------------


def _repeatedly_missing(child_id: int) -> bool:
    reported = MissingEpisode.objects.filter(child_id=child_id).values_list("reported_at", flat=True)
    return patterns.is_repeatedly_missing(list(reported), timezone.now())


@transaction.atomic
def close_monitoring(
    actor: User,
    monitoring: Monitoring,
    *,
    expected_version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> bool:
    """End the monitoring of a child, or, for a repeatedly missing child and someone who is not a
    supervisor of the district, keep the request for a supervisor's approval. True when it closed."""
    require(actor, PolicyAction.CHANGE, monitoring)
    if monitoring.closed_at is not None:
        raise ValidationError("Monitoring of this child has already ended")
    if not reason.strip():
        raise ValidationError({"reason": "Say why monitoring can end"})
    now = timezone.now()
    supervisor = is_supervisor_of(scope_of(actor), monitoring.district_id)
    refusal = patterns.monitoring_closure_refusal(
        _repeatedly_missing(monitoring.child_id), approved_by_supervisor=supervisor
    )
    changes: dict[str, Any] = {
        "closure_reason": reason,
        "closure_requested_at": monitoring.closure_requested_at or now,
        "closure_requested_by": monitoring.closure_requested_by or actor,
    }
    if refusal is None:
        changes |= {"closed_at": now, "closed_by": actor, "approved_by": actor if supervisor else None}
    save_changes(monitoring, expected_version=expected_version, changes=changes, actor=actor, request=request)
    return refusal is None

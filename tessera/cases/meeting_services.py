"""Recording meetings on a case: strategy discussions and child protection conferences.

Each function checks the policy, runs in one transaction and logs the act. A strategy discussion needs
police, social care and health, or the reason one was missing; a section 47 enquiry needs the decision
on who investigates; a conference held after its statutory date needs the reason it was late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

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
from tessera.cases.compliance import AGENCY_KIND_WORDS, REQUIRED_STRATEGY_AGENCIES
from tessera.cases.models import Attendee, Case, Conference, EventKind, StrategyDiscussion, Track
from tessera.cases.services import case_event, late_reason_problem, require_open
from tessera.core.models import Agency


@dataclass(frozen=True)
class AttendeeDetails:
    name: str
    agency: Agency
    user: User | None = None


@transaction.atomic
def record_strategy_discussion(
    actor: User,
    case: Case,
    *,
    held_on: date,
    attendees: Sequence[AttendeeDetails],
    information_shared: str,
    section_47: bool,
    investigation: str,
    immediate_safety_actions: str,
    missing_agency_reason: str,
    request: HttpRequest | None = None,
) -> StrategyDiscussion:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "Date of the discussion must be today or in the past"
    if not attendees:
        errors["members"] = "Select who took part, or add the people from other agencies"
    kinds = {attendee.agency.kind for attendee in attendees}
    missing = REQUIRED_STRATEGY_AGENCIES - kinds
    if attendees and missing and not missing_agency_reason.strip():
        words = " and ".join(sorted(AGENCY_KIND_WORDS[k] for k in missing))
        errors["missing_agency_reason"] = (
            f"No one from {words} took part: say why, or add who attended from {words}"
        )
    if section_47 and not investigation:
        errors["investigation"] = "Select whether the investigation is joint or single-agency"
    if not section_47 and investigation:
        errors["investigation"] = (
            "An investigation decision needs a section 47 enquiry: select one or the other"
        )
    if errors:
        raise ValidationError(errors)
    discussion = StrategyDiscussion.objects.create(
        case=case,
        held_on=held_on,
        information_shared=information_shared,
        section_47=section_47,
        investigation=investigation,
        immediate_safety_actions=immediate_safety_actions,
        missing_agency_reason=missing_agency_reason if missing else "",
        recorded_by=actor,
        recorded_agency=actor.agency,
    )
    Attendee.objects.bulk_create(
        Attendee(discussion=discussion, name=a.name, agency=a.agency, user=a.user) for a in attendees
    )
    if section_47:
        _move_to_child_protection(actor, case, held_on, request)
    record_access(
        actor=actor,
        action=AuditAction.CREATE,
        target=discussion,
        request=request,
        details={"case": case.pk, "section_47": section_47},
    )
    return discussion


def _move_to_child_protection(actor: User, case: Case, held_on: date, request: HttpRequest | None) -> None:
    """A section 47 enquiry puts the case on the child protection track: a change to the case like any
    other, so it bumps the version, keeps field history, logs the change and appears in the chronology.

    The recorder did not choose the track on a form, so the change is made on the case as it stands now
    (locked), not on the version the recorder opened.
    """
    current = Case.objects.select_for_update().only("pk", "version", "track").get(pk=case.pk)
    if current.track == Track.CHILD_PROTECTION:
        case.track = current.track
        return
    save_changes(
        case,
        expected_version=current.version,
        changes={"track": Track.CHILD_PROTECTION},
        actor=actor,
        request=request,
        reason="A strategy discussion started a section 47 enquiry",
    )
    case_event(
        case,
        actor,
        EventKind.DETAILS_CHANGED,
        f"Track: {Track.CHILD_PROTECTION.label}. The strategy discussion on {held_on:%-d %B %Y} started "
        "a section 47 enquiry.",
    )


@transaction.atomic
def record_conference(
    actor: User,
    case: Case,
    *,
    initial: bool,
    held_on: date,
    plan_continues: bool,
    late_reason: str,
    notes: str,
    request: HttpRequest | None = None,
) -> Conference:
    require(actor, PolicyAction.CHANGE, case)
    require_open(case)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "Date of the conference must be today or in the past"})
    started = (
        case.strategy_discussions.filter(section_47=True)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if started is None:
        raise ValidationError(
            "A child protection conference follows a strategy discussion that started a section 47 "
            "enquiry: record that strategy discussion first."
        )
    previous = list(case.conferences.order_by("held_on"))
    has_initial = any(c.initial for c in previous)
    if initial and has_initial:
        raise ValidationError({"which": "The initial conference is already recorded: record a review"})
    if not initial and not has_initial:
        raise ValidationError({"which": "Record the initial conference before any review"})
    if not initial and not previous[-1].plan_continues:
        raise ValidationError({"which": "The child protection plan has ended: there is nothing to review"})
    if initial:
        due = timescales.initial_conference_due(started)
    else:
        due = timescales.review_conference_due(previous[-1].held_on, first_review=len(previous) == 1)
    problem = late_reason_problem(due, held_on, late_reason, "The conference")
    if problem:
        raise ValidationError({"late_reason": problem})
    conference = Conference.objects.create(
        case=case,
        initial=initial,
        held_on=held_on,
        plan_continues=plan_continues,
        late_reason=late_reason,
        notes=notes,
        recorded_by=actor,
        recorded_agency=actor.agency,
    )
    record_access(
        actor=actor, action=AuditAction.CREATE, target=conference, request=request, details={"case": case.pk}
    )
    return conference

"""Writes to referrals: a concern arrives; the district's multi-agency team decides what happens next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action as PolicyAction
from tessera.access.policy import require, visible_to
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.accounts.roles import Role
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.cases import services as case_services
from tessera.cases import timescales
from tessera.cases.models import Case, CaseStatus, SubjectKind, Track
from tessera.core.models import District
from tessera.core.submissions import claim_submission
from tessera.people.models import Person
from tessera.people.services import NewIdentity, create_person
from tessera.referrals.models import DECISIONS_THAT_OPEN_A_CASE, Decision, Referral
from tessera.referrals.signals import referral_decided, referral_received

TRACK_FOR_DECISION = {
    Decision.CHILD_IN_NEED: Track.CHILD_IN_NEED,
    Decision.STRATEGY_DISCUSSION: Track.CHILD_PROTECTION,
}


def may_report(user: User) -> bool:
    """Every member of staff and every partner reporter may report a concern; administrators do not work
    with children and have no reason to."""
    scope = scope_of(user)
    return scope.is_authenticated and not scope.has(Role.SYSTEM_ADMINISTRATOR)


@dataclass(frozen=True)
class NewChild:
    """A child not yet known to Tessera, as the reporter described them."""

    given_name: str
    family_name: str
    date_of_birth: date | None


@transaction.atomic
def submit_referral(
    actor: User,
    *,
    district: District,
    subject_kind: str,
    what_was_seen: str,
    seen_at: datetime,
    where: str = "",
    warning_signs: list[str] | None = None,
    child: Person | None = None,
    new_child: NewChild | None = None,
    child_description: str = "",
    place_description: str = "",
    peer_group_description: str = "",
    request: HttpRequest | None = None,
    submission: uuid.UUID | None = None,
) -> Referral:
    """Store a concern and start its one-working-day decision clock.

    ``child`` must be a person the reporter can see (search-before-create happened against their view);
    ``new_child`` creates a person from what the reporter typed when none of the matches was the child.
    ``submission`` is the form's token: the same form sent twice raises ``AlreadySubmittedError``.
    """
    if not may_report(actor):
        raise PermissionDenied("Your role does not report concerns")
    if child is not None and not visible_to(actor, Person).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot refer a person you cannot see")
    claim = claim_submission(actor, submission, "referrals.referral")
    received_at = timezone.now()
    partner = scope_of(actor).has(Role.PARTNER_REPORTER)
    referral = Referral(
        reference=case_services.new_reference("R"),
        district=district,
        subject_kind=subject_kind,
        child_description=child_description,
        place_description=place_description,
        peer_group_description=peer_group_description,
        warning_signs=sorted(set(warning_signs or [])),
        what_was_seen=what_was_seen,
        where=where,
        seen_at=seen_at,
        received_at=received_at,
        decision_due_on=timescales.referral_decision_due(timezone.localdate(received_at)),
        referred_by=actor,
        referrer_agency=actor.agency,
        from_partner_scheme=partner,
    )
    if subject_kind == SubjectKind.CHILD:
        if new_child is not None:
            child = _person_from_referral(actor, new_child, district, referral.reference, received_at)
            referral.child_description = referral.child_description or (
                f"{new_child.given_name} {new_child.family_name}".strip()
            )
        referral.child = child
    referral.save()
    claim.made(referral)
    record_access(
        actor=actor,
        action=AuditAction.CREATE,
        target=referral,
        request=request,
        details={"subject": subject_kind, "partner_scheme": partner},
    )
    transaction.on_commit(
        partial(referral_received.send, sender=Referral, referral=referral, child=referral.child)
    )
    return referral


def _person_from_referral(
    actor: User, details: NewChild, district: District, reference: str, received_at: datetime
) -> Person:
    """The child a concern names who is not yet known: a person of their own, from this referral."""
    identity = None
    if actor.agency is not None:
        identity = NewIdentity(
            agency=actor.agency,
            source_system="Tessera referral",
            source_record_id=reference,
            received_at=received_at,
            fields={
                "given_name": details.given_name,
                "family_name": details.family_name,
                "date_of_birth": details.date_of_birth,
            },
        )
    person, _identity = create_person(
        actor,
        district=district,
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        identity=identity,
        details={"from_referral": reference},
    )
    return person


def open_case_for(referral: Referral) -> Case | None:
    """The open case this referral's child (or place) already has in the district, if any."""
    cases = Case.objects.filter(district_id=referral.district_id).exclude(status=CaseStatus.CLOSED)
    if referral.child_id is not None:
        return cases.filter(child_id=referral.child_id).order_by("opened_at").first()
    if referral.place_id is not None:
        return cases.filter(place_id=referral.place_id).order_by("opened_at").first()
    return None


@transaction.atomic
def decide_referral(
    actor: User,
    referral: Referral,
    *,
    expected_version: int,
    decision: str,
    reason: str,
    late_reason: str,
    lead_professional: User | None = None,
    request: HttpRequest | None = None,
) -> Case | None:
    """Record the triage decision, who made it and why; open the case (or join the child's open one)."""
    require(actor, PolicyAction.DECIDE, referral)
    if referral.is_decided:
        raise ValidationError("This referral has already been decided.")
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Say why you made this decision"
    problem = case_services.late_reason_problem(
        referral.decision_due_on, timezone.localdate(), late_reason, "The decision"
    )
    if problem:
        errors["late_reason"] = problem
    existing = open_case_for(referral) if decision in DECISIONS_THAT_OPEN_A_CASE else None
    if decision in DECISIONS_THAT_OPEN_A_CASE and existing is None and lead_professional is None:
        errors["lead_professional"] = "Select the lead professional for the new case"
    if errors:
        raise ValidationError(errors)
    case = existing
    if decision in DECISIONS_THAT_OPEN_A_CASE and case is None and lead_professional is not None:
        case = case_services.open_case(
            actor,
            district=referral.district,
            track=TRACK_FOR_DECISION[Decision(decision)],
            lead_professional=lead_professional,
            referral_on=timezone.localdate(referral.received_at),
            child=referral.child,
            place=referral.place,
            subject_description=referral.subject_label if referral.child_id is None else "",
            request=request,
        )
    save_changes(
        referral,
        expected_version=expected_version,
        changes={
            "decision": decision,
            "decision_reason": reason,
            "decision_late_reason": late_reason,
            "decided_by": actor,
            "decided_agency": actor.agency,
            "decided_at": timezone.now(),
            "case": case,
        },
        actor=actor,
        request=request,
        reason="Triage decision",
    )
    transaction.on_commit(partial(referral_decided.send, sender=Referral, referral=referral, case=case))
    return case

"""Writes to referrals: a concern arrives; the district's multi-agency team decides what happens next."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
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
from tessera.people.arrival import identity_arrived
from tessera.people.models import Location, Person
from tessera.people.services import NewIdentity, create_person
from tessera.referrals.models import (
    DECISIONS_THAT_OPEN_A_CASE,
    ConcernSubjectKind,
    Decision,
    Referral,
    ReferralAddition,
    ReferralSubject,
    Urgency,
)
from tessera.referrals.signals import referral_decided, referral_received
from tessera.referrals.subject_services import SubjectDetails, store_subjects

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
    happening_now: str = "",
    subjects: Sequence[SubjectDetails] = (),
    request: HttpRequest | None = None,
    submission: uuid.UUID | None = None,
) -> Referral:
    """Store a concern and start its one-working-day decision clock (triage may grade it sooner).

    ``child`` must be a person the reporter can see (search-before-create happened against their view);
    ``new_child`` creates a person from what the reporter typed when none of the matches was the child.
    ``subjects`` are the children, adults, vehicles, phones, accounts and places named, kept as typed;
    the child chosen or created here is stored as the first child subject, already resolved.
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
        happening_now=happening_now,
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
    typed = list(subjects)
    if referral.child is not None:
        typed.insert(0, _child_subject(referral.child, new_child, child_description))
    stored = store_subjects(referral, typed, actor=actor, person=referral.child)
    claim.made(referral)
    record_access(
        actor=actor,
        action=AuditAction.CREATE,
        target=referral,
        request=request,
        details={
            "subject": subject_kind,
            "partner_scheme": partner,
            "happening_now": happening_now,
            "subjects": [s.kind for s in stored],
        },
    )
    transaction.on_commit(
        partial(referral_received.send, sender=Referral, referral=referral, child=referral.child)
    )
    return referral


def _child_subject(child: Person, typed: NewChild | None, description: str) -> SubjectDetails:
    """The staff reporter's child (chosen by search before create, or just created) as a subject."""
    return SubjectDetails(
        kind=ConcernSubjectKind.CHILD,
        given_name=typed.given_name if typed else child.given_name,
        family_name=typed.family_name if typed else child.family_name,
        date_of_birth=typed.date_of_birth if typed else child.date_of_birth,
        description=description[:300],
    )


class AdditionRefusedError(ValueError):
    """The reference names no concern the reporter's organisation sent: the same answer for either."""


@transaction.atomic
def add_to_referral(
    actor: User,
    *,
    reference: str,
    what_was_seen: str,
    subjects: Sequence[SubjectDetails] = (),
    request: HttpRequest | None = None,
    submission: uuid.UUID | None = None,
) -> ReferralAddition:
    """More about a concern already sent, by its reference. A reporter may add to a concern their own
    organisation sent (the night manager adding to the day manager's report) and reads nothing back:
    the answer is the same whatever the concern holds or what became of it."""
    if not may_report(actor):
        raise PermissionDenied("Your role does not report concerns")
    if not what_was_seen.strip() and not subjects:
        raise ValidationError({"what_was_seen": "Enter what else you saw or heard, or add a person or thing"})
    wanted = reference.strip().upper()
    mine = Referral.objects.filter(reference=wanted)
    mine = mine.filter(referrer_agency=actor.agency) if actor.agency_id else mine.filter(referred_by=actor)
    referral = mine.select_for_update().first()
    if referral is None:
        raise AdditionRefusedError(
            "No concern your organisation sent has this reference. Check it against the one you were given"
        )
    claim = claim_submission(actor, submission, "referrals.addition")
    addition = ReferralAddition.objects.create(
        referral=referral,
        what_was_seen=what_was_seen,
        added_at=timezone.now(),
        added_by=actor,
        agency=actor.agency,
    )
    stored = store_subjects(referral, subjects, actor=actor, addition=addition)
    claim.made(addition)
    record_access(
        actor=actor,
        action=AuditAction.CHANGE,
        target=referral,
        request=request,
        details={"addition": addition.pk, "subjects": [s.kind for s in stored]},
        shown={},
    )
    transaction.on_commit(
        partial(referral_received.send, sender=Referral, referral=referral, child=referral.child)
    )
    return addition


@transaction.atomic
def grade_referral(
    actor: User,
    referral: Referral,
    *,
    expected_version: int,
    urgency: str,
    request: HttpRequest | None = None,
) -> Referral:
    """Grade how soon the concern must be decided; the decision clock follows the grade."""
    require(actor, PolicyAction.DECIDE, referral)
    if referral.is_decided:
        raise ValidationError("This referral has already been decided.")
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Select how urgent the concern is"})
    graded_at = timezone.now()
    deadline = timescales.graded_decision_due(
        urgency,
        received_on=timezone.localdate(referral.received_at),
        graded_at=timezone.localtime(graded_at),
    )
    save_changes(
        referral,
        expected_version=expected_version,
        changes={
            "urgency": urgency,
            "graded_at": graded_at,
            "graded_by": actor,
            "decision_due_on": deadline.due_on,
            "decision_due_at": deadline.due_at,
        },
        actor=actor,
        request=request,
        reason="Urgency graded",
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
    person, stored = create_person(
        actor,
        district=district,
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        identity=identity,
        details={"from_referral": reference},
    )
    if stored is None:
        return person
    # Matched at once: a certain match makes the referral about the child already known.
    person, _arrivals = identity_arrived(stored, actor=actor)
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
    case_about: str = "",
    child: Person | None = None,
    place: Location | None = None,
    peer_group: str = "",
    request: HttpRequest | None = None,
) -> Case | None:
    """Record the triage decision, who made it and why; open the case (or join the child's open one).

    ``case_about`` says what the case is about, chosen explicitly: a child (one the concern's subjects
    were resolved to), a place (likewise) or a peer group (named by the team). The referral is tied to
    that child or place, and a new case is titled by it, not by the report's free text.
    """
    require(actor, PolicyAction.DECIDE, referral)
    if referral.is_decided:
        raise ValidationError("This referral has already been decided.")
    errors: dict[str, str] = {}
    subject_changes = _case_subject(referral, case_about, child, place, peer_group, errors)
    if not reason.strip():
        errors["reason"] = "Say why you made this decision"
    problem = case_services.late_reason_problem(
        referral.decision_due_on, timezone.localdate(), late_reason, "The decision"
    )
    if problem:
        errors["late_reason"] = problem
    if errors:
        raise ValidationError(errors)
    for name, value in subject_changes.items():
        setattr(referral, name, value)
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
            subject_kind=referral.subject_kind,
            request=request,
        )
    save_changes(
        referral,
        expected_version=expected_version,
        changes={
            **subject_changes,
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


def _case_subject(
    referral: Referral,
    case_about: str,
    child: Person | None,
    place: Location | None,
    peer_group: str,
    errors: dict[str, str],
) -> dict[str, object]:
    """The referral's subject as triage chose it; problems go into ``errors`` by field."""
    if not case_about:
        return {}
    resolved = ReferralSubject.objects.filter(referral=referral, entity__isnull=False)
    if case_about == SubjectKind.CHILD:
        if child is None:
            errors["case_child"] = "Select the child the case is about"
        elif not (
            referral.child_id == child.pk
            or resolved.filter(kind=ConcernSubjectKind.CHILD, person=child).exists()
        ):
            errors["case_child"] = "The child must be one this concern's children were recorded as"
        return {"subject_kind": SubjectKind.CHILD, "child": child, "place": None}
    if case_about == SubjectKind.PLACE:
        if place is None:
            errors["case_place"] = "Select the place the case is about"
        elif not resolved.filter(kind=ConcernSubjectKind.PLACE, entity_id=place.entity_id).exists():
            errors["case_place"] = "The place must be one this concern's places were recorded as"
        return {"subject_kind": SubjectKind.PLACE, "place": place, "child": None}
    if case_about == SubjectKind.PEER_GROUP:
        if not peer_group.strip():
            errors["peer_group"] = "Name the peer group, for example 'Girls meeting at Millstone Walk'"
        return {
            "subject_kind": SubjectKind.PEER_GROUP,
            "peer_group_description": peer_group.strip(),
            "child": None,
            "place": None,
        }
    errors["case_about"] = "Select whether the case is about a child, a place or a peer group"
    return {}

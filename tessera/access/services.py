"""Writes to access state: emergency access and its review, restrictions. Each one logged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.models import BreakGlassGrant, RestrictedRecord, ReviewOutcome
from tessera.access.policy import can_see, label_of
from tessera.access.scope import forget_scope, restrictions_changed, scope_of
from tessera.accounts.models import Actor, User
from tessera.accounts.roles import Role
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction


class EmergencyAccessRefusedError(PermissionDenied):
    """Emergency access was not granted; the message says why and what to do instead."""


def check_emergency_allowance(user: User, *, target_type: str, target_id: int, reason: str) -> None:
    """Refuse emergency access past the hourly limit, or with the words already given for another record.

    The limit stops one person walking a district's children in a few seconds; the reason must be this
    record's, so a supervisor reviewing each grant reads why that child's record was needed.
    """
    now = timezone.now()
    recent = list(
        BreakGlassGrant.objects.filter(user=user, granted_at__gte=now - timedelta(hours=1)).order_by(
            "granted_at"
        )
    )
    limit = settings.BREAK_GLASS_PER_HOUR
    if len(recent) >= limit:
        again = timezone.localtime(recent[-limit].granted_at + timedelta(hours=1))
        raise EmergencyAccessRefusedError(
            f"You have used emergency access {len(recent)} times in the last hour, the most allowed. You can "
            f"use it again at {again:%H:%M}. If a child is in danger now, ask a supervisor or the duty "
            "inspector to open the record."
        )
    words = " ".join(reason.lower().split())
    for grant in recent:
        other_record = (grant.target_type, grant.target_id) != (target_type, target_id)
        if other_record and " ".join(grant.reason.lower().split()) == words:
            raise EmergencyAccessRefusedError(
                "You gave the same reason for another record at "
                f"{timezone.localtime(grant.granted_at):%H:%M}. Say why you need this record."
            )


def open_with_emergency_access(
    user: User, *, model: type, target_id: int, path: str, reason: str, request: HttpRequest
) -> BreakGlassGrant:
    """Grant time-limited access to one record. The grant is made whether or not the record exists,
    so the answer never reveals whether it does; restricted records stay hidden regardless. Every grant
    has a reviewer (see ``grants_to_review``); a refusal under the limits is logged too."""
    if not scope_of(user).may_break_glass:
        raise PermissionDenied("Your role does not allow emergency access")
    target_type = label_of(model)
    try:
        check_emergency_allowance(user, target_type=target_type, target_id=target_id, reason=reason)
    except EmergencyAccessRefusedError as refused:
        with transaction.atomic():  # the refusal is kept: it is logged in a transaction of its own
            record_access(
                actor=user,
                action=AuditAction.BREAK_GLASS,
                target_type=target_type,
                target_id=target_id,
                reason=reason,
                request=request,
                details={"refused": str(refused)},
            )
        raise
    with transaction.atomic():
        return _grant(
            user,
            model=model,
            target_type=target_type,
            target_id=target_id,
            path=path,
            reason=reason,
            request=request,
        )


def _grant(
    user: User, *, model: type, target_type: str, target_id: int, path: str, reason: str, request: HttpRequest
) -> BreakGlassGrant:
    now = timezone.now()
    record = model._default_manager.filter(pk=target_id).first()  # type: ignore[attr-defined]
    record_district = getattr(record, "district_id", None) if record is not None else None
    grant = BreakGlassGrant.objects.create(
        user=user,
        target_type=target_type,
        target_id=target_id,
        path=path[:300],
        reason=reason,
        granted_at=now,
        expires_at=now + timedelta(hours=settings.BREAK_GLASS_HOURS),
        record_district_id=record_district,
        any_supervisor_reviews=not _has_own_reviewer(user, record_district),
    )
    # The scope read at the start of the request does not hold the new grant.
    forget_scope(user)
    record_access(
        actor=user,
        action=AuditAction.BREAK_GLASS,
        target_type=grant.target_type,
        target_id=target_id,
        reason=reason,
        request=request,
        details={"grant": grant.pk, "expires_at": grant.expires_at.isoformat()},
    )
    return grant


def _supervisors() -> QuerySet[User]:
    return User.objects.filter(role_grants__role=Role.SUPERVISOR, is_active=True)


def _has_own_reviewer(user: User, record_district: int | None) -> bool:
    """Whether a supervisor other than the user reviews this grant by team, district or force-wide."""
    teams = list(user.memberships.values_list("team_id", "team__district_id"))
    districts = {district for _, district in teams if district is not None}
    if record_district is not None:
        districts.add(record_district)
    reviewers = (
        _supervisors()
        .exclude(pk=user.pk)
        .filter(
            Q(memberships__team_id__in=[team for team, _ in teams])
            | Q(memberships__team__district_id__in=districts)
            | Q(memberships__team__district__isnull=True)
        )
    )
    return reviewers.exists()


def supervisors_of(user: User) -> list[User]:
    team_ids = user.memberships.values_list("team_id", flat=True)
    return list(_supervisors().filter(memberships__team_id__in=team_ids).exclude(pk=user.pk).distinct())


def grants_to_review(supervisor: User) -> list[BreakGlassGrant]:
    """Unreviewed emergency access this supervisor reviews: by people who share a team with them or work
    in their districts, and to records in their districts; everything, for a force-wide supervisor; and
    any grant for which no such supervisor existed when it was made, so no grant goes unreviewed."""
    scope = scope_of(supervisor)
    waiting = BreakGlassGrant.objects.filter(reviewed_at__isnull=True).exclude(user=supervisor)
    if not scope.force_wide:
        team_ids = list(supervisor.memberships.values_list("team_id", flat=True))
        waiting = waiting.filter(
            Q(user__memberships__team_id__in=team_ids)
            | Q(user__memberships__team__district_id__in=scope.district_ids)
            | Q(record_district_id__in=scope.district_ids)
            | Q(any_supervisor_reviews=True)
        )
    return list(waiting.select_related("user", "user__agency").distinct().order_by("granted_at"))


def review_reason(supervisor: User, grant: BreakGlassGrant) -> str:
    """Why this grant is on this supervisor's list, in words."""
    scope = scope_of(supervisor)
    if grant.user.memberships.filter(team__memberships__user=supervisor).exists():
        return f"{grant.user} is in one of your teams."
    if scope.force_wide:
        return "You review emergency access across the force."
    if grant.user.memberships.filter(team__district_id__in=scope.district_ids).exists():
        return f"{grant.user} works in a district you supervise."
    if grant.record_district_id in scope.district_ids:
        return "The record is in a district you supervise, and no supervisor shares a team with this person."
    return (
        "No supervisor shares a team or a district with this person or record, so every supervisor sees it."
    )


@transaction.atomic
def review_grant(
    supervisor: User, grant: BreakGlassGrant, *, outcome: ReviewOutcome, note: str, request: HttpRequest
) -> None:
    if grant.pk not in {g.pk for g in grants_to_review(supervisor)}:
        raise PermissionDenied("This emergency access is not on your review list")
    updated = BreakGlassGrant.objects.filter(pk=grant.pk, reviewed_at__isnull=True).update(
        reviewed_by=supervisor, reviewed_at=timezone.now(), review_outcome=outcome, review_note=note
    )
    if not updated:
        raise PermissionDenied("Someone else has already reviewed this emergency access")
    if outcome == ReviewOutcome.NOT_JUSTIFIED:
        # Access judged unjustified ends at once.
        BreakGlassGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    record_access(
        actor=supervisor,
        action=AuditAction.CHANGE,
        target=grant,
        reason=note,
        request=request,
        details={"review_outcome": str(outcome)},
    )


def may_restrict(user: Actor) -> bool:
    """Supervisors decide that a record is to be seen only by named people."""
    return scope_of(user).has(Role.SUPERVISOR)


def restricted_among(model: type[models.Model], ids: Iterable[int]) -> set[int]:
    """Which of these rows of ``model`` are under a restriction in force (one query for all)."""
    return {
        int(pk)
        for pk in RestrictedRecord.objects.in_force()
        .filter(target_type=label_of(model), target_id__in=list(ids))
        .values_list("target_id", flat=True)
    }


def restriction_on(obj: Any) -> RestrictedRecord | None:
    return RestrictedRecord.objects.in_force().filter(target_type=label_of(obj), target_id=obj.pk).first()


@transaction.atomic
def restrict_record(
    user: User, *, model: type, target_id: int, reason: str, named_users: list[User], request: HttpRequest
) -> RestrictedRecord:
    """Make a record (and everything about it: cases, referrals, assessments, review pairs) visible only to
    the named users and the supervisor restricting it. Naming more people on an existing restriction adds
    them. Only a supervisor who can see the record may restrict it."""
    if not may_restrict(user):
        raise PermissionDenied("Only a supervisor may restrict a record")
    record = model._default_manager.filter(pk=target_id).first()  # type: ignore[attr-defined]
    if record is None or not can_see(user, record):
        raise PermissionDenied("You can only restrict a record you can see")
    if not reason.strip():
        raise PermissionDenied("Give the reason this record is restricted")
    restriction = restriction_on(record)
    if restriction is None:
        restriction = RestrictedRecord.objects.create(
            target_type=label_of(model), target_id=target_id, reason=reason, restricted_by=user
        )
    elif not restriction.named_users.filter(pk=user.pk).exists():
        raise PermissionDenied("Only people named on a restriction may change it")
    restriction.named_users.add(user, *named_users)
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target_type=restriction.target_type,
        target_id=target_id,
        reason=reason,
        request=request,
        details={
            "restricted_to": sorted(restriction.named_users.values_list("pk", flat=True)),
            "added": sorted(u.pk for u in [user, *named_users]),
        },
    )
    return restriction


def carry_restriction(*, survivor: Any, absorbed: Any, user: User) -> None:
    """When two records become one, a restriction on either stays on the one that remains.

    If both were restricted, only people named on both (and the person merging) may see the result: the
    merge must never widen who sees a restricted child.
    """
    absorbed_restriction = restriction_on(absorbed)
    if absorbed_restriction is None:
        return
    named = set(absorbed_restriction.named_users.values_list("pk", flat=True))
    kept = restriction_on(survivor)
    if kept is None:
        kept = RestrictedRecord.objects.create(
            target_type=label_of(survivor),
            target_id=survivor.pk,
            reason=f"Carried over when record {absorbed.pk} was merged into this one: {absorbed_restriction.reason}",
            restricted_by=user,
        )
        kept.named_users.set(named | {user.pk})
        return
    already = set(kept.named_users.values_list("pk", flat=True))
    kept.named_users.set((already & named) | {user.pk})


@transaction.atomic
def lift_restriction(user: User, restriction: RestrictedRecord, *, reason: str, request: HttpRequest) -> None:
    """End a restriction: the record is seen again under the ordinary rules. The row stays, marked lifted."""
    if not may_restrict(user) or not restriction.named_users.filter(pk=user.pk).exists():
        raise PermissionDenied("Only a supervisor named on the restriction may lift it")
    if not reason.strip():
        raise PermissionDenied("Give the reason the restriction is lifted")
    lifted = (
        RestrictedRecord.objects.in_force()
        .filter(pk=restriction.pk)
        .update(lifted_at=timezone.now(), lifted_by=user, lift_reason=reason)
    )
    if not lifted:
        raise PermissionDenied("This restriction has already been lifted")
    restrictions_changed()  # an update() sends no signal
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target_type=restriction.target_type,
        target_id=restriction.target_id,
        reason=reason,
        request=request,
        details={"restriction_lifted": restriction.pk},
    )

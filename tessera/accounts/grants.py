"""Role grants under two keys.

An administrator (the first key) may give anyone roles that read no case data, and take any role or team
away at once. Roles that read case data (``CASE_DATA_ROLES``), and teams for someone who holds or is asked
to hold one, only ask: an ``AccessRequest`` waits until a supervisor of the person's own agency approves
it (the second key). Nobody changes their own roles or teams, nobody approves a request about themselves
or one they made, and every request and decision is logged and kept.

An agency with no supervisor yet (a charity joining Tessera) has its first supervisor approved by a
supervisor of the police, the force that hosts Tessera.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tessera.accounts.models import AccessRequest, AccessRequestStatus, RoleGrant, TeamMembership, User
from tessera.accounts.roles import CASE_DATA_ROLES, Role, combination_problem
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.core.models import AgencyKind, Team


def needs_second_key(roles: Iterable[str], teams: Iterable[Team], holds_case_roles: bool) -> bool:
    """Whether adding these roles and teams needs a supervisor's approval."""
    roles = set(roles)
    return bool(roles & CASE_DATA_ROLES) or bool(
        list(teams) and (holds_case_roles or roles & CASE_DATA_ROLES)
    )


def approvers_for(user: User) -> QuerySet[User]:
    """Supervisors who may approve access for ``user``: their agency's, or the police's if it has none."""
    supervisors = User.objects.filter(role_grants__role=Role.SUPERVISOR, is_active=True).exclude(pk=user.pk)
    own = supervisors.filter(agency=user.agency) if user.agency is not None else supervisors.none()
    if own.exists():
        return own.distinct()
    return supervisors.filter(agency__kind=AgencyKind.POLICE).distinct()


def may_approve(supervisor: User, access_request: AccessRequest) -> bool:
    return (
        access_request.status == AccessRequestStatus.WAITING
        and supervisor.pk not in {access_request.user_id, access_request.requested_by_id}
        and approvers_for(access_request.user).filter(pk=supervisor.pk).exists()
    )


def requests_to_approve(supervisor: User) -> list[AccessRequest]:
    waiting = (
        AccessRequest.objects.filter(status=AccessRequestStatus.WAITING)
        .select_related("user__agency", "requested_by")
        .prefetch_related("teams")
        .order_by("requested_at")
    )
    return [item for item in waiting if may_approve(supervisor, item)]


def request_access(
    admin: User, user: User, *, roles: set[str], teams: list[Team], request: HttpRequest | None
) -> AccessRequest:
    """The first key: ask for roles and teams that read case data. A waiting request is replaced."""
    if admin.pk == user.pk:
        raise PermissionDenied("Nobody can change their own roles or teams: ask another administrator")
    AccessRequest.objects.filter(user=user, status=AccessRequestStatus.WAITING).update(
        status=AccessRequestStatus.WITHDRAWN,
        decided_at=timezone.now(),
        decision_note="Replaced by a later request",
    )
    access_request = AccessRequest.objects.create(user=user, roles=sorted(roles), requested_by=admin)
    access_request.teams.set(teams)
    record_access(
        actor=admin,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={
            "event": "access requested",
            "access_request": access_request.pk,
            "roles": sorted(roles),
            "teams": sorted(team.name for team in teams),
        },
    )
    return access_request


@transaction.atomic
def approve(
    supervisor: User, access_request: AccessRequest, *, note: str, request: HttpRequest | None
) -> None:
    """The second key: the roles and teams take effect."""
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if not may_approve(supervisor, access_request):
        raise PermissionDenied("You cannot approve this request")
    user = access_request.user
    current = set(user.role_grants.values_list("role", flat=True))
    wanted = current | set(access_request.roles)
    if user.agency is None:
        raise PermissionDenied("The person has no agency: an administrator must set it first")
    problem = combination_problem(wanted, user.agency.kind)
    if problem:
        raise PermissionDenied(f"These roles cannot be approved together with the person's others: {problem}")
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=user, role=role, granted_by=access_request.requested_by)
            for role in wanted - current
        ],
    )
    have = set(user.memberships.values_list("team_id", flat=True))
    TeamMembership.objects.bulk_create(
        [TeamMembership(user=user, team=team) for team in access_request.teams.all() if team.pk not in have]
    )
    _decide(supervisor, access_request, AccessRequestStatus.APPROVED, note, request)


@transaction.atomic
def decline(
    supervisor: User, access_request: AccessRequest, *, note: str, request: HttpRequest | None
) -> None:
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if not may_approve(supervisor, access_request):
        raise PermissionDenied("You cannot decide this request")
    _decide(supervisor, access_request, AccessRequestStatus.DECLINED, note, request)


def _decide(
    supervisor: User,
    access_request: AccessRequest,
    status: AccessRequestStatus,
    note: str,
    request: HttpRequest | None,
) -> None:
    access_request.status = status
    access_request.decided_by = supervisor
    access_request.decided_at = timezone.now()
    access_request.decision_note = note
    access_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_access(
        actor=supervisor,
        action=AuditAction.SECURITY,
        target=access_request.user,
        reason=note,
        request=request,
        details={
            "event": f"access {status.label.lower()}",
            "access_request": access_request.pk,
            "roles": access_request.roles,
            "teams": sorted(access_request.teams.values_list("name", flat=True)),
        },
    )

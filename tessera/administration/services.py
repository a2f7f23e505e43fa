"""User and organisation administration. Every change is versioned, kept in history and logged."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.models import RoleGrant, TeamMembership, User
from tessera.accounts.roles import Role, combination_problem
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.core.models import Agency, District, Team


def require_administrator(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.SYSTEM_ADMINISTRATOR):
        raise PermissionDenied("Only system administrators manage users and settings")


def _set_roles(user: User, roles: set[str], granted_by: User) -> None:
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    existing = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=user, role=role, granted_by=granted_by) for role in roles - existing]
    )


def _set_teams(user: User, teams: list[Team]) -> None:
    wanted = {team.pk for team in teams}
    TeamMembership.objects.filter(user=user).exclude(team_id__in=wanted).delete()
    existing = set(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))
    TeamMembership.objects.bulk_create([TeamMembership(user=user, team_id=pk) for pk in wanted - existing])


@transaction.atomic
def create_user(admin: User, *, data: dict[str, Any], request: HttpRequest) -> User:
    require_administrator(admin)
    agency: Agency = data["agency"]
    roles = set(data["roles"])
    problem = combination_problem(roles, agency.kind)
    if problem:
        raise ValueError(problem)
    user = User.objects.create_user(
        username=data["username"],
        password=data["password"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        job_title=data.get("job_title", ""),
        agency=agency,
        is_active=data.get("is_active", True),
    )
    _set_roles(user, roles, admin)
    _set_teams(user, list(data.get("teams") or []))
    record_access(
        actor=admin, action=AuditAction.CREATE, target=user, request=request, details={"roles": sorted(roles)}
    )
    return user


@transaction.atomic
def update_user(
    admin: User, user: User, *, expected_version: int, data: dict[str, Any], request: HttpRequest
) -> int:
    """Save an administrator's edit, refusing it if the account changed since they opened it."""
    require_administrator(admin)
    roles = set(data["roles"])
    problem = combination_problem(roles, data["agency"].kind)
    if problem:
        raise ValueError(problem)
    old_roles = sorted(Role(code).label for code in user.role_grants.values_list("role", flat=True))
    old_teams = sorted(user.memberships.values_list("team__name", flat=True))
    new_teams = list(data.get("teams") or [])
    version = save_changes(
        user,
        expected_version=expected_version,
        changes={
            field: data[field]
            for field in ("first_name", "last_name", "email", "job_title", "agency", "is_active")
        },
        extra_changes={
            "roles": (old_roles, sorted(Role(code).label for code in roles)),
            "teams": (old_teams, sorted(team.name for team in new_teams)),
        },
        actor=admin,
        request=request,
    )
    _set_roles(user, roles, admin)
    _set_teams(user, new_teams)
    return version


@transaction.atomic
def reset_second_factor(admin: User, user: User, *, request: HttpRequest) -> None:
    """For a lost phone: the person sets up a new authenticator at their next sign-in."""
    require_administrator(admin)
    TOTPDevice.objects.filter(user=user).delete()
    record_access(
        actor=admin,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={"event": "authenticator reset"},
    )


@transaction.atomic
def add_district(
    admin: User, *, name: str, code: str, local_authority: str, request: HttpRequest
) -> District:
    require_administrator(admin)
    district = District.objects.create(name=name, code=code, local_authority=local_authority)
    record_access(actor=admin, action=AuditAction.CREATE, target=district, request=request)
    return district

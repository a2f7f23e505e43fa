"""User and organisation administration. Every change is versioned, kept in history and logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts import grants
from tessera.accounts.models import AccessRequest, Actor, RoleGrant, TeamMembership, User
from tessera.accounts.password_link import send_set_password_link
from tessera.accounts.roles import CASE_DATA_ROLES, Role, combination_problem
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.core.models import Agency, District, Team


def require_administrator(user: Actor) -> None:
    if not isinstance(user, User) or not user.has_role(Role.SYSTEM_ADMINISTRATOR):
        raise PermissionDenied("Only system administrators manage users and settings")


def _remove_roles_and_teams(user: User, roles: set[str], teams: list[Team]) -> None:
    """Taking access away needs one key only: roles and teams not kept are removed at once."""
    RoleGrant.objects.filter(user=user).exclude(role__in=roles).delete()
    TeamMembership.objects.filter(user=user).exclude(team_id__in={team.pk for team in teams}).delete()


def _add_directly(user: User, roles: set[str], teams: list[Team], granted_by: User) -> None:
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role, granted_by=granted_by) for role in roles])
    TeamMembership.objects.bulk_create([TeamMembership(user=user, team=team) for team in teams])


@dataclass(frozen=True)
class AccessChange:
    """What an administrator's save did: granted at once, or asked for under the second key."""

    granted: list[str]
    requested: AccessRequest | None


def _grant_or_request(
    admin: User, user: User, *, add_roles: set[str], add_teams: list[Team], request: HttpRequest | None
) -> AccessChange:
    holds_case_roles = bool(set(user.role_grants.values_list("role", flat=True)) & CASE_DATA_ROLES)
    if not grants.needs_second_key(add_roles, add_teams, holds_case_roles):
        _add_directly(user, add_roles, add_teams, admin)
        return AccessChange(sorted(add_roles), None)
    direct = add_roles - CASE_DATA_ROLES
    _add_directly(user, direct, [], admin)
    asked = grants.request_access(
        admin, user, roles=add_roles & CASE_DATA_ROLES, teams=add_teams, request=request
    )
    return AccessChange(sorted(direct), asked)


@transaction.atomic
def create_user(admin: User, *, data: dict[str, Any], request: HttpRequest) -> tuple[User, AccessChange]:
    """Make an account with no password: the person sets one from the link emailed to them. Roles that
    read case data wait for a supervisor of the person's agency to approve them."""
    require_administrator(admin)
    agency: Agency = data["agency"]
    roles = set(data["roles"])
    problem = combination_problem(roles, agency.kind)
    if problem:
        raise ValueError(problem)
    user = User.objects.create_user(
        username=data["username"],
        password=None,
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        job_title=data.get("job_title", ""),
        agency=agency,
        is_active=data.get("is_active", True),
    )
    record_access(
        actor=admin, action=AuditAction.CREATE, target=user, request=request, details={"roles": sorted(roles)}
    )
    change = _grant_or_request(
        admin, user, add_roles=roles, add_teams=list(data.get("teams") or []), request=request
    )
    send_set_password_link(admin, user, request=request)
    return user, change


@transaction.atomic
def update_user(
    admin: User, user: User, *, expected_version: int, data: dict[str, Any], request: HttpRequest
) -> tuple[int, AccessChange]:
    """Save an administrator's edit, refusing it if the account changed since they opened it.

    Roles and teams taken away go at once; roles that read case data, and teams for someone who holds
    one, are asked for and wait for a supervisor's approval. Nobody changes their own roles or teams.
    """
    require_administrator(admin)
    roles = set(data["roles"])
    new_teams = list(data.get("teams") or [])
    current_roles = set(user.role_grants.values_list("role", flat=True))
    current_teams = set(user.memberships.values_list("team_id", flat=True))
    if admin.pk == user.pk and (roles != current_roles or {t.pk for t in new_teams} != current_teams):
        raise PermissionDenied("Nobody can change their own roles or teams: ask another administrator")
    problem = combination_problem(roles, data["agency"].kind)
    if problem:
        raise ValueError(problem)
    if data["agency"] != user.agency and (current_roles | roles) & CASE_DATA_ROLES:
        raise ValueError(
            "The agency of someone who holds or is asked roles that read case data cannot change: remove "
            "those roles first, or make a new account for their new agency"
        )
    old_roles = sorted(Role(code).label for code in current_roles)
    old_teams = sorted(user.memberships.values_list("team__name", flat=True))
    kept_roles = roles & current_roles
    kept_teams = [team for team in new_teams if team.pk in current_teams]
    version = save_changes(
        user,
        expected_version=expected_version,
        changes={
            field: data[field]
            for field in ("first_name", "last_name", "email", "job_title", "agency", "is_active")
        },
        extra_changes={
            "roles": (old_roles, sorted(Role(code).label for code in kept_roles | (roles - CASE_DATA_ROLES))),
            "teams": (old_teams, sorted(team.name for team in kept_teams)),
        },
        actor=admin,
        request=request,
    )
    _remove_roles_and_teams(user, kept_roles, kept_teams)
    change = _grant_or_request(
        admin,
        user,
        add_roles=roles - current_roles,
        add_teams=[team for team in new_teams if team.pk not in current_teams],
        request=request,
    )
    return version, change


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

"""Who may see and work on risk assessments and reassessment tasks.

Assessments are seen by people who work on named children's cases in the child's district (the district's
multi-agency CSE team and force-wide casework teams), and by a case team once case work registers its
extension. Frontline officers, call handlers, partner reporters, system administrators and chief officers
see none: chief officers see only the aggregate analytics.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import CASEWORK_ROLES, Role


class DistrictCaseworkRule:
    """Casework roles see the rows of their districts, and the rows about a child they hold emergency
    access to (read only: acting needs the district)."""

    def condition(self, scope: Scope) -> Q:
        if not scope.roles & CASEWORK_ROLES:
            return NOTHING
        return Q(district_id__in=scope.district_ids) | Q(child_id__in=_children_opened_in_emergency(scope))

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if obj.district_id not in scope.district_ids:
            return False
        if action in {Action.CREATE, Action.CHANGE}:
            return scope.has(Role.CSE_TEAM_MEMBER, Role.SUPERVISOR)
        if action == Action.SIGN_OFF:
            return scope.has(Role.SUPERVISOR)
        return False


def _children_opened_in_emergency(scope: Scope) -> QuerySet[BreakGlassGrant, int]:
    if scope.user_id is None:
        return BreakGlassGrant.objects.none().values_list("target_id", flat=True)
    return BreakGlassGrant.objects.filter(
        user_id=scope.user_id, target_type="people.person", expires_at__gt=timezone.now()
    ).values_list("target_id", flat=True)


def may_assess(scope: Scope) -> bool:
    """Whether the user's roles let them start and complete assessments (where they can see the child)."""
    return scope.has(Role.CSE_TEAM_MEMBER, Role.SUPERVISOR)


def may_manage_instrument(scope: Scope) -> bool:
    """Authorised managers draft and approve instrument versions and run calibration studies."""
    return scope.has(Role.SUPERVISOR)


def may_see_aggregates(scope: Scope) -> bool:
    """Override analytics and calibration figures: managers and chief officers, never names."""
    return scope.has(Role.SUPERVISOR, Role.CHIEF_OFFICER)


def may_read_instrument(scope: Scope) -> bool:
    return bool(scope.roles & CASEWORK_ROLES) or scope.has(Role.CHIEF_OFFICER)

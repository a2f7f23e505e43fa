"""Who may see and work on risk assessments and reassessment tasks.

Assessments are seen by people who work on named children's cases in the child's district (the district's
multi-agency CSE team and force-wide casework teams), and by a case team once case work registers its
extension. Frontline officers, call handlers, partner reporters, system administrators and chief officers
see none: chief officers see only the aggregate analytics.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import CASEWORK_ROLES, Role


class DistrictCaseworkRule:
    """Casework roles see the rows of their districts, and the rows about a child they hold emergency
    access to (read only: acting needs the district)."""

    def condition(self, scope: Scope) -> Q:
        if not scope.roles & CASEWORK_ROLES:
            return NOTHING
        in_district = Q(district_id__in=scope.district_ids)
        # The user's grants came with the scope (ADR 0023), each honoured until it expires: a literal list
        # of children, none for almost everyone, rather than a subquery in every risk query (ADR 0033).
        opened = scope.granted_ids("people.person")
        return in_district | Q(child_id__in=opened) if opened else in_district

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if obj.district_id not in scope.district_ids:
            return False
        if action in {Action.CREATE, Action.CHANGE}:
            return scope.has(Role.CSE_TEAM_MEMBER, Role.SUPERVISOR)
        if action == Action.SIGN_OFF:
            return scope.has(Role.SUPERVISOR)
        return False


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

"""Who sees and works on missing episodes, carers' profiles, return interviews and pattern alerts.

- Casework roles of the child's district (the missing person coordinator, the CSE team, supervisors,
  intelligence analysts and hi-tech investigators) see the district's episodes; members of the child's
  case team see them wherever the child lives (registered in ``apps.py`` through ``extend_visibility``).
- Missing person coordinators, CSE team members and supervisors of the district record them.
- Pattern alerts reach the case team of the child's case, and the district's coordinators, CSE team and
  supervisors: nobody else.
- Partner reporters, system administrators and chief officers see none (chief officers see the
  coordinator dashboard's figures only if they are given it; they are not, here).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import CASEWORK_ROLES, EXCLUSIVE_ROLES, Role
from tessera.cases.rules import about_children_of_my_cases, case_condition

RECORDERS = (Role.MISSING_PERSON_COORDINATOR, Role.CSE_TEAM_MEMBER, Role.SUPERVISOR)


def may_record(scope: Scope) -> bool:
    return scope.has(*RECORDERS) and not (scope.roles & EXCLUSIVE_ROLES)


def is_supervisor_of(scope: Scope, district_id: int) -> bool:
    return scope.has(Role.SUPERVISOR) and district_id in scope.district_ids


class DistrictMissingRule:
    """Rows with a ``district`` (episodes, profiles, monitoring); ``prefix`` reaches it through a parent
    (``"episode__"`` for a return interview)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def condition(self, scope: Scope) -> Q:
        if scope.user_id is None or not scope.roles & CASEWORK_ROLES or scope.roles & EXCLUSIVE_ROLES:
            return NOTHING
        return Q(**{f"{self.prefix}district_id__in": scope.district_ids})

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        owner = obj
        for step in filter(None, self.prefix.split("__")):
            owner = getattr(owner, step)
        district_id = owner.district_id
        if action in {Action.CREATE, Action.CHANGE}:
            return may_record(scope) and district_id in scope.district_ids
        if action in {Action.DECIDE, Action.SIGN_OFF}:
            return is_supervisor_of(scope, district_id)
        return False


def case_team_children(prefix: str = "") -> Any:
    """Rows about children whose case team the user is on, wherever the child lives (read only)."""

    def condition(scope: Scope) -> Q:
        return about_children_of_my_cases(scope, f"{prefix}child")

    return condition


class AlertRule:
    """A pattern alert reaches the case team of the child's case and the district's missing coordinators,
    CSE team members and supervisors."""

    def condition(self, scope: Scope) -> Q:
        if scope.user_id is None or scope.roles & EXCLUSIVE_ROLES:
            return NOTHING
        condition = case_condition(scope, prefix="case__") & Q(case__isnull=False)
        if may_record(scope) and scope.district_ids:
            condition |= Q(district_id__in=scope.district_ids)
        return condition

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return False

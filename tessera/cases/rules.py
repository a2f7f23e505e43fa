"""Who sees and works on cases.

- A district's multi-agency team (CSE team members and supervisors with a team in the district) sees
  every case of the district and works on it.
- Members of a case's team, from any agency, see that case and work on it.
- Only the lead professional, or a supervisor of the district, closes a case.
- Partner reporters, system administrators and chief officers see no case, ever.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import EXCLUSIVE_ROLES, Role
from tessera.cases.models import CaseTeamMember


def is_district_team(scope: Scope) -> bool:
    return scope.has(Role.CSE_TEAM_MEMBER, Role.SUPERVISOR) and not (scope.roles & EXCLUSIVE_ROLES)


def membership_case_ids(scope: Scope) -> QuerySet[Any]:

    if scope.user_id is None:
        return CaseTeamMember.objects.none().values("case_id")
    return CaseTeamMember.objects.filter(user_id=scope.user_id, removed_at__isnull=True).values("case_id")


def case_condition(scope: Scope, prefix: str = "") -> Q:
    """Cases (or, with ``prefix`` such as ``"case__"``, rows of a case) that ``scope`` reaches."""
    if scope.user_id is None or scope.roles & EXCLUSIVE_ROLES:
        return NOTHING
    condition = Q(**{f"{prefix}pk__in" if prefix else "pk__in": membership_case_ids(scope)})
    if is_district_team(scope) and scope.district_ids:
        condition |= Q(**{f"{prefix}district_id__in": scope.district_ids})
    return condition


def works_on(scope: Scope, case: Any) -> bool:
    """District team of the case's district, or a current member of its case team."""
    if scope.user_id is None or scope.roles & EXCLUSIVE_ROLES:
        return False
    if is_district_team(scope) and case.district_id in scope.district_ids:
        return True
    return bool(case.team_members.filter(user_id=scope.user_id, removed_at__isnull=True).exists())


def may_see_sharing_log(scope: Scope, case: Any) -> bool:
    """Who has looked at a case is for the people responsible for it: the multi-agency team of the
    case's district (its CSE team members and supervisors) and the case team. Someone who reached the
    case through emergency access may read the case, not its sharing log."""
    return works_on(scope, case)


class CaseRule:
    def condition(self, scope: Scope) -> Q:
        return case_condition(scope)

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        # Someone seeing the case only through emergency access may read it, not change it.
        if action == Action.CLOSE:
            return obj.lead_professional_id == scope.user_id or (
                scope.has(Role.SUPERVISOR) and obj.district_id in scope.district_ids
            )
        if action in {Action.CHANGE, Action.CREATE, Action.DECIDE, Action.EXPORT}:
            return works_on(scope, obj)
        return False


def children_of_my_cases(scope: Scope) -> QuerySet[CaseTeamMember, Any] | None:
    """The ids of the children whose case team the user is on (a subquery), or None when their roles
    reach no child through a case team."""
    if scope.user_id is None or scope.roles & EXCLUSIVE_ROLES:
        return None
    return CaseTeamMember.objects.filter(
        user_id=scope.user_id, removed_at__isnull=True, case__child__isnull=False
    ).values("case__child_id")


def child_of_my_cases(scope: Scope) -> Q:
    """Children the user works with through a case team: visible to them wherever the child lives."""
    children = children_of_my_cases(scope)
    return NOTHING if children is None else Q(pk__in=children)


def about_children_of_my_cases(scope: Scope, path: str = "child") -> Q:
    """Rows whose ``path`` (a person) is a child whose case team the user is on, wherever the child lives.

    The case-team subquery itself, not a subquery of the people it names: the ids are the same (a case's
    child is a person row), one subquery fewer to build and plan in every query it joins (ADR 0033)."""
    children = children_of_my_cases(scope)
    return NOTHING if children is None else Q(**{f"{path}__in": children})

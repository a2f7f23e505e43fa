"""Who may see and change person records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import Role


def may_record_links(scope: Scope) -> bool:
    """Roles that build the picture of who is connected to whom: CSE teams, supervisors, analysts."""
    return scope.has(Role.CSE_TEAM_MEMBER, Role.SUPERVISOR, Role.INTELLIGENCE_ANALYST)


def may_search_people(scope: Scope) -> bool:
    """Everyone whose work involves named children; not partner reporters, administrators or chief officers."""
    return scope.works_with_named_children


class PersonRule:
    """People are seen by those who work with named children in the district where the person is known.

    Force-wide teams (intelligence, Hi-Tech Crime Unit, communications room) cover every district.
    System administrators, chief officers and partner reporters see no one.
    """

    def condition(self, scope: Scope) -> Q:
        if not scope.works_with_named_children or not scope.district_ids:
            return NOTHING
        return Q(district_id__in=scope.district_ids)

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action in {Action.CHANGE, Action.MERGE, Action.EXPORT}:
            return may_record_links(scope)
        return False

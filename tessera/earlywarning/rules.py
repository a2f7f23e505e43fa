"""Who sees network alerts: the casework roles of teams of the child's district, and no one else.

A force-wide team (the force's analysts) is not the child's district team: they see the network itself
through the network page, not the district's alerts. Partner reporters, system administrators and chief
officers see none. Nobody edits an alert; the district team closes it, saying why.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import CASEWORK_ROLES, EXCLUSIVE_ROLES


def is_district_team(scope: Scope) -> bool:
    return (
        scope.user_id is not None
        and bool(scope.roles & CASEWORK_ROLES)
        and not scope.roles & EXCLUSIVE_ROLES
        and not scope.force_wide
        and bool(scope.district_ids)
    )


class NetworkAlertRule:
    def condition(self, scope: Scope) -> Q:
        if not is_district_team(scope):
            return NOTHING
        return Q(district_id__in=scope.district_ids)

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return action == Action.CLOSE and is_district_team(scope) and obj.district_id in scope.district_ids

"""Who may see pairs waiting for review, and decide them.

The review queue shows two people's records side by side, so a pair is seen only by CSE team members,
supervisors and analysts who may see both people (the districts they work in). Partner reporters,
system administrators and chief officers never see it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import Role
from tessera.people.rules import may_record_links

RUN_ROLES = (Role.SUPERVISOR, Role.INTELLIGENCE_ANALYST)


class ReviewPairRule:
    def condition(self, scope: Scope) -> Q:
        if not may_record_links(scope) or not scope.district_ids:
            return NOTHING
        return Q(left__person__district_id__in=scope.district_ids) & Q(
            right__person__district_id__in=scope.district_ids
        )

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return action == Action.DECIDE and may_record_links(scope)


class LinkageRunRule:
    """Runs hold counts, not names: seen by those who may start them."""

    def condition(self, scope: Scope) -> Q:
        return Q(pk__isnull=False) if scope.has(*RUN_ROLES) else NOTHING

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return False

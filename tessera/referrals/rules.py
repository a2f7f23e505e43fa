"""Who sees referrals: the district's multi-agency team, the case team of the case a referral joined,
and the staff member who made it (to learn the outcome). Partner reporters read nothing back."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import EXCLUSIVE_ROLES
from tessera.cases.rules import is_district_team, membership_case_ids


class ReferralRule:
    def condition(self, scope: Scope) -> Q:
        if scope.user_id is None or scope.roles & EXCLUSIVE_ROLES:
            return NOTHING
        condition = Q(referred_by_id=scope.user_id) | Q(case_id__in=membership_case_ids(scope))
        if is_district_team(scope) and scope.district_ids:
            condition |= Q(district_id__in=scope.district_ids)
        return condition

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action in {Action.DECIDE, Action.CHANGE}:
            return is_district_team(scope) and obj.district_id in scope.district_ids
        return False

"""Who may see and act on imported files and their quarantined rows."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.people.rules import may_record_links


def _importer_condition(scope: Scope, district_path: str) -> Q:
    """CSE team members, supervisors and analysts, for the districts they work in.

    A file without a district (force-wide) is seen by force-wide teams only. Partner reporters, system
    administrators and chief officers never see partner files: they hold named children's records.
    """
    if not may_record_links(scope) or not scope.district_ids:
        return NOTHING
    condition = Q(**{f"{district_path}__in": scope.district_ids})
    if scope.force_wide:
        condition |= Q(**{f"{district_path}__isnull": True})
    return condition


class ImportBatchRule:
    def condition(self, scope: Scope) -> Q:
        return _importer_condition(scope, "district_id")

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return action == Action.CHANGE and may_record_links(scope)


class QuarantinedRowRule:
    def condition(self, scope: Scope) -> Q:
        return _importer_condition(scope, "batch__district_id")

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return action == Action.CHANGE and may_record_links(scope)

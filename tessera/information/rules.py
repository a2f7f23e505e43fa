"""Who sees subject access requests: data protection officers, and nobody else."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import Action
from tessera.access.scope import Scope
from tessera.accounts.roles import Role


class SubjectAccessRequestRule:
    def condition(self, scope: Scope) -> Q:
        return Q(pk__isnull=False) if scope.has(Role.DATA_PROTECTION_OFFICER) else Q(pk__in=[])

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return scope.has(Role.DATA_PROTECTION_OFFICER)

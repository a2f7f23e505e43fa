"""What every API view shares: the same access policy and audit as the web pages.

API views are exempt from the sign-in redirect (they answer 403 in JSON instead) but every one requires
an authenticated, second-factor-verified user and reads only through ``visible_to``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from rest_framework import viewsets

from tessera.api.permissions import SignedInWithSecondFactor


@method_decorator(login_not_required, name="dispatch")
class PolicyReadOnlyViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    """Read-only endpoints whose rows come from the access policy; not visible answers 404."""

    permission_classes = [SignedInWithSecondFactor]
    # Records are numbered: any other id is a 404 from the router, never a ValueError in a view.
    lookup_value_regex = r"[0-9]{1,18}"

from __future__ import annotations

from django.http import HttpRequest

from tessera.access.scope import scope_of
from tessera.accounts.second_factor import is_verified
from tessera.web.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_verified(user):
        return {"navigation_items": []}
    return {"navigation_items": items_for(scope_of(user), request.path)}

"""The signed-in user behind a request, typed as ``User``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tessera.accounts.models import User


def signed_in(request: HttpRequest) -> User:
    """The user making the request. Every page but signing in needs one (``LoginRequiredMiddleware``, and
    the API's permission class), so an anonymous request reaching a caller of this is refused."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in to do that")
    return user

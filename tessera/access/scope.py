"""What a user's roles and teams entitle them to, computed once per request."""

from __future__ import annotations

from dataclasses import dataclass

from tessera.accounts.models import Actor, TeamMembership
from tessera.accounts.roles import CASEWORK_ROLES, Role
from tessera.core.models import District


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset[str]
    agency_id: int | None
    agency_kind: str | None
    # Districts the user works in, from their team memberships. A force-wide team covers every district.
    district_ids: frozenset[int]
    force_wide: bool

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_police(self) -> bool:
        return self.agency_kind == "police"

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def works_with_named_children(self) -> bool:
        """Whether the user's roles involve records about named children at all."""
        return bool(self.roles & CASEWORK_ROLES) or self.has(Role.FRONTLINE_OFFICER, Role.CALL_HANDLER)

    @property
    def sees_police_intelligence(self) -> bool:
        """Police intelligence (graded links and what they name) is for police intelligence and CSE roles.

        Police staff who are intelligence analysts, CSE team members, supervisors or hi-tech crime
        investigators. Frontline officers, call handlers and every partner agency (social care, health,
        education, charities) do not see it; sanitised releases to partners are a separate, later act.
        """
        return self.is_police and self.has(
            Role.INTELLIGENCE_ANALYST, Role.CSE_TEAM_MEMBER, Role.SUPERVISOR, Role.HITECH_INVESTIGATOR
        )

    @property
    def may_break_glass(self) -> bool:
        return bool(self.roles & CASEWORK_ROLES)


ANONYMOUS = Scope(None, frozenset(), None, None, frozenset(), False)

_CACHE_ATTR = "_tessera_scope"


def scope_of(user: Actor) -> Scope:
    """The user's scope, cached on the user object for the length of the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if isinstance(cached, Scope):
        return cached

    memberships = list(
        TeamMembership.objects.filter(user_id=user.pk, team__is_active=True).values_list(
            "team__district_id", flat=True
        )
    )
    force_wide = any(district_id is None for district_id in memberships)
    if force_wide:
        districts = frozenset(District.objects.filter(is_active=True).values_list("pk", flat=True))
    else:
        districts = frozenset(d for d in memberships if d is not None)
    agency = user.agency
    scope = Scope(
        user_id=user.pk,
        roles=frozenset(user.role_codes),
        agency_id=agency.pk if agency else None,
        agency_kind=agency.kind if agency else None,
        district_ids=districts,
        force_wide=force_wide,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Actor) -> None:
    """Drop the cached scope (after roles or teams change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    user.__dict__.pop("role_codes", None)

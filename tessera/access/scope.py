"""What a user's roles, teams and emergency-access grants entitle them to, computed once per request.

The scope is read in one query (ADR 0023): the user's roles, the districts of their active teams (every
active district for a force-wide team), their emergency-access grants in force and the restrictions in
force that do not name them, as one ``UNION ALL`` of four-column rows. It is kept on the user object,
which Django builds afresh for every request, so every access check of the request shares it and none
repeats it. A kept scope is read again once it is ``FRESH_SECONDS`` old (a long job holds its user object
for minutes) and at once after a restriction changes in this process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, CharField, DateTimeField, Exists, F, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from tessera.access.models import BreakGlassGrant, RestrictedRecord
from tessera.accounts.models import Actor, RoleGrant, TeamMembership
from tessera.accounts.roles import CASEWORK_ROLES, Role
from tessera.core.fixed_query import FixedQuery
from tessera.core.models import District


@dataclass(frozen=True)
class GrantInForce:
    """An emergency-access grant the user holds, as far as the access policy needs it."""

    target_type: str
    target_id: int
    expires_at: datetime


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset[str]
    agency_id: int | None
    agency_kind: str | None
    # Districts the user works in, from their team memberships. A force-wide team covers every district.
    district_ids: frozenset[int]
    force_wide: bool
    # Emergency-access grants in force when the scope was read; each is honoured only until it expires.
    grants: tuple[GrantInForce, ...] = ()
    # (target type, id) of every record under a restriction in force on which the user is not named.
    hidden: tuple[tuple[str, int], ...] = ()
    # When it was read (time.monotonic) and the restriction generation it saw: see ``scope_of``.
    read_at: float = 0.0
    generation: int = 0

    def hidden_ids(self, target_type: str) -> list[int]:
        """Ids of the records of ``target_type`` restricted from the user."""
        return [target_id for kind, target_id in self.hidden if kind == target_type]

    def granted_ids(self, target_type: str) -> list[int]:
        """Ids of the records of ``target_type`` the user holds an unexpired emergency grant to."""
        now = timezone.now()
        return [g.target_id for g in self.grants if g.target_type == target_type and g.expires_at > now]

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

# A kept scope older than this is read again. Restrictions made in another process reach a user object
# kept by a long job (or a long request) within this time; within this process, at once (``generation``).
FRESH_SECONDS = 2.0
_generation = 0


def restrictions_changed() -> None:
    """A restriction was made, changed or lifted: every scope read before now is read again."""
    global _generation
    _generation += 1


# The kinds of row in the scope query.
_ROLE, _TEAM, _DISTRICT, _GRANT, _HIDDEN = "role", "team", "district", "grant", "hidden"


ScopeRow = tuple[str, int | None, str | None, datetime | None]


def _scope_rows(user_id: int, now: datetime) -> QuerySet[Any, ScopeRow]:
    """(kind, number, text, expires) rows: roles, team districts, force-wide districts, grants in force at
    ``now``, restrictions in force not naming the user."""

    def shaped(
        queryset: QuerySet[Any], kind: str, number: object, text: object, expires: object
    ) -> QuerySet[Any, ScopeRow]:
        rows: QuerySet[Any, ScopeRow] = (
            queryset.order_by()
            .annotate(
                scope_kind=Value(kind, output_field=CharField()),
                scope_number=number,
                scope_text=text,
                scope_expires=expires,
            )
            .values_list("scope_kind", "scope_number", "scope_text", "scope_expires")
        )
        return rows

    # Typed NULLs: PostgreSQL resolves a UNION's column types pair by pair, and two bare NULLs would make
    # a text column that the grants' expiry time could not join.
    no_number = Cast(Value(None), output_field=BigIntegerField())
    no_text = Cast(Value(None), output_field=TextField())
    no_time = Cast(Value(None), output_field=DateTimeField())
    teams = TeamMembership.objects.filter(user_id=user_id, team__is_active=True)
    force_wide_team = teams.filter(team__district__isnull=True)
    return shaped(RoleGrant.objects.filter(user_id=user_id), _ROLE, no_number, F("role"), no_time).union(
        shaped(teams, _TEAM, F("team__district_id"), no_text, no_time),
        shaped(
            District.objects.filter(is_active=True).filter(Exists(force_wide_team)),
            _DISTRICT,
            F("pk"),
            no_text,
            no_time,
        ),
        shaped(
            BreakGlassGrant.objects.filter(user_id=user_id, expires_at__gt=now),
            _GRANT,
            F("target_id"),
            F("target_type"),
            F("expires_at"),
        ),
        shaped(
            RestrictedRecord.objects.in_force().exclude(named_users__id=user_id),
            _HIDDEN,
            F("target_id"),
            F("target_type"),
            no_time,
        ),
        all=True,
    )


# The scope query is the same for every user and request but for the user and the time: the ORM builds
# and compiles it once per thread (2.1 ms of CPU that every request paid, ADR 0033).
_SCOPE_QUERY: FixedQuery[ScopeRow] = FixedQuery(_scope_rows, (int, datetime))


def scope_of(user: Actor) -> Scope:
    """The user's scope, cached on the user object for the length of the request (one query)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if (
        isinstance(cached, Scope)
        and cached.generation == _generation
        and time.monotonic() - cached.read_at < FRESH_SECONDS
    ):
        return cached

    roles: set[str] = set()
    team_districts: list[int | None] = []
    all_districts: set[int] = set()
    grants: list[GrantInForce] = []
    hidden: list[tuple[str, int]] = []
    generation, read_at = _generation, time.monotonic()
    for kind, number, text, expires in _SCOPE_QUERY.rows(user.pk, timezone.now()):
        if kind == _ROLE and text is not None:
            roles.add(text)
        elif kind == _TEAM:
            team_districts.append(number)
        elif kind == _DISTRICT and number is not None:
            all_districts.add(number)
        elif kind == _GRANT and number is not None and text is not None and expires is not None:
            grants.append(GrantInForce(text, number, expires))
        elif kind == _HIDDEN and number is not None and text is not None:
            hidden.append((text, number))
    force_wide = any(district_id is None for district_id in team_districts)
    districts = all_districts if force_wide else {d for d in team_districts if d is not None}
    # The roles came with the scope: later role checks on the user (``has_role``) need no query of their own.
    user.__dict__["role_codes"] = frozenset(roles)
    agency = user.agency
    scope = Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        agency_id=agency.pk if agency else None,
        agency_kind=agency.kind if agency else None,
        district_ids=frozenset(districts),
        force_wide=force_wide,
        grants=tuple(grants),
        hidden=tuple(hidden),
        read_at=read_at,
        generation=generation,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Actor) -> None:
    """Drop the cached scope (after roles or teams change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    user.__dict__.pop("role_codes", None)

"""THE access policy. Every read of personal data starts from ``visible_to``; every write asks ``can``.

Each domain app registers one ``RecordRule`` per model in its ``AppConfig.ready``. A rule says, as a
query condition, which rows a user's scope reaches, and which further actions the scope allows on a
visible row. On top of every rule this module applies the same two things: restricted records are
hidden from everyone not named on them, and break-glass grants add single records for a limited time.

A restriction covers what is about the restricted record too: an app says, with ``inherit_restriction``,
that a case, referral or assessment is hidden whenever the child it is about is restricted. Emergency
access never opens a restricted record or anything about one.

A model without a rule is visible to nobody: the policy fails closed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.access.refusals import Outcome, note_refusal
from tessera.access.scope import Scope, scope_of
from tessera.accounts.models import Actor

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    EXPORT = "export"
    SHARE = "share"
    DECIDE = "decide"
    CLOSE = "close"
    ERASE = "erase"
    MERGE = "merge"
    SIGN_OFF = "sign_off"


class RecordRule(Protocol):
    def condition(self, scope: Scope) -> Q:
        """Rows of the model this scope may see (before restrictions and break-glass)."""

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        """Whether the scope may take ``action`` (other than VIEW) on a row it can see."""


NOTHING = Q(pk__in=[])

_rules: dict[type[models.Model], RecordRule] = {}
_extensions: dict[type[models.Model], list[Callable[[Scope], Q]]] = {}
_inherited: dict[type[models.Model], list[tuple[type[models.Model], str]]] = {}


def register(model: type[models.Model], rule: RecordRule) -> None:
    _rules[model] = rule


def extend_visibility(model: type[models.Model], condition: Callable[[Scope], Q]) -> None:
    """Let a higher layer widen who sees a lower layer's rows without the lower layer importing it.

    E.g. the case-work app makes a child visible to every member of the child's case team.
    """
    _extensions.setdefault(model, []).append(condition)


def inherit_restriction(model: type[models.Model], owner: type[models.Model], path: str) -> None:
    """Hide rows of ``model`` whose ``owner`` (reached by the lookup ``path``) is restricted from the user.

    E.g. ``inherit_restriction(Case, Person, "child")``: restricting a child hides the child's cases from
    everyone not named on the restriction, district team and emergency access included.
    """
    _inherited.setdefault(model, []).append((owner, path))


def _restricted(queryset: models.QuerySet[M], scope: Scope, model: type[models.Model]) -> models.QuerySet[M]:
    # The restricted ids came with the scope (one query a request, and the table is small): most requests
    # meet no restriction at all, and then no condition is added to their queries.
    hidden = Q()
    for owner, path in [(model, "pk"), *_inherited.get(model, [])]:
        ids = scope.hidden_ids(label_of(owner))
        if ids:
            hidden |= Q(**{f"{path}__in": ids})
    return queryset.exclude(hidden) if hidden else queryset


def _condition(rule: RecordRule, scope: Scope, model: type[models.Model]) -> Q:
    condition = rule.condition(scope)
    for extension in _extensions.get(model, []):
        condition |= extension(scope)
    return condition


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


def rule_for(model: type[models.Model]) -> RecordRule | None:
    model = model._meta.concrete_model or model
    return _rules.get(model)


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def _granted(scope: Scope, model: type[models.Model], rule: RecordRule) -> Q:
    # The grants came with the scope (one query a request): most users hold none, and the condition is
    # then empty rather than a subquery every list and page would run.
    if scope.user_id is None or not scope.may_break_glass:
        return NOTHING
    ids = scope.granted_ids(label_of(model))
    if not ids:
        return NOTHING
    # A rule may keep some rows out of emergency access whatever the grant (a person known only from
    # police intelligence: to anyone else, opening the record would say what intelligence holds).
    limit = getattr(rule, "emergency_limit", None)
    return Q(pk__in=ids) & limit(scope) if limit is not None else Q(pk__in=ids)


def visible_to(user: Actor, model_or_queryset: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of a model (or of a queryset) that ``user`` may see."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    model = queryset.model
    rule = rule_for(model)
    scope = scope_of(user)
    if rule is None or not scope.is_authenticated:
        return queryset.none()
    condition = _condition(rule, scope, model) | _granted(scope, model, rule)
    return _restricted(queryset.filter(condition), scope, model)


# Set on a row ``get_visible_or_404`` handed out, to the scope it was checked against.
_SEEN_WITH = "_tessera_seen_with"


def can_see(user: Actor, obj: models.Model) -> bool:
    # A row this request's policy check just handed to this user needs no second query to say so.
    if getattr(obj, _SEEN_WITH, None) is scope_of(user) and scope_of(user).is_authenticated:
        return True
    return visible_to(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can(user: Actor, action: Action, obj: models.Model) -> bool:
    """Whether ``user`` may take ``action`` on ``obj``. Nothing is allowed on a row the user cannot see."""
    if not can_see(user, obj):
        return False
    if action == Action.VIEW:
        return True
    rule = rule_for(type(obj))
    return rule is not None and rule.allows(scope_of(user), action, obj)


def require(user: Actor, action: Action, obj: models.Model) -> None:
    """404 when the user may not see ``obj`` (its existence is not revealed); 403 when they may see it but not act."""
    if not can_see(user, obj):
        note_refusal(type(obj), obj.pk, why_hidden(user, type(obj)._default_manager.all(), {"pk": obj.pk}))
        raise Http404("No record found")
    if action != Action.VIEW:
        rule = rule_for(type(obj))
        if rule is None or not rule.allows(scope_of(user), action, obj):
            note_refusal(type(obj), obj.pk, f"{Outcome.NOT_ALLOWED} ({action})")
            raise PermissionDenied("You can see this record but cannot do that to it")


def require_all(user: Actor, action: Action, objs: list[models.Model]) -> None:
    """``require`` for several rows of one model, in one query when the user may act on them all."""
    if not objs:
        return
    model = type(objs[0])
    visible = set(
        visible_to(user, model._default_manager.filter(pk__in=[obj.pk for obj in objs])).values_list(
            "pk", flat=True
        )
    )
    rule = rule_for(model)
    for obj in objs:
        if obj.pk not in visible or rule is None or not rule.allows(scope_of(user), action, obj):
            require(user, action, obj)  # 404 or 403, noted, as for the one row


def allowed_ids(user: Actor, action: Action, model: type[M], ids: list[int]) -> set[int]:
    """Which of these rows of ``model`` the user may take ``action`` on (``can`` for all, one query)."""
    rule = rule_for(model)
    rows = visible_to(user, model._default_manager.filter(pk__in=ids))
    if action == Action.VIEW:
        return set(rows.values_list("pk", flat=True))
    scope = scope_of(user)
    return {obj.pk for obj in rows if rule is not None and rule.allows(scope, action, obj)}


def why_hidden(user: Actor, base: models.QuerySet[Any], lookup: dict[str, Any]) -> str:
    """Why ``lookup`` found nothing the user may see, for the access log only (never for the user)."""
    try:
        rows = base.filter(**lookup)
        if not rows.exists():
            return Outcome.NO_SUCH_RECORD
    except (ValueError, TypeError):
        return Outcome.NO_SUCH_RECORD
    model = base.model
    rule = rule_for(model)
    scope = scope_of(user)
    if rule is not None and scope.is_authenticated and rows.filter(_condition(rule, scope, model)).exists():
        return Outcome.RESTRICTED
    return Outcome.OUTSIDE_SCOPE


def get_visible_or_404(user: Actor, model_or_queryset: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """The one row matching ``lookup`` that ``user`` may see; 404 alike for missing and not yours."""
    try:
        row = visible_to(user, model_or_queryset).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        base = (
            model_or_queryset
            if isinstance(model_or_queryset, models.QuerySet)
            else model_or_queryset._default_manager.all()
        )
        asked_for = next(iter(lookup.values()), "") if len(lookup) == 1 else lookup
        note_refusal(base.model, asked_for, why_hidden(user, base, lookup))
        raise Http404("No record found") from None
    setattr(row, _SEEN_WITH, scope_of(user))
    return row


def active_grant(user: Actor, obj: models.Model) -> BreakGlassGrant | None:
    """The break-glass grant through which ``user`` is seeing ``obj``, if that is how they see it."""
    if user is None or not user.is_authenticated:
        return None
    # The scope knows every grant the user holds: the grant row itself is read only when there is one.
    if obj.pk not in scope_of(user).granted_ids(label_of(obj)):
        return None
    return (
        BreakGlassGrant.objects.filter(
            user=user, target_type=label_of(obj), target_id=obj.pk, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def within_scope_without_grant(user: Actor, obj: models.Model) -> bool:
    """Whether the user sees ``obj`` through their ordinary scope, not emergency access."""
    rule = rule_for(type(obj))
    scope = scope_of(user)
    if rule is None or not scope.is_authenticated:
        return False
    rows = type(obj)._default_manager.filter(pk=obj.pk).filter(_condition(rule, scope, type(obj)))
    return _restricted(rows, scope, type(obj)).exists()

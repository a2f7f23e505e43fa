"""Open-and-log: the one way a page or an API call reads personal data.

Every record kind that shows personal data has one ``open_<kind>(user, pk, *, via)`` selector in its app
(``people.selectors.open_person``, ``cases.selectors.open_case``...). Each is built on ``open_record``
here: the row comes through ``visible_to`` (404 alike for missing and not yours) and the access-log VIEW
row (DPA 2018 s62) is written before the record is handed back, with the emergency-access reason when
that is how the user sees it. Web views and API views call the same selector, so neither can forget to
log and neither logs twice. Pages that list records call ``log_list``; pages that show search results
call ``log_search``.

``via`` is the request the record is opened for (its path and address go into the log row), or ``None``
for work with no request. A request under ``/api/`` is logged with ``{"via": "api"}``.

A form that is posted and saved is logged by the service that saves it, not as a view: such a handler
looks the record up with its app's unlogged lookup (``referral_for_page``, ``pair_for_decision``...) and,
when the form comes back with errors (showing the record again), logs that showing with ``log_opened``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.http import HttpRequest

from tessera.access.models import BreakGlassGrant
from tessera.access.policy import active_grant, get_visible_or_404, within_scope_without_grant
from tessera.accounts.models import Actor
from tessera.audit.log import record_access, record_list_view
from tessera.audit.models import AccessLog, AuditAction

M = TypeVar("M", bound=models.Model)


class _Unknown:
    """The grant has not been looked up yet (``None`` means looked up and there is none)."""


UNKNOWN = _Unknown()

Shown = Mapping[str, Iterable[int | str]]


def channel_details(via: HttpRequest | None) -> dict[str, str]:
    """``{"via": "api"}`` for API calls, nothing for web pages (the path already says which page)."""
    if via is not None and via.path.startswith("/api/"):
        return {"via": "api"}
    return {}


def log_opened(
    user: Actor,
    record: models.Model,
    *,
    via: HttpRequest | None,
    details: Mapping[str, Any] | None = None,
    shown: Shown | None = None,
    emergency_of: models.Model | None = None,
    grant: BreakGlassGrant | _Unknown | None = UNKNOWN,
) -> AccessLog:
    """The VIEW row for a record put in front of the user.

    ``emergency_of`` is the record whose emergency-access grant, if that is how the user sees it, is
    named on the row (the child, for a page about the child's assessment); by default the record itself.
    A page that has already looked the grant up passes it as ``grant``.
    """
    if isinstance(grant, _Unknown):
        grant = emergency_grant(user, emergency_of if emergency_of is not None else record)
    logged: dict[str, Any] = {**channel_details(via), **(details or {})}
    if grant is not None:
        logged["emergency_access"] = grant.pk
    return record_access(
        actor=user,
        action=AuditAction.VIEW,
        target=record,
        request=via,
        reason=grant.reason if grant is not None else "",
        details=logged or None,
        shown=shown,
    )


def emergency_grant(user: Actor, record: models.Model) -> BreakGlassGrant | None:
    """The emergency-access grant through which the user sees the record, or ``None`` when their own
    scope reaches it (a grant left over from before they joined the team is not how they see it)."""
    grant = active_grant(user, record)
    if grant is not None and within_scope_without_grant(user, record):
        return None
    return grant


def open_record(
    user: Actor,
    model_or_queryset: type[M] | models.QuerySet[M],
    pk: int,
    *,
    via: HttpRequest | None,
    details: Mapping[str, Any] | None = None,
    shown: Shown | None = None,
) -> M:
    """The record the user may see, logged as viewed; 404 alike for missing and not yours."""
    with transaction.atomic():
        record = get_visible_or_404(user, model_or_queryset, pk=pk)
        log_opened(user, record, via=via, details=details, shown=shown)
    return record


def log_list(
    user: Actor,
    via: HttpRequest | None,
    *,
    list_name: str,
    target_type: str,
    ids: Iterable[int | str] | Mapping[str, Iterable[int | str]],
    people: Iterable[int | None] = (),
    details: Mapping[str, Any] | None = None,
) -> AccessLog:
    """One VIEW row for a page that lists records: the list, the ids shown, the people they name."""
    return record_list_view(
        user,
        via,
        list_name=list_name,
        target_type=target_type,
        ids=ids,
        people=[pk for pk in people if pk is not None],
        details={**channel_details(via), **(details or {})},
    )


def log_search(
    user: Actor,
    via: HttpRequest | None,
    *,
    people_shown: Iterable[int],
    details: Mapping[str, Any],
    also_shown: Shown | None = None,
) -> AccessLog:
    """One SEARCH row naming the people the results showed (ids, never the names typed), and any other
    records listed beside them (``also_shown``: the places, vehicles, phones and accounts found)."""
    shown = list(dict.fromkeys(people_shown))
    return record_access(
        actor=user,
        action=AuditAction.SEARCH,
        target_type="people.person",
        request=via,
        details={**channel_details(via), **details, "people_shown": shown},
        shown={"people.person": shown, **(also_shown or {})},
    )


def log_export(
    user: Actor,
    record: models.Model,
    *,
    via: HttpRequest | None,
    reason: str,
    details: Mapping[str, Any],
) -> AccessLog:
    """One EXPORT row for a record taken out of Tessera (a chronology PDF), with what the file held."""
    with transaction.atomic():
        return record_access(
            actor=user,
            action=AuditAction.EXPORT,
            target=record,
            request=via,
            reason=reason,
            details={**channel_details(via), **details},
        )


def log_aggregate(user: Actor, via: HttpRequest | None, *, report: str) -> AccessLog:
    """One VIEW row for a page of figures drawn from personal data without naming anyone."""
    return record_access(
        actor=user,
        action=AuditAction.VIEW,
        target_type=report,
        request=via,
        details={**channel_details(via), "aggregate": True},
    )

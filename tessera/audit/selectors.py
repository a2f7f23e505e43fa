"""Reads of the access log itself: who has looked at a record, a case's sharing log, one's own recent views.

The log is written only through ``tessera.audit.log``; every page that reads it does so through these
functions, so the indexes they rely on (``audit_target_idx``, ``audit_actor_idx``, ``audit_shown_idx``)
are the only ways into it. Callers decide who may read what; these functions do not apply the policy.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Min, QuerySet, Value
from django.db.models.functions import Concat

from tessera.audit.models import AccessLog, AuditAction, RecordShown

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

VIEWER_ACTIONS: tuple[AuditAction, ...] = (
    AuditAction.VIEW,
    AuditAction.EXPORT,
    AuditAction.DISCLOSE,
    AuditAction.CHANGE,
    AuditAction.BREAK_GLASS,
    # Someone asking for the record and being refused it is what its owner most needs to know.
    AuditAction.REFUSED,
)


def looks_at(target_type: str, target_id: int | str, *, limit: int = 500) -> list[AccessLog]:
    """Rows of the log that opened the record, and rows of lists and searches that showed it among others.

    Newest first, at most ``limit``. Two indexed look-ups and then the rows by id: an OR of the two in one
    WHERE would scan the whole log.
    """
    own = (
        AccessLog.objects.filter(target_type=target_type, target_id=str(target_id), action__in=VIEWER_ACTIONS)
        .order_by("-id")
        .values_list("pk", flat=True)[:limit]
    )
    in_lists = (
        RecordShown.objects.filter(target_type=target_type, target_id=str(target_id))
        .order_by("-entry_id")
        .values_list("entry_id", flat=True)[:limit]
    )
    return list(
        AccessLog.objects.filter(pk__in={*own, *in_lists}).select_related("actor").order_by("-id")[:limit]
    )


def record_log(target_type: str, target_id: int | str, *, limit: int = 300) -> QuerySet[AccessLog]:
    """Every row about one record (a case's sharing log), newest first."""
    return (
        AccessLog.objects.filter(target_type=target_type, target_id=str(target_id))
        .order_by("-id")
        .only("at", "actor_username", "actor_agency", "action", "reason", "details")[:limit]
    )


def recent_views_by(user: AbstractBaseUser, *, limit: int = 100) -> list[tuple[str, str, datetime]]:
    """(kind, id, when) of the single records the user opened lately, newest first; list rows left out."""
    return list(
        AccessLog.objects.filter(actor_id=user.pk, action=AuditAction.VIEW)
        .exclude(target_type="")
        .exclude(target_id="")  # list pages log one row naming no single record
        .order_by("-id")
        .values_list("target_type", "target_id", "at")[:limit]
    )


def latest_rows(*, limit: int = 20) -> list[dict[str, Any]]:
    """The newest rows, without targets or details: what an administrator checking the chain sees."""
    rows = AccessLog.objects.order_by("-id").values("id", "seal__seq", "at", "action", "actor_username")[
        :limit
    ]
    return [dict(row) for row in rows]


def refusal_counts(user_ids: list[int], *, since: datetime) -> list[dict[str, Any]]:
    """Per user among ``user_ids``: refused requests since ``since``, distinct records, first and last."""
    rows = (
        AccessLog.objects.filter(action=AuditAction.REFUSED, at__gte=since, actor_id__in=user_ids)
        .values("actor_id")
        .annotate(
            refusals=Count("id"),
            records=Count(Concat("target_type", Value(":"), "target_id"), distinct=True),
            first_at=Min("at"),
            last_at=Max("at"),
        )
    )
    return [dict(row) for row in rows]


def refusals_by(user_id: int, *, since: datetime, limit: int = 500) -> list[AccessLog]:
    """One user's refused requests since ``since``, newest first."""
    return list(
        AccessLog.objects.filter(action=AuditAction.REFUSED, actor_id=user_id, at__gte=since).order_by("-id")[
            :limit
        ]
    )


def has_unsealed_rows_before(moment: datetime) -> bool:
    """Whether any access-log row appended before ``moment`` is still waiting for the sealer."""
    return AccessLog.objects.filter(seal__isnull=True, at__lt=moment).exists()

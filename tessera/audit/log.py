"""The one way to write the access log.

Every view, search, export, creation, change, disclosure and erasure of personal data calls
``record_access`` inside the same transaction as the act, so the act and its log row commit or roll back
together. An append is a plain INSERT and takes no lock that another request or job could wait for: the
sealer (``tessera.audit.sealer``) chains rows afterwards, in batches.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction, RecordShown

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def target_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[0].strip()
    try:
        return ipaddress.ip_address(raw).compressed
    except ValueError:
        return None


def record_access(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    reason: str = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    shown: Mapping[str, Iterable[int | str]] | None = None,
) -> AccessLog:
    """Append one row to the access log: who, what, when, why and from where.

    ``shown`` names further records the act put in front of the user (kind -> ids), such as the people
    in search results or the children on a list page, so each one's "who has looked" finds this row.
    """
    if target is not None:
        target_type = target_type_of(target)
        target_id = target.pk
    user = actor if actor is not None and actor.is_authenticated else None
    agency = getattr(user, "agency", None)
    # The row and the records it showed are written together or not at all: in a transaction of their own,
    # or inside the act's, without a savepoint (two more round trips a read), since a failed write there
    # rolls the act back as well, as it must.
    with transaction.atomic(savepoint=False):
        entry = AccessLog(
            at=timezone.now(),
            actor_id=user.pk if user is not None else None,
            actor_username=user.get_username() if user is not None else "",
            actor_agency=str(agency) if agency is not None else "",
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            reason=reason,
            ip_address=client_ip(request),
            path=request.get_full_path()[:300] if request is not None else "",
            details=details or {},
        )
        entry.save(force_insert=True)
        if shown:
            RecordShown.objects.bulk_create(
                RecordShown(entry=entry, target_type=kind, target_id=str(pk))
                for kind, pks in shown.items()
                for pk in dict.fromkeys(pks)
            )
    return entry


@dataclass(frozen=True)
class Act:
    """One act of a batch written by ``record_acts``: what ``record_access`` is given for one row."""

    action: AuditAction
    target: models.Model
    details: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    shown: Mapping[str, Iterable[int | str]] = field(default_factory=dict)


def record_acts(
    *, actor: AbstractBaseUser | AnonymousUser | None, acts: Sequence[Act], request: HttpRequest | None = None
) -> list[AccessLog]:
    """One access-log row for each act of a batch by one actor (an import chunk's new records), written
    together: the same rows ``record_access`` writes one at a time, in a few INSERTs instead of one or two
    per act, inside the acts' transaction."""
    user = actor if actor is not None and actor.is_authenticated else None
    agency = getattr(user, "agency", None)
    at = timezone.now()
    entries = [
        AccessLog(
            at=at,
            actor_id=user.pk if user is not None else None,
            actor_username=user.get_username() if user is not None else "",
            actor_agency=str(agency) if agency is not None else "",
            action=act.action,
            target_type=target_type_of(act.target),
            target_id=str(act.target.pk),
            reason=act.reason,
            ip_address=client_ip(request),
            path=request.get_full_path()[:300] if request is not None else "",
            details=act.details,
        )
        for act in acts
    ]
    with transaction.atomic(savepoint=False):
        AccessLog.objects.bulk_create(entries)
        RecordShown.objects.bulk_create(
            RecordShown(entry=entry, target_type=kind, target_id=str(pk))
            for entry, act in zip(entries, acts, strict=True)
            for kind, pks in act.shown.items()
            for pk in dict.fromkeys(pks)
        )
    return entries


def record_list_view(
    actor: AbstractBaseUser | AnonymousUser | None,
    request: HttpRequest | None,
    *,
    list_name: str,
    target_type: str,
    ids: Iterable[int | str] | Mapping[str, Iterable[int | str]],
    people: Iterable[int] = (),
    details: Mapping[str, Any] | None = None,
) -> AccessLog:
    """One VIEW row for a page that lists records: which list, what kind of record and the ids shown.

    Ids, never names: the log says which records the user saw without copying personal data into it.
    ``ids`` is a list of primary keys of ``target_type`` in the order shown; a page that lists several
    kinds of record at once (the home page) passes ``target_type=""`` and a mapping of kind to ids.
    ``people`` are the people the rows name (the child of each case on a case list), so the list shows in
    each child's "who has looked". ``details`` adds facts about the list (its filters).
    """
    listed: dict[str, list[int | str]]
    if isinstance(ids, Mapping):
        listed = {kind: list(dict.fromkeys(pks)) for kind, pks in ids.items()}
        logged: list[int | str] | dict[str, list[int | str]] = listed
    else:
        logged = list(dict.fromkeys(ids))
        listed = {target_type: logged}
    count = sum(len(pks) for pks in listed.values())
    named = list(dict.fromkeys(people))
    extra = {"people": named} if named else {}
    shown = dict(listed)
    if named:
        shown["people.person"] = [*listed.get("people.person", []), *named]
    return record_access(
        actor=actor,
        action=AuditAction.VIEW,
        target_type=target_type,
        request=request,
        details={"list": list_name, "count": count, "ids": logged, **extra, **(details or {})},
        shown=shown,
    )

"""Optimistic concurrency and field history for editable records.

A form carries the version the user started from. ``save_changes`` applies the user's changes only if the
record is still at that version; otherwise it raises ``StaleVersionError`` describing what others
changed meanwhile, so the user can review rather than silently overwrite. Each accepted save writes a
``RecordChange`` row (field history) and an access-log row, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tessera.audit.log import record_access, target_type_of
from tessera.audit.models import AuditAction, RecordChange


@dataclass(frozen=True)
class ChangeSummary:
    version: int
    changed_at: datetime
    changed_by: str
    fields: tuple[str, ...]


class StaleVersionError(Exception):
    """The record changed after the user opened it; their save was refused."""

    def __init__(self, current_version: int, changes: list[ChangeSummary]) -> None:
        self.current_version = current_version
        self.changes = changes
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if not self.changes:
            return "This record was changed by someone else after you opened it. Your changes have not been saved."
        parts = []
        for change in self.changes:
            when = timezone.localtime(change.changed_at).strftime("%d %B %Y at %H:%M")
            parts.append(f"{change.changed_by} changed {', '.join(change.fields)} on {when}")
        return (
            "This record was changed after you opened it: "
            + "; ".join(parts)
            + ". Your changes have not been saved. Check the record below and save again."
        )


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(_display(v) for v in value))
    return str(value)


def changes_since(obj: models.Model, version: int) -> list[ChangeSummary]:
    rows = RecordChange.objects.filter(
        target_type=target_type_of(obj), target_id=str(obj.pk), version__gt=version
    ).select_related("changed_by")
    return [
        ChangeSummary(
            version=row.version,
            changed_at=row.changed_at,
            changed_by=row.changed_by.get_full_name() or row.changed_by.get_username()
            if row.changed_by
            else "System",
            fields=tuple(entry.get("label", name) for name, entry in row.changes.items()),
        )
        for row in rows
    ]


def field_label(obj: models.Model, name: str) -> str:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a non-model extra such as "roles" keeps its own name
        return name.replace("_", " ").capitalize()
    return str(getattr(field, "verbose_name", name)).capitalize()


def save_changes(
    obj: models.Model,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    actor: Any,
    request: HttpRequest | None = None,
    extra_changes: Mapping[str, tuple[Any, Any]] | None = None,
    reason: str = "",
) -> int:
    """Apply ``changes`` (field name -> new value) if ``obj`` is still at ``expected_version``.

    ``extra_changes`` records changes the caller applies itself (e.g. many-to-many roles) as
    (old, new) pairs in the same history row. Returns the new version.
    """
    model = type(obj)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        current_version: int = current.version  # type: ignore[attr-defined]
        if current_version != expected_version:
            raise StaleVersionError(current_version, changes_since(obj, expected_version))
        history: dict[str, dict[str, str]] = {}
        for name, new in changes.items():
            old = getattr(current, name)
            if _display(old) != _display(new):
                history[name] = {"label": field_label(obj, name), "old": _display(old), "new": _display(new)}
        for name, (old, new) in (extra_changes or {}).items():
            if _display(old) != _display(new):
                history[name] = {"label": field_label(obj, name), "old": _display(old), "new": _display(new)}
        if not history:
            return current_version
        new_version = current_version + 1
        updates = dict(changes)
        model._default_manager.filter(pk=obj.pk, version=current_version).update(
            **updates, version=F("version") + 1
        )
        RecordChange.objects.create(
            target_type=target_type_of(obj),
            target_id=str(obj.pk),
            version=new_version,
            changed_at=timezone.now(),
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
            changes=history,
        )
        record_access(
            actor=actor,
            action=AuditAction.CHANGE,
            target=obj,
            reason=reason,
            request=request,
            details={"version": new_version, "fields": sorted(history)},
        )
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.version = new_version  # type: ignore[attr-defined]
        return new_version


def history_of(obj: models.Model) -> list[RecordChange]:
    return list(
        RecordChange.objects.filter(target_type=target_type_of(obj), target_id=str(obj.pk))
        .select_related("changed_by")
        .order_by("-version")
    )

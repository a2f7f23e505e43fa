"""The access log (DPA 2018 s62) and record history.

The access log is append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
refuses them in the database too (see migration 0002). Rows are written only by
``tessera.audit.log.record_access``.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DISCLOSE = "disclose", "Disclosed"
    ERASE = "erase", "Erased"
    COMBINE = "combine", "Combined (merge or link)"
    SEPARATE = "separate", "Separated (unmerge)"
    IMPORT = "import", "Imported"
    BREAK_GLASS = "break_glass", "Emergency access"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    SECURITY = "security", "Security setting changed"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an access-log row."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk update and delete refused: rows of the access log are only ever added."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only: rows cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The access log is append-only: rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A row that can be added and never changed or removed. On PostgreSQL, triggers refuse it in the
    database too (migrations 0002 and 0003)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only: rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only: rows cannot be deleted.")


class AccessLog(AppendOnlyModel):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots, so the log still says who acted if the account is later renamed or moved.
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.target_type}:{self.target_id} by {self.actor_username}"

    def as_chain_row(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_agency": self.actor_agency,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "reason": self.reason,
            "ip_address": self.ip_address,
            "path": self.path,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


class RecordShown(AppendOnlyModel):
    """One record that a log row about several records put in front of the user: a row of a list page or
    of search results. It lets "who has looked at this record" find those looks too.

    An index of the row's details (which the hash chain covers), written in the same transaction and as
    append-only as the log itself.
    """

    entry = models.ForeignKey(AccessLog, on_delete=models.PROTECT, related_name="records_shown")
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_shown_idx")]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} shown in log row {self.entry_id}"


class AuditChainHead(models.Model):
    """One row holding the last sequence number and hash; locked while a row is appended."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Access log head at sequence {self.last_seq}"


class RecordChange(models.Model):
    """Field history: one row per saved version of an editable record."""

    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # {"field_name": {"label": "...", "old": "...", "new": "..."}}
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["target_type", "target_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "version"], name="one_change_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} v{self.version}"

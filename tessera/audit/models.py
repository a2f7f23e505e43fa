"""The access log (DPA 2018 s62) and record history.

The access log is append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
refuses them in the database too (see migration 0002). Rows are written only by
``tessera.audit.log.record_access``, with no lock: each row's place in the keyed hash chain is written
afterwards, in an ``AuditSeal`` row, by the sealer (``tessera.audit.sealer``).
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
    REFUSED = "refused", "Refused"


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
    """One act: who, what, when, why and from where. The primary key is the order rows were appended in;
    the chain order is the seal's ``seq`` (a row whose transaction commits late is sealed later)."""

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

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.action} {self.target_type}:{self.target_id} by {self.actor_username}"

    def as_chain_row(self) -> dict[str, Any]:
        """The row's content as the chain covers it (see ``tessera.audit.chain.HASHED_FIELDS``)."""
        return {
            "id": self.pk,
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
        }


class RecordShown(AppendOnlyModel):
    """One record that a log row about several records put in front of the user: a row of a list page or
    of search results. It lets "who has looked at this record" find those looks too.

    Written in the same transaction as its log row, as append-only as the log itself, and covered by the
    row's seal, so removing one breaks the chain.
    """

    entry = models.ForeignKey(AccessLog, on_delete=models.PROTECT, related_name="records_shown")
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_shown_idx")]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} shown in log row {self.entry_id}"


class AuditSeal(AppendOnlyModel):
    """A log row's place in the keyed hash chain, written by the sealer after the row's act committed.

    ``hash`` is an HMAC-SHA256, under a key held outside the database, of the previous seal's hash, this
    sequence number, the row's content and the records it showed (``RecordShown``), so nobody without the
    key can alter, remove or reorder rows and recompute the chain. The newest seal is the chain's head;
    signed checkpoints of it are kept outside the database (``tessera.audit.checkpoints``).
    """

    entry = models.OneToOneField(AccessLog, on_delete=models.PROTECT, related_name="seal")
    seq = models.PositiveBigIntegerField(unique=True)
    shown_count = models.PositiveIntegerField(default=0)
    # Records shown by this row and every row sealed before it: what a checkpoint records.
    shown_through = models.PositiveBigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"Seal {self.seq} of log row {self.entry_id}"


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

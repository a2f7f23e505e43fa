"""Partner-file imports: each file received, and every row that could not be taken, kept with its reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.core.models import Agency, District, TimeStampedModel
from tessera.imports.columns import with_choices
from tessera.imports.profiles import PROFILES, MappingProfile


class BatchStatus(models.TextChoices):
    # Received and read; waiting for the importer to say what each column the profile does not know holds.
    CHECKING = "checking", "Waiting for its columns to be checked"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    FINISHED = "finished", "Imported"
    REFUSED = "refused", "File refused"
    # Something went wrong that is not the file's fault; the rows taken before it are kept.
    FAILED = "failed", "Import failed"


# A batch that ended without taking the file does not stop the same bytes being sent again.
ENDED_WITHOUT_IMPORTING = [BatchStatus.REFUSED, BatchStatus.FAILED]


class ImportBatch(TimeStampedModel):
    """One file from one partner system. The same bytes from the same system are imported once."""

    profile_code = models.CharField(max_length=40, choices=[(code, p.label) for code, p in PROFILES.items()])
    source_system = models.CharField(max_length=60)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Records without a district of their own belong here; null for a force-wide file.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4)
    content_hash = models.CharField(max_length=64)
    # The file exactly as received, so a resumed job reads the same rows and a dispute can be settled.
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    refusal_reason = models.CharField(max_length=300, blank=True)
    # Every column the file has, read when it arrived, so the import page lists them without re-reading it.
    file_columns = models.JSONField(default=list, blank=True)
    # The importer's choice for each column the profile does not know: a Tessera field, or "ignored".
    column_choices = models.JSONField(default=dict, blank=True)
    columns_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    columns_checked_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    quarantined_count = models.PositiveIntegerField(default=0)
    # Bad rows that an earlier file from the same system already put in quarantine, exactly as sent.
    already_quarantined_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source_system", "content_hash"],
                condition=~models.Q(status__in=ENDED_WITHOUT_IMPORTING),
                name="one_batch_per_file_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} from {self.source_system}"

    @property
    def base_profile(self) -> MappingProfile:
        """The profile as written, before this file's column choices."""
        return PROFILES[self.profile_code]

    @property
    def profile(self) -> MappingProfile:
        """The profile this file is read with: its own columns, and the columns the importer chose."""
        return with_choices(PROFILES[self.profile_code], self.column_choices)


class RowStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for correction"
    RESUBMITTED = "resubmitted", "Corrected and imported"
    SET_ASIDE = "set_aside", "Set aside"


class QuarantinedRow(TimeStampedModel):
    """A row that failed validation: the values as sent, why it failed, and what became of it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="quarantined_rows")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField()
    # SHA-256 of the values as sent: the same bad row in a later file is recognised, not quarantined twice.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # [{"field": "date_of_birth", "message": "..."}]: every reason, not only the first.
    reasons = models.JSONField()
    status = models.CharField(max_length=20, choices=RowStatus.choices, default=RowStatus.WAITING)
    corrected = models.JSONField(default=dict, blank=True)
    identity = models.ForeignKey(
        "people.SourceIdentity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_number"], name="one_quarantine_per_row")]

    def __str__(self) -> str:
        return f"Row {self.row_number} of {self.batch}"

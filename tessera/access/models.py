"""Restricted records and break-glass (emergency) access."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RestrictionQuerySet(models.QuerySet["RestrictedRecord"]):
    def in_force(self) -> RestrictionQuerySet:
        return self.filter(lifted_at__isnull=True)


class RestrictedRecord(models.Model):
    """A record only named users may see (a staff member's child, a high-profile case).

    Lifting a restriction keeps the row, with who lifted it, when and why: the history of who could see a
    child's record is itself evidence.
    """

    target_type = models.CharField(max_length=100)
    target_id = models.PositiveBigIntegerField()
    reason = models.TextField()
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    restricted_at = models.DateTimeField(auto_now_add=True)
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="restricted_records_named")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_restriction_in_force_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"Restricted {self.target_type}:{self.target_id}"


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassGrant(models.Model):
    """Emergency access to one record outside the user's scope, time-limited and reviewed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    target_type = models.CharField(max_length=100)
    target_id = models.PositiveBigIntegerField()
    path = models.CharField(max_length=300)
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)
    # Who reviews: supervisors sharing a team with the user, supervisors of the user's districts and of the
    # record's district, force-wide supervisors; and, when none of those existed at the time, every
    # supervisor. Kept here, never shown to the user, since whether the record exists must not leak.
    record_district = models.ForeignKey(
        "core.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    any_supervisor_reviews = models.BooleanField(default=False)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "target_type", "expires_at"], name="break_glass_lookup_idx")]

    def __str__(self) -> str:
        return f"Emergency access by {self.user} to {self.target_type}:{self.target_id}"

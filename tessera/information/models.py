"""Retention decisions, erasures and subject access requests: each a recorded act, never undone silently."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.people.models import Person


class RetentionDecision(models.Model):
    """A reviewed decision about how long a person's records are kept: it replaces the schedule's date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField("Review again on")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"Review person {self.person_id} on {self.review_on}"


class Erasure(models.Model):
    """The personal details of a person taken out of Tessera, with why and by whom. The person's row,
    and every case, referral and assessment about them, stay: they now name nobody."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    erased_at = models.DateTimeField()
    # What was removed, by kind and count (never the values themselves).
    removed = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Erasure of person {self.person_id}"


class SubjectAccessRequest(models.Model):
    """Someone asked for everything Tessera holds about them (UK GDPR article 15, DPA 2018 section 45)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requester = models.CharField("Who asked", max_length=200)
    identity_checked = models.CharField("How their identity was checked", max_length=300)
    received_on = models.DateField("Request received on")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk} about person {self.person_id}"

"""Network early warnings (issue 18 item 5): a child newly linked, directly or through a phone, vehicle,
place or peer, to a suspected exploiter or to a community of them, with the path that explains it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tessera.core.models import District, TimeStampedModel
from tessera.people.models import Link, Person, PoleEntity


class NetworkAlert(TimeStampedModel):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The child's district when the alert was raised: its team is who the alert reaches.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    # The link whose recording raised it.
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="+")
    # The suspected exploiter (or community member) the path ends at.
    target = models.ForeignKey(PoleEntity, on_delete=models.PROTECT, related_name="+")
    community = models.PositiveIntegerField(null=True, blank=True)
    # "exploiter:<entity>" or "community:<id>": one open alert per child per key.
    key = models.CharField(max_length=60)
    # The path from the child: [[from entity, to entity, link], ...]. Shown only as far as the reader
    # may see each entity and link.
    path = models.JSONField()
    raised_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "key"], condition=Q(closed_at__isnull=True), name="one_open_network_alert"
            )
        ]
        indexes = [models.Index(fields=["district", "closed_at"], name="network_alert_district_idx")]

    def __str__(self) -> str:
        return f"Network alert {self.pk}"

    @property
    def about_a_community(self) -> bool:
        return self.community is not None

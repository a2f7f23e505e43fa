"""Network early warnings (issue 18 item 5): a child newly linked, directly or through a phone, vehicle,
place or peer, to a suspected exploiter or to a community of them, with the path that explains it.

One open alert per child: a team reads "this child is newly linked" once, and every further suspect or
group the child comes to be linked to while it is open is added to that alert as a further path, not
raised again (keyed by exploiter, the 1M world's teams would have had about eight alerts per child). The
district team closes an alert with a reason once it is dealt with; a link after that raises a new one."""

from __future__ import annotations

from django.conf import settings
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
    # Further paths found while the alert was open, oldest first: [{"key", "target", "community", "link",
    # "path", "raised_at"}, ...], each shown as far as the reader may see it, like the first.
    further_paths = models.JSONField(default=list, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(closed_at__isnull=True), name="one_open_network_alert_per_child"
            )
        ]
        indexes = [models.Index(fields=["district", "closed_at"], name="network_alert_district_idx")]

    def __str__(self) -> str:
        return f"Network alert {self.pk}"

    @property
    def about_a_community(self) -> bool:
        return self.community is not None

    @property
    def keys(self) -> set[str]:
        """The exploiters and groups this alert already tells of."""
        return {self.key, *(str(p["key"]) for p in self.further_paths)}

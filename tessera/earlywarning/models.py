"""Network early warnings (issue 18 item 5): a child newly linked, directly or through a phone, vehicle,
place or peer, to a suspected exploiter or to a community of them, with the path that explains it.

Delivered as ADR 0035 decides (``tessera.network.warning.delivery``):
- a suspect or group the child's team was told of before, by an open alert or a closed one, is not told
  again (only a suspect or group never told of re-alerts);
- a child with an open case gets the path as a reassessment task on the case and an entry in its
  chronology: an alert row with ``case`` set, which is not on the district's early-warning queue;
- a child reached through another young person whose alert or case is open is shown on theirs, with a
  reassessment task (``through``), and is not a second queue item about the same network;
- otherwise one open alert per child on the queue: a further suspect or group found while it is open is
  added to it as a further path (with a task), shown as new, and moves it up the list (``latest_path_at``).
The district team closes an alert with a reason once it is dealt with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tessera.cases.models import Case
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
    # When the latest path (the first, or a further one) was found: the list is in this order, newest
    # first, so a new suspect on an old alert is not buried under alerts raised since.
    latest_path_at = models.DateTimeField()
    # Set when the child had an open case: the path went to the case team as a reassessment task and a
    # chronology entry, not onto the district's queue.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Set when the path runs through another young person whose alert or case was open: the path is shown
    # on theirs (the team is working that network already), with a reassessment task for this child, and
    # is not a second item on the district's queue.
    through = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-latest_path_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_at__isnull=True, case__isnull=True, through__isnull=True),
                name="one_open_network_alert_per_child",
            )
        ]
        indexes = [
            models.Index(fields=["district", "closed_at"], name="network_alert_district_idx"),
            models.Index(fields=["child"], name="network_alert_child_idx"),
        ]

    def __str__(self) -> str:
        return f"Network alert {self.pk}"

    @property
    def about_a_community(self) -> bool:
        return self.community is not None

    @property
    def on_queue(self) -> bool:
        """An item of the district's early-warning queue (not a path sent to a case or to a peer's alert)."""
        return self.case_id is None and self.through_id is None

    @property
    def has_new_path(self) -> bool:
        """A further path was found after it was raised."""
        return self.latest_path_at > self.raised_at

    @property
    def keys(self) -> set[str]:
        """The exploiters and groups this alert already tells of."""
        return {self.key, *(str(p["key"]) for p in self.further_paths)}

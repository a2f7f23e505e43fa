"""What the force-wide network job stores: for each run, each person's community and centrality over
the whole force's links (``tessera.network.force``). Derived figures, not records of what anyone said:
read by the early warning (is this adult in a community of suspected exploiters?) and by the network
page's ranking, only for entities the reader may already see."""

from __future__ import annotations

from django.db import models

from tessera.people.models import PoleEntity


class ForceNetworkRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    library = models.CharField(max_length=40)  # "igraph 1.0.0"
    entities = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)
    flagged_communities = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    peak_memory_mb = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Force network run {self.pk} at {self.started_at:%Y-%m-%d %H:%M}"


class NetworkStanding(models.Model):
    """One person's place in the force-wide network in one run."""

    run = models.ForeignKey(ForceNetworkRun, on_delete=models.PROTECT, related_name="standings")
    entity = models.ForeignKey(PoleEntity, on_delete=models.PROTECT, related_name="+")
    community = models.PositiveIntegerField()
    community_size = models.PositiveIntegerField()
    # Suspected exploiters (sources of a suspected-exploiter link) in the community.
    community_suspects = models.PositiveIntegerField()
    # PageRank over the undirected force graph, and the person's rank by it (1 = most central).
    centrality = models.FloatField()
    rank = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "entity"], name="one_standing_per_run")]
        indexes = [models.Index(fields=["entity", "run"], name="standing_entity_idx")]

    def __str__(self) -> str:
        return f"Entity {self.entity_id} in community {self.community} (run {self.run_id})"

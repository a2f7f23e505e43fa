"""Linkage: trained models (versioned), runs, pairs waiting for a person, and people's decisions.

Decisions (``MatchLabel``) name the two source records, not the people they belong to today, so they
survive merges, unmerges and retraining. They are never deleted or overwritten: a later decision on the
same pair supersedes the earlier one and both stay on record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.core.models import TimeStampedModel
from tessera.linkage.bands import Band, Bands
from tessera.linkage.review_words import rule_title


class LinkageModel(models.Model):
    """One trained version of the model: Splink's JSON, the bands it uses, and how it was evaluated."""

    version = models.PositiveIntegerField(unique=True)
    spec_version = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_count = models.PositiveIntegerField()
    parameters = models.JSONField(help_text="Splink model JSON: comparisons, m and u, blocking rules")
    # Each comparison level's weight, for the pure-Python scorer behind search before create.
    weights = models.JSONField(default=dict)
    auto_link_threshold = models.FloatField()
    review_threshold = models.FloatField()
    # Scores against people's decisions (MatchLabel) at the time of training.
    evaluation = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Linkage model v{self.version}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class LinkageRun(models.Model):
    """One pass of the model over every source record: merges made and pairs sent for review."""

    model = models.ForeignKey(
        LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    retrain = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    record_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    merges_made = models.PositiveIntegerField(default=0)
    review_pairs = models.PositiveIntegerField(default=0)
    # Values the run could not use and treated as missing, by kind (features.BAD_VALUES): never a failure.
    bad_values = models.JSONField(default=dict, blank=True)
    # Scored pairs a safety rule says are no likely match (an adult and a child): not offered to anyone.
    pairs_never_offered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk}"


class PairStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for a decision"
    LINKED = "linked", "Same person"
    NOT_LINKED = "not_linked", "Not the same person"


class ReviewPair(TimeStampedModel):
    """Two source records the model could not decide about: only a person may link them."""

    left = models.ForeignKey("people.SourceIdentity", on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey("people.SourceIdentity", on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(LinkageRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Set when a safety rule held the pair back (at the automatic band) or warns about it (below it),
    # or the run's starter could not merge it: the reason in words, and the rule's name.
    held_back_because = models.CharField(max_length=200, blank=True)
    held_back_rule = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=PairStatus.choices, default=PairStatus.WAITING)
    decision = models.ForeignKey(
        "MatchLabel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-match_probability"]
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="one_review_per_pair")]
        indexes = [models.Index(fields=["status", "match_probability"], name="review_queue_idx")]

    def __str__(self) -> str:
        return f"Records {self.left_id} and {self.right_id} ({self.match_probability:.3f})"

    @property
    def bands(self) -> Bands:
        """The bands of the model that scored the pair: the ones its run (or arrival) used."""
        return Bands(auto_link=self.model.auto_link_threshold, review=self.model.review_threshold)

    @property
    def band(self) -> Band:
        return self.bands.band_of(self.match_probability)

    @property
    def held_back(self) -> bool:
        """Scored in the certain band, but not linked: a safety rule (or the starter's scope) held it."""
        return bool(self.held_back_because) and self.band is Band.CERTAIN

    @property
    def held_back_title(self) -> str:
        """The rule's short name ("Possible siblings"), for a pair held back or warned about."""
        return rule_title(self.held_back_rule) if self.held_back_because else ""


class MatchLabel(models.Model):
    """A person's decision that two source records are, or are not, the same human being."""

    left = models.ForeignKey("people.SourceIdentity", on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey("people.SourceIdentity", on_delete=models.PROTECT, related_name="+")
    is_match = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # What the model said when the person decided, so the model can be scored against decisions.
    model_version = models.PositiveIntegerField(null=True, blank=True)
    match_probability = models.FloatField(null=True, blank=True)
    # The merge a "same person" decision made, so undoing it can find it.
    merge = models.ForeignKey(
        "people.PersonMerge", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["left", "right"], name="label_pair_idx")]

    def __str__(self) -> str:
        verdict = "same" if self.is_match else "different"
        return f"Records {self.left_id} and {self.right_id}: {verdict}"

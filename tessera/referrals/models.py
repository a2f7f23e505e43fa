"""Referrals: a concern about a child, a place or a peer group, and the triage decision on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.cases.models import SubjectKind
from tessera.core.models import Agency, District, VersionedModel
from tessera.people.models import Location, Person


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need (section 17)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (section 47 concern)"


# Decisions that open (or add to) a case: the team will keep working with the child.
DECISIONS_THAT_OPEN_A_CASE = frozenset({Decision.CHILD_IN_NEED, Decision.STRATEGY_DISCUSSION})


class Referral(VersionedModel):
    """A concern reported by staff or a partner, waiting for (or holding) the multi-agency decision."""

    reference = models.CharField(max_length=20, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    child = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    # What the reporter said about the child, kept as typed even when matched to a known person.
    child_description = models.CharField("Who the child is", max_length=300, blank=True)
    place = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place_description = models.CharField("Place", max_length=300, blank=True)
    peer_group_description = models.CharField("Peer group", max_length=300, blank=True)
    warning_signs = models.JSONField("Warning signs", default=list, blank=True)
    what_was_seen = models.TextField("What was seen or heard")
    where = models.CharField("Where", max_length=300, blank=True)
    seen_at = models.DateTimeField("When it was seen")
    received_at = models.DateTimeField()
    decision_due_on = models.DateField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referrer_agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")
    from_partner_scheme = models.BooleanField(default=False)

    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("Why", blank=True)
    decision_late_reason = models.TextField("Why the decision was late", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["district", "decision", "decision_due_on"], name="referral_queue_idx"),
            models.Index(fields=["referred_by", "received_at"], name="referral_referrer_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference}"

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    @property
    def subject_label(self) -> str:
        if self.subject_kind == SubjectKind.CHILD:
            return self.child.full_name if self.child else self.child_description or "A child"
        if self.subject_kind == SubjectKind.PLACE:
            return str(self.place) if self.place else self.place_description
        return self.peer_group_description

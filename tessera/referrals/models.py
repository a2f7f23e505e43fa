"""Referrals: a concern about a child, a place or a peer group, and the triage decision on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.cases.models import SubjectKind
from tessera.core.models import Agency, District, VersionedModel
from tessera.people.models import Location, LocationKind, Person, PoleEntity, Sex


class Decision(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need (section 17)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (section 47 concern)"


class Urgency(models.TextChoices):
    """How soon the multi-agency team must decide, graded at triage."""

    IMMEDIATE = "immediate", "Immediate (within the hour)"
    SAME_DAY = "same_day", "Same day"
    NEXT_WORKING_DAY = "next_working_day", "Next working day"


class HappeningNow(models.TextChoices):
    YES = "yes", "Yes, it is happening now"
    NO = "no", "No"


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
    # The reporter's answer to "Is it happening now?" ("" on concerns sent before the question was asked).
    happening_now = models.CharField(max_length=10, choices=HappeningNow.choices, blank=True)
    what_was_seen = models.TextField("What was seen or heard")
    where = models.CharField("Where", max_length=300, blank=True)
    seen_at = models.DateTimeField("When it was seen")
    received_at = models.DateTimeField()
    decision_due_on = models.DateField()
    # The moment the decision is due, when the grade gives one (an immediate concern: within the hour).
    decision_due_at = models.DateTimeField(null=True, blank=True)
    # "" until triage grades the concern; the clock runs on the next-working-day rule until then.
    urgency = models.CharField(max_length=20, choices=Urgency.choices, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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


class ReferralAddition(models.Model):
    """More about a concern sent later, by its reference (a partner reporter's next shift, say)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="additions")
    what_was_seen = models.TextField("What else was seen or heard", blank=True)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"Addition to {self.referral_id} at {self.added_at}"


class ConcernSubjectKind(models.TextChoices):
    """The kinds of people, places and things a concern can name."""

    CHILD = "child", "Child"
    ADULT = "adult", "Adult"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone"
    ONLINE_ACCOUNT = "online_account", "Online account"
    PLACE = "place", "Place"


PERSON_SUBJECTS = frozenset({ConcernSubjectKind.CHILD, ConcernSubjectKind.ADULT})


class ReferralSubject(models.Model):
    """One child, adult, vehicle, phone, online account or place a concern names, as the reporter gave it.

    What was typed is kept as typed. Triage resolves it to a record (``person`` for children and adults,
    ``entity`` for everyone and everything), or records that it was left out; the links between the
    concern's subjects are recorded then, with the referral as their source.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="subjects")
    addition = models.ForeignKey(
        ReferralAddition, null=True, blank=True, on_delete=models.PROTECT, related_name="subjects"
    )
    kind = models.CharField(max_length=20, choices=ConcernSubjectKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Children and adults.
    given_name = models.CharField("First name", max_length=100, blank=True)
    family_name = models.CharField("Last name", max_length=100, blank=True)
    nickname = models.CharField("Nickname or what they were called", max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    description = models.CharField("Description", max_length=300, blank=True)
    # Vehicles.
    registration = models.CharField(max_length=20, blank=True)
    make = models.CharField(max_length=50, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    # Phones.
    phone_number = models.CharField(max_length=30, blank=True)
    # Online accounts.
    platform = models.CharField(max_length=50, blank=True)
    handle = models.CharField(max_length=100, blank=True)
    # Places.
    place_name = models.CharField(max_length=150, blank=True)
    address = models.CharField("Address or description", max_length=300, blank=True)
    place_kind = models.CharField(max_length=20, choices=LocationKind.choices, blank=True)

    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Triage's resolution: the record this subject is (a person's entity, a vehicle's, a place's...).
    entity = models.ForeignKey(
        PoleEntity, null=True, blank=True, on_delete=models.PROTECT, related_name="referral_subjects"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referral_subjects"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Triage decided not to record it (too little to go on); the subject stays, as typed.
    left_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["referral", "position", "pk"]
        indexes = [
            models.Index(fields=["referral", "kind"], name="referral_subject_idx"),
            models.Index(fields=["entity"], name="referral_subject_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def is_resolved(self) -> bool:
        return self.entity_id is not None or self.left_out

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def label(self) -> str:
        """The subject in a few words, as the reporter gave it."""
        if self.kind in PERSON_SUBJECTS:
            parts = [self.name or (f"'{self.nickname}'" if self.nickname else "")]
            if self.name and self.nickname:
                parts.append(f"known as '{self.nickname}'")
            if self.approximate_age:
                parts.append(f"about {self.approximate_age}")
            if self.description and not any(parts):
                parts.append(self.description)
            return ", ".join(p for p in parts if p) or "Not named"
        if self.kind == ConcernSubjectKind.VEHICLE:
            return " ".join(p for p in (self.registration, self.colour, self.make) if p) or "A vehicle"
        if self.kind == ConcernSubjectKind.PHONE:
            return self.phone_number
        if self.kind == ConcernSubjectKind.ONLINE_ACCOUNT:
            return f"{self.handle} on {self.platform}" if self.platform else self.handle
        return ", ".join(p for p in (self.place_name, self.address) if p) or "A place"

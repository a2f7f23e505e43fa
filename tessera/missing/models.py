"""Missing children: the carer's profile kept beforehand, each episode, the return and its interview,
the disclosures made in it, pattern alerts and the missing coordinator's monitoring of the child.

Nothing is deleted: an episode closes when the child is back and interviewed, a profile is updated (its
field history kept), monitoring ends with who approved it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tessera.cases.models import Action, Case
from tessera.core.models import Agency, District, TimeStampedModel, VersionedModel
from tessera.intelligence.models import IntelligenceReport
from tessera.missing.grading import GRADE_LABELS
from tessera.people.models import Location, Person, Vehicle
from tessera.referrals.models import Referral


class Grade(models.TextChoices):
    NO_APPARENT_RISK = "no_apparent_risk", GRADE_LABELS["no_apparent_risk"]
    LOW = "low", GRADE_LABELS["low"]
    MEDIUM = "medium", GRADE_LABELS["medium"]
    HIGH = "high", GRADE_LABELS["high"]


class ReportedBy(models.TextChoices):
    CARER = "carer", "Foster carer"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    PARENT = "parent", "Parent or family"
    SCHOOL = "school", "School"
    OTHER = "other", "Someone else"


class EpisodeStatus(models.TextChoices):
    MISSING = "missing", "Missing"
    RETURNED = "returned", "Found or returned"


class CarerProfile(VersionedModel):
    """The Philomena protocol: what a carer keeps about a child at risk of going missing, before any
    episode, so it can go to the police in one step when the child is reported missing."""

    child = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="missing_profile")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    kept_by = models.CharField("Who keeps this profile", max_length=200)
    carer_kind = models.CharField("Kind of carer", max_length=20, choices=ReportedBy.choices)
    # The children's home the child lives in, when the carer is one (episodes per home are counted).
    childrens_home = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("Description", help_text="Height, build, hair, marks, how they speak")
    photo_reference = models.CharField(
        "Photo reference", max_length=200, blank=True, help_text="Where the current photo is kept"
    )
    associates = models.TextField("Friends and associates", blank=True)
    places = models.TextField("Places they may go", blank=True)
    phones = models.TextField("Phone numbers", blank=True)
    accounts = models.TextField("Social media and online accounts", blank=True)
    missing_history = models.TextField("Missing history before Tessera", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Carer's profile of {self.child}"


class MissingEpisode(VersionedModel):
    reference = models.CharField(max_length=20, unique=True)
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missing_episodes")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    # The child's open case when the episode was reported: its team is told.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=EpisodeStatus.choices, default=EpisodeStatus.MISSING)

    reported_by_kind = models.CharField("Who reported", max_length=20, choices=ReportedBy.choices)
    reported_by_name = models.CharField("Name of who reported", max_length=200)
    reported_at = models.DateTimeField("When reported")
    childrens_home = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_seen_at = models.DateTimeField("Last seen")
    last_seen_where = models.CharField("Where last seen", max_length=300)
    last_seen_with = models.CharField("Who with", max_length=300, blank=True)
    circumstances = models.TextField("Circumstances")
    clothing = models.TextField("Clothing", blank=True)
    phones = models.TextField("Phones", blank=True)
    # The carer's profile as handed to the police when the episode opened (a copy: the profile may change).
    profile = models.ForeignKey(
        CarerProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    profile_handed_over = models.JSONField(default=dict, blank=True)

    grade = models.CharField("Police risk grade", max_length=20, choices=Grade.choices)
    grade_reason = models.TextField("Why this grade")
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A supervisor's recorded decision, when "no apparent risk" was chosen for a child with concerns.
    supervisor_decision = models.TextField("Supervisor's decision", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    found_at = models.DateTimeField("Found or returned", null=True, blank=True)
    found_place = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_with = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    found_with_description = models.CharField("Who they were with", max_length=300, blank=True)
    found_vehicle = models.ForeignKey(
        Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_account = models.TextField("How they were found and what they said", blank=True)
    found_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_interview_due_at = models.DateTimeField(null=True, blank=True)

    safe_and_well_at = models.DateTimeField("Safe and well check", null=True, blank=True)
    safe_and_well_officer = models.CharField("Officer who checked", max_length=200, blank=True)
    safe_and_well_notes = models.TextField("What the check found", blank=True)

    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["child", "reported_at"], name="missing_child_idx"),
            models.Index(fields=["district", "status"], name="missing_district_idx"),
        ]

    def __str__(self) -> str:
        return f"Missing episode {self.reference}"


class ReturnInterview(TimeStampedModel):
    """The independent return interview, held once per episode."""

    episode = models.OneToOneField(MissingEpisode, on_delete=models.PROTECT, related_name="return_interview")
    held_at = models.DateTimeField("When it was held")
    interviewer = models.CharField("Who held it", max_length=200)
    interviewer_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    where_they_went = models.TextField("Where the child says they went and who with", blank=True)
    child_account = models.TextField("In the child's own words")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField("Why it was not held within 72 hours", blank=True)

    def __str__(self) -> str:
        return f"Return interview for {self.episode}"


class Disclosure(TimeStampedModel):
    """Something the child disclosed in a return interview. Each one becomes an intelligence report and an
    action for the case team (or, when the child has no open case, a concern for the district's triage),
    kept traceable both ways."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.PROTECT, related_name="disclosures")
    what_was_said = models.TextField("What the child disclosed")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The intelligence report it became, for police analysts to evaluate (seen only by those who see
    # police intelligence: the interview page shows its reference, never opens it).
    intelligence_report = models.ForeignKey(
        IntelligenceReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Disclosure {self.pk} in {self.interview}"


class PatternKind(models.TextChoices):
    REPEAT = "repeat", "Missing three times in 90 days"
    SAME_PLACE = "same_place", "Found at the same address as another child"
    SAME_ADULT = "same_adult", "Found with the same adult as another child"
    SAME_VEHICLE = "same_vehicle", "Found in the same vehicle as another child"
    HOTSPOT = "hotspot", "Found at a hotel, taxi firm or takeaway"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion needed"


class PatternAlert(TimeStampedModel):
    """A pattern in a child's episodes that points to exploitation, raised on the child's case so its
    team sees it, with a reassessment of the child's risk asked for."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(MissingEpisode, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=30, choices=PatternKind.choices)
    detail = models.CharField(max_length=300)
    # What made it ("same_adult:person:17"), so one pattern is raised once per child.
    key = models.CharField(max_length=120)
    raised_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["child", "key"], name="one_missing_alert_per_pattern")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.child}"


class Monitoring(VersionedModel):
    """The missing coordinator's monitoring of a child, from their first episode until it is closed.

    A repeatedly missing child's monitoring closes only with a supervisor's approval: the reviews found
    children removed from monitoring in large numbers with nobody approving it.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_reason = models.TextField("Why monitoring can end", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(closed_at__isnull=True), name="one_open_monitoring"
            )
        ]

    def __str__(self) -> str:
        return f"Monitoring of {self.child}"

"""Case work: the case, its multi-agency team, strategy discussions, actions, support and conferences.

Nothing here is ever deleted: a case is closed with an outcome, an action is cancelled rather than
removed, and each lifecycle step leaves a ``CaseEvent`` the chronology shows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from tessera.core.models import Agency, District, TimeStampedModel, VersionedModel
from tessera.people.models import Location, Person


class SubjectKind(models.TextChoices):
    CHILD = "child", "A child"
    PLACE = "place", "A place"
    PEER_GROUP = "peer_group", "A peer group"


class Track(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need (section 17)"
    CHILD_PROTECTION = "child_protection", "Child protection (section 47)"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATION = "investigation", "Under investigation"
    CLOSED = "closed", "Closed"


class ExploitationFlag(models.TextChoices):
    SEXUAL = "sexual", "Child sexual exploitation"
    CRIMINAL = "criminal", "Child criminal exploitation"
    BOTH = "both", "Sexual and criminal exploitation"
    NONE_FOUND = "none_found", "No exploitation found"


class Outcome(models.TextChoices):
    RISK_REDUCED = "risk_reduced", "Risk reduced: support ended as planned"
    STEPPED_DOWN = "stepped_down", "Stepped down to early help or universal services"
    MOVED_AWAY = "moved_away", "Child moved to another area (case transferred)"
    TURNED_18 = "turned_18", "Turned 18 (transferred to adult services)"
    NO_EXPLOITATION = "no_exploitation", "Enquiries found no exploitation"
    PROSECUTION = "prosecution", "Offenders charged; support continues elsewhere"


class Case(VersionedModel):
    reference = models.CharField(max_length=20, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices, default=SubjectKind.CHILD)
    child = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    place = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_description = models.CharField(max_length=300, blank=True)
    track = models.CharField(max_length=20, choices=Track.choices)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_led"
    )
    exploitation_flag = models.CharField(
        "Exploitation flag", max_length=20, choices=ExploitationFlag.choices, blank=True
    )
    # The assessment clock starts on the day the first referral arrived (Europe/London).
    referral_on = models.DateField()
    assessment_completed_on = models.DateField("Assessment completed", null=True, blank=True)
    assessment_late_reason = models.TextField("Why the assessment was late", blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField(blank=True)
    no_support_reason = models.TextField("Why no support was recorded", blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["district", "status"], name="case_district_status_idx"),
            models.Index(fields=["child"], name="case_child_idx"),
        ]

    def __str__(self) -> str:
        return f"Case {self.reference}"

    @property
    def subject_label(self) -> str:
        if self.child_id is not None:
            return str(self.child)
        if self.place_id is not None:
            return str(self.place)
        return self.subject_description

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CaseTeamMember(models.Model):
    """A professional on the case team. Membership ends (``removed_at``); it is never deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships"
    )
    role_on_case = models.CharField("Role on the case", max_length=100)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_case")]
        indexes = [models.Index(fields=["user", "removed_at"], name="case_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} on {self.case}"


class Investigation(models.TextChoices):
    JOINT = "joint", "Joint police and social care investigation"
    SINGLE_SOCIAL_CARE = "single_social_care", "Single-agency: social care"
    SINGLE_POLICE = "single_police", "Single-agency: police"


class StrategyDiscussion(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_discussions")
    held_on = models.DateField("Date of the discussion")
    information_shared = models.TextField("Information shared")
    section_47 = models.BooleanField("Start a section 47 enquiry")
    investigation = models.CharField(max_length=30, choices=Investigation.choices, blank=True)
    immediate_safety_actions = models.TextField("Immediate safety actions", blank=True)
    missing_agency_reason = models.TextField("Why police, social care or health were not there", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Strategy discussion on {self.held_on}"


class Attendee(models.Model):
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.PROTECT, related_name="attendees")
    name = models.CharField(max_length=150)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Action(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField("What needs doing", max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_actions")
    due_on = models.DateField("Due")
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField("Done on", null=True, blank=True)
    late_reason = models.TextField("Why it was late", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_owner_idx")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()


class SupportKind(models.TextChoices):
    POLICE = "police", "Police"
    SOCIAL_WORKER = "social_worker", "Social worker"
    YOUTH_WORKER = "youth_worker", "Youth worker"
    CHARITY_WORKER = "charity_worker", "Charity worker"
    HEALTH = "health", "Health"
    SCHOOL = "school", "School"


class Engagement(models.TextChoices):
    ENGAGED = "engaged", "Engaging well"
    PARTLY = "partly", "Engaging some of the time"
    NOT_ENGAGING = "not_engaging", "Not engaging"
    NOT_KNOWN = "not_known", "Too early to say"


class SupportRecord(TimeStampedModel):
    """Support the child received: the inspection found no record of it in prosecuted cases."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_records")
    kind = models.CharField("Who gave it", max_length=20, choices=SupportKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    worker_name = models.CharField("Worker's name", max_length=150)
    description = models.TextField("What the child received")
    frequency = models.CharField("How often", max_length=100)
    started_on = models.DateField("Started")
    engagement = models.CharField("The child's engagement", max_length=20, choices=Engagement.choices)
    child_words = models.TextField("In the child's own words", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} support from {self.started_on}"


class Conference(TimeStampedModel):
    """A child protection conference: the initial one, or a review."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conferences")
    initial = models.BooleanField()
    held_on = models.DateField("Date of the conference")
    plan_continues = models.BooleanField("The child has (or keeps) a child protection plan")
    late_reason = models.TextField("Why it was late", blank=True)
    notes = models.TextField("Decisions", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{'Initial' if self.initial else 'Review'} conference on {self.held_on}"


class EventKind(models.TextChoices):
    OPENED = "opened", "Case opened"
    MEMBER_ADDED = "member_added", "Joined the case team"
    INVESTIGATION = "investigation", "Moved to investigation"
    ASSESSMENT = "assessment", "Assessment completed"
    DETAILS_CHANGED = "details_changed", "Case details changed"
    ACTION_DONE = "action_done", "Action done"
    ACTION_CANCELLED = "action_cancelled", "Action cancelled"
    CLOSED = "closed", "Case closed"


class CaseEvent(models.Model):
    """A step in the case's life, for the chronology: who did it, from which agency, when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case}"

"""Risk assessment records: instrument versions, assessments, dated observations, reassessment tasks,
confirmed outcomes and calibration studies.

An assessment pins the instrument version it was made with and keeps, for ever, both the level the
instrument computed and the final level the professionals decided, with the direction and reason of any
difference and the supervisor who signed it off.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tessera.core.models import Agency, District, TimeStampedModel, VersionedModel
from tessera.people.models import Person
from tessera.risk.instrument import LEVEL_ORDER, InstrumentDefinition, Level, from_json, level_label
from tessera.risk.scoring import long_date

LEVEL_CHOICES = [(level.value, level_label(level)) for level in LEVEL_ORDER]


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft, waiting for approval"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn without approval"


class VersionOrigin(models.TextChoices):
    DRAFTED = "drafted", "Drafted by a manager"
    CALIBRATION = "calibration", "Proposed by a calibration study"
    REFERENCE = "reference", "Installed as reference data"


class InstrumentVersion(TimeStampedModel):
    """One version of the risk instrument. Its definition never changes once drafted."""

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=150)
    definition = models.JSONField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    origin = models.CharField(max_length=20, choices=VersionOrigin.choices, default=VersionOrigin.DRAFTED)
    change_summary = models.TextField(help_text="What changed from the version before, and why")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    study = models.ForeignKey(
        "CalibrationStudy", null=True, blank=True, on_delete=models.PROTECT, related_name="proposed_versions"
    )
    # "In shadow": a draft scores every new assessment in the background, never shown to assessors, so its
    # figures can be compared with the live version's on the same children once outcomes mature.
    shadow_since = models.DateTimeField(null=True, blank=True)
    shadow_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            # The manager who drafts a version can never be the one who approves it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(drafted_by__isnull=True)
                | ~Q(decided_by=F("drafted_by")),
                name="instrument_version_two_managers",
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="in_force"), name="one_instrument_version_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}: {self.title}"

    @property
    def instrument(self) -> InstrumentDefinition:
        return from_json(self.definition)

    @property
    def in_shadow(self) -> bool:
        return self.shadow_since is not None and self.shadow_until is None


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for supervisor sign-off"
    SIGNED_OFF = "signed_off", "Signed off"


class OverrideDirection(models.TextChoices):
    NONE = "none", "Same as computed"
    RAISED = "raised", "Raised"
    LOWERED = "lowered", "Lowered"


class InCare(models.TextChoices):
    YES = "yes", "In care (looked after)"
    NO = "no", "Not in care"


class RiskAssessment(VersionedModel):
    """An exploitation risk assessment of one child, made with one pinned instrument version."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_assessments")
    # The case the assessment was made for, when it was made from a case (a child may have none, or several).
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    # The child's district when the assessment was started: scopes who sees it and feeds the analytics.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    assessed_on = models.DateField()
    learning_disability = models.BooleanField(default=False)
    # Whether the child was in local authority care when assessed ("" when not recorded): the calibration
    # study's fairness table compares children in care with others.
    in_care = models.CharField(max_length=10, choices=InCare.choices, blank=True)
    # Professional instinct, kept apart from the evidence: it never changes the computed level.
    gut_feeling = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Fixed when the assessment is completed, and kept for ever.
    computed_level = models.CharField(max_length=20, choices=LEVEL_CHOICES, blank=True)
    computed_score = models.IntegerField(null=True, blank=True)
    harm_evident = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    final_level = models.CharField(max_length=20, choices=LEVEL_CHOICES, blank=True)
    override_direction = models.CharField(
        max_length=10, choices=OverrideDirection.choices, default=OverrideDirection.NONE
    )
    override_reason = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # Who completed it, as they were then: the analytics count by agency and role without naming anyone.
    assessor_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessor_role = models.CharField(max_length=40, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    next_review_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        indexes = [
            models.Index(fields=["child", "assessed_on"], name="risk_child_date_idx"),
            models.Index(fields=["district", "status"], name="risk_district_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_direction="none") | ~Q(override_reason=""),
                name="risk_override_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk assessment {self.pk} of {long_date(self.assessed_on)}"

    @property
    def is_editable(self) -> bool:
        return self.status == AssessmentStatus.IN_PROGRESS

    @property
    def computed_label(self) -> str:
        return level_label(self.computed_level, self.harm_evident) if self.computed_level else ""

    @property
    def final_label(self) -> str:
        return level_label(self.final_level, self.harm_evident) if self.final_level else ""

    @property
    def final(self) -> Level | None:
        return Level(self.final_level) if self.final_level else None


class IndicatorObservation(TimeStampedModel):
    """One dated observation of an indicator, with the evidence and the agency it came from."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="observations")
    indicator = models.CharField(max_length=60)
    observed_on = models.DateField()
    # When it was entered on file. An import sets the source system's own entry time, so the calibration
    # study can score each assessment only with what was on file when it was completed.
    entered_at = models.DateTimeField(default=timezone.now)
    evidence = models.TextField()
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Removing an observation recorded in error is itself recorded; nothing is deleted.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-observed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator} on {self.observed_on}"


class TaskReason(models.TextChoices):
    SCHEDULED = "scheduled", "Three-monthly review"
    NEW_REFERRAL = "new_referral", "New referral"
    NEW_LINK = "new_link", "New link to a suspected exploiter or a place of concern"
    MISSING_EPISODE = "missing_episode", "Missing episode"


class ReassessmentTask(TimeStampedModel):
    """A child's risk must be (re)assessed by ``due_on``: on schedule, or because something new arrived."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reassessment_tasks")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=TaskReason.choices)
    detail = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    # What prompted the task ("people.link:42"), so the same event never creates two tasks.
    prompted_by = models.CharField(max_length=100, blank=True)
    done_by_assessment = models.ForeignKey(
        RiskAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks_done"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["district", "done_at", "due_on"], name="risk_task_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "prompted_by"], condition=~Q(prompted_by=""), name="one_task_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"Reassess by {self.due_on}: {self.get_reason_display()}"

    def is_overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_on < today


class OutcomeKind(models.TextChoices):
    CRIME_FLAGGED = "crime_flagged", "Crime flagged as child sexual exploitation"
    DISCLOSURE = "disclosure", "Disclosure of exploitation"
    SECTION_47 = "section_47", "Section 47 enquiry found significant harm from exploitation"
    SYNTHETIC = "synthetic", "Synthetic ground truth (demo and benchmarks only)"


class ConfirmedOutcome(TimeStampedModel):
    """A later-confirmed finding that a child was exploited, over a period. Read only by the calibration
    study, which reports aggregates; never shown against a child in the product.

    No access rule is registered for this model, so the policy shows it to nobody.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    harmed_from = models.DateField()
    harmed_until = models.DateField(null=True, blank=True)
    confirmed_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["child"], name="risk_outcome_child_idx")]

    def __str__(self) -> str:
        return f"Outcome {self.pk} ({self.kind})"


class ShadowScore(TimeStampedModel):
    """What a version in shadow computed for one completed assessment. Read only in aggregate, on the
    version's approval pages; never shown against a child (no access rule is registered, so the policy
    shows it to nobody)."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="+")
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="shadow_scores"
    )
    computed_level = models.CharField(max_length=20, choices=LEVEL_CHOICES)
    computed_score = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "instrument_version"], name="one_shadow_score_each")
        ]

    def __str__(self) -> str:
        return f"Shadow score {self.pk}"


class StudyStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class CalibrationStudy(TimeStampedModel):
    """One run of the calibration study against confirmed outcomes. Holds aggregate figures only."""

    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=StudyStatus.choices, default=StudyStatus.QUEUED)
    report = models.JSONField(default=dict, blank=True)
    proposed_definition = models.JSONField(default=dict, blank=True)
    synthetic_outcomes = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calibration study {self.pk}"


class FactDecision(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class RecordFactDecision(TimeStampedModel):
    """The assessor's answer to one fact offered "from the record": confirmed (and so recorded as an
    observation) or rejected, by whom and when. What was offered is kept as it was then, since the
    record it came from can change later.

    Read only through its assessment (no access rule is registered, so the policy shows it to nobody).
    """

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="fact_decisions")
    fact_key = models.CharField(max_length=200)
    indicator = models.CharField(max_length=60)
    fact_on = models.DateField()
    source_label = models.CharField(max_length=300)
    source_url = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=FactDecision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    observation = models.ForeignKey(
        IndicatorObservation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "fact_key"], name="one_decision_per_fact"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.fact_key}"

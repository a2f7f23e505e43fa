"""Intelligence reports, the people and things they name, and the sanitised versions released to partners.

A report is police intelligence: it is read only by those whose scope sees police intelligence
(``Scope.sees_police_intelligence``). Partners read only a ``PartnerRelease`` an analyst wrote for them,
never the report itself. Nothing here is ever deleted: a release is withdrawn, a report superseded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tessera.core.models import Agency, District, TimeStampedModel, VersionedModel
from tessera.people.models import HandlingCode, IntelligenceAssessment, PoleEntity, SourceEvaluation


class ReportStatus(models.TextChoices):
    # Submitted by a partner or member of staff (a return interview's disclosure) with the default grade.
    AWAITING_EVALUATION = "awaiting_evaluation", "Awaiting evaluation"
    EVALUATED = "evaluated", "Evaluated"


class IntelligenceReport(VersionedModel):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # The district the intelligence is about; the district a release goes to is chosen at release.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    occurred_on = models.DateField(null=True, blank=True, help_text="When what is reported happened")
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices, blank=True)
    intelligence_assessment = models.CharField(
        max_length=1, choices=IntelligenceAssessment.choices, blank=True
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    legacy_grade = models.CharField(max_length=10, blank=True, help_text="A 5x5x5 grade from an older record")
    status = models.CharField(max_length=30, choices=ReportStatus.choices)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # What the report came from, kept so it can be traced back: a return interview's disclosure, say
    # ("missing.disclosure", 42). Not a foreign key: the source may be in any app, above this one.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    source_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="one_report_per_source_record",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"INT-{self.pk:06d}" if self.pk else "INT-(new)"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:report_detail", args=[self.pk])

    @property
    def grade_code(self) -> str:
        if self.source_evaluation:
            return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"
        return self.legacy_grade


class SubjectRole(models.TextChoices):
    CHILD_AT_RISK = "child_at_risk", "Child at risk"
    SUSPECT = "suspect", "Suspected exploiter"
    ASSOCIATE = "associate", "Associate"
    MENTIONED = "mentioned", "Mentioned"


class ReportSubject(models.Model):
    """A person, vehicle, phone, online account or place a report names, confirmed by its author or an
    analyst."""

    report = models.ForeignKey(IntelligenceReport, on_delete=models.PROTECT, related_name="subjects")
    entity = models.ForeignKey(PoleEntity, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=SubjectRole.choices, default=SubjectRole.MENTIONED)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "entity"], name="one_subject_per_report")]
        indexes = [models.Index(fields=["entity"], name="report_subject_entity_idx")]

    def __str__(self) -> str:
        return f"{self.entity_id} in report {self.report_id}"


class ReleaseOutcome(models.TextChoices):
    RELEASED = "released", "Released"
    REFUSED = "refused", "Refused"


class PartnerRelease(TimeStampedModel):
    """An analyst's decision on passing a report to partners in a district: a sanitised version with its
    handling conditions, or a refusal. Either way, with the reason. Partners read only released ones."""

    report = models.ForeignKey(IntelligenceReport, on_delete=models.PROTECT, related_name="releases")
    outcome = models.CharField(max_length=10, choices=ReleaseOutcome.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    sanitised_text = models.TextField(blank=True)
    handling_conditions = models.TextField(blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["district", "outcome"], name="release_district_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return f"REL-{self.pk:06d}" if self.pk else "REL-(new)"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:release_detail", args=[self.pk])


class ReleaseSubject(models.Model):
    """A person or thing a release names: from then on, partners who may read the release may see it."""

    release = models.ForeignKey(PartnerRelease, on_delete=models.PROTECT, related_name="subjects")
    entity = models.ForeignKey(PoleEntity, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "entity"], name="one_subject_per_release")]
        indexes = [models.Index(fields=["entity"], name="release_subject_entity_idx")]

    def __str__(self) -> str:
        return f"{self.entity_id} in release {self.release_id}"

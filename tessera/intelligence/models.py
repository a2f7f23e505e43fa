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

from tessera.cases.models import Case
from tessera.core.models import Agency, District, TimeStampedModel, VersionedModel
from tessera.people.models import (
    Ethnicity,
    HandlingCode,
    IntelligenceAssessment,
    Location,
    Person,
    PoleEntity,
    Sex,
    SourceEvaluation,
)


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
    occurred_time = models.TimeField(null=True, blank=True, help_text="The time of day, when known")
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


class IntelligencePackage(TimeStampedModel):
    """Chosen reports put together for a case team, with a summary and the link chart of their subjects.

    The package itself is police intelligence; partners read only its released version (a
    ``PartnerRelease`` of the package), which carries the released versions of its reports.
    """

    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the reports together show, for the case team")
    # The case whose team it is for, when there is one.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reports = models.ManyToManyField(IntelligenceReport, through="PackageItem", related_name="packages")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"PKG-{self.pk:06d}" if self.pk else "PKG-(new)"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:package_detail", args=[self.pk])


class PackageItem(models.Model):
    package = models.ForeignKey(IntelligencePackage, on_delete=models.PROTECT, related_name="items")
    report = models.ForeignKey(IntelligenceReport, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["package", "report"], name="one_item_per_report")]

    def __str__(self) -> str:
        return f"Report {self.report_id} in package {self.package_id}"


class PartnerRelease(TimeStampedModel):
    """An analyst's decision on passing a report (or a package of reports) to partners in a district: a
    sanitised version with its handling conditions, or a refusal. Either way, with the reason. Partners
    read only released ones; a released package carries releases of its reports, made with it."""

    report = models.ForeignKey(
        IntelligenceReport, null=True, blank=True, on_delete=models.PROTECT, related_name="releases"
    )
    package = models.ForeignKey(
        IntelligencePackage, null=True, blank=True, on_delete=models.PROTECT, related_name="releases"
    )
    # For a report released with a package: the package's release it came with.
    released_with = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="report_releases"
    )
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
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, package__isnull=True)
                | Q(report__isnull=True, package__isnull=False),
                name="release_of_a_report_or_a_package",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.reference}"

    @property
    def of(self) -> IntelligenceReport | IntelligencePackage:
        # The check constraint holds exactly one of the two.
        subject = self.report if self.report_id else self.package
        if subject is None:
            raise ValueError(f"Release {self.pk} is of neither a report nor a package")
        return subject

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


class ExploitationFlag(models.TextChoices):
    NONE = "", "Not flagged"
    SEXUAL = "cse", "Child sexual exploitation"
    CRIMINAL = "cce", "Child criminal exploitation"


class Crime(VersionedModel):
    """A crime record linked to POLE: what, when, where, against whom, by whom; flagged as child sexual or
    child criminal exploitation (never both) with the basis against the national definition. Edited from
    its page with the version the form was opened at, so a stale save is refused."""

    offence = models.CharField(max_length=200)
    committed_on = models.DateField()
    committed_time = models.TimeField(null=True, blank=True)
    place = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    exploitation_flag = models.CharField(max_length=3, choices=ExploitationFlag.choices, blank=True)
    flag_basis = models.JSONField(default=list, blank=True)
    # Derived when the crime or its suspects change (``exploitation.group_based``), kept for counting.
    group_based = models.BooleanField(default=False)
    group_based_why = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-committed_on", "-pk"]
        indexes = [models.Index(fields=["victim"], name="crime_victim_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.offence}"

    @property
    def reference(self) -> str:
        return f"CRM-{self.pk:06d}" if self.pk else "CRM-(new)"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:crime_detail", args=[self.pk])


class CrimeSuspect(models.Model):
    """A suspect of a crime, with age, sex, ethnicity and nationality; each "not known" has its reason."""

    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="suspects")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_not_known_reason = models.CharField(max_length=200, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    sex_not_known_reason = models.CharField(max_length=200, blank=True)
    ethnicity = models.CharField(max_length=30, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED)
    ethnicity_not_known_reason = models.CharField(max_length=200, blank=True)
    nationality = models.CharField(max_length=60, blank=True)
    nationality_not_known_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["crime", "person"], name="one_suspect_entry_per_crime")
        ]
        indexes = [models.Index(fields=["person"], name="crime_suspect_person_idx")]

    def __str__(self) -> str:
        return f"Suspect {self.person_id} of crime {self.crime_id}"


class ProblemProfile(VersionedModel):
    """A district's problem profile for a period: its figures (refreshed from the reports, crimes and
    partner reports of the period, through the access policy) and the analyst's recommendations.

    ``figures`` holds counts against entity ids only (``profile_analysis``); names are looked up, through
    the access policy, when the profile is shown or exported.
    """

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    title = models.CharField(max_length=200)
    recommendations = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    refreshed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["district", "period_end"], name="profile_district_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="profile_period_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"PRP-{self.pk:06d}" if self.pk else "PRP-(new)"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:profile_detail", args=[self.pk])

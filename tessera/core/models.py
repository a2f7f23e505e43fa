"""Organisation: districts, agencies and teams, plus the base mixins every domain record uses."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record people edit. Saves go through ``tessera.audit.versioning`` so a stale save is refused."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class District(models.Model):
    """A policing district, coterminous with one local authority."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    local_authority = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    CHARITY = "charity", "Charity"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PARTNER_BUSINESS = "partner_business", "Partner business"


class Agency(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    # A local authority or NHS trust covers one district; the police force and some charities cover all.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == AgencyKind.POLICE


class TeamKind(models.TextChoices):
    CSE = "cse", "Multi-agency child exploitation team"
    RESPONSE = "response", "Response and neighbourhood policing"
    CONTROL_ROOM = "control_room", "Communications room"
    MISSING = "missing", "Missing persons"
    INTELLIGENCE = "intelligence", "Intelligence"
    HITECH = "hitech", "Hi-Tech Crime Unit"
    SOCIAL_CARE = "social_care", "Social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    CHARITY = "charity", "Charity project"
    LEADERSHIP = "leadership", "Leadership and oversight"
    PARTNER_SCHEME = "partner_scheme", "Partner reporting scheme"
    ADMINISTRATION = "administration", "System administration"


class Team(models.Model):
    """A team of one agency, in one district or (district empty) force-wide."""

    name = models.CharField(max_length=150, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    kind = models.CharField(max_length=30, choices=TeamKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_force_wide(self) -> bool:
        return self.district_id is None


class FormSubmission(models.Model):
    """One sending of one rendered form: its token is unique, so a double click cannot make two records.

    The token is made when the form is drawn and sent back with it; the service that creates the record
    claims the token in the same transaction, and a second sending finds the first one's result instead.
    """

    token = models.UUIDField(unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=100)
    submitted_at = models.DateTimeField(auto_now_add=True)
    # What the first sending made: a model label and primary key.
    result_type = models.CharField(max_length=100, blank=True)
    result_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} sent by {self.user_id} ({self.token})"

"""Ground truth about the synthetic world, kept apart from the product's tables.

Nothing in Tessera's pages or API reads these tables: they exist so linkage and risk models can be
evaluated against what really happened in the invented world.
"""

from __future__ import annotations

from django.db import models


class GroundTruthPerson(models.Model):
    """The invented human behind one or more source records, and what truly happened to them."""

    role = models.CharField(max_length=30)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10)
    ethnicity = models.CharField(max_length=30)
    district_code = models.CharField(max_length=40)
    # not_known, at_risk or exploited; and when exploitation began.
    exploitation_status = models.CharField(max_length=20)
    exploitation_started_on = models.DateField(null=True, blank=True)
    network = models.PositiveIntegerField(null=True, blank=True)
    # The product's person holding this human's first record (a plain number: no tie to product tables).
    person_id = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"True person {self.pk} ({self.role})"


class GroundTruthRecord(models.Model):
    """Which invented human one agency's source record is really about, and the errors it carries."""

    true_person = models.ForeignKey(GroundTruthPerson, on_delete=models.CASCADE, related_name="records")
    agency_code = models.CharField(max_length=60)
    source_system = models.CharField(max_length=60)
    source_record_id = models.CharField(max_length=100)
    identity_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Comma-separated: nickname, given_name_typo, date_of_birth_day_month_swapped, old_address...
    errors = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source_system", "source_record_id"], name="truth_record_source_idx")]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.source_record_id} is true person {self.true_person_id}"


class GroundTruthIntelligence(models.Model):
    """Which exploitation network a synthetic intelligence report or crime is truly about, of which kind,
    and whether what the report says is so (some synthetic intelligence names the wrong adult)."""

    # "intelligence.intelligencereport" or "intelligence.crime", and the product's id (a plain number).
    record_type = models.CharField(max_length=60)
    record_id = models.PositiveBigIntegerField()
    network = models.PositiveIntegerField()
    # "cse" or "cce": what the exploitation truly was, whatever flag the record carries.
    exploitation_kind = models.CharField(max_length=3)
    accurate = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "record_id"], name="one_truth_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} is about network {self.network}"

"""Load synthetic records into the database as agencies' source identities (one person each, unlinked)."""

from __future__ import annotations

from django.utils import timezone

from tessera.core.models import Agency, District
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Location,
    LocationKind,
    Person,
    PoleEntity,
    SourceIdentity,
)
from tests.linkage.synthetic import generate

AGENCY = {"police": "police", "csc": "csc-rotherham", "health": "health-rotherham",
          "education": "education-rotherham", "charity": "safe-steps"}  # fmt: skip


def load(people: int, seed: int = 5) -> dict[int, int]:
    """Returns source identity id -> true person id."""
    district = District.objects.get(code="rotherham")
    agencies = {code: Agency.objects.get(code=code) for code in AGENCY.values()}
    truth = {}
    for row in generate(people, seed=seed).to_pylist():
        person = Person.objects.create(
            entity=PoleEntity.objects.create(kind=EntityKind.PERSON),
            given_name=row["given_name"], family_name=row["family_name"], district=district,
        )  # fmt: skip
        identity = SourceIdentity.objects.create(
            person=person, agency=agencies[AGENCY[row["agency"]]], source_system=row["agency"],
            source_record_id=str(row["unique_id"]), received_at=timezone.now(), district=district,
            given_name=row["given_name"], family_name=row["family_name"], other_names=row["other_names"],
            date_of_birth=row["date_of_birth"], sex=row["sex"], nhs_number=row["nhs_number"],
            pupil_number=row["pupil_number"], police_person_id=row["police_person_id"],
            la_person_id=row["la_person_id"],
        )  # fmt: skip
        if row["postcode"]:
            location = Location.objects.create(
                entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.HOME,
                address_line_1=row["address_line_1"], postcode=row["postcode"], district=district,
            )  # fmt: skip
            IdentityAddress.objects.create(identity=identity, location=location)
        truth[identity.pk] = row["person_id"]
    return truth

"""The synthetic world: people, places and things across the four districts.

Deterministic for a given seed. Everything here is invented; no real person's data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tessera.core.models import Agency, District
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Location,
    LocationKind,
    Person,
    PoleEntity,
    Sex,
    SourceIdentity,
)

GIVEN_NAMES_FEMALE = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Freya",
    "Florence",
    "Willow",
    "Aisha",
    "Zara",
]
GIVEN_NAMES_MALE = [
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Jack",
    "Ibrahim",
    "Kai",
    "Theo",
]
FAMILY_NAMES = [
    "Hallam",
    "Brightside",
    "Thornley",
    "Wadsworth",
    "Cawthorne",
    "Penistone",
    "Kirkby",
    "Dearne",
    "Wentworth",
    "Oughtibridge",
]
STREETS = [
    "Furnace Lane",
    "Cutlers Row",
    "Pit Head Road",
    "Canal Walk",
    "Millstone Close",
    "Forge Street",
    "Colliery View",
]


@dataclass(frozen=True)
class WorldSummary:
    people: int
    identities: int
    locations: int


@transaction.atomic
def generate_world(people: int = 40, seed: int = 2013) -> WorldSummary:
    rng = random.Random(seed)
    districts = list(District.objects.filter(is_active=True).order_by("code"))
    police = Agency.objects.get(code="police")
    now = timezone.now()
    created_people = created_identities = created_locations = 0
    for index in range(people):
        district = districts[index % len(districts)]
        sex = Sex.FEMALE if rng.random() < 0.7 else Sex.MALE
        given = rng.choice(GIVEN_NAMES_FEMALE if sex == Sex.FEMALE else GIVEN_NAMES_MALE)
        family = rng.choice(FAMILY_NAMES)
        dob = date(2009, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
        home = Location.objects.create(
            entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
            kind=LocationKind.HOME,
            address_line_1=f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
            town=district.name,
            postcode=f"S{rng.randrange(1, 99)} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            district=district,
        )
        created_locations += 1
        person = Person.objects.create(
            entity=PoleEntity.objects.create(kind=EntityKind.PERSON),
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=sex,
            district=district,
        )
        created_people += 1
        agencies = [police, Agency.objects.get(code=f"csc-{district.code}")]
        for agency in agencies:
            identity = SourceIdentity.objects.create(
                person=person,
                agency=agency,
                source_system="Niche RMS" if agency.is_police else "Liquidlogic LCS",
                source_record_id=f"{agency.code.upper()}-{seed}-{index:06d}",
                received_at=now,
                district=district,
                given_name=given,
                family_name=family,
                date_of_birth=dob,
                sex=sex,
            )
            IdentityAddress.objects.create(identity=identity, location=home, from_date=dob)
            created_identities += 1
    return WorldSummary(created_people, created_identities, created_locations)

"""Building people, things and links for the people tests, through the ORM as an import would."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tessera.core.models import Agency
from tessera.people.models import (
    EntityKind,
    Link,
    LinkKind,
    OnlineAccount,
    Person,
    Phone,
    PoleEntity,
    SourceIdentity,
    Vehicle,
)
from tests.conftest import make_person


def add_identity(
    person: Person,
    agency_code: str,
    given: str,
    family: str,
    dob: date | None = None,
    **fields: object,
) -> SourceIdentity:
    return SourceIdentity.objects.create(
        person=person,
        agency=Agency.objects.get(code=agency_code),
        source_system="Test system",
        source_record_id=f"{agency_code}-{person.pk}-{SourceIdentity.objects.count()}",
        received_at=timezone.now(),
        district=person.district,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        **fields,
    )


def vehicle(registration: str) -> Vehicle:
    return Vehicle.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.VEHICLE), registration=registration
    )


def phone(number: str) -> Phone:
    return Phone.objects.create(entity=PoleEntity.objects.create(kind=EntityKind.PHONE), number=number)


def account(platform: str, handle: str) -> OnlineAccount:
    return OnlineAccount.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.ONLINE_ACCOUNT), platform=platform, handle=handle
    )


def link(source: Person | Vehicle | Phone | OnlineAccount, target, kind: LinkKind) -> Link:
    return Link.objects.create(
        source=source.entity, target=target.entity, kind=kind, agency=Agency.objects.get(code="police")
    )


def person(district: str, given: str, family: str, dob: date | None = None) -> Person:
    return make_person(district, given=given, family=family, dob=dob)

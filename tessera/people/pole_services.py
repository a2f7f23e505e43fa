"""Finding or recording the vehicles, phones, online accounts and places a concern or report names.

Each is looked up by its normal form first (a registration in capitals without spaces, a phone in
E.164, a handle without "@" or case, a place by name and postcode), so the same car named by two
reports is one vehicle with two sets of links. Only a thing not yet known is created, with its own
``PoleEntity`` and an access-log row in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.core.models import District
from tessera.people.identifiers import (
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
)
from tessera.people.models import (
    EntityKind,
    Location,
    LocationKind,
    OnlineAccount,
    Phone,
    PoleEntity,
    Vehicle,
)
from tessera.people.rules import may_record_sightings

_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    thing: T
    created: bool


def postcode_in(text: str) -> str:
    """The first full UK postcode written anywhere in ``text`` ("Millstone Walk, s1 2ab"), normalised."""
    match = _POSTCODE_IN_TEXT.search(text or "")
    return normalise_postcode(match.group(0)) if match else ""


def _require_recorder(user: User) -> None:
    if not may_record_sightings(scope_of(user)):
        raise PermissionDenied("Your role does not record people, places and things")


def _created(
    user: User, thing: Vehicle | Phone | OnlineAccount | Location, request: HttpRequest | None
) -> None:
    record_access(actor=user, action=AuditAction.CREATE, target=thing, request=request)


def _entity(kind: EntityKind) -> PoleEntity:
    return PoleEntity.objects.create(kind=kind)


@transaction.atomic
def find_or_record_vehicle(
    user: User, *, registration: str, make: str = "", colour: str = "", request: HttpRequest | None = None
) -> Found[Vehicle]:
    _require_recorder(user)
    normal = normalise_registration(registration)
    if not normal or len(normal) > 10:
        raise ValidationError("A registration is 1 to 10 letters and numbers, like YK62 ABC")
    vehicle = Vehicle.objects.filter(registration=normal).first()
    if vehicle is not None:
        return Found(vehicle, False)
    vehicle = Vehicle.objects.create(
        entity=_entity(EntityKind.VEHICLE), registration=normal, make=make[:50], colour=colour[:30]
    )
    _created(user, vehicle, request)
    return Found(vehicle, True)


@transaction.atomic
def find_or_record_phone(user: User, *, number: str, request: HttpRequest | None = None) -> Found[Phone]:
    _require_recorder(user)
    normal = normalise_phone(number)
    if not normal:
        raise ValidationError("A phone number needs digits, like 07700 900123")
    phone = Phone.objects.filter(number=normal).first()
    if phone is not None:
        return Found(phone, False)
    phone = Phone.objects.create(entity=_entity(EntityKind.PHONE), number=normal)
    _created(user, phone, request)
    return Found(phone, True)


@transaction.atomic
def find_or_record_account(
    user: User, *, platform: str, handle: str, request: HttpRequest | None = None
) -> Found[OnlineAccount]:
    _require_recorder(user)
    normal = normalise_handle(handle)
    if not normal:
        raise ValidationError("An online account needs its handle or user name")
    platform = platform.strip() or "Not known"
    account = OnlineAccount.objects.filter(platform__iexact=platform, handle=normal).first()
    if account is not None:
        return Found(account, False)
    account = OnlineAccount.objects.create(
        entity=_entity(EntityKind.ONLINE_ACCOUNT), platform=platform, handle=normal
    )
    _created(user, account, request)
    return Found(account, True)


@transaction.atomic
def find_or_record_place(
    user: User,
    *,
    name: str,
    address: str,
    kind: str,
    district: District | None,
    request: HttpRequest | None = None,
) -> Found[Location]:
    """A place by name and postcode (or name and address when no postcode was given)."""
    _require_recorder(user)
    name, address = name.strip(), address.strip()
    if not (name or address):
        raise ValidationError("A place needs a name, an address or a description")
    postcode = postcode_in(address)
    known = Location.objects.all()
    if name and postcode:
        known = known.filter(name__iexact=name, postcode=postcode)
    elif name:
        known = known.filter(name__iexact=name, address_line_1__iexact=address)
    else:
        known = known.filter(name="", address_line_1__iexact=address)
    place = known.order_by("pk").first()
    if place is not None:
        return Found(place, False)
    place = Location.objects.create(
        entity=_entity(EntityKind.LOCATION),
        kind=kind if kind in LocationKind.values else LocationKind.OTHER,
        name=name[:150],
        address_line_1=address[:150],
        postcode=postcode,
        district=district,
    )
    _created(user, place, request)
    return Found(place, True)

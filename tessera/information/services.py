"""Every write of retention and subject access: a reviewed decision, an erasure, a request and its pack.

Each runs in a transaction with its access-log row (DPA 2018 s62 names erasure and disclosure among the
acts to log), and only a data protection officer may do any of them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.audit.log import record_access
from tessera.audit.models import AuditAction, RecordChange
from tessera.information.models import Erasure, RetentionDecision, SubjectAccessRequest
from tessera.information.pack import Pack, gather
from tessera.information.selectors import is_data_protection_officer, retention_position
from tessera.people.models import IdentityAddress, MatchKey, Person, SourceIdentity

ERASED_PERSON_FIELDS: dict[str, Any] = {"given_name": "", "family_name": "", "date_of_birth": None}
ERASED_IDENTITY_FIELDS: dict[str, Any] = {
    "given_name": "",
    "middle_names": "",
    "family_name": "",
    "other_names": [],
    "date_of_birth": None,
    "approximate_age": None,
    "disability": "",
    "police_person_id": "",
    "nhs_number": "",
    "pupil_number": "",
    "la_person_id": "",
    "identifiers_failing_check": {},
}


class KeptUnderScheduleError(PermissionDenied):
    """Erasure before the review date: a reviewed decision must say otherwise first."""


def require_data_protection_officer(user: Any) -> None:
    if not is_data_protection_officer(user):
        raise PermissionDenied("Only a data protection officer reviews retention and answers subject access")


@transaction.atomic
def decide_retention(
    user: Any, person: Person, *, review_on: datetime.date, reason: str, request: HttpRequest | None = None
) -> RetentionDecision:
    require_data_protection_officer(user)
    decision = RetentionDecision.objects.create(
        person=person, review_on=review_on, reason=reason, decided_by=user, decided_at=timezone.now()
    )
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=person,
        reason=reason,
        request=request,
        details={"retention": "reviewed", "review_on": review_on.isoformat()},
    )
    return decision


@transaction.atomic
def erase_person(user: Any, person: Person, *, reason: str, request: HttpRequest | None = None) -> Erasure:
    """Take the person's personal details out of Tessera; keep every row, and every record about them.

    Allowed only once their review is due (by the schedule, or because a reviewed decision brought it
    forward): exploitation records are kept 75 years unless a reviewed decision says otherwise.
    """
    require_data_protection_officer(user)
    person = Person.objects.select_for_update().get(pk=person.pk)
    position = retention_position(person)
    if position.erasure is not None:
        raise PermissionDenied("This person's details were already erased")
    today = timezone.localdate()
    if not position.is_due(today):
        raise KeptUnderScheduleError(
            f"These records are kept until {position.review_on:%-d %B %Y} ({position.rule.label}: "
            f"{position.rule.years} years from {position.rule.runs_from}). Record a reviewed decision "
            "to review them now before erasing"
        )
    identities = SourceIdentity.objects.filter(person=person)
    identity_ids = list(identities.values_list("pk", flat=True))
    addresses = IdentityAddress.objects.filter(identity_id__in=identity_ids)
    removed = {
        "identities": len(identity_ids),
        "addresses": addresses.count(),
        "search keys": MatchKey.objects.filter(person=person).count(),
        "field history entries": RecordChange.objects.filter(
            target_type="people.person", target_id=str(person.pk)
        ).count(),
    }
    identities.update(**ERASED_IDENTITY_FIELDS)
    # Derived from the details just erased: an address link and a search key would still find the person.
    addresses.delete()
    MatchKey.objects.filter(person=person).delete()
    # Field history holds old values of the same details.
    RecordChange.objects.filter(target_type="people.person", target_id=str(person.pk)).update(
        changes={"erased": "Field history erased with the person's details"}
    )
    Person.objects.filter(pk=person.pk).update(**ERASED_PERSON_FIELDS, version=person.version + 1)
    erasure = Erasure.objects.create(
        person=person, reason=reason, erased_by=user, erased_at=timezone.now(), removed=removed
    )
    record_access(
        actor=user, action=AuditAction.ERASE, target=person, reason=reason, request=request, details=removed
    )
    return erasure


@transaction.atomic
def record_request(
    user: Any,
    person: Person,
    *,
    requester: str,
    identity_checked: str,
    received_on: datetime.date,
    request: HttpRequest | None = None,
) -> SubjectAccessRequest:
    require_data_protection_officer(user)
    sar = SubjectAccessRequest.objects.create(
        person=person,
        requester=requester,
        identity_checked=identity_checked,
        received_on=received_on,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
    record_access(
        actor=user,
        action=AuditAction.CREATE,
        target=sar,
        reason=f"Subject access request from {requester}",
        request=request,
        details={"person": person.pk},
    )
    return sar


@transaction.atomic
def export_pack(user: Any, sar: SubjectAccessRequest, *, request: HttpRequest | None = None) -> Pack:
    """The pack, logged as a disclosure of the person's records (with its counts and redactions)."""
    require_data_protection_officer(user)
    pack = gather(sar.person, produced_by=user.get_full_name() or user.get_username())
    record_access(
        actor=user,
        action=AuditAction.EXPORT,
        target=sar.person,
        reason=f"Subject access request {sar.pk} from {sar.requester}",
        request=request,
        details={
            "subject_access_request": sar.pk,
            "sections": {section.title: len(section.rows) for section in pack.sections},
            "redactions": len(pack.redactions),
        },
    )
    return pack

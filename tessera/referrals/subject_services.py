"""The people, places and things a concern names: stored as typed, resolved at triage, linked.

Triage resolves each subject: a child or adult to a person found by search before create (or a new
person made through ``people.services.create_person``), a vehicle, phone, account or place to the record
its normal form finds (or a new one, through ``people.pole_services``). The links between them
(``concern_links``) are then recorded through ``people.services.record_link`` with the referral as
their source: source system "referral", the referral's reference, the sighting's date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action as PolicyAction
from tessera.access.policy import require, visible_to
from tessera.accounts.models import User
from tessera.core.models import Agency
from tessera.people import pole_services
from tessera.people.arrival import identity_arrived
from tessera.people.models import Link, Person, PoleEntity
from tessera.people.services import NewIdentity, create_person, record_link
from tessera.referrals.concern_links import Resolved, concern_links
from tessera.referrals.models import (
    PERSON_SUBJECTS,
    ConcernSubjectKind,
    Referral,
    ReferralAddition,
    ReferralSubject,
)

# Provenance of what a concern says: identities and links made from it name the referral.
SOURCE_SYSTEM = "referral"
MAX_SUBJECTS_PER_KIND = 20


@dataclass(frozen=True)
class SubjectDetails:
    """One subject as the reporter typed it (the typed fields of ``ReferralSubject``)."""

    kind: str
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""
    date_of_birth: date | None = None
    approximate_age: int | None = None
    sex: str = ""
    description: str = ""
    registration: str = ""
    make: str = ""
    colour: str = ""
    phone_number: str = ""
    platform: str = ""
    handle: str = ""
    place_name: str = ""
    address: str = ""
    place_kind: str = ""


TYPED_FIELDS = tuple(f.name for f in fields(SubjectDetails) if f.name != "kind")


def store_subjects(
    referral: Referral,
    subjects: Sequence[SubjectDetails],
    *,
    actor: User,
    addition: ReferralAddition | None = None,
    person: Person | None = None,
) -> list[ReferralSubject]:
    """Keep each subject as typed, in the order given. Called inside the service that stores the concern.

    ``person`` is the child the staff reporter already chose by search before create: the first child
    subject is stored resolved to them.
    """
    start = referral.subjects.count()
    now = timezone.now()
    chosen = person
    stored = []
    for position, details in enumerate(subjects, start=start):
        values = {name: getattr(details, name) for name in TYPED_FIELDS}
        subject = ReferralSubject(
            referral=referral,
            addition=addition,
            kind=details.kind,
            position=position,
            added_at=now,
            added_by=actor,
            **values,
        )
        if chosen is not None and details.kind == ConcernSubjectKind.CHILD:
            subject.person, subject.entity_id = chosen, chosen.entity_id
            subject.resolved_at, subject.resolved_by = now, actor
            chosen = None
        stored.append(subject)
    return ReferralSubject.objects.bulk_create(stored)


NEW_RECORD = "new"
LEAVE_OUT = "leave_out"
RECORD = "record"


@dataclass(frozen=True)
class Resolution:
    """What triage decided a subject is: a person's id (children and adults), ``NEW_RECORD``, ``RECORD``
    (a thing, found or made by its normal form) or ``LEAVE_OUT``."""

    choice: str


@dataclass(frozen=True)
class ResolutionOutcome:
    resolved: int
    people_created: int
    things_created: int
    links_recorded: int


def _identity_for(subject: ReferralSubject, agency: Agency, received_at: datetime) -> NewIdentity:
    other_names = [subject.nickname] if subject.nickname else []
    return NewIdentity(
        agency=agency,
        source_system=SOURCE_SYSTEM,
        source_record_id=f"{subject.referral.reference}/{subject.position + 1}",
        received_at=received_at,
        fields={
            "given_name": subject.given_name,
            "family_name": subject.family_name,
            "other_names": other_names,
            "date_of_birth": subject.date_of_birth,
            "approximate_age": subject.approximate_age,
            "sex": subject.sex or "unknown",
        },
    )


def _resolve_person(
    actor: User, subject: ReferralSubject, choice: str, request: HttpRequest | None
) -> tuple[Person, bool]:
    referral = subject.referral
    if choice == NEW_RECORD:
        if not (subject.given_name or subject.family_name or subject.nickname):
            raise ValidationError(
                {
                    f"subject-{subject.pk}": f"{subject.label}: a new record needs a name or a nickname; "
                    "choose a person found or leave them out"
                }
            )
        agency = referral.referrer_agency or actor.agency
        if agency is None:
            raise ValidationError("A new record needs the agency it came from")
        _person, identity = create_person(
            actor,
            district=referral.district,
            given_name=subject.given_name or subject.nickname,
            family_name=subject.family_name,
            date_of_birth=subject.date_of_birth,
            sex=subject.sex or "unknown",
            identity=_identity_for(subject, agency, subject.added_at),
            details={"from_referral": referral.reference, "subject": subject.get_kind_display()},
            request=request,
        )
        # Matched at once: a certain match the triager could not see (another district's record, a
        # spelling search missed) joins the person; a possible one waits in the review queue.
        person, _arrivals = identity_arrived(identity, actor=actor)
        return person, True
    if not choice.isdigit():
        raise ValidationError({f"subject-{subject.pk}": f"{subject.label}: choose who this is"})
    known = visible_to(actor, Person).filter(pk=int(choice), merged_into__isnull=True).first()
    if known is None:
        raise ValidationError({f"subject-{subject.pk}": f"{subject.label}: that person cannot be chosen"})
    require(actor, PolicyAction.CHANGE, known)
    return known, False


def _resolve_thing(
    actor: User, subject: ReferralSubject, request: HttpRequest | None
) -> tuple[PoleEntity, bool]:
    kind = subject.kind
    found: pole_services.Found[object]
    try:
        if kind == ConcernSubjectKind.VEHICLE:
            found = pole_services.find_or_record_vehicle(  # type: ignore[assignment]
                actor,
                registration=subject.registration,
                make=subject.make,
                colour=subject.colour,
                request=request,
            )
        elif kind == ConcernSubjectKind.PHONE:
            found = pole_services.find_or_record_phone(  # type: ignore[assignment]
                actor, number=subject.phone_number, request=request
            )
        elif kind == ConcernSubjectKind.ONLINE_ACCOUNT:
            found = pole_services.find_or_record_account(  # type: ignore[assignment]
                actor, platform=subject.platform, handle=subject.handle, request=request
            )
        else:
            found = pole_services.find_or_record_place(  # type: ignore[assignment]
                actor,
                name=subject.place_name,
                address=subject.address,
                kind=subject.place_kind,
                district=subject.referral.district,
                request=request,
            )
    except ValidationError as problem:
        raise ValidationError({f"subject-{subject.pk}": f"{subject.label}: {problem.messages[0]}"}) from None
    entity = found.thing.entity  # type: ignore[attr-defined]
    return entity, found.created


@transaction.atomic
def resolve_subjects(
    actor: User,
    referral: Referral,
    resolutions: Mapping[int, Resolution],
    *,
    request: HttpRequest | None = None,
) -> ResolutionOutcome:
    """Resolve the chosen subjects, then record every link the concern's resolved subjects make that is
    not recorded yet. Only the district team that triages the referral may do this."""
    require(actor, PolicyAction.DECIDE, referral)
    subjects = {s.pk: s for s in ReferralSubject.objects.filter(referral=referral).select_related("referral")}
    now = timezone.now()
    people_created = things_created = resolved = 0
    errors: dict[str, str] = {}
    for subject_id, resolution in resolutions.items():
        subject = subjects.get(subject_id)
        if subject is None or subject.is_resolved:
            continue
        try:
            if resolution.choice == LEAVE_OUT:
                subject.left_out = True
            elif subject.kind in PERSON_SUBJECTS:
                person, created = _resolve_person(actor, subject, resolution.choice, request)
                subject.person, subject.entity_id = person, person.entity_id
                people_created += created
            else:
                entity, created = _resolve_thing(actor, subject, request)
                subject.entity_id = entity.pk
                things_created += created
        except ValidationError as problem:
            errors.update({k: v[0] for k, v in problem.message_dict.items()})
            continue
        subject.resolved_at, subject.resolved_by = now, actor
        subject.save(update_fields=["person", "entity", "left_out", "resolved_at", "resolved_by"])
        resolved += 1
    if errors:
        raise ValidationError(errors)
    links = _record_concern_links(actor, referral, list(subjects.values()), request)
    return ResolutionOutcome(resolved, people_created, things_created, links)


def _record_concern_links(
    actor: User, referral: Referral, subjects: list[ReferralSubject], request: HttpRequest | None
) -> int:
    resolved = [Resolved(s.kind, s.entity_id) for s in subjects if s.entity_id is not None]
    wanted = concern_links(resolved)
    if not wanted:
        return 0
    already = set(
        Link.objects.filter(source_system=SOURCE_SYSTEM, source_record_id=referral.reference).values_list(
            "source_id", "target_id", "kind"
        )
    )
    entities = PoleEntity.objects.in_bulk(
        {e for link in wanted for e in (link.source_entity_id, link.target_entity_id)}
    )
    seen_on = timezone.localdate(referral.seen_at)
    recorded = 0
    for link in wanted:
        if (link.source_entity_id, link.target_entity_id, link.kind) in already:
            continue
        record_link(
            actor,
            source=entities[link.source_entity_id],
            target=entities[link.target_entity_id],
            kind=link.kind,
            agency=referral.referrer_agency or actor.agency,
            started_on=seen_on,
            source_system=SOURCE_SYSTEM,
            source_record_id=referral.reference,
            request=request,
        )
        recorded += 1
    return recorded

"""Every change to people and their links: one function per act, each in a transaction with its audit row.

Side effects other apps care about (``link_recorded``, ``persons_merged``, ``persons_unmerged``) are sent
only once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, overload

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, require
from tessera.access.scope import scope_of
from tessera.access.services import carry_restriction
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.core.models import Agency, District
from tessera.people.match_index import rebuild_match_keys
from tessera.people.models import (
    INTELLIGENCE_SOURCE_SYSTEM,
    EntityKind,
    Link,
    LinkKind,
    Person,
    PersonMerge,
    PoleEntity,
    SourceIdentity,
)
from tessera.people.rules import may_record_links
from tessera.people.signals import link_recorded, persons_merged, persons_unmerged
from tessera.people.summary import SourceSays, summarise


class MergeRefusedError(ValueError):
    """A merge or unmerge that cannot be done, with a message for the person who asked."""


@dataclass(frozen=True)
class IntelligenceGrade:
    """The 3x5x2 grade of a link that came from intelligence (or an older record's 5x5x5 grade as text)."""

    source_evaluation: str = ""
    intelligence_assessment: str = ""
    handling_code: str = ""
    legacy_grade: str = ""


def _entity_of(thing: models.Model) -> PoleEntity:
    if isinstance(thing, PoleEntity):
        return thing
    entity = getattr(thing, "entity", None)
    if not isinstance(entity, PoleEntity):
        raise TypeError(f"{type(thing).__name__} is not a person, place or thing")
    return entity


def _person_at(entity: PoleEntity) -> Person | None:
    return Person.objects.filter(entity=entity).first() if entity.kind == "person" else None


@transaction.atomic
def record_link(
    user: User,
    *,
    source: models.Model,
    target: models.Model,
    kind: LinkKind | str,
    agency: Agency | None = None,
    started_on: date | None = None,
    ended_on: date | None = None,
    source_system: str = "Tessera",
    source_record_id: str = "",
    grade: IntelligenceGrade | None = None,
    request: HttpRequest | None = None,
) -> Link:
    """Record that two people, places or things are linked.

    The user must be able to change every person at either end (a person they cannot see answers 404,
    as if missing); links between things alone need a role that records links. Sends ``link_recorded``
    on commit.
    """
    source_entity, target_entity = _entity_of(source), _entity_of(target)
    if source_entity.pk == target_entity.pk:
        raise ValueError("A link needs two different people, places or things")
    people = [p for p in (_person_at(source_entity), _person_at(target_entity)) if p is not None]
    for person in people:
        require(user, Action.CHANGE, person)
    if not people and not may_record_links(scope_of(user)):
        raise PermissionDenied("Your role does not record links")
    recorded_for = agency or user.agency
    if recorded_for is None:
        raise PermissionDenied("A link is recorded for an agency, and your account belongs to none")
    grade = grade or IntelligenceGrade()
    link = Link.objects.create(
        source=source_entity,
        target=target_entity,
        kind=LinkKind(kind),
        started_on=started_on,
        ended_on=ended_on,
        agency=recorded_for,
        source_system=source_system,
        source_record_id=source_record_id,
        recorded_by=user,
        from_intelligence=bool(grade.source_evaluation or grade.legacy_grade),
        source_evaluation=grade.source_evaluation,
        intelligence_assessment=grade.intelligence_assessment,
        handling_code=grade.handling_code,
        legacy_grade=grade.legacy_grade,
    )
    details = {"link": link.pk, "kind": link.kind, "source": source_entity.pk, "target": target_entity.pk}
    for person in people:
        record_access(actor=user, action=AuditAction.COMBINE, target=person, request=request, details=details)
    if not people:
        record_access(actor=user, action=AuditAction.COMBINE, target=link, request=request, details=details)
    transaction.on_commit(lambda: link_recorded.send(sender=Link, link=link, user=user))
    return link


@dataclass(frozen=True)
class NewIdentity:
    """What one agency's system says about a person not yet in Tessera, with where it came from."""

    agency: Agency
    source_system: str
    source_record_id: str
    received_at: datetime
    # Fields of SourceIdentity: names, date of birth, sex, identifiers.
    fields: Mapping[str, Any]


@overload
def create_person(
    actor: User,
    *,
    district: District | None,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    sex: str = "",
    identity: NewIdentity,
    action: AuditAction = AuditAction.CREATE,
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> tuple[Person, SourceIdentity]: ...


@overload
def create_person(
    actor: User,
    *,
    district: District | None,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    sex: str = "",
    identity: None,
    action: AuditAction = AuditAction.CREATE,
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> tuple[Person, None]: ...


@overload
def create_person(
    actor: User,
    *,
    district: District | None,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    sex: str = "",
    identity: NewIdentity | None,
    action: AuditAction = AuditAction.CREATE,
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> tuple[Person, SourceIdentity | None]: ...


@transaction.atomic
def create_person(
    actor: User,
    *,
    district: District | None,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    sex: str = "",
    identity: NewIdentity | None,
    action: AuditAction = AuditAction.CREATE,
    details: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> tuple[Person, SourceIdentity | None]:
    """A new person, with the source identity that says who they are: the one way people are created.

    Callers have checked that ``actor`` may record the act that creates the person (a referral, an
    import). One access-log row (``action``, CREATE by default) names the new source identity, where
    there is one, or else the person; the person is among the records it shows either way, so the
    person's "who has looked" finds it. The match-key index follows from the identity's save signal.
    """
    person = Person.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.PERSON),
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        district=district,
        known_only_from_intelligence=(
            identity is not None and identity.source_system == INTELLIGENCE_SOURCE_SYSTEM
        ),
    )
    source = None
    if identity is not None:
        source = SourceIdentity.objects.create(
            person=person,
            agency=identity.agency,
            source_system=identity.source_system,
            source_record_id=identity.source_record_id,
            received_at=identity.received_at,
            district=district,
            **identity.fields,
        )
    record_access(
        actor=actor,
        action=action,
        target=source if source is not None else person,
        request=request,
        details=dict(details or {}),
        shown={"people.person": [person.pk]},
    )
    return person, source


def refresh_summary(person: Person) -> None:
    """Recompute the headline name, date of birth and sex from the person's source identities."""
    identities = list(SourceIdentity.objects.filter(person=person).select_related("agency"))
    sources = [
        SourceSays(i.agency.kind, i.given_name, i.family_name, i.date_of_birth, i.sex) for i in identities
    ]
    if not sources:
        return
    # One record from anywhere but police intelligence, and the person is known outside it.
    person.known_only_from_intelligence = all(
        i.source_system == INTELLIGENCE_SOURCE_SYSTEM for i in identities
    )
    summary = summarise(sources)
    person.given_name = summary.given_name
    person.family_name = summary.family_name
    person.date_of_birth = summary.date_of_birth
    person.sex = summary.sex


SUMMARY_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "known_only_from_intelligence")


@transaction.atomic
def refresh_after_identity_change(
    person: Person, *, actor: User, request: HttpRequest | None = None, reason: str = ""
) -> int:
    """Bring the person's headline in step with their identities after one of them changed.

    A change to the headline (a new surname from a partner's file, say) is saved through
    ``save_changes``: the person's version goes up, the old and new values go into field history and the
    access log, so a page opened before the change cannot silently overwrite it. Returns the version.
    The caller has already checked that ``actor`` may change the person.
    """
    # Locked first, so the version compared below is the one the new headline is computed against.
    current = Person.objects.select_for_update().get(pk=person.pk)
    refresh_summary(current)
    version = save_changes(
        current,
        expected_version=current.version,
        changes={name: getattr(current, name) for name in SUMMARY_FIELDS},
        actor=actor,
        request=request,
        reason=reason,
    )
    for name in SUMMARY_FIELDS:
        setattr(person, name, getattr(current, name))
    person.version = version
    return version


def _locked(*people: Person) -> list[Person]:
    ids = [p.pk for p in people]
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [locked[pk] for pk in ids]


def _save_after_merge(person: Person) -> None:
    refresh_summary(person)
    person.version = F("version") + 1
    person.save(update_fields=[*SUMMARY_FIELDS, "merged_into", "version"])
    person.refresh_from_db(fields=["version"])


@transaction.atomic
def merge_persons(
    user: User,
    *,
    survivor: Person,
    absorbed: Person,
    reason: str,
    request: HttpRequest | None = None,
    context: Mapping[str, Any] | None = None,
) -> PersonMerge:
    """Record the decision that two person records are one human being, moving everything to the survivor.

    Reversible with ``unmerge_persons``: the merge keeps exactly which identities and links moved.
    ``context`` says what decided it (the linkage run, the review pair) and goes into both log rows.
    """
    if not reason.strip():
        raise MergeRefusedError("Give the reason these are the same person")
    if survivor.pk == absorbed.pk:
        raise MergeRefusedError("A person cannot be merged with themselves")
    for person in (survivor, absorbed):
        require(user, Action.MERGE, person)
    survivor, absorbed = _locked(survivor, absorbed)
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise MergeRefusedError("One of these people has already been merged into another record")
    identity_ids = list(SourceIdentity.objects.filter(person=absorbed).values_list("pk", flat=True))
    moved_links = {
        "source": list(Link.objects.filter(source_id=absorbed.entity_id).values_list("pk", flat=True)),
        "target": list(Link.objects.filter(target_id=absorbed.entity_id).values_list("pk", flat=True)),
    }
    SourceIdentity.objects.filter(pk__in=identity_ids).update(person=survivor)
    Link.objects.filter(pk__in=moved_links["source"]).update(source_id=survivor.entity_id)
    Link.objects.filter(pk__in=moved_links["target"]).update(target_id=survivor.entity_id)
    absorbed.merged_into = survivor
    carry_restriction(survivor=survivor, absorbed=absorbed, user=user)
    _save_after_merge(absorbed)
    _save_after_merge(survivor)
    rebuild_match_keys([survivor.pk, absorbed.pk])
    merge = PersonMerge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        reason=reason,
        decided_by=user,
        decided_at=timezone.now(),
        moved_identity_ids=identity_ids,
        moved_link_ids=moved_links,
    )
    details = {
        "merge": merge.pk,
        "survivor": survivor.pk,
        "absorbed": absorbed.pk,
        "identities_moved": identity_ids,
        **(context or {}),
    }
    for person in (survivor, absorbed):
        record_access(
            actor=user,
            action=AuditAction.COMBINE,
            target=person,
            reason=reason,
            request=request,
            details=details,
        )
    transaction.on_commit(lambda: persons_merged.send(sender=PersonMerge, merge=merge, user=user))
    return merge


@transaction.atomic
def unmerge_persons(
    user: User, *, merge: PersonMerge, reason: str, request: HttpRequest | None = None
) -> PersonMerge:
    """Undo a merge: put back exactly the identities and links it moved, and record why."""
    if not reason.strip():
        raise MergeRefusedError("Give the reason these are not the same person")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise MergeRefusedError("This merge has already been undone")
    survivor, absorbed = _locked(merge.survivor, merge.absorbed)
    require(user, Action.MERGE, survivor)
    if survivor.merged_into_id:
        raise MergeRefusedError("The surviving record was merged again since; undo that merge first")
    SourceIdentity.objects.filter(pk__in=merge.moved_identity_ids, person=survivor).update(person=absorbed)
    moved = merge.moved_link_ids
    Link.objects.filter(pk__in=moved.get("source", []), source_id=survivor.entity_id).update(
        source_id=absorbed.entity_id
    )
    Link.objects.filter(pk__in=moved.get("target", []), target_id=survivor.entity_id).update(
        target_id=absorbed.entity_id
    )
    absorbed.merged_into = None
    _save_after_merge(absorbed)
    _save_after_merge(survivor)
    rebuild_match_keys([survivor.pk, absorbed.pk])
    merge.undone_at = timezone.now()
    merge.undone_by = user
    merge.undo_reason = reason
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    details = {"merge": merge.pk, "survivor": survivor.pk, "absorbed": absorbed.pk}
    for person in (survivor, absorbed):
        record_access(
            actor=user,
            action=AuditAction.SEPARATE,
            target=person,
            reason=reason,
            request=request,
            details=details,
        )
    transaction.on_commit(lambda: persons_unmerged.send(sender=PersonMerge, merge=merge, user=user))
    return merge

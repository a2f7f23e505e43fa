"""Every change to people and their links: one function per act, each in a transaction with its audit row.

Side effects other apps care about (``link_recorded``, ``persons_merged``, ``persons_unmerged``) are sent
only once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict, Unpack, overload

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, require, require_all
from tessera.access.scope import scope_of
from tessera.access.services import carry_restriction, restricted_among
from tessera.accounts.models import User
from tessera.audit.log import Act, record_access, record_acts
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


class _NewPersonArguments(TypedDict):
    """``create_person``'s arguments but the identity, named once for its three signatures."""

    district: District | None
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: NotRequired[str]
    action: NotRequired[AuditAction]
    details: NotRequired[Mapping[str, Any] | None]
    request: NotRequired[HttpRequest | None]


# With a new identity the person's source identity comes back; with none, None.
@overload
def create_person(
    actor: User, *, identity: NewIdentity, **person: Unpack[_NewPersonArguments]
) -> tuple[Person, SourceIdentity]: ...
@overload
def create_person(
    actor: User, *, identity: None, **person: Unpack[_NewPersonArguments]
) -> tuple[Person, None]: ...
@overload
def create_person(
    actor: User, *, identity: NewIdentity | None, **person: Unpack[_NewPersonArguments]
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


@dataclass(frozen=True)
class NewPerson:
    """One person of a batch for ``create_people``: the headline and the record that says who they are."""

    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str
    identity: NewIdentity
    details: Mapping[str, Any]


@transaction.atomic
def create_people(
    actor: User, *, district: District | None, people: Sequence[NewPerson], action: AuditAction
) -> list[SourceIdentity]:
    """``create_person`` for a batch (an import chunk's new records): the same rows and the same log rows,
    one per person naming its new source identity, written in a few INSERTs.

    Save signals are not sent: the match-key index is the caller's (``match_index.index_new_people``),
    built once the records' addresses are stored too. Callers have checked that ``actor`` may record the
    act. Returns the new source identities in order, each with its person attached.
    """
    if not people:
        return []
    entities = PoleEntity.objects.bulk_create([PoleEntity(kind=EntityKind.PERSON) for _ in people])
    persons = Person.objects.bulk_create(
        [
            Person(
                entity=entity,
                given_name=new.given_name,
                family_name=new.family_name,
                date_of_birth=new.date_of_birth,
                sex=new.sex,
                district=district,
                known_only_from_intelligence=new.identity.source_system == INTELLIGENCE_SOURCE_SYSTEM,
            )
            for entity, new in zip(entities, people, strict=True)
        ]
    )
    identities = SourceIdentity.objects.bulk_create(
        [
            SourceIdentity(
                person=person,
                agency=new.identity.agency,
                source_system=new.identity.source_system,
                source_record_id=new.identity.source_record_id,
                received_at=new.identity.received_at,
                district=district,
                **new.identity.fields,
            )
            for person, new in zip(persons, people, strict=True)
        ]
    )
    record_acts(
        actor=actor,
        acts=[
            Act(action, identity, dict(new.details), shown={"people.person": [identity.person_id]})
            for identity, new in zip(identities, people, strict=True)
        ],
    )
    return identities


def refresh_summary(person: Person) -> None:
    """Recompute the headline name, date of birth and sex from the person's source identities."""
    _summarise_into(person, list(SourceIdentity.objects.filter(person=person).select_related("agency")))


def _summarise_into(person: Person, identities: Sequence[SourceIdentity]) -> None:
    """Set the headline from these source identities (the person's own, with their agencies)."""
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


@dataclass(frozen=True)
class NewcomerMerge:
    """A merge of a person just created (``create_person``, ``create_people``) into someone else."""

    survivor: int
    absorbed: int  # a person with one source record and nothing else: no links, no restriction
    reason: str
    context: Mapping[str, Any]


@transaction.atomic
def merge_newcomers(user: User, merges: Sequence[NewcomerMerge]) -> list[PersonMerge]:
    """``merge_persons`` for merges of people who arrived in this transaction (matching on arrival), each
    into someone else, in order: the same rows, versions, match keys, log rows and ``persons_merged``
    signals, written together in a dozen queries whatever their number.

    A merge whose absorbed person holds more than one source record, or a link or a restriction, or is
    absorbed twice, is left to ``merge_persons``, in its place (the merges before it are written first).
    ``user`` must be allowed to merge every person (404 or 403 as ``merge_persons``).
    """
    fits = _newcomers_that_fit(merges)
    done: list[PersonMerge] = []
    together: list[NewcomerMerge] = []
    for n, merge in enumerate(merges):
        if n in fits:
            together.append(merge)
            continue
        done += _merge_together(user, together)
        together = []
        done.append(
            merge_persons(
                user,
                survivor=Person.objects.get(pk=merge.survivor),
                absorbed=Person.objects.get(pk=merge.absorbed),
                reason=merge.reason,
                context=merge.context,
            )
        )
    return done + _merge_together(user, together)


def _newcomers_that_fit(merges: Sequence[NewcomerMerge]) -> set[int]:
    """The merges (by their place) ``_merge_together`` may write: the absorbed person has one source record
    and nothing else, and takes no part in an earlier merge of these (absorbed, or surviving: a survivor
    absorbed afterwards has by then the records moved to it, which ``_merge_together``, moving only the one
    record each absorbed person started with, would leave behind); nor has the survivor been absorbed
    earlier (``merge_persons`` refuses that, in its place)."""
    absorbed = [m.absorbed for m in merges]
    records: dict[int, int] = {}
    for person in SourceIdentity.objects.filter(person_id__in=absorbed).values_list("person_id", flat=True):
        records[person] = records.get(person, 0) + 1
    person_of_entity = dict(Person.objects.filter(pk__in=absorbed).values_list("entity_id", "pk"))
    linked = {
        person_of_entity[entity]
        for pair in Link.objects.filter(
            Q(source_id__in=person_of_entity) | Q(target_id__in=person_of_entity)
        ).values_list("source_id", "target_id")
        for entity in pair
        if entity in person_of_entity
    }
    barred = linked | restricted_among(Person, absorbed)
    absorbed_before: set[int] = set()
    survived_before: set[int] = set()
    fits: set[int] = set()
    for n, merge in enumerate(merges):
        if (
            records.get(merge.absorbed) == 1
            and merge.absorbed not in barred | absorbed_before | survived_before
            and merge.survivor not in absorbed_before
        ):
            fits.add(n)
        absorbed_before.add(merge.absorbed)
        survived_before.add(merge.survivor)
    return fits


def _merge_together(user: User, merges: Sequence[NewcomerMerge]) -> list[PersonMerge]:
    """Write merges that fit (``_newcomers_that_fit``) together, as ``merge_persons`` would one by one."""
    if not merges:
        return []
    ids = sorted({m.survivor for m in merges} | {m.absorbed for m in merges})
    people = Person.objects.in_bulk(ids)
    require_all(user, Action.MERGE, [people[pk] for pk in ids])
    locked = dict(
        Person.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "merged_into_id")
    )
    if any(locked[pk] is not None for pk in ids):
        raise MergeRefusedError("One of these people has already been merged into another record")
    identity_of = dict(
        SourceIdentity.objects.filter(person_id__in=[m.absorbed for m in merges]).values_list(
            "person_id", "pk"
        )
    )
    _update_each(SourceIdentity, {identity_of[m.absorbed]: {"person_id": m.survivor} for m in merges})
    # Each merge counts once in each person's version, as one merge_persons after another would.
    times: dict[int, int] = {}
    for merge in merges:
        times[merge.survivor] = times.get(merge.survivor, 0) + 1
        times[merge.absorbed] = times.get(merge.absorbed, 0) + 1
        people[merge.absorbed].merged_into_id = merge.survivor
    identities: dict[int, list[SourceIdentity]] = {}
    for identity in SourceIdentity.objects.filter(person_id__in=ids).select_related("agency"):
        identities.setdefault(identity.person_id, []).append(identity)
    for pk in ids:
        _summarise_into(people[pk], identities.get(pk, []))
    _update_each(
        Person,
        {
            pk: {
                **{name: getattr(people[pk], name) for name in SUMMARY_FIELDS},
                "merged_into_id": people[pk].merged_into_id,
            }
            for pk in ids
        },
        add={"version": times},
    )
    rebuild_match_keys(ids)
    now = timezone.now()
    made = PersonMerge.objects.bulk_create(
        [
            PersonMerge(
                survivor_id=m.survivor,
                absorbed_id=m.absorbed,
                reason=m.reason,
                decided_by=user,
                decided_at=now,
                moved_identity_ids=[identity_of[m.absorbed]],
                moved_link_ids={"source": [], "target": []},
            )
            for m in merges
        ]
    )
    acts = []
    for merge, row in zip(merges, made, strict=True):
        details = {
            "merge": row.pk,
            "survivor": merge.survivor,
            "absorbed": merge.absorbed,
            "identities_moved": [identity_of[merge.absorbed]],
            **merge.context,
        }
        acts += [
            Act(AuditAction.COMBINE, people[pk], details, reason=merge.reason)
            for pk in (merge.survivor, merge.absorbed)
        ]
        transaction.on_commit(lambda row=row: persons_merged.send(sender=PersonMerge, merge=row, user=user))  # type: ignore[misc]
    record_acts(actor=user, acts=acts)
    return made


def _field(model: type[models.Model], name: str) -> tuple[models.Field[Any, Any], str]:
    """A concrete field of the model (a foreign key by its column's name too, "person_id") and its quoted
    column."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field, connection.ops.quote_name(field.column)


def _update_each(
    model: type[models.Model],
    values: Mapping[int, Mapping[str, Any]],
    *,
    add: Mapping[str, Mapping[int, int]] | None = None,
) -> None:
    """One UPDATE giving each row (by primary key) its own values, and adding to counters (``add``).

    What ``QuerySet.bulk_update`` writes, without building a Django expression per row and field (most
    of a chunk's merging time when it did). Every row has a value for every column in ``values``; a
    column's other rows keep theirs (the ELSE), which also gives PostgreSQL the column's type.
    """
    if not values:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    pk_column = quote(_field(model, meta.pk.name)[1])
    rows = list(values)
    sets: list[str] = []
    params: list[Any] = []
    for name in next(iter(values.values())):
        field, column = _field(model, name)
        whens = []
        for pk in rows:
            whens.append(f"WHEN {pk_column} = %s THEN %s")
            params += [pk, field.get_db_prep_save(values[pk][name], connection)]
        sets.append(f"{column} = CASE {' '.join(whens)} ELSE {column} END")
    for name, amounts in (add or {}).items():
        column = _field(model, name)[1]
        whens = []
        for pk in rows:
            whens.append(f"WHEN {pk_column} = %s THEN %s")
            params += [pk, amounts.get(pk, 0)]
        sets.append(f"{column} = {column} + CASE {' '.join(whens)} ELSE 0 END")
    placeholders = ", ".join(["%s"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {pk_column} IN ({placeholders})",  # noqa: S608 - names from the model, values as parameters
            [*params, *rows],
        )


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

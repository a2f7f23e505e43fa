"""Every write of the imports app: starting an import, taking rows, quarantining and correcting them.

Each function checks who is acting, runs in a transaction and writes its access-log row inside it, so an
imported record and the record of its import commit or roll back together.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, can, can_see, require, within_scope_without_grant
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.core.models import Agency, District
from tessera.imports.columns import ColumnProblem, check_choices, file_columns, unknown_columns
from tessera.imports.models import (
    ENDED_WITHOUT_IMPORTING,
    BatchStatus,
    ImportBatch,
    QuarantinedRow,
    RowStatus,
)
from tessera.imports.parsing import (
    FileProblemError,
    RawRow,
    content_hash,
    read_rows,
    row_fingerprint,
    storable_values,
)
from tessera.imports.profiles import PROFILES, MappingProfile
from tessera.imports.validation import CleanRecord, Outcome, validate
from tessera.jobs.queue import enqueue
from tessera.people.arrival import identities_arrived, identity_arrived
from tessera.people.match_index import identity_record_at, index_new_people
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Link,
    LinkKind,
    Location,
    LocationKind,
    Person,
    PoleEntity,
    SourceIdentity,
)
from tessera.people.place_index import rebuild_place_words
from tessera.people.pole_services import find_or_record_phone
from tessera.people.rules import may_record_links
from tessera.people.services import (
    NewIdentity,
    NewPerson,
    create_people,
    create_person,
    record_link,
    refresh_after_identity_change,
)
from tessera.people.signals import keys_kept_by_caller

JOB_KIND = "imports.import_file"

logger = logging.getLogger(__name__)


def may_import(user: User) -> bool:
    scope = scope_of(user)
    return may_record_links(scope) and bool(scope.district_ids)


def require_importer(user: User) -> None:
    if not may_import(user):
        raise PermissionDenied("Only CSE team members, supervisors and analysts import partner files")


@dataclass(frozen=True)
class Started:
    batch: ImportBatch
    # False when this exact file from this system was already received: nothing new happens.
    is_new: bool
    # Whether the user may open the batch: an earlier import of the same file may belong to a district
    # they do not work in, and then nothing about it (when, by whom, what it did) may be shown.
    may_open: bool = True


@transaction.atomic
def start_import(
    user: User,
    *,
    profile_code: str,
    agency: Agency,
    district: District | None,
    file_name: str,
    file_format: str,
    content: bytes,
    request: HttpRequest | None = None,
) -> Started:
    """Receive a file, unless the same file from the same system came before, and read its columns.

    A file that cannot be read is refused at once, with the reason. One that can waits for its columns to
    be checked (``begin_import``): nothing in it is taken until every column is accounted for.
    """
    require_importer(user)
    scope = scope_of(user)
    if district is None and not scope.force_wide:
        raise PermissionDenied("Only force-wide teams import files without a district")
    if district is not None and district.pk not in scope.district_ids:
        raise PermissionDenied("You can only import files for districts you work in")
    profile = PROFILES[profile_code]
    digest = content_hash(content)
    existing = (
        ImportBatch.objects.filter(agency=agency, source_system=profile.source_system, content_hash=digest)
        .exclude(status__in=ENDED_WITHOUT_IMPORTING)
        .first()
    )
    if existing is not None:
        return Started(existing, is_new=False, may_open=can_see(user, existing))
    columns, refusal = _read_columns(content, file_format, profile)
    batch = ImportBatch.objects.create(
        profile_code=profile.code,
        source_system=profile.source_system,
        agency=agency,
        district=district,
        file_name=file_name[:255],
        file_format=file_format,
        content_hash=digest,
        content=content,
        uploaded_by=user,
        status=BatchStatus.REFUSED if refusal else BatchStatus.CHECKING,
        refusal_reason=refusal[:300],
        file_columns=columns,
    )
    record_access(
        actor=user,
        action=AuditAction.IMPORT,
        target=batch,
        request=request,
        details={
            "file": batch.file_name,
            "sha256": digest,
            "source_system": profile.source_system,
            "agency": agency.code,
        },
    )
    return Started(batch, is_new=True)


UNREADABLE = (
    "The file could not be read as a CSV or JSON export. Check that it opens in a spreadsheet, save it as "
    "CSV UTF-8 and send it again"
)


def _read_columns(content: bytes, file_format: str, profile: MappingProfile) -> tuple[list[str], str]:
    """The file's columns, or why it cannot be imported at all."""
    try:
        rows = read_rows(content, file_format, profile)
    except FileProblemError as problem:
        return [], str(problem)
    except Exception:
        logger.exception("A %s file could not be read", profile.source_system)
        return [], UNREADABLE
    return file_columns(rows), ""


class ColumnsNotAccountedForError(ValueError):
    """Some of the file's columns have no choice yet (or a choice that cannot be), so nothing starts."""

    def __init__(self, problems: list[ColumnProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@transaction.atomic
def begin_import(
    user: User, batch: ImportBatch, choices: dict[str, str], *, request: HttpRequest | None = None
) -> ImportBatch:
    """Keep the importer's choice for each column the profile does not know, and queue the import.

    Refused with every unaccounted column (``ColumnsNotAccountedForError``) until each has a field or is
    ignored; nothing is taken from the file before then.
    """
    require(user, Action.CHANGE, batch)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.CHECKING:
        raise PermissionDenied("This file's import has already started")
    columns = list(batch.file_columns)
    problems = check_choices(columns, batch.base_profile, choices)
    if problems:
        raise ColumnsNotAccountedForError(problems)
    batch.column_choices = {
        column: choices[column] for column in unknown_columns(columns, batch.base_profile)
    }
    batch.columns_checked_by = user
    batch.columns_checked_at = timezone.now()
    batch.status = BatchStatus.QUEUED
    batch.job = enqueue(
        JOB_KIND, title=f"Import of {batch.file_name[:150]}", params={"batch_id": batch.pk}, created_by=user
    )
    batch.save(
        update_fields=[
            "column_choices",
            "columns_checked_by",
            "columns_checked_at",
            "status",
            "job",
            "updated_at",
        ]
    )
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=batch,
        request=request,
        details={"file": batch.file_name, "column_choices": batch.column_choices, "started": True},
    )
    return batch


def validate_file(rows: list[RawRow], batch: ImportBatch) -> list[Outcome]:
    """Validate every row in file order. Deterministic, so a resumed import sees the same outcomes."""
    today = timezone.localdate(batch.created_at)
    seen: dict[str, int] = {}
    outcomes = []
    for row in rows:
        outcome = validate(row.values, batch.profile, today=today, seen_ids=seen)
        if outcome.record is not None:
            seen[outcome.record.source_record_id] = row.number
        outcomes.append(outcome)
    return outcomes


@dataclass
class ChunkCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    already_quarantined: int = 0


def apply_chunk(
    batch: ImportBatch, rows: list[RawRow], outcomes: list[Outcome], *, deadline: float | None = None
) -> int:
    """Take the good rows and quarantine the bad ones, in order, stopping early once ``deadline``
    (a ``time.monotonic()`` value) has passed. Returns how many rows were dealt with. Safe to repeat:
    nothing is taken twice.

    The chunk's records new to Tessera are taken together (``take_new_records``), a run of them at a time
    between the rows that change a record already held, which are taken one by one (``take_record``) in
    their place: each record is matched as if the rows had arrived one after another."""
    counts = ChunkCounts()
    taken = 0
    held = _records_held(batch, outcomes)
    for run in _runs(list(zip(rows, outcomes, strict=True)), held):
        if len(run) == 1 or run[0][1].record is None or run[0][1].record.source_record_id in held:
            for row, outcome in run:
                _apply_row(batch, row, outcome, counts)
        else:
            take_new_records(
                [(outcome.record, _provenance(batch, row)) for row, outcome in run if outcome.record],
                agency=batch.agency,
                source_system=batch.source_system,
                district=batch.district,
                actor=batch.uploaded_by,
            )
            counts.created += len(run)
        taken += len(run)
        if deadline is not None and time.monotonic() >= deadline:
            break
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_count=F("created_count") + counts.created,
        updated_count=F("updated_count") + counts.updated,
        unchanged_count=F("unchanged_count") + counts.unchanged,
        quarantined_count=F("quarantined_count") + counts.quarantined,
        already_quarantined_count=F("already_quarantined_count") + counts.already_quarantined,
    )
    return taken


def _records_held(batch: ImportBatch, outcomes: list[Outcome]) -> set[str]:
    """The chunk's record IDs Tessera already holds from this system (rows that change a record)."""
    ids = [o.record.source_record_id for o in outcomes if o.record is not None]
    return set(
        SourceIdentity.objects.filter(
            agency=batch.agency, source_system=batch.source_system, source_record_id__in=ids
        ).values_list("source_record_id", flat=True)
    )


def _runs(rows: list[tuple[RawRow, Outcome]], held: set[str]) -> list[list[tuple[RawRow, Outcome]]]:
    """The chunk in order, as runs of consecutive rows of one kind: records new to Tessera (taken together),
    and each other row on its own (a bad row, a change to a record already held)."""
    runs: list[list[tuple[RawRow, Outcome]]] = []
    for row, outcome in rows:
        new = outcome.record is not None and outcome.record.source_record_id not in held
        if new and runs and _is_new_run(runs[-1], held):
            runs[-1].append((row, outcome))
        else:
            runs.append([(row, outcome)])
    return runs


def _is_new_run(run: list[tuple[RawRow, Outcome]], held: set[str]) -> bool:
    record = run[0][1].record
    return record is not None and record.source_record_id not in held


def _provenance(batch: ImportBatch, row: RawRow) -> dict[str, Any]:
    return {"batch": batch.pk, "file": batch.file_name, "row": row.number}


def _apply_row(batch: ImportBatch, row: RawRow, outcome: Outcome, counts: ChunkCounts) -> None:
    if outcome.record is None:
        if _quarantine(batch, row, outcome):
            counts.quarantined += 1
        else:
            counts.already_quarantined += 1
        return
    try:
        result, _ = take_record(
            outcome.record,
            agency=batch.agency,
            source_system=batch.source_system,
            district=batch.district,
            actor=batch.uploaded_by,
            provenance=_provenance(batch, row),
        )
    except RecordOutOfScopeError as refused:
        _quarantine_out_of_scope(batch, row, refused)
        counts.quarantined += 1
        return
    setattr(counts, result, getattr(counts, result) + 1)


def _quarantine(batch: ImportBatch, row: RawRow, outcome: Outcome) -> bool:
    """Keep a bad row with its reasons; False when an earlier file already put the same row (the same
    values from the same system) in quarantine and it is still waiting there."""
    fingerprint = row_fingerprint(row.values)
    waiting_already = (
        QuarantinedRow.objects.filter(
            fingerprint=fingerprint,
            status=RowStatus.WAITING,
            batch__agency=batch.agency,
            batch__source_system=batch.source_system,
        )
        .exclude(batch=batch)
        .exists()
    )
    if waiting_already:
        return False
    QuarantinedRow.objects.get_or_create(
        batch=batch,
        row_number=row.number,
        defaults={
            "raw": storable_values(row.values),
            "fingerprint": fingerprint,
            "reasons": [{"field": p.field, "message": p.message} for p in outcome.problems],
        },
    )
    return True


def _quarantine_out_of_scope(batch: ImportBatch, row: RawRow, refused: RecordOutOfScopeError) -> None:
    """Keep back a row whose record ID is already held for a person the uploader may not change.

    The reason names only the record ID the file itself gave: nothing about the person who holds it.
    """
    label = batch.profile.describe("source_record_id")
    message = (
        f"{label} '{refused.record_id}' is held in Tessera for a person outside your scope, so this row "
        "has not changed their record. Check the record ID with the partner, or set the row aside."
    )
    quarantined, created = QuarantinedRow.objects.get_or_create(
        batch=batch,
        row_number=row.number,
        defaults={
            "raw": storable_values(row.values),
            "fingerprint": row_fingerprint(row.values),
            "reasons": [{"field": "source_record_id", "message": message}],
        },
    )
    if created:
        record_access(
            actor=batch.uploaded_by,
            action=AuditAction.IMPORT,
            target=quarantined,
            details={
                "batch": batch.pk,
                "file": batch.file_name,
                "row": row.number,
                "source_record_id": refused.record_id,
                "refused": "record held for a person outside the uploader's scope",
            },
        )


class RecordOutOfScopeError(PermissionError):
    """The record ID is already held for a person the importer may not see or change."""

    def __init__(self, record_id: str) -> None:
        super().__init__(record_id)
        self.record_id = record_id


def may_update_through_import(actor: User, person: Person) -> bool:
    """Whether an import by ``actor`` may change what Tessera holds about ``person``.

    The person must be in the actor's ordinary scope (not only open to them through emergency access,
    which is for reading in an emergency, and not restricted to others) and the actor must be allowed
    to change them.
    """
    return within_scope_without_grant(actor, person) and can(actor, Action.CHANGE, person)


def take_record(
    record: CleanRecord,
    *,
    agency: Agency,
    source_system: str,
    district: District | None,
    actor: User,
    provenance: dict[str, Any],
    request: HttpRequest | None = None,
) -> tuple[str, SourceIdentity]:
    """Create or update the source identity for one valid record: 'created', 'updated' or 'unchanged'.

    A new identity starts as a person of its own and is matched at once (``people.arrival``): a certain
    match joins someone already known, a possible one goes to the review queue. An existing identity is
    changed only if ``actor`` may change its person (``may_update_through_import``); otherwise
    ``RecordOutOfScopeError`` is raised before anything is compared or written. When a change alters the
    person's headline name, date of birth or sex, the person is refreshed with a new version and field
    history; a changed identity is matched again.
    """
    source = {"source_system": source_system, "agency": agency.code, **provenance}
    existing = (
        SourceIdentity.objects.select_for_update()
        .filter(agency=agency, source_system=source_system, source_record_id=record.source_record_id)
        .first()
    )
    if existing is None:
        # The person's match keys are built once, from the record and the place its address joined,
        # rather than rebuilt by the save of each.
        with keys_kept_by_caller():
            identity, place = _create_identity(
                record, agency, source_system, district, actor, source, request
            )
        index_new_people([(identity.person_id, identity_record_at(identity, place))])
        _add_phone_if_new(identity, record, actor=actor, request=request)
        identity_arrived(identity, actor=actor)
        return "created", identity
    if not may_update_through_import(actor, existing.person):
        raise RecordOutOfScopeError(record.source_record_id)
    changed = [name for name, value in record.identity_fields().items() if getattr(existing, name) != value]
    for name in changed:
        setattr(existing, name, record.identity_fields()[name])
    address_changed = record.has_address and _add_address_if_new(existing, record) is not None
    phone_added = _add_phone_if_new(existing, record, actor=actor, request=request)
    if not changed and not address_changed and not phone_added:
        return "unchanged", existing
    if changed:
        existing.received_at = timezone.now()
        existing.save(update_fields=[*changed, "received_at", "updated_at"])
    record_access(
        actor=actor,
        action=AuditAction.CHANGE,
        target=existing,
        request=request,
        details={
            **source,
            "changed": changed
            + (["address"] if address_changed else [])
            + (["phone"] if phone_added else []),
        },
    )
    if changed:
        refresh_after_identity_change(
            existing.person,
            actor=actor,
            request=request,
            reason=f"{source_system} record {record.source_record_id} changed by an import",
        )
    identity_arrived(existing, actor=actor)
    return "updated", existing


def take_new_records(
    records: Sequence[tuple[CleanRecord, dict[str, Any]]],
    *,
    agency: Agency,
    source_system: str,
    district: District | None,
    actor: User,
) -> list[SourceIdentity]:
    """``take_record`` for records Tessera does not hold yet (each with its provenance), taken together:
    the people, records, addresses and their log rows written in a few INSERTs, each person's match keys
    built once, and the records matched on arrival as a chunk (``people.arrival.identities_arrived``), in
    order, with the decisions one at a time would give. The caller has checked that none is held already
    (the partner's record ID is unique per system, so a record held after all fails the chunk whole)."""
    if not records:
        return []
    now = timezone.now()
    identities = create_people(
        actor,
        district=district,
        people=[
            NewPerson(
                given_name=record.given_name,
                family_name=record.family_name,
                date_of_birth=record.date_of_birth,
                sex=record.sex,
                identity=NewIdentity(
                    agency=agency,
                    source_system=source_system,
                    source_record_id=record.source_record_id,
                    received_at=now,
                    fields=record.identity_fields(),
                ),
                details={"source_system": source_system, "agency": agency.code, **provenance},
            )
            for record, provenance in records
        ],
        action=AuditAction.IMPORT,
    )
    places = _add_addresses(identities, [record for record, _ in records], district)
    index_new_people(
        (identity.person_id, identity_record_at(identity, place))
        for identity, place in zip(identities, places, strict=True)
    )
    for identity, (record, _) in zip(identities, records, strict=True):
        _add_phone_if_new(identity, record, actor=actor, request=None)
    identities_arrived(identities, actor=actor)
    return identities


def _add_addresses(
    identities: Sequence[SourceIdentity], records: Sequence[CleanRecord], district: District | None
) -> list[Location | None]:
    """``_add_address_if_new`` for new records: one Location per real address, found or made for all (made
    from the first record at it, as one record after another would). Returns each record's place."""
    wanted: dict[tuple[str, str], CleanRecord] = {}
    for record in records:
        if record.has_address:
            wanted.setdefault((record.postcode, record.address_line_1), record)
    if not wanted:
        return [None for _ in records]
    found: dict[tuple[str, str], Location] = {}
    for location in (
        Location.objects.filter(
            kind=LocationKind.HOME,
            postcode__in={postcode for postcode, _ in wanted},
            address_line_1__in={line_1 for _, line_1 in wanted},
        )
        .order_by("pk")
        .only("pk", "postcode", "address_line_1", "town")
    ):
        found.setdefault((location.postcode, location.address_line_1), location)
    missing = [address for address in wanted if address not in found]
    if missing:
        entities = PoleEntity.objects.bulk_create([PoleEntity(kind=EntityKind.LOCATION) for _ in missing])
        made = Location.objects.bulk_create(
            [
                Location(
                    entity=entity,
                    kind=LocationKind.HOME,
                    district=district,
                    **wanted[address].address_fields(),
                )
                for entity, address in zip(entities, missing, strict=True)
            ]
        )
        found.update(zip(missing, made, strict=True))
        rebuild_place_words(location.pk for location in made)
    places = [found[(r.postcode, r.address_line_1)] if r.has_address else None for r in records]
    today = timezone.localdate()
    IdentityAddress.objects.bulk_create(
        IdentityAddress(identity=identity, location=place, from_date=today)
        for identity, place in zip(identities, places, strict=True)
        if place is not None
    )
    return places


def _create_identity(
    record: CleanRecord,
    agency: Agency,
    source_system: str,
    district: District | None,
    actor: User,
    source: dict[str, Any],
    request: HttpRequest | None,
) -> tuple[SourceIdentity, Location | None]:
    """A new person from a partner's record (logged as IMPORT, naming the identity), with its address and
    the place that address is stored as (None without one)."""
    _person, identity = create_person(
        actor,
        district=district,
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=record.date_of_birth,
        sex=record.sex,
        identity=NewIdentity(
            agency=agency,
            source_system=source_system,
            source_record_id=record.source_record_id,
            received_at=timezone.now(),
            fields=record.identity_fields(),
        ),
        action=AuditAction.IMPORT,
        details=source,
        request=request,
    )
    return identity, _add_address_if_new(identity, record) if record.has_address else None


def _add_address_if_new(identity: SourceIdentity, record: CleanRecord) -> Location | None:
    """The record's address as one of the identity's, at the one Location of that address (found or made);
    returns that Location, or None when the identity has the address already."""
    line_1, postcode = record.address_line_1, record.postcode
    if identity.addresses.filter(location__address_line_1=line_1, location__postcode=postcode).exists():
        return None
    # One Location per real address, so everyone a partner records at it is linked to the same place.
    location = Location.objects.filter(
        kind=LocationKind.HOME, postcode=postcode, address_line_1=line_1
    ).first()
    if location is None:
        location = Location.objects.create(
            entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
            kind=LocationKind.HOME,
            district=identity.district,
            **record.address_fields(),
        )
    IdentityAddress.objects.create(identity=identity, location=location, from_date=timezone.localdate())
    return location


def _add_phone_if_new(
    identity: SourceIdentity, record: CleanRecord, *, actor: User, request: HttpRequest | None
) -> bool:
    """The record's phone as POLE keeps phones: one ``Phone`` per number (``find_or_record_phone``), the
    person linked to it ("uses phone") with this record as the link's source. False when there is no phone
    or this record already gave it (so a file sent again adds nothing)."""
    if not record.phone:
        return False
    phone = find_or_record_phone(actor, number=record.phone, request=request).thing
    already = Link.objects.filter(
        target=phone.entity,
        kind=LinkKind.USES_PHONE,
        agency=identity.agency,
        source_system=identity.source_system,
        source_record_id=identity.source_record_id,
    ).exists()
    if already:
        return False
    record_link(
        actor,
        source=identity.person,
        target=phone,
        kind=LinkKind.USES_PHONE,
        agency=identity.agency,
        started_on=timezone.localdate(),
        source_system=identity.source_system,
        source_record_id=identity.source_record_id,
        request=request,
    )
    return True


def finish_batch(batch: ImportBatch, total_rows: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FINISHED, total_rows=total_rows)


def refuse_batch(batch: ImportBatch, reason: str) -> None:
    """The file itself cannot be imported: nothing in it was taken."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.REFUSED, refusal_reason=reason[:300])


def fail_batch(batch: ImportBatch, reason: str) -> None:
    """The import stopped for a reason that is not the file's; rows taken before it stay taken, and the
    same file can be sent again."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, refusal_reason=reason[:300])


@transaction.atomic
def resubmit_row(
    user: User, row: QuarantinedRow, record: CleanRecord, *, request: HttpRequest | None = None
) -> SourceIdentity:
    """Import a corrected quarantined row. The correction and who made it are kept with the row."""
    require(user, Action.CHANGE, row.batch)
    row = QuarantinedRow.objects.select_for_update().get(pk=row.pk)
    if row.status != RowStatus.WAITING:
        raise PermissionDenied("This row has already been dealt with")
    batch = row.batch
    clash = (
        SourceIdentity.objects.filter(
            agency=batch.agency, source_system=batch.source_system, source_record_id=record.source_record_id
        )
        .select_related("person")
        .first()
    )
    if clash is not None:
        raise RecordIdTakenError(
            record.source_record_id, batch.source_system, visible=can_see(user, clash.person)
        )
    _, identity = take_record(
        record,
        agency=batch.agency,
        source_system=batch.source_system,
        district=batch.district,
        actor=user,
        provenance={"batch": batch.pk, "file": batch.file_name, "row": row.row_number, "corrected": True},
        request=request,
    )
    row.status = RowStatus.RESUBMITTED
    row.corrected = _jsonable(record)
    row.identity = identity
    row.resolved_by = user
    row.resolved_at = timezone.now()
    row.save()
    return identity


class RecordIdTakenError(ValueError):
    """A corrected row gave a record ID Tessera already holds.

    Its message says only what the user may know: that the ID is in Tessera when they can see the
    person who holds it, and otherwise only that it is held for someone outside their scope.
    """

    def __init__(self, record_id: str, source_system: str, *, visible: bool) -> None:
        super().__init__(record_id)
        self.record_id = record_id
        self.source_system = source_system
        self.visible = visible

    @property
    def message(self) -> str:
        if self.visible:
            return (
                f"{self.source_system} record {self.record_id} is already in Tessera: "
                "correct the record ID, or set this row aside"
            )
        return (
            f"{self.source_system} record {self.record_id} is held in Tessera for a person outside your "
            "scope: check the record ID with the partner, or set this row aside"
        )


@transaction.atomic
def set_aside_row(user: User, row: QuarantinedRow, note: str, *, request: HttpRequest | None = None) -> None:
    """Decide a quarantined row will not be imported (a test record, a duplicate). Kept, never deleted."""
    require(user, Action.CHANGE, row.batch)
    row = QuarantinedRow.objects.select_for_update().get(pk=row.pk)
    if row.status != RowStatus.WAITING:
        raise PermissionDenied("This row has already been dealt with")
    row.status = RowStatus.SET_ASIDE
    row.resolution_note = note
    row.resolved_by = user
    row.resolved_at = timezone.now()
    row.save()
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=row,
        request=request,
        reason=note,
        details={"batch": row.batch_id, "row": row.row_number, "set_aside": True},
    )


def _jsonable(record: CleanRecord) -> dict[str, Any]:
    data = dict(vars(record))
    if isinstance(data.get("date_of_birth"), datetime.date):
        data["date_of_birth"] = data["date_of_birth"].isoformat()
    return data

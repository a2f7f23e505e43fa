"""Combining two person records into one, and undoing it: recorded, reversible, audited.

A merge moves the absorbed person's source identities to the survivor and marks the absorbed person as
merged into it (nothing is deleted); the ``PersonMerge`` row remembers exactly what moved, so an unmerge
puts back exactly that. Both write the access log (COMBINE, SEPARATE) in the same transaction.

These work on the people app's models without changing them. When the people app offers its own
``merge_persons`` / ``unmerge_persons`` services, linkage should call those instead (one way to merge).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.people.models import Person, PersonMerge, SourceIdentity


class MergeRefusedError(ValueError):
    pass


@transaction.atomic
def merge(
    survivor: Person,
    absorbed: Person,
    *,
    actor: Any,
    reason: str,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> PersonMerge:
    """Merge ``absorbed`` into ``survivor``. The caller has checked the actor may do this."""
    survivor, absorbed = (
        Person.objects.select_for_update().get(pk=survivor.pk),
        Person.objects.select_for_update().get(pk=absorbed.pk),
    )
    if survivor.pk == absorbed.pk:
        raise MergeRefusedError("A person cannot be merged with themselves")
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise MergeRefusedError("One of these records has already been merged into another")
    moved = list(SourceIdentity.objects.filter(person=absorbed).values_list("pk", flat=True))
    SourceIdentity.objects.filter(pk__in=moved).update(person=survivor)
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into", "updated_at"])
    if survivor.district_id is None and absorbed.district_id is not None:
        survivor.district_id = absorbed.district_id
        survivor.save(update_fields=["district", "updated_at"])
    decision = PersonMerge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
        moved_identity_ids=moved,
    )
    record_access(
        actor=actor,
        action=AuditAction.COMBINE,
        target=survivor,
        reason=reason,
        request=request,
        details={
            "absorbed_person": absorbed.pk,
            "merge": decision.pk,
            "moved_identities": moved,
            **(details or {}),
        },
    )
    return decision


@transaction.atomic
def unmerge(decision: PersonMerge, *, actor: Any, reason: str, request: HttpRequest | None = None) -> Person:
    """Undo a merge: the identities it moved go back to the absorbed person, who stands alone again."""
    decision = PersonMerge.objects.select_for_update().get(pk=decision.pk)
    if decision.undone_at is not None:
        raise MergeRefusedError("This merge has already been undone")
    absorbed = Person.objects.select_for_update().get(pk=decision.absorbed_id)
    SourceIdentity.objects.filter(pk__in=decision.moved_identity_ids).update(person=absorbed)
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into", "updated_at"])
    decision.undone_at = timezone.now()
    decision.undone_by = actor
    decision.undo_reason = reason
    decision.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    record_access(
        actor=actor,
        action=AuditAction.SEPARATE,
        target=decision.survivor,
        reason=reason,
        request=request,
        details={
            "restored_person": absorbed.pk,
            "merge": decision.pk,
            "moved_identities": decision.moved_identity_ids,
        },
    )
    return absorbed

"""Writes to instrument versions: installing the first, drafting by one manager, approving by another."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.risk.instrument import InstrumentDefinition, problems_with, to_json
from tessera.risk.models import CalibrationStudy, InstrumentVersion, VersionOrigin, VersionStatus
from tessera.risk.rules import may_manage_instrument


def _next_number() -> int:
    return (InstrumentVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1


@transaction.atomic
def install_reference_version(
    definition: InstrumentDefinition, *, summary: str, when: Any = None
) -> InstrumentVersion:
    """Put a first version in force where none exists (installation set-up and synthetic worlds).

    Refused once any version exists: every later version goes through draft and approval.
    """
    if InstrumentVersion.objects.exists():
        raise PermissionDenied("An instrument is already installed; draft a new version instead")
    problems = problems_with(definition)
    if problems:
        raise ValidationError(problems)
    when = when or timezone.now()
    version = InstrumentVersion.objects.create(
        number=1,
        title=definition.title,
        definition=to_json(definition),
        status=VersionStatus.IN_FORCE,
        origin=VersionOrigin.REFERENCE,
        change_summary=summary,
        drafted_at=when,
        decided_at=when,
        decision_note="Installed as reference data",
    )
    record_access(actor=None, action=AuditAction.CREATE, target=version, details={"installed": True})
    return version


@transaction.atomic
def draft_version(
    user: User,
    definition: InstrumentDefinition,
    *,
    change_summary: str,
    study: CalibrationStudy | None = None,
    request: HttpRequest | None = None,
) -> InstrumentVersion:
    if not may_manage_instrument(scope_of(user)):
        raise PermissionDenied("Only an authorised manager can draft an instrument version")
    problems = problems_with(definition)
    if problems:
        raise ValidationError(problems)
    version = InstrumentVersion.objects.create(
        number=_next_number(),
        title=definition.title,
        definition=to_json(definition),
        origin=VersionOrigin.CALIBRATION if study else VersionOrigin.DRAFTED,
        change_summary=change_summary,
        drafted_by=user,
        drafted_at=timezone.now(),
        study=study,
    )
    record_access(
        actor=user,
        action=AuditAction.CREATE,
        target=version,
        request=request,
        details={"number": version.number},
    )
    return version


@transaction.atomic
def decide_version(
    user: User, version: InstrumentVersion, *, approve: bool, note: str, request: HttpRequest | None = None
) -> InstrumentVersion:
    """A second manager approves (putting it in force) or withdraws a draft."""
    if not may_manage_instrument(scope_of(user)):
        raise PermissionDenied("Only an authorised manager can approve an instrument version")
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError({"decision": "This version has already been decided"})
    if version.drafted_by_id == user.pk:
        # Withdrawing is a decision too: the database holds every decision to a second manager, so a
        # drafter's withdrawal was refused there as a server error (found by tests/guards, issue 17).
        verb = "approve" if approve else "withdraw"
        raise ValidationError(
            {"decision": f"A second manager must decide: you drafted this version, so you cannot {verb} it"}
        )
    now = timezone.now()
    if approve:
        InstrumentVersion.objects.filter(status=VersionStatus.IN_FORCE).update(
            status=VersionStatus.SUPERSEDED
        )
    version.status = VersionStatus.IN_FORCE if approve else VersionStatus.WITHDRAWN
    version.decided_by = user
    version.decided_at = now
    version.decision_note = note
    version.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=version,
        reason=note,
        request=request,
        details={"decision": "approved" if approve else "withdrawn"},
    )
    return version

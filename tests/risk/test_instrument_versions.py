"""Instrument versions: drafted by one manager, approved by another; assessments keep their version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tessera.audit.models import AccessLog, AuditAction
from tessera.risk import version_services
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.instrument import Bands, InstrumentDefinition, Level
from tessera.risk.models import InstrumentVersion, VersionStatus
from tessera.risk.selectors import result_of
from tests.risk.world import assess, complete


def harsher(title: str = "Harsher") -> InstrumentDefinition:
    base = seraf_style_default()
    weights = {i.code: (i.current * 3, i.older * 3) for i in base.indicators}
    return base.with_weights(weights, Bands(2, 3, 4), title)


def test_a_second_manager_must_approve_a_draft(cast, version, supervisor2):
    drafter = cast["supervisor.rotherham"]
    draft = version_services.draft_version(drafter, harsher(), change_summary="Raise every indicator")
    assert draft.status == VersionStatus.DRAFT
    with pytest.raises(ValidationError, match="second manager"):
        version_services.decide_version(drafter, draft, approve=True, note="My own work")
    version_services.decide_version(supervisor2, draft, approve=True, note="Agreed at the CSE sub-group")
    draft.refresh_from_db()
    version.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE
    assert version.status == VersionStatus.SUPERSEDED
    assert AccessLog.objects.filter(target_type="risk.instrumentversion", action=AuditAction.CHANGE).exists()


def test_the_database_refuses_a_version_approved_by_its_drafter(cast, version):
    draft = version_services.draft_version(cast["supervisor.rotherham"], harsher(), change_summary="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        InstrumentVersion.objects.filter(pk=draft.pk).update(decided_by=cast["supervisor.rotherham"])


def test_only_managers_draft_versions(cast, version):
    with pytest.raises(PermissionDenied):
        version_services.draft_version(cast["cse.rotherham"], harsher(), change_summary="x")


def test_a_version_without_hard_rules_cannot_be_drafted(cast, version):
    broken = harsher()
    broken = InstrumentDefinition(
        title="No rules", indicators=broken.indicators, bands=broken.bands, hard_rules=()
    )
    with pytest.raises(ValidationError, match="hard rules"):
        version_services.draft_version(cast["supervisor.rotherham"], broken, change_summary="x")


def test_old_assessments_keep_and_re_render_with_their_own_version(
    cast, rotherham_child, version, supervisor2
):
    officer = cast["cse.rotherham"]
    old = complete(officer, assess(officer, rotherham_child, [("staying_out_late", 10)]))
    assert old.instrument_version == version
    assert old.computed_level == Level.NOT_AT_RISK
    in_progress = assess(officer, rotherham_child, [("staying_out_late", 10)])

    draft = version_services.draft_version(
        cast["supervisor.rotherham"], harsher(), change_summary="Raise every indicator"
    )
    version_services.decide_version(supervisor2, draft, approve=True, note="Agreed")

    new = assess(officer, rotherham_child, [("staying_out_late", 10)])
    assert new.instrument_version == draft
    assert result_of(new).level == Level.MODERATE
    # The old ones still compute, and show, with version 1.
    old.refresh_from_db()
    assert old.instrument_version == version
    assert result_of(old).level == Level.NOT_AT_RISK
    assert result_of(in_progress).level == Level.NOT_AT_RISK
    completed = complete(officer, in_progress)
    assert completed.computed_level == Level.NOT_AT_RISK

    client = __import__("tests.conftest", fromlist=["verified_client"]).verified_client(officer)
    page = client.get(f"/risk/assessments/{old.pk}/").content.decode()
    assert "Version 1:" in page
    assert "Not at risk" in page

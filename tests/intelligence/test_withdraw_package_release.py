"""Withdrawing a package's release withdraws the releases of its reports made with it: partners lose
sight of all of it at once, and of the people only those releases named (issue 18, item 2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tessera.audit.models import AccessLog, AuditAction
from tessera.intelligence.models import PartnerRelease
from tessera.intelligence.services import withdraw_release
from tests.intelligence.world import build_intel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, sheffield_child):
    return build_intel_world(cast, sheffield_child)


def test_a_sheffield_social_worker_loses_the_package_its_reports_and_who_they_name(world, cast, client_for):
    social_worker = client_for("sw.sheffield")
    parts = list(PartnerRelease.objects.filter(released_with=world.release).order_by("pk"))
    assert len(parts) == 2
    pages = [f"/intelligence/releases/{r.pk}/" for r in (world.release, *parts)]
    assert [social_worker.get(page).status_code for page in pages] == [200, 200, 200]
    assert social_worker.get(f"/people/{world.suspect.pk}/").status_code == 200

    withdraw_release(cast["analyst"], world.release, reason="The source has been compromised.")

    assert [social_worker.get(page).status_code for page in pages] == [404, 404, 404]
    # Kaz Mahmood is known only from intelligence: named by a withdrawn release, hidden again.
    assert social_worker.get(f"/people/{world.suspect.pk}/").status_code == 404
    assert "REL-" not in social_worker.get("/intelligence/").content.decode()
    for part in parts:
        part.refresh_from_db()
        assert part.withdrawn_by == cast["analyst"]
        assert (
            part.withdrawn_reason
            == f"Withdrawn with {world.release.reference}: The source has been compromised."
        )
    logged = AccessLog.objects.filter(action=AuditAction.CHANGE, target_type="intelligence.partnerrelease")
    assert {int(row.target_id) for row in logged} == {world.release.pk, *(p.pk for p in parts)}
    # Nothing is deleted: every release is still on record.
    assert PartnerRelease.objects.filter(pk__in=[world.release.pk, *(p.pk for p in parts)]).count() == 3


def test_the_analyst_still_reads_the_withdrawn_release_with_its_reason(world, cast, client_for):
    withdraw_release(cast["analyst"], world.release, reason="The source has been compromised.")
    page = client_for("analyst").get(f"/intelligence/releases/{world.release.pk}/")
    assert page.status_code == 200
    assert "The source has been compromised." in page.content.decode()


def test_a_withdrawn_release_is_not_withdrawn_twice_and_a_reader_cannot_withdraw(world, cast):
    with pytest.raises(PermissionDenied):
        withdraw_release(cast["sw.sheffield"], world.release, reason="Not mine to withdraw")
    withdraw_release(cast["analyst"], world.release, reason="Compromised")
    with pytest.raises(ValidationError):
        withdraw_release(cast["analyst"], world.release, reason="Again")

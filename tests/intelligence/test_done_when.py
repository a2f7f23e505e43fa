"""Issue 18's first "done when": a police analyst builds a package from three reports and releases a
sanitised version that a Sheffield social worker can read and a hotel reporter cannot; an outsider gets
404 on each report. Through the pages, as each member of the cast."""

from __future__ import annotations

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.intelligence.models import PartnerRelease, ReleaseOutcome
from tests.intelligence.world import build_intel_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, sheffield_child):
    return build_intel_world(cast, sheffield_child)


def test_the_analyst_builds_the_package_and_its_release_is_recorded_with_reasons(world):
    assert [item.report_id for item in world.package.items.all()] == [r.pk for r in world.reports]
    decisions = PartnerRelease.objects.filter(report__in=world.reports).order_by("report_id")
    assert [(d.report_id, d.outcome) for d in decisions] == [
        (world.reports[0].pk, ReleaseOutcome.RELEASED),
        (world.reports[1].pk, ReleaseOutcome.RELEASED),
        (world.reports[2].pk, ReleaseOutcome.REFUSED),
    ]
    assert all(d.reason for d in decisions)
    assert "identify the friend" in decisions[2].reason
    disclosed = AccessLog.objects.filter(action=AuditAction.DISCLOSE).count()
    assert disclosed == 3  # the package's release and the two reports released with it


def test_a_sheffield_social_worker_reads_the_sanitised_release_and_nothing_more(world, client_for):
    social_worker = client_for("sw.sheffield")
    page = social_worker.get(f"/intelligence/releases/{world.release.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "may be at risk from an older male" in text
    assert "Ellie has been seen getting into a car" in text
    assert "not to be shared with the family" in text
    # Not the report's own words, nor the withheld report.
    assert "YK62" not in text
    assert "Source is a member of school staff" not in text
    assert "phone credit" not in text
    # The person the release names is now visible to her; the car it did not name is not.
    assert social_worker.get(f"/people/{world.suspect.pk}/").status_code == 200
    assert social_worker.get(f"/people/vehicles/{world.car.pk}/").status_code == 404
    viewed = AccessLog.objects.filter(
        action=AuditAction.VIEW, target_type="intelligence.partnerrelease", actor__username="sw.sheffield"
    )
    assert viewed.count() == 1
    assert social_worker.get(f"/intelligence/releases/{world.release.pk}/pdf/").status_code == 200


def test_a_hotel_reporter_cannot_read_the_release(world, client_for):
    hotel = client_for("hotel.sheffield")
    assert hotel.get(f"/intelligence/releases/{world.release.pk}/").status_code == 404
    assert hotel.get(f"/intelligence/releases/{world.release.pk}/pdf/").status_code == 404
    assert hotel.get("/intelligence/").status_code == 403


@pytest.mark.parametrize(
    "outsider", ["sw.sheffield", "hotel.sheffield", "officer.rotherham", "mpc.doncaster"]
)
def test_an_outsider_gets_404_on_each_report(world, client_for, outsider):
    client = client_for(outsider)
    for report in world.reports:
        assert client.get(f"/intelligence/reports/{report.pk}/").status_code == 404
    assert client.get(f"/intelligence/packages/{world.package.pk}/").status_code == 404
    assert client.get(f"/intelligence/packages/{world.package.pk}/pdf/").status_code == 404
    refused = AccessLog.objects.filter(action=AuditAction.REFUSED, actor__username=outsider)
    assert refused.count() >= len(world.reports)


def test_the_analyst_sees_each_report_and_every_view_is_logged(world, client_for):
    analyst = client_for("analyst")
    for report in world.reports:
        page = analyst.get(f"/intelligence/reports/{report.pk}/")
        assert page.status_code == 200
        assert report.text[:30] in page.content.decode()
    logged = AccessLog.objects.filter(
        action=AuditAction.VIEW, target_type="intelligence.intelligencereport", actor__username="analyst"
    )
    assert {int(row.target_id) for row in logged} == {r.pk for r in world.reports}


def test_the_package_pdf_is_logged_as_an_export(world, client_for):
    response = client_for("analyst").get(f"/intelligence/packages/{world.package.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    exported = AccessLog.objects.get(
        action=AuditAction.EXPORT, target_type="intelligence.intelligencepackage"
    )
    assert exported.details["reports"] == [r.pk for r in world.reports]

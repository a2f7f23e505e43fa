"""Problem profiles through the pages: counted from reports, crimes and partner reports in the district
and period, refreshed, recommendations kept (stale saves refused), PDF and CSV exports logged, and 404 for
anyone who does not see police intelligence."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import Agency, District
from tessera.intelligence.grading import Grade
from tessera.intelligence.models import ProblemProfile
from tessera.intelligence.profiles import create_profile
from tessera.intelligence.services import add_subject, submit_intelligence
from tests.intelligence.world import build_intel_world, profile_sources

pytestmark = pytest.mark.django_db

SATURDAY = date(2025, 10, 4)


@pytest.fixture
def profiled(cast, sheffield_child):
    world = build_intel_world(cast, sheffield_child)
    hotel = profile_sources(cast, world, SATURDAY)
    profile = create_profile(
        cast["analyst"],
        district=District.objects.get(code="sheffield"),
        period_start=date(2025, 9, 1),
        period_end=date(2025, 12, 31),
        title="Sheffield, autumn 2025",
    )
    return world, profile, hotel


def test_the_profile_counts_each_source_and_ranks_the_hotel_and_the_suspect(profiled):
    world, profile, hotel = profiled
    figures = profile.figures
    assert figures["sources"] == {"report": 3, "crime": 1, "partner": 1}
    assert figures["hotspots"][0]["key"] == hotel.entity_id
    assert figures["hotspots"][0]["count"] == 3  # a report, the crime, the partner report
    assert figures["people"][0]["key"] == world.suspect.entity_id
    assert figures["vehicles"][0]["key"] == world.car.entity_id
    assert figures["partners"] == {"hotel": 1}
    assert figures["matrix"][5][1] == 1  # Saturday 4 October 2025, 01:30
    assert figures["matrix"][5][23] == 1  # the crime, 23:15 the same Saturday
    assert sum(n for _q, _r, n in figures["hexes"]) == 3
    assert sum(figures["hour_not_known"]) == 3  # the analyst's reports give the day only


def test_the_analyst_sees_the_map_matrix_and_rankings_and_the_view_is_logged(profiled, client_for):
    world, profile, _hotel = profiled
    page = client_for("analyst").get(f"/intelligence/profiles/{profile.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="profile-hex-map"' in text
    assert 'id="profile-matrix"' in text
    assert "Station Hotel" in text
    assert "Kaz Mahmood" in text
    assert "YK62ABC" in text or "YK62 ABC" in text
    viewed = AccessLog.objects.get(
        action=AuditAction.VIEW, target_type="intelligence.problemprofile", target_id=str(profile.pk)
    )
    shown = set(viewed.records_shown.filter(target_type="people.person").values_list("target_id", flat=True))
    assert str(world.suspect.pk) in shown


def test_refreshing_counts_what_was_recorded_since(profiled, client_for, cast):
    _world, profile, hotel = profiled
    report = submit_intelligence(
        cast["analyst"],
        text="Kaz seen at the Station Hotel again.",
        district=District.objects.get(code="sheffield"),
        occurred_on=date(2025, 11, 2),
        grade=Grade("2", "B", "P"),
    )
    add_subject(cast["analyst"], report, thing=hotel)
    assert client_for("analyst").post(f"/intelligence/profiles/{profile.pk}/refresh/").status_code == 302
    profile.refresh_from_db()
    assert profile.figures["hotspots"][0]["count"] == 4
    assert (
        AccessLog.objects.filter(
            action=AuditAction.CHANGE, target_type="intelligence.problemprofile", details__refreshed=True
        ).count()
        == 2
    )


def test_recommendations_are_kept_and_a_stale_save_is_refused_keeping_the_text(profiled, client_for):
    _world, profile, _hotel = profiled
    analyst = client_for("analyst")
    url = f"/intelligence/profiles/{profile.pk}/recommendations/"
    ok = analyst.post(url, {"version": profile.version, "recommendations": "Visit the Station Hotel."})
    assert ok.status_code == 302
    profile.refresh_from_db()
    assert profile.recommendations == "Visit the Station Hotel."
    stale = analyst.post(url, {"version": profile.version - 1, "recommendations": "Disrupt the taxi firm."})
    assert stale.status_code == 200
    assert "Your recommendations have not been saved" in stale.content.decode()
    assert "Disrupt the taxi firm." in stale.content.decode()
    profile.refresh_from_db()
    assert profile.recommendations == "Visit the Station Hotel."


def test_pdf_and_csv_exports_are_logged(profiled, client_for):
    _world, profile, _hotel = profiled
    analyst = client_for("analyst")
    pdf = analyst.get(f"/intelligence/profiles/{profile.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    exported = analyst.get(f"/intelligence/profiles/{profile.pk}/csv/")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    hotspot = next(r for r in rows if r and r[0] == "hotspots")
    assert hotspot[2].startswith("Station Hotel")
    assert hotspot[3] == "3"
    saturday = next(r for r in rows if r and r[0] == "Saturday")
    assert saturday[1 + 1] == "1"
    formats = sorted(
        AccessLog.objects.filter(
            action=AuditAction.EXPORT, target_type="intelligence.problemprofile"
        ).values_list("details__format", flat=True)
    )
    assert formats == ["csv", "pdf"]


@pytest.mark.parametrize(
    "outsider", ["sw.sheffield", "hotel.sheffield", "officer.rotherham", "mpc.doncaster"]
)
def test_anyone_who_does_not_see_intelligence_gets_404(profiled, client_for, outsider):
    _world, profile, _hotel = profiled
    client = client_for(outsider)
    for suffix in ("", "pdf/", "csv/"):
        assert client.get(f"/intelligence/profiles/{profile.pk}/{suffix}").status_code == 404
    assert client.post(f"/intelligence/profiles/{profile.pk}/refresh/").status_code == 404
    assert client.get("/intelligence/profiles/").status_code == 403


def test_a_cse_team_member_reads_but_does_not_write_profiles(profiled, client_for):
    _world, profile, _hotel = profiled
    cse = client_for("cse.rotherham")
    assert cse.get(f"/intelligence/profiles/{profile.pk}/").status_code == 200
    assert cse.post(f"/intelligence/profiles/{profile.pk}/refresh/").status_code == 403
    assert cse.post("/intelligence/profiles/", {}).status_code == 403
    assert ProblemProfile.objects.count() == 1


def test_starting_a_profile_from_the_list_page(cast, client_for):
    analyst = client_for("analyst")
    form = analyst.get("/intelligence/profiles/")
    assert form.status_code == 200
    sheffield = District.objects.get(code="sheffield")
    response = analyst.post(
        "/intelligence/profiles/",
        {
            "district": sheffield.pk,
            "period_start_day": "1",
            "period_start_month": "1",
            "period_start_year": "2026",
            "period_end_day": "1",
            "period_end_month": "12",
            "period_end_year": "2025",
            "title": "Backwards",
        },
    )
    assert response.status_code == 200
    assert "The period ends on or after the day it starts" in response.content.decode()
    assert 'value="Backwards"' in response.content.decode()
    assert not ProblemProfile.objects.exists()
    assert Agency.objects.filter(code="hotelwatch-sheffield").exists()
